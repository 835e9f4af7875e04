//! The email link: sending it, and the poller that waits for it (opened, cancelled, out of
//! time, expired).

use std::time::{Duration, Instant};

use clerk_tui::devserver::DevServerHandle;
use clerk_tui::fapi::{SignInStatus, VerificationStatus};
use clerk_tui::sign_in::{EmailLinkSendParams, PollOptions, SignInError, SignInFuture};
use tokio_util::sync::CancellationToken;

use crate::example::dev_outbox_latest;
use crate::{assert_signed_in, assert_status, future, server};

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
