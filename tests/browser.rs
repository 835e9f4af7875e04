//! Headless Chromium as the person's browser: it opens an emailed sign-in link from the
//! embedded server's outbox while the app waits in line mode (piped input) and then reports
//! the sign-in. Chromium on the OAuth consent page, four ways: `tests/oauth/chromium.rs`.
//! Chromium is driven over its DevTools pipe (`--remote-debugging-pipe`), so no extra tools
//! are needed. A missing Chromium is set up with `.ci/sdk-setup chromium`; where that is
//! impossible the tests say so and skip (fail under `CI=true`); `CLERK_TUI_SKIP_BROWSER=1` skips.

mod support;

#[path = "plain/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "browser/cdp.rs"]
#[allow(dead_code)] // each binary uses its part
mod cdp;

use std::time::Duration;

use clerk_tui::app::Backend;
use clerk_tui::plain::{PlainOptions, PlainOutcome};

use harness::{outbox_link, plain_session_as, server, type_line};

/// The browser, or `None` when this run skips the test (said on the terminal).
fn chromium() -> Option<cdp::Chromium> {
    cdp::ensure_chromium("tests/browser.rs (headless Chromium)")
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
            let body = cdp::in_browser(move || browser.visit(&link, "return to your terminal"))
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
