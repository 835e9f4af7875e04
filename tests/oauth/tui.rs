//! The full-screen binary in an 80x24 pseudo-terminal: Tab to the provider row, Enter, the
//! hand-off screen shows the address (also as an OSC 8 hyperlink carrying the whole URL) and
//! the ways back; the test consents over HTTP and the browser's redirect reaches the app's
//! loopback callback (signed in by itself), or the address the browser ended on is pasted.

use crate::pty::Term;
use crate::support::server::Background;

/// The target of the first OSC 8 hyperlink the program wrote.
fn osc8_target(raw: &str) -> Option<String> {
    let start = raw.find("\x1b]8;;")? + 5;
    let rest = &raw[start..];
    let end = rest.find("\x1b\\")?;
    Some(rest[..end].to_string()).filter(|u| !u.is_empty())
}

/// The address's OSC 8 target, once the app has written it: the hyperlink follows the frame's
/// text, so the screen can already show the hand-off while the link's bytes are on their way.
fn wait_for_hyperlink(t: &mut Term) -> String {
    for _ in 0..200 {
        if let Some(url) = osc8_target(&t.raw()) {
            return url;
        }
        t.settle(std::time::Duration::from_millis(50));
    }
    panic!(
        "the address is written as an OSC 8 hyperlink; the screen shows:\n{}",
        t.screen()
    );
}

#[test]
fn full_screen_app_signs_in_through_the_mock_provider() {
    let server = Background::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().to_string_lossy().into_owned();
    let mut t = Term::spawn(
        &[
            "--frontend-api",
            &server.base_url(),
            "--no-store",
            "--callback-port",
            "0",
        ],
        &[
            ("XDG_CONFIG_HOME", &home),
            ("XDG_DATA_HOME", &home),
            ("HOME", &home),
        ],
    );
    t.wait_for("1. Continue with Mock OAuth");
    // Identifier, password, then the provider row.
    t.tab();
    t.tab();
    t.wait_for("> 1. Continue with Mock OAuth");
    t.enter();
    let screen = t.wait_for("/__dev/oauth/c/");
    assert!(
        screen.contains("Sign in with Mock OAuth in a browser"),
        "{screen}"
    );
    assert!(screen.contains("Checking every second"), "{screen}");
    // The first poll redraws the checking line (and the loop writes the hyperlink each time).
    t.wait_for("last checked");
    let url = wait_for_hyperlink(&mut t);
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

    assert!(
        t.screen()
            .contains("returns by itself to http://127.0.0.1:"),
        "{}",
        t.screen()
    );
    // The browser follows the provider's redirect to the app's loopback callback.
    server
        .rt
        .block_on(crate::app::consent(&url, "ada@example.com"));
    let screen = t.wait_for("Signed in");
    assert!(screen.contains("Ada Lovelace"), "{screen}");
    t.send_bytes(b"q");
    let status = t.wait_exit();
    assert!(status.success(), "clean exit: {status:?}");
    t.assert_restored();
}

#[test]
fn full_screen_app_finishes_with_the_pasted_address_of_a_browser_elsewhere() {
    let server = Background::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().to_string_lossy().into_owned();
    let mut t = Term::spawn(
        &[
            "--frontend-api",
            &server.base_url(),
            "--no-store",
            "--callback-port",
            "0",
        ],
        &[
            ("XDG_CONFIG_HOME", &home),
            ("XDG_DATA_HOME", &home),
            ("HOME", &home),
        ],
    );
    t.wait_for("1. Continue with Mock OAuth");
    t.tab();
    t.tab();
    t.wait_for("> 1. Continue with Mock OAuth");
    t.enter();
    t.wait_for("Browser elsewhere: paste the address it ends on");
    let url = wait_for_hyperlink(&mut t);
    let landed = server
        .rt
        .block_on(crate::app::consent_elsewhere(&url, "ada@example.com"));
    assert!(landed.contains("rotating_token_nonce="), "{landed}");
    // Something that is not it first: the screen says what is wrong and waits.
    t.send_bytes(b"p");
    t.type_text("hello");
    t.enter();
    t.wait_for("neither a web address nor a nonce");
    // The field keeps the focus for another try.
    t.type_text(&landed);
    t.enter();
    let screen = t.wait_for("Signed in");
    assert!(screen.contains("Ada Lovelace"), "{screen}");
    t.send_bytes(b"q");
    let status = t.wait_exit();
    assert!(status.success(), "clean exit: {status:?}");
    t.assert_restored();
}
