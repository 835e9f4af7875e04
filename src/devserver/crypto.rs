//! Secrets and signatures: ids, one-time codes, argon2id password hashes, HMAC-signed tokens
//! (client tokens, email-link and ticket tokens) and the RS256 key behind session JWTs.
//!
//! Everything that compares a secret does it in constant time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

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
use super::store::{DbLocation, Sqlite};

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A Clerk-style id: prefix plus 27 random base62 characters.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_alnum(27))
}

/// `len` random base62 characters (about 5.95 bits each).
pub fn random_alnum(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
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

/// The built-in seed's password (`assets/seed.toml`) hashed ahead of time with `argon2()`'s
/// parameters, so a first-ever start computes no argon2 at all. The demo password is public,
/// and so may its hash be; a test checks it still verifies and has today's parameters.
const PRECOMPUTED_SEED_HASHES: &[(&str, &str)] = &[(
    "clerk-demo-password",
    "$argon2id$v=19$m=7168,t=5,p=1$mG+0nzRQkrHjdPmgI/72kA$Lib2TxAp5uqtB17oW47QncwF0cMZAgaViO0z16Y0i/A",
)];

/// Seed passwords are hashed once per process (or not at all, for the built-in seed's): every
/// test server and every `/__dev/reset` would otherwise pay argon2 again for them.
pub fn hash_seed_password(password: &str) -> Result<Hidden, DevServerError> {
    #[cfg(not(fuzzing))]
    if let Some((_, hash)) = PRECOMPUTED_SEED_HASHES.iter().find(|(p, _)| *p == password) {
        return Ok(Hidden::new(*hash));
    }
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
    rsa: Arc<RsaSlot>,
}

/// The RSA key pair and its `kid`, or why it could not be made. A new instance generates it on
/// a background thread (about a second of CPU on a slow machine), so a first-ever start does
/// not wait for it; the first signature or JWKS waits for it instead.
type RsaReady = Result<(RsaKeyPair, String), String>;

#[derive(Default)]
struct RsaSlot {
    ready: OnceLock<RsaReady>,
}

/// Sets an error if the generating thread ends without a key, so no signer waits forever.
struct FillOnExit(Arc<RsaSlot>);

impl Drop for FillOnExit {
    fn drop(&mut self) {
        let _ = self
            .0
            .ready
            .set(Err("RSA key generation did not finish".into()));
    }
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").finish_non_exhaustive()
    }
}

fn with_kid(rsa: RsaKeyPair) -> (RsaKeyPair, String) {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, rsa.public_key().as_ref());
    let kid = format!("ins_{}", b64(&digest.as_ref()[..16]));
    (rsa, kid)
}

fn generate_rsa() -> Result<(RsaKeyPair, Vec<u8>), String> {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| "RSA key generation failed".to_string())?;
    let der = pair
        .as_der()
        .map_err(|_| "RSA key encoding failed".to_string())?
        .as_ref()
        .to_vec();
    Ok((pair, der))
}

impl Keys {
    /// The stored keys, or new ones. A missing RSA key is generated in the background; in a
    /// database file it is stored before anything can sign with it, so no token outlives its
    /// key across a restart.
    pub fn load_or_create(store: &Sqlite) -> Result<Self, DevServerError> {
        let secret = match store.meta_get("hmac_secret")? {
            Some(s) if s.len() >= 32 => s,
            _ => {
                let s: [u8; 32] = rand::rng().random();
                store.meta_put("hmac_secret", &s)?;
                s.to_vec()
            }
        };
        let slot = Arc::new(RsaSlot::default());
        if let Some(der) = store.meta_get("rsa_pkcs8")? {
            let pair = RsaKeyPair::from_pkcs8(&der)
                .map_err(|e| DevServerError::Internal(format!("stored RSA key unreadable: {e}")))?;
            let _ = slot.ready.set(Ok(with_kid(pair)));
        } else {
            let location = store.location().clone();
            let fill = FillOnExit(Arc::clone(&slot));
            std::thread::Builder::new()
                .name("devserver-rsa".into())
                .spawn(move || {
                    let ready = generate_rsa().and_then(|(pair, der)| {
                        // Its own connection: the server's is behind the state lock. An
                        // in-memory database is gone with the process, and the key with it.
                        if let DbLocation::File(_) = location {
                            Sqlite::open(&location)
                                .and_then(|db| db.meta_put("rsa_pkcs8", &der))
                                .map_err(|e| e.to_string())?;
                        }
                        Ok(with_kid(pair))
                    });
                    let _ = fill.0.ready.set(ready);
                })
                .map_err(|e| DevServerError::Internal(format!("RSA key thread: {e}")))?;
        }
        Ok(Self {
            hmac: hmac::Key::new(hmac::HMAC_SHA256, &secret),
            rsa: slot,
        })
    }

