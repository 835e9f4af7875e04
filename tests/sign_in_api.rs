//! `clerk_tui::sign_in::SignInFuture` against the embedded Frontend API emulator over real HTTP:
//! the example program's sign-ins, then every method with the seeded user it fits
//! (`assets/seed.toml`), each with the way it fails.

#[allow(dead_code)]
#[path = "../examples/sign_in.rs"]
mod example;

use std::time::{Duration, Instant};

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};
use clerk_tui::fapi::{SessionStatus, SignInStatus, VerificationStatus};
use clerk_tui::sign_in::{
    EmailCodeSendParams, EmailLinkSendParams, Finalized, PasswordParams, PhoneCodeSendParams,
    PollOptions, SignInError, SignInFuture,
};
use example::{PASSWORD, dev_outbox_code, dev_outbox_latest, dev_totp_code, new_device};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

async fn server() -> DevServerHandle {
    DevServer::start(DevServerConfig::default())
        .await
        .expect("the embedded server starts")
}

fn future(server: &DevServerHandle) -> SignInFuture {
    SignInFuture::new(new_device(server.base_url()).expect("a client"))
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

async fn code(server: &DevServerHandle, to: &str) -> SecretString {
    dev_outbox_code(server.base_url(), to)
        .await
        .expect("a code in the outbox")
}

#[track_caller]
fn assert_status(sign_in: &SignInFuture, status: SignInStatus) {
    assert_eq!(sign_in.status(), status, "{:?}", sign_in.resource());
}

/// What a finished sign-in leaves: an active session for `email`, a session JWT, and a client
/// that now acts for that session (`/v1/me` answers as the user).
async fn assert_signed_in(sign_in: &SignInFuture, done: &Finalized, email: &str) {
    assert_eq!(done.session.status, SessionStatus::Active);
    assert_eq!(Some(done.session.id.as_str()), sign_in.created_session_id());
    assert_eq!(done.token.jwt.split('.').count(), 3, "a JWT");
    let client = sign_in.client();
    assert_eq!(
        client.active_session_id().as_deref(),
        Some(&*done.session.id)
    );
    let me = client.get_me().await.expect("/v1/me for the new session");
    assert_eq!(me.primary_email(), Some(email));
}

#[tokio::test]
async fn the_example_signs_in_with_a_password_with_totp_and_with_an_email_code() {
    let server = server().await;
    let base = server.base_url();
    let who = |done: &Finalized| done.session.display_identifier().map(str::to_owned);
    let ada = example::sign_in_with_password(base).await.expect("ada");
    assert_eq!(who(&ada).as_deref(), Some("ada@example.com"));
    let grace = example::sign_in_with_totp(base).await.expect("grace");
    assert_eq!(who(&grace).as_deref(), Some("grace@example.com"));
    let katherine = example::sign_in_with_email_code(base)
        .await
        .expect("katherine");
    assert_eq!(who(&katherine).as_deref(), Some("katherine@example.com"));
    for done in [&ada, &grace, &katherine] {
        assert_eq!(done.session.status, SessionStatus::Active);
    }
}

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
        .create(&clerk_tui::fapi::CreateSignInParams::identifier(
            "ada@example.com",
        ))
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
        .create(&clerk_tui::fapi::CreateSignInParams::identifier(
            "ada@example.com",
        ))
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

async fn send_hedy_a_link(server: &DevServerHandle) -> SignInFuture {
    let mut sign_in = future(server);
    sign_in
        .email_link()
        .send_link(EmailLinkSendParams::email_address("hedy@example.com"))
        .await
        .expect("link sent");
    let v = sign_in.first_factor_verification().expect("a verification");
    assert_eq!(v.status, VerificationStatus::Unverified);
    sign_in
}

async fn hedy_link(server: &DevServerHandle) -> String {
    let email = dev_outbox_latest(server.base_url(), "hedy@example.com")
        .await
        .expect("the email");
    email["link"].as_str().expect("a link").to_owned()
}

fn quick(timeout: Duration) -> PollOptions {
    PollOptions {
        every: Duration::from_millis(100),
        timeout,
        ..PollOptions::default()
    }
}

#[tokio::test]
async fn email_link_wait_ends_when_the_link_is_opened_elsewhere() {
    let server = server().await;
    let mut sign_in = send_hedy_a_link(&server).await;
    let link = hedy_link(&server).await;
    // The person opens the link in a browser a moment after the terminal starts waiting.
    let browser = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        reqwest::get(link).await.expect("link opened").status()
    });
    let cancel = CancellationToken::new();
    let started = Instant::now();
    sign_in
        .email_link()
        .wait_for_verification(&cancel, quick(Duration::from_secs(20)))
        .await
        .expect("verified");
    assert!(browser.await.expect("browser").is_success());
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_status(&sign_in, SignInStatus::Complete);
    let v = sign_in.first_factor_verification().expect("verification");
    assert_eq!(v.status, VerificationStatus::Verified);
    let done = sign_in.finalize().await.expect("finalized");
    assert_signed_in(&sign_in, &done, "hedy@example.com").await;
}

