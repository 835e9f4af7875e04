//! First factors: password, email and phone codes, and resetting a forgotten password.

use clerk_tui::fapi::{CreateSignInParams, SessionStatus, SignInStatus};
use clerk_tui::sign_in::{EmailCodeSendParams, PasswordParams, PhoneCodeSendParams, SignInError};

use crate::{PASSWORD, assert_signed_in, assert_status, code, future, secret, server};

#[tokio::test]
async fn password_then_finalize_makes_the_session_active() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .password(PasswordParams::new("ada@example.com", secret(PASSWORD)))
        .await
        .expect("password accepted");
    assert_status(&sign_in, SignInStatus::Complete);
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "ada@example.com").await;
}

#[tokio::test]
async fn a_wrong_password_is_clerks_error_and_the_sign_in_is_unchanged() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .create(&CreateSignInParams::identifier("ada@example.com"))
        .await
        .expect("identifier");
    let before = sign_in.resource().clone();
    let err = sign_in
        .password(PasswordParams {
            identifier: None,
            password: secret("not-her-password"),
        })
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Some("form_password_incorrect"), "{err}");
    assert_eq!(err.clerk().map(|c| c.status), Some(422));
    assert_eq!(sign_in.resource(), &before);
    // The identifier given at create is reused when `password` names none.
    sign_in
        .password(PasswordParams {
            identifier: None,
            password: secret(PASSWORD),
        })
        .await
        .expect("the right password still works");
    assert_status(&sign_in, SignInStatus::Complete);
}

#[tokio::test]
async fn email_code_wrong_then_right() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .email_code()
        .send_code(EmailCodeSendParams::email_address("katherine@example.com"))
        .await
        .expect("code sent");
    assert_status(&sign_in, SignInStatus::NeedsFirstFactor);
    let err = sign_in
        .email_code()
        .verify_code(secret("000000"))
        .await
        .expect_err("a wrong code");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
    let right = code(&server, "katherine@example.com").await;
    sign_in.email_code().verify_code(right).await.expect("ok");
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "katherine@example.com").await;
}

#[tokio::test]
async fn phone_code_first_factor() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .phone_code()
        .send_code(PhoneCodeSendParams::phone_number("+14155552672"))
        .await
        .expect("SMS sent");
    let err = sign_in
        .phone_code()
        .verify_code(secret("999999"))
        .await
        .expect_err("a wrong code");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
    let right = code(&server, "+14155552672").await;
    sign_in.phone_code().verify_code(right).await.expect("ok");
    assert_status(&sign_in, SignInStatus::Complete);
}

#[tokio::test]
async fn a_factor_the_sign_in_does_not_offer_is_refused_before_any_request() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .create(&CreateSignInParams::identifier("ada@example.com"))
        .await
        .expect("identifier");
    let err = sign_in
        .phone_code()
        .send_code(PhoneCodeSendParams::default())
        .await
        .expect_err("ada has no phone");
    assert!(matches!(err, SignInError::FactorNotFound { .. }), "{err}");
    assert_eq!(err.code(), Some("factor_not_found"));
}

#[tokio::test]
async fn reset_password_by_email_code_then_submit_password() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .create(&CreateSignInParams::identifier("edsger@example.com"))
        .await
        .expect("identifier");
    sign_in
        .reset_password_email_code()
        .send_code()
        .await
        .expect("reset code sent");
    let err = sign_in
        .reset_password_email_code()
        .verify_code(secret("111111"))
        .await
        .expect_err("a wrong code");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
    let right = code(&server, "edsger@example.com").await;
    sign_in
        .reset_password_email_code()
        .verify_code(right)
        .await
        .expect("reset code accepted");
    assert_status(&sign_in, SignInStatus::NeedsNewPassword);
    let new_password = "a-brand-new-password-42";
    sign_in
        .reset_password_email_code()
        .submit_password(secret(new_password), true)
        .await
        .expect("new password set");
    assert_status(&sign_in, SignInStatus::Complete);

    // Another device: the old password no longer works, the new one does.
    let mut other = future(&server);
    let old = other
        .password(PasswordParams::new("edsger@example.com", secret(PASSWORD)))
        .await
        .expect_err("old password");
    assert_eq!(old.code(), Some("form_password_incorrect"), "{old}");
    other
        .password(PasswordParams::new(
            "edsger@example.com",
            secret(new_password),
        ))
        .await
        .expect("new password");
    assert_status(&other, SignInStatus::Complete);
}

#[tokio::test]
async fn reset_password_by_phone_code() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .reset_password_phone_code()
        .send_code(Some("+14155552673".to_owned()))
        .await
        .expect("reset SMS sent");
    let right = code(&server, "+14155552673").await;
    sign_in
        .reset_password_phone_code()
        .verify_code(right)
        .await
        .expect("accepted");
    assert_status(&sign_in, SignInStatus::NeedsNewPassword);
    sign_in
        .reset_password_phone_code()
        .submit_password(secret("another-new-password-7"), false)
        .await
        .expect("set");
    assert_status(&sign_in, SignInStatus::Complete);
}

#[tokio::test]
async fn submit_password_can_sign_the_user_out_everywhere_else() {
    let server = server().await;
    let mut elsewhere = future(&server);
    elsewhere
        .password(PasswordParams::new("ada@example.com", secret(PASSWORD)))
        .await
        .expect("ada on another device");
    let other_session = elsewhere
        .created_session_id()
        .expect("a session")
        .to_owned();

    let mut sign_in = future(&server);
    sign_in
        .create(&CreateSignInParams::identifier("ada@example.com"))
        .await
        .expect("identifier");
    sign_in
        .reset_password_email_code()
        .send_code()
        .await
        .expect("reset code sent");
    let right = code(&server, "ada@example.com").await;
    sign_in
        .reset_password_email_code()
        .verify_code(right)
        .await
        .expect("accepted");
    sign_in
        .reset_password_email_code()
        .submit_password(secret("ada-forgot-and-reset-1"), true)
        .await
        .expect("set");
    assert_status(&sign_in, SignInStatus::Complete);
    let session = elsewhere
        .client()
        .get_session(&other_session)
        .await
        .expect("the other device's session");
    assert_eq!(session.status, SessionStatus::Revoked);
}

/// `ticket()`: one request signs in with a ticket from `POST /__dev/sign_in_tokens` (Clerk's
/// Backend API `sign_in_tokens`); the same ticket again is Clerk's error, and nothing changes.
#[tokio::test]
async fn a_ticket_signs_in_once() {
    let server = server().await;
    let made: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/__dev/sign_in_tokens", server.base_url()))
        .json(&serde_json::json!({"identifier": "ada@example.com"}))
        .send()
        .await
        .expect("the emulator answers")
        .json()
        .await
        .expect("JSON");
    let ticket = made["token"].as_str().expect("a token").to_owned();
    let mut sign_in = future(&server);
    sign_in
        .ticket(secret(&ticket))
        .await
        .expect("ticket accepted");
    assert_status(&sign_in, SignInStatus::Complete);
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "ada@example.com").await;
    assert_eq!(sign_in.existing_session(), None);

    let mut again = future(&server);
    let err = again.ticket(secret(&ticket)).await.expect_err("used");
    assert!(
        err.clerk().is_some_and(|c| (400..500).contains(&c.status)),
        "{err}"
    );
    assert!(
        err.clerk().is_some_and(|c| c.clerk_trace_id.is_some()),
        "{err}"
    );
    assert_eq!(again.id(), None, "a refused ticket leaves no sign-in");
}
