//! The full-screen binary in an 80x24 pseudo-terminal: Tab to the provider row, Enter, the
//! hand-off screen shows the address (also as an OSC 8 hyperlink carrying the whole URL) and
//! the ways back; the test consents over HTTP and the browser's redirect reaches the app's
//! loopback callback (signed in by itself), or the address the browser ended on is pasted.
//! (With headless Chromium consenting: `tests/oauth/chromium.rs`.)

use crate::hand_off::{TuiHandOff, tui_at_hand_off, tui_signed_in_as_ada};
use crate::support::server::Background;

#[test]
fn full_screen_app_signs_in_through_the_mock_provider() {
    let server = Background::start();
    let TuiHandOff {
        term: mut t, url, ..
    } = tui_at_hand_off(&server, &[]);
    let screen = t.screen();
    assert!(
        screen.contains("Sign in with Mock OAuth in a browser"),
        "{screen}"
    );
    assert!(url.contains("/__dev/oauth/c/"), "{url}");
    let line = screen
        .lines()
        .find(|l| l.contains("/__dev/oauth/c/"))
        .expect("one line")
        .trim()
        .to_string();
    assert!(
        url.starts_with(&line),
        "the visible line is the start of the URL"
    );
    // The first poll redraws the checking line.
    let screen = t.wait_for("last checked");
    assert!(screen.contains("Checking every second"), "{screen}");
    assert!(
        screen.contains("returns by itself to http://127.0.0.1:"),
        "{screen}"
    );
    // The browser follows the provider's redirect to the app's loopback callback.
    server
        .rt
        .block_on(crate::consent::consent(&url, "ada@example.com"));
    tui_signed_in_as_ada(&mut t);
}

#[test]
fn full_screen_app_finishes_with_the_pasted_address_of_a_browser_elsewhere() {
    let server = Background::start();
    let TuiHandOff {
        term: mut t, url, ..
    } = tui_at_hand_off(&server, &[]);
    t.wait_for("Browser elsewhere: paste the address it ends on");
    let landed = server
        .rt
        .block_on(crate::consent::consent_elsewhere(&url, "ada@example.com"));
    assert!(landed.contains("rotating_token_nonce="), "{landed}");
    // Something that is not it first: the screen says what is wrong and waits.
    t.send_bytes(b"p");
    t.type_text("hello");
    t.enter();
    t.wait_for("neither a web address nor a nonce");
    // The field keeps the focus for another try.
    t.type_text(&landed);
    t.enter();
    tui_signed_in_as_ada(&mut t);
}