#[tokio::test]
async fn email_link_wait_stops_at_once_when_cancelled() {
    let server = server().await;
    let mut sign_in = send_hedy_a_link(&server).await;
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        canceller.cancel();
    });
    let started = Instant::now();
    let err = sign_in
        .email_link()
        .wait_for_verification(&cancel, PollOptions::default())
        .await
        .expect_err("cancelled");
    assert!(matches!(err, SignInError::Cancelled), "{err}");
    // Well before the next 1 s poll would have ended it.
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_status(&sign_in, SignInStatus::NeedsFirstFactor);
}

#[tokio::test]
async fn email_link_wait_gives_up_at_its_deadline() {
    let server = server().await;
    let mut sign_in = send_hedy_a_link(&server).await;
    let started = Instant::now();
    let err = sign_in
        .email_link()
        .wait_for_verification(&CancellationToken::new(), quick(Duration::from_millis(700)))
        .await
        .expect_err("never opened");
    assert!(matches!(err, SignInError::TimedOut { .. }), "{err}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(700) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    assert_status(&sign_in, SignInStatus::NeedsFirstFactor);
}

#[tokio::test]
async fn email_link_wait_returns_an_expired_link_instead_of_waiting_on() {
    let server = server().await;
    let mut sign_in = send_hedy_a_link(&server).await;
    let link = hedy_link(&server).await;
    // Opened after its ten minutes are up.
    server.clock().shift_ms(11 * 60 * 1000);
    let page = reqwest::get(link).await.expect("link opened");
    assert!(!page.status().is_success());
    let started = Instant::now();
    sign_in
        .email_link()
        .wait_for_verification(&CancellationToken::new(), quick(Duration::from_secs(20)))
        .await
        .expect("an answer, not an error");
    assert!(started.elapsed() < Duration::from_secs(5));
    let v = sign_in.first_factor_verification().expect("verification");
    assert_eq!(v.status, VerificationStatus::Expired);
    assert_eq!(sign_in.created_session_id(), None);
}

#[tokio::test]
async fn reset_password_by_email_code_then_submit_password() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .create(&clerk_tui::fapi::CreateSignInParams::identifier(
            "edsger@example.com",
        ))
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

#[tokio::test]
async fn reset_starts_over_with_a_new_sign_in() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .create(&clerk_tui::fapi::CreateSignInParams::identifier(
            "grace@example.com",
        ))
        .await
        .expect("identifier");
    let first = sign_in.id().expect("an id").to_owned();
    sign_in.reset();
    assert_eq!(sign_in.id(), None);
    assert_status(&sign_in, SignInStatus::NeedsIdentifier);
    let err = sign_in
        .email_code()
        .verify_code(secret("424242"))
        .await
        .expect_err("nothing to verify");
    assert!(matches!(err, SignInError::NoSignIn), "{err}");
    sign_in
        .password(PasswordParams::new("ada@example.com", secret(PASSWORD)))
        .await
        .expect("a new sign-in");
    assert_ne!(sign_in.id(), Some(first.as_str()));
    assert_eq!(sign_in.identifier(), Some("ada@example.com"));
    assert_status(&sign_in, SignInStatus::Complete);
}

#[tokio::test]
async fn finalize_needs_a_created_session() {
    let server = server().await;
    let mut sign_in = future(&server);
    sign_in
        .password(PasswordParams::new("grace@example.com", secret(PASSWORD)))
        .await
        .expect("password");
    let err = sign_in
        .finalize()
        .await
        .expect_err("a second factor is due");
    assert!(matches!(err, SignInError::NoCreatedSession), "{err}");
    assert_eq!(sign_in.client().active_session_id(), None);
}

#[tokio::test]
async fn finalize_makes_its_session_the_active_one_of_a_client_with_several() {
    let server = server().await;
    let device = new_device(server.base_url()).expect("a client");
    let mut ada = SignInFuture::new(device.clone());
    ada.password(PasswordParams::new("ada@example.com", secret(PASSWORD)))
        .await
        .expect("ada");
    let mut jane = SignInFuture::new(device.clone());
    jane.password(PasswordParams::new(
        "jane+clerk_test@example.com",
        secret(PASSWORD),
    ))
    .await
    .expect("jane, on the same device");
    let last = |device: &clerk_tui::fapi::FapiClient| {
        device
            .cached_client()
            .and_then(|c| c.last_active_session_id)
    };
    assert_eq!(last(&device).as_deref(), jane.created_session_id());
    let done = ada.finalize().await.expect("ada finalized");
    // The server now says so too (the touch's answer carries the client).
    assert_eq!(last(&device).as_deref(), Some(done.session.id.as_str()));
    assert_signed_in(&ada, &done, "ada@example.com").await;
}
