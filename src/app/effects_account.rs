//! Runs the signed-in screen's calls: `/v1/me` (TOTP, backup codes, the user), `touch`,
//! the session token's signature checked against the Frontend API's JWKS, and the embedded
//! emulator's `/__dev/` demo helpers. Called from `effects::execute`, one function a call.

use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::SecretString;
use serde_json::Value;

use crate::fapi::{FapiClient, FapiError, TouchSessionParams};

use super::{DemoCode, Failure, FailureKind, Reply, TokenCheck};

/// How long the JWKS and the demo endpoints may take (both are small, usually local).
const SIDE_TIMEOUT: Duration = Duration::from_secs(10);

/// `/v1/me` acts for the session the screen shows, not whichever was last active.
fn me(client: &FapiClient, session_id: String) {
    client.set_active_session_id(Some(session_id));
}

fn fail(e: FapiError) -> Failure {
    Failure::from(&e)
}

pub(super) async fn create_totp(client: &FapiClient, session_id: String) -> Reply {
    me(client, session_id);
    Reply::Totp(client.create_totp().await.map(Box::new).map_err(fail))
}

pub(super) async fn verify_totp(
    client: &FapiClient,
    session_id: String,
    code: &SecretString,
) -> Reply {
    me(client, session_id);
    let r = client.attempt_totp_verification(code).await;
    Reply::Totp(r.map(Box::new).map_err(fail))
}

pub(super) async fn delete_totp(client: &FapiClient, session_id: String) -> Reply {
    me(client, session_id);
    Reply::TotpRemoved(client.delete_totp().await.map(|_| ()).map_err(fail))
}

pub(super) async fn create_backup_codes(client: &FapiClient, session_id: String) -> Reply {
    me(client, session_id);
    let r = client.create_backup_codes().await;
    Reply::BackupCodes(r.map(Box::new).map_err(fail))
}

pub(super) async fn load_user(client: &FapiClient, session_id: String) -> Reply {
    me(client, session_id);
    Reply::User(client.get_me().await.map(Box::new).map_err(fail))
}

pub(super) async fn touch(client: &FapiClient, session_id: String) -> Reply {
    let params = TouchSessionParams {
        active_organization_id: None,
        intent: Some("select_session".to_string()),
    };
    let r = client.touch_session(&session_id, &params).await;
    if r.is_ok() {
        client.set_active_session_id(Some(session_id));
    }
    Reply::Touched(
        r.map(|_| client.cached_client().map(Box::new))
            .map_err(fail),
    )
}

pub(super) async fn check_token(client: &FapiClient, jwt: &str) -> Reply {
    let base = client.base_url().as_str().trim_end_matches('/').to_string();
    Reply::TokenCheck(verify_token(&base, jwt).await)
}

/// The embedded emulator's `GET /__dev/totp/{user_id}`.
pub(super) async fn demo_totp(base_url: &str, user_id: &str) -> Reply {
    let url = format!(
        "{}/__dev/totp/{}",
        base_url.trim_end_matches('/'),
        url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect::<String>()
    );
    let r = dev_json(reqwest::Method::GET, &url, None)
        .await
        .and_then(|v| {
            let code = v.get("code").and_then(Value::as_str);
            let left = v.get("seconds_left").and_then(Value::as_i64);
            match (code, left) {
                (Some(code), Some(seconds_left)) => Ok(DemoCode {
                    code: SecretString::from(code.to_string()),
                    seconds_left,
                }),
                _ => Err(bad_answer("the demo code")),
            }
        });
    Reply::DemoTotp(r)
}

/// The embedded emulator's `POST /__dev/clock {"shift_seconds": …}`.
pub(super) async fn shift_clock(base_url: &str, seconds: i64) -> Reply {
    let url = format!("{}/__dev/clock", base_url.trim_end_matches('/'));
    let body = serde_json::json!({ "shift_seconds": seconds });
    let r = dev_json(reqwest::Method::POST, &url, Some(body))
        .await
        .and_then(|v| {
            v.get("offset_ms")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad_answer("the clock"))
        });
    Reply::Clock(r)
}

