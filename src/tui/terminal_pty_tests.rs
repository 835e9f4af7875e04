//! Runs this test binary again inside a pseudo-terminal, lets the child enter TUI mode and
//! end in different ways, and checks with a terminal emulator (vt100) that the terminal
//! was handed back: main screen, cursor shown, bracketed paste off, output post-processing
//! (cooked mode) back on.

use super::*;
use crate::tui::events::{EventSource, TermEvent};
use crate::tui::pty_child::{COLS, ROWS, spawn_test};
use ratatui::widgets::Paragraph;
use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "CLERK_TUI_PTY_CHILD";

/// What the child process does inside the pseudo-terminal; only runs when asked to.
#[test]
#[ignore = "run by the pty tests in a child process"]
fn pty_child() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    if mode == "abort" {
        // What `panic = "abort"` (the release profile) does: the hooks run, then the process
        // aborts, and no destructor (the guard's restore) ever runs.
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            std::process::abort();
        }));
    }
    let mut guard = match setup() {
        Ok(g) => g,
        Err(e) => panic!("setup: {e}"),
    };
    let drew = guard.draw(|f| f.render_widget(Paragraph::new("INSIDE_THE_TUI"), f.area()));
    assert!(drew.is_ok());
    match mode.as_str() {
        "exit" => drop(guard),
        "panic" | "abort" => panic!("boom inside the tui"),
        "signal" => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let Ok(runtime) = runtime else {
                panic!("runtime")
            };
            let event = runtime.block_on(async {
                let mut source = match EventSource::new() {
                    Ok(s) => s,
                    Err(e) => panic!("event source: {e}"),
                };
                // Tell the parent the handlers are in place.
                print!("\x1b]0;ready\x07");
                let _ = std::io::stdout().flush();
                loop {
                    if let Some(TermEvent::Quit(signal)) = source.next().await {
                        return signal;
                    }
                }
            });
            drop(guard);
            println!("quit on {event:?}");
        }
        other => panic!("unknown mode {other}"),
    }
    // With output post-processing restored, "\n" also returns the carriage.
    print!("AFTER\nRESTORE\n");
    let _ = std::io::stdout().flush();
}

struct Child {
    parser: vt100::Parser,
    output: mpsc::Receiver<Vec<u8>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    raw: Vec<u8>,
}

fn spawn(mode: &str) -> Child {
    let c = spawn_test("tui::terminal::pty_tests::pty_child", CHILD_ENV, mode);
    Child {
        parser: vt100::Parser::new(ROWS, COLS, 0),
        output: c.output,
        child: c.child,
        raw: Vec::new(),
    }
}

impl Child {
    /// Feeds output to the emulator until `done` holds or the child closes the pty.
    fn read_until(&mut self, done: impl Fn(&[u8]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&self.raw) && Instant::now() < deadline {
            match self.output.recv_timeout(Duration::from_millis(200)) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    }

    fn finish(mut self) -> (vt100::Parser, String) {
        self.read_until(|_| false);
        let _ = self.child.wait();
        let raw = String::from_utf8_lossy(&self.raw).into_owned();
        (self.parser, raw)
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn assert_restored(parser: &vt100::Parser, raw: &str) {
    let screen = parser.screen();
    assert!(raw.contains("INSIDE_THE_TUI"), "the child drew: {raw:?}");
    assert!(!screen.alternate_screen(), "back on the main screen");
    assert!(!screen.hide_cursor(), "cursor shown");
    assert!(!screen.bracketed_paste(), "bracketed paste off");
    let contents = screen.contents();
    assert!(
        !contents.contains("INSIDE_THE_TUI"),
        "the TUI stayed on the alternate screen"
    );
    // "AFTER\nRESTORE": in raw mode RESTORE would start at column 5, not 0.
    assert!(
        contents.lines().any(|l| l == "RESTORE"),
        "cooked mode again:\n{contents}"
    );
}

#[test]
fn normal_exit_restores_the_terminal() {
    let (parser, raw) = spawn("exit").finish();
    assert_restored(&parser, &raw);
}

#[test]
fn panic_restores_the_terminal_before_the_message_prints() {
    let (parser, raw) = spawn("panic").finish();
    let contents = parser.screen().contents();
    assert!(
        contents.contains("boom inside the tui"),
        "panic message on the main screen:\n{contents}"
    );
    let screen = parser.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor() && !screen.bracketed_paste());
    assert!(raw.contains("INSIDE_THE_TUI"));
}

#[test]
fn a_panic_that_aborts_still_restores_the_terminal() {
    assert!(
        include_str!("../../Cargo.toml").contains("panic = \"abort\""),
        "this test stands for the release profile's panic strategy"
    );
    let (parser, raw) = spawn("abort").finish();
    let screen = parser.screen();
    assert!(
        screen.contents().contains("boom inside the tui"),
        "panic message on the main screen:\n{}",
        screen.contents()
    );
    assert!(!screen.alternate_screen() && !screen.hide_cursor() && !screen.bracketed_paste());
    assert!(raw.contains("INSIDE_THE_TUI"));
    assert!(!raw.contains("AFTER"), "the child went on after the panic");
}

#[test]
fn sigterm_and_sighup_from_outside_restore_the_terminal() {
    for (signal, name) in [
        ("-TERM", "Terminate"),
        ("-HUP", "Hangup"),
        ("-INT", "Interrupt"),
    ] {
        let mut child = spawn("signal");
        child.read_until(|raw| contains(raw, "\x1b]0;ready\x07"));
        assert!(
            child.parser.screen().alternate_screen(),
            "child is in TUI mode"
        );
        let pid = child.child.process_id().unwrap_or_default().to_string();
        let sent = std::process::Command::new("kill")
            .args([signal, &pid])
            .status();
        assert!(matches!(sent, Ok(s) if s.success()));
        let (parser, raw) = child.finish();
        assert!(
            parser
                .screen()
                .contents()
                .contains(&format!("quit on {name}")),
            "{raw:?}"
        );
        assert_restored(&parser, &raw);
    }
}
