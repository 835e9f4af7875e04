//! Signed-in life: session JWTs checked against the JWKS, touch/end/remove, sign-out, `/v1/me`,
//! TOTP enrolment and backup codes.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde_json::Value;

use crate::harness::*;

async fn signed_in(
    server: &clerk_tui::devserver::DevServerHandle,
    identifier: &str,
) -> (Fapi, String) {
    let mut fapi = Fapi::new(server);
    let si = fapi.password_sign_in(identifier, PASSWORD).await;
    assert_eq!(si["status"], "complete", "{si:#}");
    (
        fapi,
        si["created_session_id"]
            .as_str()
            .expect("session")
            .to_string(),
    )
}

#[tokio::test]
async fn session_token_verifies_against_the_jwks() {
    let server = start().await;
    let (mut fapi, sid) = signed_in(&server, "ada@example.com").await;
    fapi.origin = Some("http://localhost:5173".into());
    let r = fapi
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await;
    r.ok();
    assert!(r.body.get("response").is_none(), "tokens are not enveloped");
    let jwt = r.body["jwt"].as_str().expect("jwt").to_string();

    let raw: Value = reqwest::get(format!("{}/.well-known/jwks.json", server.base_url()))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("jwks json");
    validate("GET", "/.well-known/jwks.json", 200, &raw);
    let jwks: JwkSet = serde_json::from_value(raw).expect("a JWK set");
    let again: JwkSet = reqwest::get(format!("{}/v1/jwks", server.base_url()))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("jwks json");
    assert_eq!(jwks.keys.len(), 1);
    assert_eq!(again.keys[0].common.key_id, jwks.keys[0].common.key_id);
    let header = decode_header(&jwt).expect("header");
    assert_eq!(header.alg, Algorithm::RS256);
    let kid = header.kid.expect("kid");
    let jwk = jwks.find(&kid).expect("kid is in the JWKS");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[server.base_url()]);
    let claims = decode::<Value>(&jwt, &DecodingKey::from_jwk(jwk).expect("key"), &validation)
        .expect("valid session JWT")
        .claims;
    assert_eq!(claims["sid"], sid.as_str());
    assert!(
        claims["sub"]
            .as_str()
            .is_some_and(|s| s.starts_with("user_"))
    );
    assert_eq!(claims["azp"], "http://localhost:5173");
    assert_eq!(
        claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0),
        60
    );

    let templated = fapi
        .post(
            &format!("/v1/client/sessions/{sid}/tokens/integration"),
            &[],
        )
        .await;
    assert!(templated.ok().body["jwt"].as_str().is_some());

    // A token signed by another key does not verify.
    let mut tampered = jwt.clone();
    tampered.truncate(jwt.len() - 4);
    tampered.push_str("AAAA");
    assert!(
        decode::<Value>(
            &tampered,
            &DecodingKey::from_jwk(jwk).expect("key"),
            &validation
        )
        .is_err()
    );
}

