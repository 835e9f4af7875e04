//! Second factors (TOTP, backup code, SMS) and client trust on a new device, all through
//! `signIn.mfa`.

use clerk_tui::fapi::SignInStatus;
use clerk_tui::sign_in::PasswordParams;

use crate::example::dev_totp_code;
use crate::{PASSWORD, assert_signed_in, assert_status, code, future, secret, server};

#[tokio::test]
async fn totp_second_factor_wrong_then_right() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .password(PasswordParams::new("grace@example.com", secret(PASSWORD)))
        .await
        .expect("password");
    assert_status(&sign_in, SignInStatus::NeedsSecondFactor);
    let err = sign_in
        .mfa()
        .verify_totp(secret("000000"))
        .await
        .expect_err("a wrong code");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
    let right = dev_totp_code(server.base_url(), "grace@example.com")
        .await
        .expect("totp");
    sign_in.mfa().verify_totp(right).await.expect("accepted");
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "grace@example.com").await;
}

#[tokio::test]
async fn backup_code_works_once() {
    let server = server().await;
    for (attempt, want) in [("first", true), ("again", false)] {
        let mut sign_in = future(&server);
        sign_in
            .password(PasswordParams::new("barbara@example.com", secret(PASSWORD)))
            .await
            .expect("password");
        let result = sign_in.mfa().verify_backup_code(secret("backup02")).await;
        match result {
            Ok(_) => assert!(want, "{attempt}: a spent backup code was accepted"),
            Err(e) => {
                assert!(!want, "{attempt}: {e}");
                assert_eq!(e.code(), Some("form_code_incorrect"), "{e}");
            }
        }
        let expected = if want {
            SignInStatus::Complete
        } else {
            SignInStatus::NeedsSecondFactor
        };
        assert_status(&sign_in, expected);
    }
}

#[tokio::test]
async fn sms_second_factor() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .password(PasswordParams::new("alan@example.com", secret(PASSWORD)))
        .await
        .expect("password");
    assert_status(&sign_in, SignInStatus::NeedsSecondFactor);
    sign_in.mfa().send_phone_code().await.expect("SMS sent");
    let err = sign_in
        .mfa()
        .verify_phone_code(secret("000000"))
        .await
        .expect_err("a wrong code");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
    let right = code(&server, "+14155552671").await;
    sign_in.mfa().verify_phone_code(right).await.expect("ok");
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "alan@example.com").await;
}

#[tokio::test]
async fn client_trust_on_a_new_device_through_mfa_email_code() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .password(PasswordParams::new("donald@example.com", secret(PASSWORD)))
        .await
        .expect("password");
    assert_status(&sign_in, SignInStatus::NeedsClientTrust);
    assert_eq!(sign_in.client_trust_state(), Some("pending"));
    let err = sign_in
        .mfa()
        .send_phone_code()
        .await
        .expect_err("no phone offered");
    assert_eq!(err.code(), Some("factor_not_found"));
    sign_in.mfa().send_email_code().await.expect("code sent");
    let err = sign_in
        .mfa()
        .verify_email_code(secret("000000"))
        .await
        .expect_err("a wrong code");
    assert_eq!(err.code(), Some("form_code_incorrect"), "{err}");
    let right = code(&server, "donald@example.com").await;
    sign_in.mfa().verify_email_code(right).await.expect("ok");
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "donald@example.com").await;
}
