//! `clerk_tui::sign_in::SignInFuture` against the embedded Frontend API emulator over real HTTP:
//! the example program's sign-ins, then every method with the seeded user it fits
//! (`assets/seed.toml`), each with the way it fails.

#[allow(dead_code)]
#[path = "../examples/sign_in.rs"]
mod example;
mod support;

#[path = "sign_in_api/email_link.rs"]
mod email_link;
#[path = "sign_in_api/first_factor.rs"]
mod first_factor;
#[path = "sign_in_api/mfa.rs"]
mod mfa;

use clerk_tui::devserver::DevServerHandle;
use clerk_tui::fapi::{SessionStatus, SignInStatus};
use clerk_tui::sign_in::{Finalized, PasswordParams, SignInError, SignInFuture};
use example::{PASSWORD, dev_outbox_code, new_device};
use secrecy::SecretString;

pub use support::server::start as server;

pub fn future(server: &DevServerHandle) -> SignInFuture {
    SignInFuture::new(new_device(server.base_url()).expect("a client"))
}

pub fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

pub async fn code(server: &DevServerHandle, to: &str) -> SecretString {
    dev_outbox_code(server.base_url(), to)
        .await
        .expect("a code in the outbox")
}

#[track_caller]
pub fn assert_status(sign_in: &SignInFuture, status: SignInStatus) {
    assert_eq!(sign_in.status(), status, "{:?}", sign_in.resource());
}

/// What a finished sign-in leaves: an active session for `email`, a session JWT, and a client
/// that now acts for that session (`/v1/me` answers as the user).
pub async fn assert_signed_in(sign_in: &SignInFuture, done: &Finalized, email: &str) {
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
