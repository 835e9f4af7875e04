//! Headless Chromium as the person's browser on the mock provider's consent page, four ways:
//! the full-screen app (pseudo-terminal) and the line mode, each finished (a) by the loopback
//! callback Chromium is redirected to and (b) by paste-back, where the app's `--redirect-url`
//! is the emulator's own landing page: the test reads the address Chromium ended on over the
//! DevTools pipe and pastes it, as a person copies it from the address bar. Skipped (and said)
//! without Chromium, a failure under `CI=true` (`support::prereq`).

use crate::cdp::{self, Chromium, in_browser};
use crate::hand_off::{
    TuiHandOff, line_mode_app, line_mode_signs_in_through_the_provider, tui_at_hand_off,
    tui_signed_in_as_ada,
};
use crate::plain_harness::{server, type_line};
use crate::support::server::Background;

const CONSENT: &str = "Continue as Ada";
/// The callback's page when the nonce came back (`effects_callback.rs`).
const CALLBACK_PAGE: &str = "the terminal continues";
/// The emulator's landing page after a consent (`/__dev/oauth/done`).
const LANDING_PAGE: &str = "Signed in at the provider";

fn chromium() -> Option<Chromium> {
    cdp::ensure_chromium("tests/oauth/chromium.rs (headless Chromium)")
}

/// The emulator's landing page: allowlisted (loopback), and nobody but the browser reads it.
fn landing(base: &str) -> String {
    format!("{base}/__dev/oauth/done")
}

/// The address Chromium ended on after consenting, with the nonce in it.
fn ended_on(browser: Chromium, url: &str, base: &str) -> String {
    let landed = browser
        .click_to_end(url, CONSENT, LANDING_PAGE)
        .expect("Chromium consents and lands");
    assert!(landed.starts_with(&landing(base)), "{landed}");
    assert!(landed.contains("rotating_token_nonce="), "{landed}");
    landed
}

#[test]
fn chromium_consents_and_the_full_screen_app_signs_in_through_the_callback() {
    let Some(browser) = chromium() else { return };
    let server = Background::start();
    let mut at = tui_at_hand_off(&server, &[]);
    at.term.wait_for("returns by itself to http://127.0.0.1:");
    let page = browser
        .click(&at.url, CONSENT, CALLBACK_PAGE)
        .expect("Chromium consents and reaches the callback");
    assert!(page.contains("You can close this page"), "{page}");
    tui_signed_in_as_ada(&mut at.term);
}

#[test]
fn chromium_consents_and_the_full_screen_app_signs_in_with_the_pasted_address() {
    let Some(browser) = chromium() else { return };
    let server = Background::start();
    let base = server.base_url();
    let TuiHandOff {
        term: mut t, url, ..
    } = tui_at_hand_off(&server, &["--redirect-url", &landing(&base)]);
    let landed = ended_on(browser, &url, &base);
    t.send_bytes(b"p");
    t.type_text(&landed);
    t.enter();
    tui_signed_in_as_ada(&mut t);
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_consents_and_the_line_mode_signs_in_through_the_callback() {
    let Some(browser) = chromium() else { return };
    let server = &server().await;
    let text = line_mode_signs_in_through_the_provider(
        server,
        line_mode_app(server),
        |input, out, url| async move {
            out.wait_for("comes back by itself to http://127.0.0.1:")
                .await;
            let page = in_browser(move || browser.click(&url, CONSENT, CALLBACK_PAGE))
                .await
                .expect("Chromium consents and reaches the callback");
            assert!(page.contains("You can close this page"), "{page}");
            input
        },
    )
    .await;
    assert!(text.contains("Signed in as Ada Lovelace"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_consents_and_the_line_mode_signs_in_with_the_pasted_address() {
    let Some(browser) = chromium() else { return };
    let server = &server().await;
    let base = server.base_url().to_string();
    let mut app = line_mode_app(server);
    // As `--redirect-url` sets it: no listener, the browser ends on the instance's page.
    app.handoff_config.redirect_url = Some(landing(&base));
    let text =
        line_mode_signs_in_through_the_provider(server, app, |mut input, out, url| async move {
            out.wait_for("paste that address here").await;
            let landed = in_browser(move || ended_on(browser, &url, &base)).await;
            type_line(&mut input, &landed).await;
            input
        })
        .await;
    assert!(text.contains("Signed in as Ada Lovelace"), "{text}");
    assert!(
        !text.contains("rtn_"),
        "the nonce is never printed:\n{text}"
    );
}
