//! The app on the hand-off: the line mode (piped input) lists the provider as a numbered
//! choice, prints the address on its own line and waits, saying when it last checked; the
//! test consents like a browser (fetch the page, submit its form) and the app signs in.

use std::time::Duration;

use clerk_tui::app::Backend;
use clerk_tui::plain::{PlainOptions, PlainOutcome};

use crate::plain_harness::{assert_plain, plain_session_as, printed_url, server, type_line};

/// The consent URL the app printed (the line of its own after "Open this address…").
/// Consents on the mock provider's page as `email`, by submitting that account's form.
pub async fn consent(url: &str, email: &str) -> String {
    let html = reqwest::get(url)
        .await
        .expect("consent page")
        .text()
        .await
        .expect("html");
    let form = html
        .split("<form")
        .find(|f| f.contains(email) && f.contains("name=user_id"))
        .unwrap_or_else(|| panic!("no form for {email} in {html}"));
    let user_id = form
        .split("name=user_id value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("user id in the form");
    let done = reqwest::Client::new()
        .post(url)
        .form(&[("user_id", user_id)])
        .send()
        .await
        .expect("consent is submitted");
    assert!(done.status().is_success(), "{}", done.status());
    done.text().await.expect("closing page")
}

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_signs_in_through_the_mock_provider() {
    let server = &server().await;
    let backend = Backend::Embedded {
        base_url: server.base_url().to_string(),
        seed_users: Vec::new(),
    };
    let opts = PlainOptions {
        waiting_every: Duration::from_secs(1),
        ..Default::default()
    };
    let (outcome, text) = plain_session_as(server, backend, opts, |mut input, out| async move {
        out.wait_for("1. Mock OAuth").await;
        out.wait_for("or a number to continue with a provider.")
            .await;
        type_line(&mut input, "1").await;
        out.wait_for("It can be opened on any device").await;
        out.wait_for("Waiting for the sign-in to finish in the browser… checked")
            .await;
        let url = printed_url(&out).expect("the address is printed on a line of its own");
        // The app was given no page of its own: the browser lands on the emulator's.
        let page = consent(&url, "ada@example.com").await;
        assert!(
            page.contains("You can close this page; the terminal continues."),
            "{page}"
        );
        out.wait_for("Signed in as").await;
        drop(input);
    })
    .await;
    assert!(
        matches!(outcome, PlainOutcome::SignedIn { .. }),
        "{outcome:?}\n{text}"
    );
    assert!(
        text.contains("Signed in as Ada Lovelace (ada@example.com)."),
        "{text}"
    );
    let sentences: String = text
        .lines()
        .filter(|l| !l.starts_with("http://"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_plain(&sentences);
}

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_says_when_the_browser_sign_in_was_cancelled_and_starts_again() {
    let server = &server().await;
    let backend = Backend::Remote {
        base_url: server.base_url().to_string(),
    };
    let (outcome, text) = plain_session_as(
        server,
        backend,
        PlainOptions::default(),
        |mut input, out| async move {
            out.wait_for("1. Mock OAuth").await;
            type_line(&mut input, "1").await;
            out.wait_for("It can be opened on any device").await;
            let url = printed_url(&out).expect("address");
            reqwest::Client::new()
                .post(&url)
                .form(&[("deny", "1")])
                .send()
                .await
                .expect("cancel");
            out.wait_for("The sign-in in the browser was cancelled or failed.")
                .await;
            out.wait_for("Press r to start it again").await;
            // Starting again gives a new address.
            type_line(&mut input, "r").await;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            loop {
                let urls: Vec<String> = out
                    .text()
                    .lines()
                    .filter(|l| l.contains("/__dev/oauth/c/"))
                    .map(str::to_string)
                    .collect();
                if urls.len() >= 2 && urls[urls.len() - 1] != urls[0] {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "{}", out.text());
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            type_line(&mut input, "b").await;
            out.wait_for("or a number to continue with a provider.")
                .await;
            drop(input);
        },
    )
    .await;
    assert!(
        !matches!(outcome, PlainOutcome::SignedIn { .. }),
        "{outcome:?}\n{text}"
    );
}
