//! Opt-in: the same sign-ins against a real Clerk development instance, so that drift between
//! the emulator and Clerk can be caught by anyone who has one. Without
//! `CLERK_TUI_REAL_PUBLISHABLE_KEY` in the environment each test says SKIPPED and passes;
//! with it, every variable below must be set and the sign-ins must complete.
//!
//! - `CLERK_TUI_REAL_PUBLISHABLE_KEY`: a development instance's `pk_test_…` key (production keys
//!   are refused: the code sign-in uses Clerk's test mode).
//! - `CLERK_TUI_REAL_PASSWORD_USER`, `CLERK_TUI_REAL_PASSWORD`: a user with a password and no
//!   second factor.
//! - `CLERK_TUI_REAL_CODE_EMAIL`: an existing user's `+clerk_test` address; Clerk's test mode
//!   accepts 424242 as its email code without sending anything
//!   (clerk.com/docs/testing/test-emails-and-phones).

use std::sync::Arc;

use clerk_tui::fapi::{FapiClient, MemoryTokenStore, PublishableKey, SignInStatus};
use clerk_tui::sign_in::{EmailCodeSendParams, PasswordParams, SignInFuture};
use secrecy::SecretString;

const KEY: &str = "CLERK_TUI_REAL_PUBLISHABLE_KEY";

/// Clerk's fixed verification code for `+clerk_test` addresses on development instances.
const TEST_MODE_CODE: &str = "424242";

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{KEY} is set, so {name} must be set too"))
}

/// A device for the instance, or `None` (the test is skipped) when no key was given.
fn device() -> Option<FapiClient> {
    let Ok(key) = std::env::var(KEY) else {
        eprintln!("SKIPPED: set {KEY} (and the variables in tests/real_instance.rs) to run");
        return None;
    };
    let key = PublishableKey::parse(key.trim()).expect("a publishable key");
    assert!(
        !key.is_production(),
        "{KEY} must be a development instance's key (pk_test_…)"
    );
    Some(FapiClient::new(&key, Arc::new(MemoryTokenStore::new())).expect("a client"))
}

/// The sign-in is complete, and finalizing it makes the session active with a JWT.
async fn completes(mut sign_in: SignInFuture) {
    assert_eq!(sign_in.status(), SignInStatus::Complete);
    let done = sign_in
        .finalize()
        .await
        .expect("the session becomes active");
    assert!(
        done.token.jwt.split('.').count() == 3,
        "a JWT session token"
    );
}

#[tokio::test]
async fn a_password_sign_in_completes_against_real_clerk() {
    let Some(client) = device() else { return };
    let mut sign_in = SignInFuture::new(client);
    sign_in
        .password(PasswordParams::new(
            var("CLERK_TUI_REAL_PASSWORD_USER"),
            SecretString::from(var("CLERK_TUI_REAL_PASSWORD")),
        ))
        .await
        .expect("Clerk accepts the password");
    completes(sign_in).await;
}

#[tokio::test]
async fn an_email_code_sign_in_completes_against_real_clerk() {
    let Some(client) = device() else { return };
    let email = var("CLERK_TUI_REAL_CODE_EMAIL");
    assert!(
        email.contains("+clerk_test"),
        "CLERK_TUI_REAL_CODE_EMAIL must be a +clerk_test address (Clerk's test mode)"
    );
    let mut sign_in = SignInFuture::new(client);
    sign_in
        .email_code()
        .send_code(EmailCodeSendParams::email_address(email))
        .await
        .expect("Clerk prepares the email code");
    sign_in
        .email_code()
        .verify_code(SecretString::from(TEST_MODE_CODE.to_owned()))
        .await
        .expect("Clerk accepts its test-mode code");
    completes(sign_in).await;
}
