//! The app brought to its OAuth hand-off, the preamble of every end-to-end OAuth test: the
//! full-screen binary in an 80x24 pseudo-terminal (Tab to the provider row, Enter, the
//! address read from its OSC 8 hyperlink) and the line mode (the provider picked by number,
//! the address read from its own line); and the end both share, signed in as Ada.

use std::future::Future;

use clerk_tui::app::App;
use clerk_tui::devserver::DevServerHandle;
use clerk_tui::plain::{PlainOptions, PlainOutcome};
use tokio::io::DuplexStream;

use crate::plain_harness::{SharedOut, plain_session_of, printed_url, type_line};
use crate::pty::Term;
use crate::support::server::Background;

/// The full-screen app on its hand-off screen, with the address to open.
pub struct TuiHandOff {
    pub term: Term,
    pub url: String,
    _home: tempfile::TempDir,
}

/// Starts the binary against `server` (no stored token, any free callback port, plus
/// `extra` flags) and starts the mock provider's hand-off from the identifier screen.
pub fn tui_at_hand_off(server: &Background, extra: &[&str]) -> TuiHandOff {
    let home = tempfile::tempdir().expect("temp dir");
    let dir = home.path().to_string_lossy().into_owned();
    let base = server.base_url();
    let mut args = vec![
        "--frontend-api",
        &base,
        "--no-store",
        "--callback-port",
        "0",
    ];
    args.extend_from_slice(extra);
    let mut term = Term::spawn(
        &args,
        &[
            ("XDG_CONFIG_HOME", &dir),
            ("XDG_DATA_HOME", &dir),
            ("HOME", &dir),
        ],
    );
    term.wait_for("1. Continue with Mock OAuth");
    // Identifier, password, then the provider row.
    term.tab();
    term.tab();
    term.wait_for("> 1. Continue with Mock OAuth");
    term.enter();
    term.wait_for("/__dev/oauth/c/");
    let url = wait_for_hyperlink(&mut term);
    TuiHandOff {
        term,
        url,
        _home: home,
    }
}

/// The hand-off finished: signed in as Ada on screen, `q` quits cleanly and the terminal is
/// restored.
pub fn tui_signed_in_as_ada(t: &mut Term) {
    let screen = t.wait_for("Signed in");
    assert!(screen.contains("Ada Lovelace"), "{screen}");
    t.send_bytes(b"q");
    let status = t.wait_exit();
    assert!(status.success(), "clean exit: {status:?}");
    t.assert_restored();
}

/// The target of the first OSC 8 hyperlink the program wrote.
fn osc8_target(raw: &str) -> Option<String> {
    let (_, opened) = raw.split_once("\x1b]8;;")?;
    let (url, _) = opened.split_once("\x1b\\")?;
    (!url.is_empty()).then(|| url.to_string())
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

/// In the line mode: picks the mock provider (choice 1) and returns the address the app
/// printed on a line of its own.
pub async fn plain_at_hand_off(input: &mut DuplexStream, out: &SharedOut) -> String {
    out.wait_for("1. Mock OAuth").await;
    type_line(input, "1").await;
    out.wait_for("It can be opened on any device").await;
    printed_url(out).expect("the address is printed on a line of its own")
}

/// Runs the line mode with `app` against `server`: `driver` types (it hands the input back
/// when done), then the session must end signed in. Returns all the app printed.
pub async fn line_mode_signs_in<F, Fut>(
    server: &DevServerHandle,
    app: App,
    opts: PlainOptions,
    driver: F,
) -> String
where
    F: FnOnce(DuplexStream, SharedOut) -> Fut,
    Fut: Future<Output = DuplexStream>,
{
    let signed_in = |input, out: SharedOut| async move {
        let input = driver(input, out.clone()).await;
        out.wait_for("Signed in as").await;
        drop(input);
    };
    match plain_session_of(server, app, opts, signed_in).await {
        (PlainOutcome::SignedIn { .. }, text) => text,
        (other, text) => panic!("not signed in: {other:?}\n{text}"),
    }
}

/// The line mode's app against `server`, as the binary builds it for `--frontend-api`.
pub fn line_mode_app(server: &DevServerHandle) -> App {
    let backend = clerk_tui::app::Backend::Remote {
        base_url: server.base_url().to_string(),
    };
    App::new(backend, clerk_tui::app::effects::now_ms())
}

/// [`line_mode_signs_in`] through the mock provider: `driver` gets the printed address. The
/// wait is said every second, so a test can see the checking line.
pub async fn line_mode_signs_in_through_the_provider<Fut: Future<Output = DuplexStream>>(
    server: &DevServerHandle,
    app: App,
    driver: impl FnOnce(DuplexStream, SharedOut, String) -> Fut,
) -> String {
    let opts = PlainOptions {
        waiting_every: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    line_mode_signs_in(server, app, opts, |mut input, out| async move {
        let url = plain_at_hand_off(&mut input, &out).await;
        driver(input, out, url).await
    })
    .await
}