    /// The RSA pair and its `kid`, waiting for a background generation to finish.
    fn rsa(&self) -> Result<&(RsaKeyPair, String), DevServerError> {
        self.rsa
            .ready
            .wait()
            .as_ref()
            .map_err(|e| DevServerError::Internal(e.clone()))
    }

    /// The key id session JWTs carry in their header.
    #[cfg(test)]
    pub fn kid(&self) -> Result<&str, DevServerError> {
        Ok(&self.rsa()?.1)
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
        let (rsa, kid) = self.rsa()?;
        let header = json!({"alg": "RS256", "kid": kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let mut sig = vec![0u8; rsa.public_modulus_len()];
        rsa.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut sig,
        )
        .map_err(|_| DevServerError::Internal("RS256 signing failed".into()))?;
        Ok(format!("{input}.{}", b64(&sig)))
    }

    /// The public half as a JSON Web Key Set.
    pub fn jwks(&self) -> Result<Value, DevServerError> {
        let (rsa, kid) = self.rsa()?;
        let public = rsa.public_key();
        Ok(json!({"keys": [{
            "use": "sig",
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "n": b64(public.modulus().big_endian_without_leading_zero()),
            "e": b64(public.exponent().big_endian_without_leading_zero()),
        }]}))
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
        let dir = tempfile::tempdir().expect("tempdir");
        let location = DbLocation::File(dir.path().join("db.sqlite3"));
        let store = Sqlite::open(&location).expect("store");
        let a = Keys::load_or_create(&store).expect("keys");
        let jwt = a.sign_rs256(&json!({"sub": "user_1"})).expect("signed");
        // The signature's key is already stored: a restart reads the same one.
        let reopened = Sqlite::open(&location).expect("reopen");
        let b = Keys::load_or_create(&reopened).expect("keys");
        assert_eq!(a.kid().expect("kid"), b.kid().expect("kid"));
        assert_eq!(a.jwks().expect("jwks"), b.jwks().expect("jwks"));
        assert_eq!(a.mac("code", "123456"), b.mac("code", "123456"));
        assert_eq!(jwt.split('.').count(), 3);
    }

    #[test]
    fn precomputed_seed_hashes_verify_with_todays_parameters() {
        let fresh = hash_password("x").expect("hash");
        let params = |h: &str| h.split('$').nth(3).map(str::to_string);
        for (password, hash) in PRECOMPUTED_SEED_HASHES {
            let hash = Hidden::new(*hash);
            assert_eq!(params(hash.expose()), params(fresh.expose()), "{password}");
            assert!(verify_password(password, &hash), "{password}");
            assert!(!verify_password("clerk-demo-passwor", &hash));
        }
        let seed = std::fs::read_to_string("assets/seed.toml").expect("seed");
        assert!(seed.contains("password = \"clerk-demo-password\""));
    }

    #[test]
    #[ignore = "prints a PHC string for PRECOMPUTED_SEED_HASHES"]
    fn print_a_seed_hash() {
        println!(
            "{}",
            hash_password("clerk-demo-password").expect("hash").expose()
        );
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