fn bad_answer(what: &str) -> Failure {
    Failure {
        kind: FailureKind::BadResponse,
        message: format!("The emulator's answer about {what} could not be read."),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    }
}

fn http() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .timeout(SIDE_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Failure {
            kind: FailureKind::Setup,
            message: format!("Cannot set up HTTP: {e}"),
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        })
}

/// One JSON request to the emulator's `/__dev/` endpoints (or the JWKS).
async fn dev_json(
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, Failure> {
    let network = |e: reqwest::Error| Failure {
        kind: if e.is_timeout() {
            FailureKind::Timeout
        } else {
            FailureKind::Network
        },
        message: format!("Could not reach {url}: {e}"),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    };
    let mut request = http()?.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.map_err(network)?;
    let status = response.status();
    let bad = |why: &str| Failure {
        kind: FailureKind::BadResponse,
        message: format!("{url} {why} (HTTP {status})."),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    };
    let body = match crate::fapi::read_capped(response, crate::fapi::MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(crate::fapi::BodyError::TooLarge { .. }) => {
            return Err(bad("answered with more than 4 MiB"));
        }
        Err(crate::fapi::BodyError::Transport(e)) => return Err(network(e)),
    };
    let value: Value =
        serde_json::from_slice(&body).map_err(|_| bad("did not answer with JSON"))?;
    if !status.is_success() {
        let message = value
            .pointer("/errors/0/long_message")
            .or_else(|| value.pointer("/errors/0/message"))
            .and_then(Value::as_str)
            .unwrap_or("The request was refused.")
            .to_string();
        let code = value
            .pointer("/errors/0/code")
            .and_then(Value::as_str)
            .unwrap_or("unknown_error")
            .to_string();
        return Err(Failure {
            kind: FailureKind::Api {
                status: status.as_u16(),
                code,
            },
            message,
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        });
    }
    Ok(value)
}

/// Checks the token's RS256 signature with the key its `kid` names in
/// `{base}/.well-known/jwks.json`, and that it was issued by this Frontend API. Expiry is not
/// judged here: the screen counts it down in server time.
pub(crate) async fn verify_token(base: &str, jwt: &str) -> TokenCheck {
    let signature = jwt.rsplit('.').next().unwrap_or_default().to_string();
    let header = match jsonwebtoken::decode_header(jwt) {
        Ok(h) => h,
        Err(e) => {
            return TokenCheck {
                signature,
                kid: None,
                outcome: Err(format!("its header cannot be read ({e})")),
            };
        }
    };
    let kid = header.kid.clone();
    let outcome = check_signature(base, jwt, kid.as_deref()).await;
    TokenCheck {
        signature,
        kid,
        outcome,
    }
}

async fn check_signature(base: &str, jwt: &str, kid: Option<&str>) -> Result<(), String> {
    let kid = kid.ok_or("the token names no key (kid)")?;
    let url = format!("{base}/.well-known/jwks.json");
    let jwks = dev_json(reqwest::Method::GET, &url, None)
        .await
        .map_err(|f| format!("the JWKS could not be fetched ({})", f.message))?;
    let jwks: JwkSet =
        serde_json::from_value(jwks).map_err(|e| format!("the JWKS cannot be read ({e})"))?;
    let jwk = jwks
        .find(kid)
        .ok_or_else(|| format!("the JWKS has no key {kid}"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("key {kid} cannot be used ({e})"))?;
    // Clerk signs session tokens with RS256; accepting the header's own `alg` would let a
    // forged token choose how it is checked.
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .map_err(|e| format!("the signature does not match key {kid} ({e})"))?;
    match data.claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss.trim_end_matches('/') == base => Ok(()),
        Some(iss) => Err(format!(
            "the signature is valid, but it was issued by {iss}, not {base}"
        )),
        None => Err("the signature is valid, but the token names no issuer".to_string()),
    }
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod tests;
