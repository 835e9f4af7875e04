//! Signs in with `clerk_tui::sign_in::SignInFuture` (the Rust twin of Clerk's `SignInFuture`)
//! against the embedded Frontend API emulator: a password user, a password + authenticator-app
//! user and an email-code user. Run it with `cargo run --example sign_in`.
//!
//! `tests/sign_in_api.rs` runs these same functions, so `cargo test` keeps the example working.

use std::error::Error;
use std::sync::Arc;

use clerk_tui::devserver::{DevServer, DevServerConfig};
use clerk_tui::fapi::{FapiClient, MemoryTokenStore, SignInStatus};
use clerk_tui::flow::clean;
use clerk_tui::sign_in::{EmailCodeSendParams, Finalized, PasswordParams, SignInFuture};
use secrecy::SecretString;

pub type BoxError = Box<dyn Error + Send + Sync>;

/// The password of every seeded demo user (`assets/seed.toml`).
pub const PASSWORD: &str = "clerk-demo-password";

/// A new device: its own client token, kept in memory for this run.
pub fn new_device(base_url: &str) -> Result<FapiClient, BoxError> {
    Ok(FapiClient::with_base_url(
        base_url,
        Arc::new(MemoryTokenStore::new()),
    )?)
}

/// Ada has an email address and a password, nothing more: `signIn.password()` completes the
/// sign-in in one request, and `signIn.finalize()` makes the session the active one.
pub async fn sign_in_with_password(base_url: &str) -> Result<Finalized, BoxError> {
    let mut sign_in = SignInFuture::new(new_device(base_url)?);
    sign_in
        .password(PasswordParams::new("ada@example.com", secret(PASSWORD)))
        .await?;
    expect(&sign_in, SignInStatus::Complete)?;
    Ok(sign_in.finalize().await?)
}

/// Grace's password leaves a second factor to do: the code her authenticator app shows now
/// (which the emulator reveals at `/__dev/totp/{user}`) goes to `signIn.mfa.verifyTOTP()`.
pub async fn sign_in_with_totp(base_url: &str) -> Result<Finalized, BoxError> {
    let mut sign_in = SignInFuture::new(new_device(base_url)?);
    sign_in
        .password(PasswordParams::new("grace@example.com", secret(PASSWORD)))
        .await?;
    expect(&sign_in, SignInStatus::NeedsSecondFactor)?;
    let code = dev_totp_code(base_url, "grace@example.com").await?;
    sign_in.mfa().verify_totp(code).await?;
    expect(&sign_in, SignInStatus::Complete)?;
    Ok(sign_in.finalize().await?)
}

/// Katherine has no password: `signIn.emailCode.sendCode()` starts the sign-in for her address
/// and emails a code (to the emulator's outbox), `verifyCode()` checks it.
pub async fn sign_in_with_email_code(base_url: &str) -> Result<Finalized, BoxError> {
    let mut sign_in = SignInFuture::new(new_device(base_url)?);
    sign_in
        .email_code()
        .send_code(EmailCodeSendParams::email_address("katherine@example.com"))
        .await?;
    let code = dev_outbox_code(base_url, "katherine@example.com").await?;
    sign_in.email_code().verify_code(code).await?;
    expect(&sign_in, SignInStatus::Complete)?;
    Ok(sign_in.finalize().await?)
}

/// The authenticator-app code of a seeded user, from the emulator (`GET /__dev/totp/{user}`).
pub async fn dev_totp_code(base_url: &str, user: &str) -> Result<SecretString, BoxError> {
    let url = format!("{base_url}/__dev/totp/{}", encode(user));
    let body: serde_json::Value = reqwest::get(url).await?.error_for_status()?.json().await?;
    let code = body["code"].as_str().ok_or("no TOTP code in the answer")?;
    Ok(secret(code))
}

/// The newest code "sent" to `to`, from the emulator's outbox (`GET /__dev/outbox`), waiting
/// up to five seconds for it to arrive.
pub async fn dev_outbox_code(base_url: &str, to: &str) -> Result<SecretString, BoxError> {
    let message = dev_outbox_latest(base_url, to).await?;
    let code = message["code"].as_str().ok_or("no code in the message")?;
    Ok(secret(code))
}

/// The newest outbox message to `to` (codes, links), waiting up to five seconds for one.
pub async fn dev_outbox_latest(base_url: &str, to: &str) -> Result<serde_json::Value, BoxError> {
    let url = format!("{base_url}/__dev/outbox?wait=5&to={}", encode(to));
    let messages: Vec<serde_json::Value> =
        reqwest::get(url).await?.error_for_status()?.json().await?;
    let newest = messages.into_iter().next();
    Ok(newest.ok_or_else(|| format!("nothing was sent to {to}"))?)
}

fn expect(sign_in: &SignInFuture, status: SignInStatus) -> Result<(), BoxError> {
    let now = sign_in.status();
    if now == status {
        return Ok(());
    }
    Err(format!(
        "expected the sign-in to be {status}, it is {}",
        clean(now.as_str())
    )
    .into())
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn report(how: &str, done: &Finalized) {
    let who = done.session.display_identifier().unwrap_or("?");
    println!(
        "{how}: signed in as {} (session {}, {}; a session token of {} bytes)",
        clean(who),
        clean(&done.session.id),
        clean(done.session.status.as_str()),
        done.token.jwt.len()
    );
}

async fn run() -> Result<(), BoxError> {
    let server = DevServer::start(DevServerConfig::default()).await?;
    let base_url = server.base_url().to_owned();
    println!("embedded Frontend API at {base_url}");
    report("password", &sign_in_with_password(&base_url).await?);
    report("password + TOTP", &sign_in_with_totp(&base_url).await?);
    report("email code", &sign_in_with_email_code(&base_url).await?);
    server.shutdown().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // An error can quote the server, whose text is never printed raw.
            eprintln!("sign-in failed: {}", clean(&e.to_string()));
            std::process::ExitCode::FAILURE
        }
    }
}
