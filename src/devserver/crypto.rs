//! Secrets and signatures: ids, one-time codes, argon2id password hashes, HMAC-signed tokens
//! (client tokens, email-link and ticket tokens) and the RS256 key behind session JWTs.
//!
//! Everything that compares a secret does it in constant time.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use aws_lc_rs::{encoding::AsDer, hmac, rand::SystemRandom, rsa::KeySize};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::errors::DevServerError;
use super::secret::Hidden;
use super::store::Sqlite;

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A Clerk-style id: prefix plus 27 random base62 characters.
pub fn new_id(prefix: &str) -> String {
    let mut rng = rand::rng();
    let tail: String = (0..27)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect();
    format!("{prefix}_{tail}")
}

/// A random 6-digit one-time code.
pub fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// Ten backup codes of 8 lowercase letters and digits (the format Clerk hands out).
pub fn new_backup_codes() -> Vec<String> {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| {
            (0..8)
                .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
                .collect()
        })
        .collect()
}

/// 20 random bytes as base32: a fresh TOTP secret.
pub fn new_totp_secret() -> String {
    let bytes: [u8; 20] = rand::rng().random();
    totp_rs::Secret::from(bytes).to_base32()
}

pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// argon2id with OWASP's Password Storage Cheat Sheet row m=7 MiB, t=5, p=1 (the least memory
/// per hash of its equivalent rows). Fuzz builds hash with the minimum so the routes target
/// runs fast; no normal build can get there.
fn argon2() -> Argon2<'static> {
    #[cfg(not(fuzzing))]
    let params = Params::new(7 * 1024, 5, 1, None);
    #[cfg(fuzzing)]
    let params = Params::new(Params::MIN_M_COST, 1, 1, None);
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        params.unwrap_or_default(),
    )
}

/// Hashes a password with argon2id. Slow on purpose: call it through `hashing.rs`.
pub fn hash_password(password: &str) -> Result<Hidden, DevServerError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| Hidden::new(h.to_string()))
        .map_err(|e| DevServerError::Internal(format!("password hashing failed: {e}")))
}

/// Seed passwords are hashed once per process: every test server and every `/__dev/reset`
/// would otherwise pay argon2 again for the same demo passwords.
pub fn hash_seed_password(password: &str) -> Result<Hidden, DevServerError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Hidden>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(h) = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(password)
    {
        return Ok(h.clone());
    }
    let hash = hash_password(password)?;
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(password.to_string(), hash.clone());
    Ok(hash)
}

/// Verifies a password against its PHC string (whose own parameters apply, so hashes made
/// with earlier parameters still verify); argon2's comparison is constant-time.
pub fn verify_password(password: &str, hash: &Hidden) -> bool {
    PasswordHash::new(hash.expose())
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The instance's signing material, created once and kept in the database.
pub struct Keys {
    hmac: hmac::Key,
    rsa: RsaKeyPair,
    pub kid: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Keys {
    pub fn load_or_create(store: &Sqlite) -> Result<Self, DevServerError> {
        let secret = match store.meta_get("hmac_secret")? {
            Some(s) if s.len() >= 32 => s,
            _ => {
                let s: [u8; 32] = rand::rng().random();
                store.meta_put("hmac_secret", &s)?;
                s.to_vec()
            }
        };
        let rsa = match store.meta_get("rsa_pkcs8")? {
            Some(der) => RsaKeyPair::from_pkcs8(&der)
                .map_err(|e| DevServerError::Internal(format!("stored RSA key unreadable: {e}")))?,
            None => {
                let pair = RsaKeyPair::generate(KeySize::Rsa2048)
                    .map_err(|_| DevServerError::Internal("RSA key generation failed".into()))?;
                let der = pair
                    .as_der()
                    .map_err(|_| DevServerError::Internal("RSA key encoding failed".into()))?;
                store.meta_put("rsa_pkcs8", der.as_ref())?;
                pair
            }
        };
        let digest =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, rsa.public_key().as_ref());
        let kid = format!("ins_{}", b64(&digest.as_ref()[..16]));
        Ok(Self {
            hmac: hmac::Key::new(hmac::HMAC_SHA256, &secret),
            rsa,
            kid,
        })
    }

    /// Keyed hash of a code, so stored codes cannot be read back.
    pub fn mac(&self, purpose: &str, value: &str) -> Hidden {
        let tag = hmac::sign(&self.hmac, format!("{purpose}\u{0}{value}").as_bytes());
        Hidden::new(b64(tag.as_ref()))
    }

    pub fn mac_matches(&self, purpose: &str, value: &str, stored: &Hidden) -> bool {
        ct_eq(self.mac(purpose, value).expose(), stored.expose())
    }

    /// An HS256 JWT over `claims` (client tokens, email links, tickets).
    pub fn sign_hs256(&self, claims: &Value) -> String {
        let head = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
        let body = b64(claims.to_string().as_bytes());
        let input = format!("{head}.{body}");
        let tag = hmac::sign(&self.hmac, input.as_bytes());
        format!("{input}.{}", b64(tag.as_ref()))
    }

    /// The claims of an HS256 JWT this instance signed, or None for anything else.
    pub fn verify_hs256(&self, token: &str) -> Option<Value> {
        let mut parts = token.split('.');
        let (head, body, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        hmac::verify(&self.hmac, format!("{head}.{body}").as_bytes(), &sig).ok()?;
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(head).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "HS256" {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
    }

    /// An RS256 JWT with this instance's `kid` (session tokens).
    pub fn sign_rs256(&self, claims: &Value) -> Result<String, DevServerError> {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let mut sig = vec![0u8; self.rsa.public_modulus_len()];
        self.rsa
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| DevServerError::Internal("RS256 signing failed".into()))?;
        Ok(format!("{input}.{}", b64(&sig)))
    }

    /// The public half as a JSON Web Key Set.
    pub fn jwks(&self) -> Value {
        let public = self.rsa.public_key();
        json!({"keys": [{
            "use": "sig",
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "n": b64(public.modulus().big_endian_without_leading_zero()),
            "e": b64(public.exponent().big_endian_without_leading_zero()),
        }]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devserver::store::{DbLocation, Sqlite};

    #[test]
    fn hs256_tokens_round_trip_and_reject_tampering() {
        let store = Sqlite::open(&DbLocation::Ephemeral).expect("store");
        let keys = Keys::load_or_create(&store).expect("keys");
        let token = keys.sign_hs256(&json!({"id": "client_1"}));
        assert_eq!(
            keys.verify_hs256(&token)
                .and_then(|c| c["id"].as_str().map(String::from)),
            Some("client_1".into())
        );
        let mut forged = token.clone();
        forged.pop();
        forged.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(keys.verify_hs256(&forged).is_none());
        assert!(keys.verify_hs256("not.a.jwt").is_none());
        assert!(keys.verify_hs256("").is_none());
    }

    #[test]
    fn keys_survive_reopening_the_store() {
        let store = Sqlite::open(&DbLocation::Ephemeral).expect("store");
        let a = Keys::load_or_create(&store).expect("keys");
        let b = Keys::load_or_create(&store).expect("keys");
        assert_eq!(a.kid, b.kid);
        assert_eq!(a.mac("code", "123456"), b.mac("code", "123456"));
    }

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.expose().starts_with("$argon2id$v=19$m=7168,t=5,p=1$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct hors", &hash));
        assert!(!verify_password("x", &Hidden::new("garbage")));
    }
}
