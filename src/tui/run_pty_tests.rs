//! End to end in a pseudo-terminal: this test binary runs `run` again as a child against a
//! Frontend API that cannot be reached (loopback port 1), and a vt100 emulator checks what a
//! person would see - the start screen, the load failure with its retry key - and that every
//! way out (q, Ctrl-C, SIGTERM) hands the terminal back.

use super::*;
use crate::app::Backend;
use crate::fapi::{FapiClient, MemoryTokenStore};
use crate::tui::pty_child::{COLS, ROWS, spawn_test};
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Instant;

const CHILD_ENV: &str = "CLERK_TUI_RUN_PTY_CHILD";
const UNREACHABLE: &str = "http://127.0.0.1:1";

#[test]
#[ignore = "run by the run-loop pty tests in a child process"]
fn run_child() {
    if std::env::var(CHILD_ENV).is_err() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let Ok(runtime) = runtime else {
        panic!("runtime")
    };
    let result = runtime.block_on(async {
        let client = FapiClient::with_base_url(UNREACHABLE, Arc::new(MemoryTokenStore::new()));
        let client = match client {
            Ok(c) => c.with_timeout(Duration::from_secs(2)),
            Err(e) => panic!("client: {e}"),
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let runner = EffectRunner::new(Arc::new(client), tx.clone(), None);
        let app = App::new(
            Backend::Remote {
                base_url: UNREACHABLE.into(),
            },
            now_ms(),
        );
        run(app, runner, tx, rx, Theme::Monochrome).await
    });
    println!(
        "RUN_RETURNED {}",
        if result.is_ok() { "ok" } else { "error" }
    );
    let _ = std::io::stdout().flush();
}

struct Child {
    parser: vt100::Parser,
    output: std_mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

fn spawn() -> Child {
    let c = spawn_test("tui::run::pty_tests::run_child", CHILD_ENV, "1");
    Child {
        parser: vt100::Parser::new(ROWS, COLS, 0),
        output: c.output,
        writer: c.writer,
        child: c.child,
    }
}

impl Child {
    /// Feeds output to the emulator until the screen shows `text` (or 30 s pass).
    fn wait_for(&mut self, text: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.parser.screen().contents().contains(text) {
                return true;
            }
            match self.output.recv_timeout(Duration::from_millis(100)) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        self.parser.screen().contents().contains(text)
    }

    fn send(&mut self, bytes: &[u8]) {
        assert!(self.writer.write_all(bytes).is_ok() && self.writer.flush().is_ok());
    }

    fn finish(mut self) -> vt100::Parser {
        let _ = self.wait_for("RUN_RETURNED");
        let _ = self.child.wait();
        self.parser
    }
}

fn assert_restored(parser: &vt100::Parser) {
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "back on the main screen");
    assert!(!screen.hide_cursor(), "cursor shown");
    assert!(!screen.bracketed_paste(), "bracketed paste off");
    assert!(
        screen.contents().contains("RUN_RETURNED ok"),
        "run returned Ok:\n{}",
        screen.contents()
    );
}

#[test]
fn load_failure_is_shown_and_q_quits_cleanly() {
    let mut child = spawn();
    assert!(
        child.wait_for("could not be loaded"),
        "{}",
        child.parser.screen().contents()
    );
    let contents = child.parser.screen().contents();
    assert!(
        contents.contains("Clerk Frontend API at http://127.0.0.1:1"),
        "{contents}"
    );
    assert!(contents.contains("r retry"), "{contents}");
    assert!(child.parser.screen().alternate_screen());
    child.send(b"q");
    assert_restored(&child.finish());
}

#[test]
fn ctrl_c_and_sigterm_quit_from_the_start_screen() {
    let mut child = spawn();
    assert!(child.wait_for("clerk-tui: sign in"));
    child.send(b"\x03");
    assert_restored(&child.finish());

    let mut child = spawn();
    assert!(child.wait_for("clerk-tui: sign in"));
    let pid = child.child.process_id().unwrap_or_default().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(matches!(sent, Ok(s) if s.success()));
    assert_restored(&child.finish());
}
