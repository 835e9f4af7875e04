//! Forged session tokens against the client's verification (the signed-in screen's "verify"
//! checks the token against the instance's JWKS). These held before; the tests keep them held:
//! `alg: none`, another RSA key under the instance's `kid`, a token from another instance
//! with its `kid` swapped, and HS256 keyed with the public key.

use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use clerk_tui::app::effects::execute;
use clerk_tui::app::{Call, Reply};
use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};
use clerk_tui::fapi::{CreateSignInParams, FapiClient, MemoryTokenStore, SignInStatus};
use secrecy::SecretString;
use serde_json::{Value, json};

async fn server() -> DevServerHandle {
    DevServer::start(DevServerConfig::default())
        .await
        .expect("dev server")
}

fn client(server: &DevServerHandle) -> FapiClient {
    FapiClient::with_base_url(server.base_url(), Arc::new(MemoryTokenStore::new())).expect("client")
}

/// Signs ada in and mints a real session token.
async fn real_token(client: &FapiClient) -> String {
    let params = CreateSignInParams::password(
        "ada@example.com",
        SecretString::from("clerk-demo-password".to_string()),
    );
    let sign_in = client.create_sign_in(&params).await.expect("sign-in");
    assert_eq!(sign_in.status, SignInStatus::Complete);
    let session_id = sign_in.created_session_id.expect("a session");
    match execute(client, Call::MintToken { session_id }, None).await {
        Reply::Token(Ok(jwt)) => jwt,
        other => panic!("mint: {other:?}"),
    }
}

async fn verify(client: &FapiClient, jwt: &str) -> Result<(), String> {
    let call = Call::VerifyToken {
        jwt: jwt.to_string(),
    };
    match execute(client, call, None).await {
        Reply::TokenCheck(check) => check.outcome,
        other => panic!("verify: {other:?}"),
    }
}

fn part(value: &Value) -> String {
    B64.encode(value.to_string())
}

fn decode(segment: &str) -> Value {
    serde_json::from_slice(&B64.decode(segment).expect("base64url")).expect("JSON")
}

fn rs256(pair: &RsaKeyPair, header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", part(header), part(claims));
    let mut sig = vec![0u8; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .expect("signed");
    format!("{input}.{}", B64.encode(sig))
}

fn hs256(secret: &[u8], header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", part(header), part(claims));
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", B64.encode(tag.as_ref()))
}

/// PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`: the
/// bytes the classic RS256-to-HS256 confusion uses as the HMAC secret.
fn rsa_public_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    fn len(n: usize) -> Vec<u8> {
        match n {
            0..=127 => vec![n as u8],
            128..=255 => vec![0x81, n as u8],
            _ => vec![0x82, (n >> 8) as u8, n as u8],
        }
    }
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        out.extend(len(body.len()));
        out.extend_from_slice(body);
        out
    }
    let int = |bytes: &[u8]| {
        let mut body = Vec::new();
        if bytes.first().is_some_and(|b| b & 0x80 != 0) {
            body.push(0);
        }
        body.extend_from_slice(bytes);
        tlv(0x02, &body)
    };
    let mut seq = int(n);
    seq.extend(int(e));
    tlv(0x30, &seq)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_session_tokens_never_verify() {
    let a = server().await;
    let b = server().await;
    let (client_a, client_b) = (client(&a), client(&b));
    let jwt = real_token(&client_a).await;
    assert_eq!(
        verify(&client_a, &jwt).await,
        Ok(()),
        "the real token verifies"
    );

    let parts: Vec<&str> = jwt.split('.').collect();
    let header = decode(parts[0]);
    let kid = header["kid"].as_str().expect("a kid").to_string();
    let mut claims = decode(parts[1]);
    claims["sub"] = json!("user_eve");

    let mut forged = Vec::new();
    // alg none, with no signature and with the real one.
    let none = json!({"alg": "none", "kid": kid, "typ": "JWT"});
    forged.push(("alg none", format!("{}.{}.", part(&none), part(&claims))));
    forged.push((
        "alg none, real signature",
        format!("{}.{}.{}", part(&none), part(&claims), parts[2]),
    ));
    // Another RSA key, under the instance's kid.
    let eve = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("a key");
    forged.push(("another key, same kid", rs256(&eve, &header, &claims)));
    // HS256 keyed with what is public: the JWKS entry and the modulus.
    let jwks: Value = reqwest::get(format!("{}/.well-known/jwks.json", a.base_url()))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("JSON");
    let jwk = &jwks["keys"][0];
    let hs = json!({"alg": "HS256", "kid": kid, "typ": "JWT"});
    forged.push((
        "HS256, JWK as secret",
        hs256(jwk.to_string().as_bytes(), &hs, &claims),
    ));
    let modulus = B64.decode(jwk["n"].as_str().expect("n")).expect("n");
    forged.push(("HS256, modulus as secret", hs256(&modulus, &hs, &claims)));
    let exponent = B64.decode(jwk["e"].as_str().expect("e")).expect("e");
    let der = rsa_public_key_der(&modulus, &exponent);
    // It is the instance's key: the real token's signature checks with it.
    aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        &der,
    )
    .verify(
        format!("{}.{}", parts[0], parts[1]).as_bytes(),
        &B64.decode(parts[2]).expect("signature"),
    )
    .expect("the DER is the instance's public key");
    forged.push(("HS256, public key DER as secret", hs256(&der, &hs, &claims)));
    // The real claims under the real signature, but the header's kid points elsewhere.
    let mut swapped = header.clone();
    swapped["kid"] = json!("ins_eve");
    forged.push((
        "kid swapped to an unknown key",
        format!("{}.{}.{}", part(&swapped), parts[1], parts[2]),
    ));
    for (name, token) in &forged {
        let outcome = verify(&client_a, token).await;
        assert!(outcome.is_err(), "{name} verified: {outcome:?}");
    }

    // Instance A's genuine token shown to instance B: its kid is not B's; with the kid
    // swapped to B's, A's signature does not match B's key.
    assert!(
        verify(&client_b, &jwt).await.is_err(),
        "another instance's token"
    );
    let b_token = real_token(&client_b).await;
    let b_kid = decode(b_token.split('.').next().expect("header"))["kid"].clone();
    let mut to_b = header.clone();
    to_b["kid"] = b_kid;
    let swapped = format!("{}.{}.{}", part(&to_b), parts[1], parts[2]);
    let outcome = verify(&client_b, &swapped).await;
    assert!(outcome.is_err(), "kid swap across instances verified");
}
