//! Headless Chromium as the person's browser: it opens an emailed sign-in link from the
//! embedded server's outbox, and it clicks "Continue" on the mock OAuth consent page, while
//! the app waits in line mode (piped input) and then reports the sign-in.
//! Chromium is driven over its DevTools pipe (`--remote-debugging-pipe`), so no extra tools
//! are needed. A missing Chromium is set up with `.ci/sdk-setup chromium`; where that is
//! impossible the tests say so and skip (fail under `CI=true`); `CLERK_TUI_SKIP_BROWSER=1` skips.

mod support;

#[path = "plain/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "browser/cdp.rs"]
mod cdp;

use std::time::Duration;

use clerk_tui::app::Backend;
use clerk_tui::plain::{PlainOptions, PlainOutcome};

use harness::{outbox_link, plain_session_as, printed_url, server, type_line};
use support::prereq::{Need, ensure_prerequisites};

/// The browser, or `None` when this run skips the test (said on the terminal).
fn chromium() -> Option<cdp::Chromium> {
    let found = ensure_prerequisites(
        "tests/browser.rs (headless Chromium)",
        "CLERK_TUI_SKIP_BROWSER",
        &[Need::Chromium],
    )?;
    let bin = found.chromium.expect("ensure_prerequisites found Chromium");
    match cdp::Chromium::launch(&bin) {
        Ok(c) => Some(c),
        Err(e) => panic!(
            "headless Chromium ({}) could not be started: {e}",
            bin.display()
        ),
    }
}

fn embedded(server: &clerk_tui::devserver::DevServerHandle) -> Backend {
    Backend::Embedded {
        base_url: server.base_url().to_string(),
        seed_users: Vec::new(),
    }
}

fn opts() -> PlainOptions {
    PlainOptions {
        waiting_every: Duration::from_secs(1),
        ..Default::default()
    }
}

/// Runs blocking browser work next to the app.
async fn in_browser<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .expect("browser work finishes")
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_opens_the_emailed_link_while_the_app_waits() {
    let Some(browser) = chromium() else { return };
    let server = &server().await;
    let (outcome, text) = plain_session_as(server, embedded(server), opts(), |mut input, out| {
        async move {
            type_line(&mut input, "hedy@example.com").await;
            // A code is preferred for the same address; the link is one choice away.
            out.wait_for("A code was sent").await;
            type_line(&mut input, "m").await;
            out.wait_for("Choose how to continue:").await;
            let number = out
                .text()
                .lines()
                .find(|l| l.contains("Email a sign-in link to"))
                .and_then(|l| l.split('.').next())
                .map(str::to_string);
            if let Some(n) = number {
                type_line(&mut input, &n).await;
            }
            out.wait_for("Waiting for the link to be opened… checked")
                .await;
            let link = outbox_link(server, "hedy@example.com").await;
            let body = in_browser(move || browser.visit(&link, "return to your terminal"))
                .await
                .expect("Chromium opens the link");
            assert!(body.contains("Signed in"), "{body}");
            out.wait_for("Signed in as").await;
            drop(input);
        }
    })
    .await;
    assert!(
        matches!(outcome, PlainOutcome::SignedIn { .. }),
        "{outcome:?}\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_clicks_continue_on_the_consent_page_while_the_app_waits() {
    let Some(browser) = chromium() else { return };
    let server = &server().await;
    let (outcome, text) = plain_session_as(
        server,
        embedded(server),
        opts(),
        |mut input, out| async move {
            out.wait_for("1. Mock OAuth").await;
            type_line(&mut input, "1").await;
            out.wait_for("Waiting for the sign-in to finish in the browser… checked")
                .await;
            let url = printed_url(&out).expect("the address is printed on its own line");
            let body = in_browser(move || {
                browser.click(&url, "Continue as Ada", "the terminal continues")
            })
            .await
            .expect("Chromium consents");
            assert!(
                body.contains("You can close this page; the terminal continues."),
                "{body}"
            );
            out.wait_for("Signed in as Ada Lovelace").await;
            drop(input);
        },
    )
    .await;
    assert!(
        matches!(outcome, PlainOutcome::SignedIn { .. }),
        "{outcome:?}\n{text}"
    );
}