#[tokio::test]
async fn touch_end_remove_and_sign_out() {
    let server = start().await;
    let (mut fapi, ada) = signed_in(&server, "ada@example.com").await;
    // katherine has no password: a password sign-in is not a strategy for her.
    fapi.create_sign_in(&[
        ("identifier", "katherine@example.com"),
        ("password", PASSWORD),
    ])
    .await
    .expect_error(422, "strategy_for_user_invalid");
    let si = fapi
        .create_sign_in(&[
            ("strategy", "password"),
            ("identifier", "grace@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(si.status_of_sign_in(), "needs_second_factor");

    let touched = fapi
        .post(&format!("/v1/client/sessions/{ada}/touch"), &[])
        .await;
    assert_eq!(
        touched.ok().body["client"]["last_active_session_id"],
        ada.as_str()
    );
    let got = fapi.get(&format!("/v1/client/sessions/{ada}")).await;
    assert_eq!(got.ok().response()["status"], "active");

    let ended = fapi
        .post(&format!("/v1/client/sessions/{ada}/end"), &[])
        .await;
    assert_eq!(ended.ok().response()["status"], "ended");
    assert_eq!(
        ended.body["client"]["sessions"].as_array().map(Vec::len),
        Some(0)
    );
    fapi.post(&format!("/v1/client/sessions/{ada}/tokens"), &[])
        .await
        .expect_error(404, "resource_not_found");

    let (mut other, sid) = signed_in(&server, "ada@example.com").await;
    let removed = other
        .post(&format!("/v1/client/sessions/{sid}/remove"), &[])
        .await;
    assert_eq!(removed.ok().response()["status"], "removed");

    // Signing in twice with the same account on one device is refused.
    let (mut twice, _) = signed_in(&server, "ada@example.com").await;
    twice
        .create_sign_in(&[("identifier", "ada@example.com"), ("password", PASSWORD)])
        .await
        .expect_error(422, "identifier_already_signed_in");
    let out = twice.delete("/v1/client/sessions").await;
    assert_eq!(
        out.ok().response()["sessions"].as_array().map(Vec::len),
        Some(0)
    );
    let gone = twice.delete("/v1/client").await;
    gone.ok();
    assert_eq!(gone.body["client"], Value::Null);
}

#[tokio::test]
async fn sessions_expire_with_the_clock() {
    let server = start().await;
    let (mut fapi, sid) = signed_in(&server, "ada@example.com").await;
    shift_clock(&server, 8 * 24 * 3600).await;
    let client = fapi.get("/v1/client").await;
    assert_eq!(
        client.ok().response()["sessions"].as_array().map(Vec::len),
        Some(0)
    );
    let s = fapi.get(&format!("/v1/client/sessions/{sid}")).await;
    assert_eq!(s.ok().response()["status"], "expired");
    fapi.get("/v1/me").await.expect_error(401, "signed_out");
}

#[tokio::test]
async fn me_totp_enrolment_and_backup_codes() {
    let server = start().await;
    let (mut fapi, sid) = signed_in(&server, "ada@example.com").await;
    let me = fapi.get(&format!("/v1/me?_clerk_session_id={sid}")).await;
    assert_eq!(me.ok().response()["totp_enabled"], false);

    let created = fapi.post("/v1/me/totp", &[]).await;
    let totp = created.ok().response().clone();
    let secret = totp["secret"]
        .as_str()
        .expect("secret shown once")
        .to_string();
    assert!(
        totp["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("otpauth://totp/") && u.contains(&secret))
    );
    assert_eq!(totp["verified"], false);
    fapi.post("/v1/me/totp/attempt_verification", &[("code", "000000")])
        .await
        .expect_error(422, "form_code_incorrect");

    let bytes = totp_rs::Secret::try_from_base32(&secret)
        .expect("base32")
        .as_bytes()
        .to_vec();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    let code = totp_rs::Builder::new()
        .with_secret(bytes)
        .build_noncompliant()
        .generate(now)
        .to_string();
    let verified = fapi
        .post("/v1/me/totp/attempt_verification", &[("code", &code)])
        .await;
    let v = verified.ok().response().clone();
    assert_eq!(v["verified"], true);
    assert_eq!(v["secret"], Value::Null);
    let codes: Vec<String> = v["backup_codes"]
        .as_array()
        .expect("backup codes")
        .iter()
        .filter_map(|c| c.as_str().map(String::from))
        .collect();
    assert_eq!(codes.len(), 10);

    let me = fapi.get("/v1/me").await;
    assert_eq!(
        (
            me.response()["totp_enabled"].as_bool(),
            me.response()["two_factor_enabled"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let dev: Value = reqwest::get(format!("{}/__dev/totp/ada@example.com", server.base_url()))
        .await
        .expect("dev totp")
        .json()
        .await
        .expect("json");
    assert_eq!(dev["code"].as_str().map(str::len), Some(6));

    // The next sign-in asks for the second factor; a fresh backup code works.
    let mut device = Fapi::new(&server);
    let si = device.password_sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(si["status"], "needs_second_factor");
    let r = device
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "backup_code"), ("code", &codes[0])],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");

    let regenerated = fapi.post("/v1/me/backup_codes", &[]).await;
    let fresh = regenerated.ok().response()["codes"]
        .as_array()
        .map(Vec::len);
    assert_eq!(fresh, Some(10));
    let mut device = Fapi::new(&server);
    let si = device.password_sign_in("ada@example.com", PASSWORD).await;
    device
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "backup_code"), ("code", &codes[1])],
        )
        .await
        .expect_error(422, "form_code_incorrect");

    let deleted = fapi.delete("/v1/me/totp").await;
    assert_eq!(deleted.ok().response()["deleted"], true);
    assert_eq!(
        fapi.get("/v1/me").await.response()["two_factor_enabled"],
        false
    );
    assert_eq!(
        Fapi::new(&server)
            .password_sign_in("ada@example.com", PASSWORD)
            .await["status"],
        "complete"
    );
}

/// Clerk signs a new JWT (its own `jti`) for every `POST …/tokens`; the emulator's per-second
/// token cache serves client answers only, so two mints in one second still differ.
#[tokio::test]
async fn every_minted_session_token_is_fresh() {
    let server = start().await;
    let (mut fapi, sid) = signed_in(&server, "ada@example.com").await;
    let mut jwts = Vec::new();
    for _ in 0..3 {
        let r = fapi
            .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
            .await;
        r.ok();
        jwts.push(r.body["jwt"].as_str().expect("jwt").to_string());
    }
    assert_ne!(jwts[0], jwts[1], "a second mint returned the same JWT");
    assert_ne!(jwts[1], jwts[2], "a third mint returned the same JWT");
}
