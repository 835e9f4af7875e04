//! What `SignInFuture` decides before any request: which factor a step uses, what it reports
//! before a sign-in exists, and what `reset()` forgets.

use std::sync::Arc;

use secrecy::SecretString;
use serde_json::json;

use super::*;
use crate::fapi::{Client, MemoryTokenStore};

/// A client no request is ever sent to in these tests (port 9 is discard; nothing listens).
fn offline() -> FapiClient {
    FapiClient::with_base_url("http://127.0.0.1:9", Arc::new(MemoryTokenStore::new())).unwrap()
}

fn sign_in(value: serde_json::Value) -> SignIn {
    serde_json::from_value(value).unwrap()
}

fn two_addresses() -> SignIn {
    sign_in(json!({
        "id": "sia_1", "status": "needs_first_factor", "identifier": "b@example.com",
        "supported_first_factors": [
            {"strategy": "email_code", "email_address_id": "idn_a", "safe_identifier": "a@example.com", "primary": true},
            {"strategy": "email_code", "email_address_id": "idn_b", "safe_identifier": "b@example.com"},
            {"strategy": "phone_code", "phone_number_id": "idn_p", "safe_identifier": "+1***0100"}
        ],
        "supported_second_factors": [{"strategy": "totp"}, {"strategy": "phone_code", "phone_number_id": "idn_p2"}]
    }))
}

#[test]
fn a_factor_is_picked_by_id_then_by_the_identifier_typed_then_by_strategy() {
    let future = SignInFuture::from_sign_in(offline(), two_addresses());
    let pick = |id: Option<&str>| {
        future
            .select_first_factor(&Strategy::EmailCode, id, None)
            .unwrap()
            .email_address_id
    };
    assert_eq!(pick(Some("idn_a")).as_deref(), Some("idn_a"));
    // The address the user typed wins over the account's primary one.
    assert_eq!(pick(None).as_deref(), Some("idn_b"));
    assert_eq!(pick(Some("idn_gone")).as_deref(), Some("idn_b"));
    let phone = future
        .select_first_factor(&Strategy::PhoneCode, None, Some("idn_p"))
        .unwrap();
    assert_eq!(phone.phone_number_id.as_deref(), Some("idn_p"));
    let missing = future
        .select_first_factor(&Strategy::EmailLink, None, None)
        .unwrap_err();
    assert_eq!(missing.code(), Some("factor_not_found"));
    let mfa = future.select_second_factor(&Strategy::PhoneCode).unwrap();
    assert_eq!(mfa.phone_number_id.as_deref(), Some("idn_p2"));
    assert!(future.select_second_factor(&Strategy::BackupCode).is_err());
}

#[test]
fn before_a_sign_in_exists_it_needs_an_identifier_and_has_no_id() {
    let future = SignInFuture::new(offline());
    assert_eq!(future.status(), SignInStatus::NeedsIdentifier);
    assert_eq!(future.id(), None);
    assert!(future.supported_first_factors().is_empty());
    let started = SignInFuture::from_sign_in(offline(), two_addresses());
    assert_eq!(started.status(), SignInStatus::NeedsFirstFactor);
    assert_eq!(started.id(), Some("sia_1"));
    assert_eq!(started.identifier(), Some("b@example.com"));
}

#[tokio::test]
async fn steps_that_need_a_sign_in_refuse_without_sending_anything() {
    let mut future = SignInFuture::new(offline());
    let code = || SecretString::from("424242");
    assert!(matches!(
        future.email_code().verify_code(code()).await,
        Err(SignInError::NoSignIn)
    ));
    assert!(matches!(
        future
            .email_code()
            .send_code(EmailCodeSendParams::default())
            .await,
        Err(SignInError::NoSignIn)
    ));
    // An address id names an address of an existing sign-in, even with an address to start one.
    let by_id = EmailCodeSendParams {
        email_address: Some("a@example.com".into()),
        email_address_id: Some("idn_a".into()),
    };
    assert!(matches!(
        future.email_code().send_code(by_id).await,
        Err(SignInError::NoSignIn)
    ));
    assert!(matches!(
        future.reset_password_email_code().send_code().await,
        Err(SignInError::NoSignIn)
    ));
    assert!(matches!(
        future.mfa().verify_totp(code()).await,
        Err(SignInError::NoSignIn)
    ));
    assert!(matches!(
        future.finalize().await,
        Err(SignInError::NoCreatedSession)
    ));
}

#[test]
fn reset_forgets_the_sign_in_here_and_in_the_cached_client() {
    let client = offline();
    let cached: Client = serde_json::from_value(json!({
        "object": "client", "id": "client_1", "sessions": [],
        "sign_in": {"object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor"}
    }))
    .unwrap();
    client.set_cached_client(Some(cached));
    let mut future = SignInFuture::from_client(client.clone());
    assert_eq!(future.id(), Some("sia_1"));
    future.reset();
    assert_eq!(future.id(), None);
    assert_eq!(future.status(), SignInStatus::NeedsIdentifier);
    let kept = client.cached_client().expect("the client itself stays");
    assert_eq!((kept.id.as_str(), kept.sign_in), ("client_1", None));
    assert_eq!(SignInFuture::from_client(client).id(), None);
}

/// The shape clerk-js reads for `existingSession`: a failed first factor whose error is
/// `identifier_already_signed_in` with the session in `meta.session_id`.
#[test]
fn an_identifier_already_signed_in_here_names_the_existing_session() {
    let failed = |code: &str, meta: serde_json::Value| {
        sign_in(json!({
            "object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor",
            "first_factor_verification": {
                "object": "verification_password", "status": "failed", "strategy": "password",
                "attempts": 1, "expire_at": null,
                "error": {"code": code, "message": "You're already signed in.",
                          "long_message": "You're already signed in.", "meta": meta}
            }
        }))
    };
    let future = |s| SignInFuture::from_sign_in(offline(), s);
    let existing = future(failed(
        "identifier_already_signed_in",
        json!({"session_id": "sess_2"}),
    ))
    .existing_session();
    assert_eq!(
        existing,
        Some(ExistingSession {
            session_id: "sess_2".into()
        })
    );
    assert_eq!(
        future(failed("identifier_already_signed_in", json!({}))).existing_session(),
        None
    );
    assert_eq!(
        future(failed(
            "form_password_incorrect",
            json!({"session_id": "sess_2"})
        ))
        .existing_session(),
        None
    );
    assert_eq!(future(two_addresses()).existing_session(), None);
}
