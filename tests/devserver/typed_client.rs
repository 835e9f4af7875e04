//! The project's own Frontend API client (`clerk_tui::fapi::FapiClient`) against the dev
//! server: what the app does, through the typed models, with no test-side JSON poking.

use std::sync::Arc;

use clerk_tui::fapi::{
    AttemptFirstFactorParams, AttemptSecondFactorParams, CreateSignInParams, FapiClient, FapiError,
    MemoryTokenStore, PrepareFirstFactorParams, SignInStatus, Strategy,
};
use secrecy::SecretString;
use serde_json::Value;

use crate::harness::*;

fn client(server: &TestServer) -> FapiClient {
    FapiClient::with_base_url(server.base_url(), Arc::new(MemoryTokenStore::new()))
        .expect("client for the dev server")
}

#[tokio::test]
async fn fapi_client_signs_in_with_password_and_totp_then_signs_out() {
    let server = start().await;
    let fapi = client(&server);
    let env = fapi.environment().await.expect("environment");
    assert!(env.auth_config.test_mode);
    assert!(fapi.get_client().await.expect("client").is_none());

    let si = fapi
        .create_sign_in(&CreateSignInParams::password(
            "grace@example.com",
            SecretString::from(PASSWORD),
        ))
        .await
        .expect("sign in");
    assert_eq!(si.status, SignInStatus::NeedsSecondFactor);
    assert!(
        si.supported_second_factors
            .iter()
            .any(|f| f.strategy == Strategy::Totp)
    );
    let totp: Value = reqwest::get(format!(
        "{}/__dev/totp/grace@example.com",
        server.base_url()
    ))
    .await
    .expect("totp")
    .json()
    .await
    .expect("json");
    let code = totp["code"].as_str().expect("code").to_string();
    let si = fapi
        .attempt_second_factor(
            &si.id,
            &AttemptSecondFactorParams::totp(SecretString::from(code)),
        )
        .await
        .expect("totp");
    assert_eq!(si.status, SignInStatus::Complete);
    let sid = si.created_session_id.expect("session");

    let token = fapi.create_session_token(&sid, None).await.expect("token");
    assert_eq!(token.jwt.split('.').count(), 3);
    let me = fapi.get_me().await.expect("me");
    assert!(me.totp_enabled && me.two_factor_enabled);
    let c = fapi
        .get_client()
        .await
        .expect("client")
        .expect("a client now");
    assert_eq!(c.last_active_session_id.as_deref(), Some(sid.as_str()));

    let after = fapi
        .remove_client_sessions()
        .await
        .expect("sign out")
        .expect("client");
    assert!(after.sessions.is_empty());
}

#[tokio::test]
async fn fapi_client_email_link_polling_and_error_mapping() {
    let server = start().await;
    let fapi = client(&server);
    let si = fapi
        .create_sign_in(&CreateSignInParams::identifier("hedy@example.com"))
        .await
        .expect("sign in");
    assert_eq!(si.status, SignInStatus::NeedsFirstFactor);
    let link = si
        .supported_first_factors
        .iter()
        .find(|f| f.strategy == Strategy::EmailLink)
        .expect("email link factor");
    let si = fapi
        .prepare_first_factor(&si.id, &PrepareFirstFactorParams::from_factor(link))
        .await
        .expect("prepare");
    let url = outbox_latest(&server, "hedy@example.com").await["link"]
        .as_str()
        .expect("link")
        .to_string();
    assert_eq!(
        fapi.reload_sign_in(&si.id).await.expect("poll").status,
        SignInStatus::NeedsFirstFactor
    );
    reqwest::get(&url).await.expect("open link");
    let done = fapi.reload_sign_in(&si.id).await.expect("poll");
    assert_eq!(done.status, SignInStatus::Complete);

    let other = client(&server);
    let si = other
        .create_sign_in(&CreateSignInParams::identifier("katherine@example.com"))
        .await
        .expect("sign in");
    let factor = si
        .supported_first_factors
        .iter()
        .find(|f| f.strategy == Strategy::EmailCode)
        .expect("email code");
    other
        .prepare_first_factor(&si.id, &PrepareFirstFactorParams::from_factor(factor))
        .await
        .expect("prepare");
    match other
        .attempt_first_factor(
            &si.id,
            &AttemptFirstFactorParams::email_code(SecretString::from("000000")),
        )
        .await
    {
        Err(FapiError::Api(e)) => {
            assert_eq!(e.status, 422);
            assert_eq!(e.errors[0].code, "form_code_incorrect");
        }
        other => panic!("expected form_code_incorrect, got {other:?}"),
    }
    let again = other
        .prepare_first_factor(&si.id, &PrepareFirstFactorParams::from_factor(factor))
        .await;
    match again {
        Err(FapiError::Api(e)) => {
            assert_eq!(e.status, 429);
            assert!(e.retry_after.is_some_and(|d| d.as_secs() >= 1));
        }
        other => panic!("expected a 429 with Retry-After, got {other:?}"),
    }
}
