//! Every sign-in flow again, through the project's own `FapiClient` and its typed models (what
//! the app itself sends): SMS and backup codes as second factors (the backup code is spent),
//! email code, password resets by email and by phone, client trust, Clerk test mode, tickets.

use std::sync::Arc;

use clerk_tui::fapi::{
    AttemptFirstFactorParams, AttemptSecondFactorParams, CreateSignInParams, FapiClient, FapiError,
    MemoryTokenStore, PrepareFirstFactorParams, PrepareSecondFactorParams, ResetPasswordParams,
    SignIn, SignInStatus, Strategy,
};
use secrecy::SecretString;
use serde_json::json;

use crate::harness::*;

fn client(server: &TestServer) -> FapiClient {
    FapiClient::with_base_url(server.base_url(), Arc::new(MemoryTokenStore::new()))
        .expect("client for the dev server")
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

async fn code_for(server: &TestServer, to: &str) -> String {
    outbox_latest(server, to).await["code"]
        .as_str()
        .expect("a code in the outbox")
        .to_string()
}

fn complete(si: &SignIn) -> String {
    assert_eq!(si.status, SignInStatus::Complete, "{si:?}");
    si.created_session_id.clone().expect("a session")
}

async fn password(fapi: &FapiClient, identifier: &str) -> SignIn {
    fapi.create_sign_in(&CreateSignInParams::password(identifier, secret(PASSWORD)))
        .await
        .expect("password accepted")
}

#[tokio::test]
async fn sms_second_factor() {
    let server = start().await;
    let fapi = client(&server);
    let si = password(&fapi, "alan@example.com").await;
    assert_eq!(si.status, SignInStatus::NeedsSecondFactor);
    let factor = si
        .second_factor(&Strategy::PhoneCode)
        .expect("SMS offered")
        .clone();
    let si = fapi
        .prepare_second_factor(&si.id, &PrepareSecondFactorParams::from_factor(&factor))
        .await
        .expect("SMS sent");
    let code = code_for(&server, "+14155552671").await;
    let si = fapi
        .attempt_second_factor(
            &si.id,
            &AttemptSecondFactorParams::phone_code(secret(&code)),
        )
        .await
        .expect("SMS code accepted");
    complete(&si);
}

#[tokio::test]
async fn backup_code_works_once() {
    let server = start().await;
    let fapi = client(&server);
    let si = password(&fapi, "barbara@example.com").await;
    let si = fapi
        .attempt_second_factor(
            &si.id,
            &AttemptSecondFactorParams::backup_code(secret("backup03")),
        )
        .await
        .expect("backup code accepted");
    complete(&si);

    let again = client(&server);
    let si = password(&again, "barbara@example.com").await;
    let err = again
        .attempt_second_factor(
            &si.id,
            &AttemptSecondFactorParams::backup_code(secret("backup03")),
        )
        .await
        .expect_err("a spent backup code is refused");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
}

#[tokio::test]
async fn email_code_first_factor() {
    let server = start().await;
    let fapi = client(&server);
    let si = fapi
        .create_sign_in(&CreateSignInParams::identifier("katherine@example.com"))
        .await
        .expect("identifier");
    assert_eq!(si.status, SignInStatus::NeedsFirstFactor);
    let factor = si
        .first_factor(&Strategy::EmailCode)
        .expect("email code")
        .clone();
    let si = fapi
        .prepare_first_factor(&si.id, &PrepareFirstFactorParams::from_factor(&factor))
        .await
        .expect("code sent");
    let code = code_for(&server, "katherine@example.com").await;
    let si = fapi
        .attempt_first_factor(&si.id, &AttemptFirstFactorParams::email_code(secret(&code)))
        .await
        .expect("code accepted");
    complete(&si);
}

async fn reset(server: &TestServer, strategy: Strategy, to: &str) {
    let fapi = client(server);
    let si = fapi
        .create_sign_in(&CreateSignInParams::identifier("edsger@example.com"))
        .await
        .expect("identifier");
    let factor = si.first_factor(&strategy).expect("reset offered").clone();
    let si = fapi
        .prepare_first_factor(&si.id, &PrepareFirstFactorParams::from_factor(&factor))
        .await
        .expect("reset code sent");
    let code = code_for(server, to).await;
    let si = fapi
        .attempt_first_factor(
            &si.id,
            &AttemptFirstFactorParams::code(strategy, secret(&code)),
        )
        .await
        .expect("reset code accepted");
    assert_eq!(si.status, SignInStatus::NeedsNewPassword);
    let si = fapi
        .reset_password(
            &si.id,
            &ResetPasswordParams::new(secret("A-new-passw0rd!"), Some(true)),
        )
        .await
        .expect("new password set");
    complete(&si);
    // The new password works from another device.
    let other = client(server);
    let si = other
        .create_sign_in(&CreateSignInParams::password(
            "edsger@example.com",
            secret("A-new-passw0rd!"),
        ))
        .await
        .expect("new password accepted");
    complete(&si);
}

#[tokio::test]
async fn password_reset_by_email() {
    let server = start().await;
    reset(
        &server,
        Strategy::ResetPasswordEmailCode,
        "edsger@example.com",
    )
    .await;
}

#[tokio::test]
async fn password_reset_by_phone() {
    let server = start().await;
    reset(&server, Strategy::ResetPasswordPhoneCode, "+14155552673").await;
}

#[tokio::test]
async fn client_trust_on_a_new_device() {
    let server = start().await;
    let fapi = client(&server);
    let si = password(&fapi, "donald@example.com").await;
    assert_eq!(si.status, SignInStatus::NeedsClientTrust);
    let factor = si
        .second_factor(&Strategy::EmailCode)
        .expect("email code")
        .clone();
    let si = fapi
        .prepare_second_factor(&si.id, &PrepareSecondFactorParams::from_factor(&factor))
        .await
        .expect("code sent");
    let code = code_for(&server, "donald@example.com").await;
    let si = fapi
        .attempt_second_factor(
            &si.id,
            &AttemptSecondFactorParams::email_code(secret(&code)),
        )
        .await
        .expect("code accepted");
    complete(&si);
}

#[tokio::test]
async fn clerk_test_mode_accepts_424242_and_sends_nothing() {
    let server = start().await;
    let fapi = client(&server);
    let si = fapi
        .create_sign_in(&CreateSignInParams::identifier("+15555550100"))
        .await
        .expect("identifier");
    let factor = si
        .first_factor(&Strategy::PhoneCode)
        .expect("phone code")
        .clone();
    let si = fapi
        .prepare_first_factor(&si.id, &PrepareFirstFactorParams::from_factor(&factor))
        .await
        .expect("prepared");
    assert_eq!(
        outbox_count(&server, "+15555550100").await,
        0,
        "nothing is sent"
    );
    let wrong = fapi
        .attempt_first_factor(
            &si.id,
            &AttemptFirstFactorParams::phone_code(secret("123456")),
        )
        .await;
    assert!(matches!(wrong, Err(FapiError::Api(_))), "only 424242 works");
    let si = fapi
        .attempt_first_factor(
            &si.id,
            &AttemptFirstFactorParams::phone_code(secret("424242")),
        )
        .await
        .expect("424242 accepted");
    complete(&si);
}

#[tokio::test]
async fn ticket_signs_in_once() {
    let server = start().await;
    let (status, ticket) = dev_post(
        &server,
        "/__dev/sign_in_tokens",
        json!({"identifier": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let token = ticket["token"].as_str().expect("a ticket").to_string();
    let fapi = client(&server);
    let si = fapi
        .create_sign_in(&CreateSignInParams::ticket(secret(&token)))
        .await
        .expect("ticket accepted");
    complete(&si);
    let again = client(&server);
    let err = again
        .create_sign_in(&CreateSignInParams::ticket(secret(&token)))
        .await
        .expect_err("a ticket works once");
    assert!(
        err.status().is_some_and(|s| (400..500).contains(&s)),
        "{err}"
    );
}
