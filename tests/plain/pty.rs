//! The line mode at a real (pseudo-)terminal: the password typed at the prompt is not echoed,
//! the prompt marker shows, and `q` quits with the session kept.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use crate::harness::{PASSWORD, TempDir, server};

struct Session {
    output: mpsc::Receiver<Vec<u8>>,
    raw: Vec<u8>,
}

impl Session {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    fn read_until(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.text().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in:\n{}",
                self.text()
            );
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(100)) {
                self.raw.extend_from_slice(&bytes);
            }
        }
    }
}

fn pty_sign_in(url: &str, dir: &Path) -> (String, u32) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_clerk-tui"));
    cmd.args(["--plain", "--frontend-api", url]);
    for var in [
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_FRONTEND_API",
        "CLERK_TUI_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CLERK_TUI_CONFIG_DIR", dir);
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let mut writer = pair.master.take_writer().expect("writer");
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let (tx, output) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep the master open while reading, or the child is hung up on early.
        let _master = pair.master;
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut s = Session {
        output,
        raw: Vec::new(),
    };
    let mut type_line = |line: &str| {
        writer
            .write_all(format!("{line}\r").as_bytes())
            .expect("type");
        writer.flush().expect("flush");
    };
    s.read_until("Type your");
    type_line("ada@example.com");
    s.read_until("Type the password");
    // Let the hidden read switch echo off before typing, as a person would.
    std::thread::sleep(Duration::from_millis(800));
    type_line(PASSWORD);
    s.read_until("A fresh session token is ready");
    s.read_until("'q' to quit.");
    std::thread::sleep(Duration::from_millis(200));
    type_line("q");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "did not quit:\n{}", s.text());
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(bytes) = s.output.recv_timeout(Duration::from_millis(200)) {
        s.raw.extend_from_slice(&bytes);
    }
    (s.text(), status.exit_code())
}

#[tokio::test(flavor = "multi_thread")]
async fn password_is_not_echoed_at_a_terminal() {
    let server = server().await;
    let dir = TempDir::new();
    let url = server.base_url().to_string();
    let path = dir.path().to_path_buf();
    let (text, code) = tokio::task::spawn_blocking(move || pty_sign_in(&url, &path))
        .await
        .expect("pty session");
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains(PASSWORD), "the password was echoed:\n{text}");
    assert!(text.contains("> "), "no prompt marker:\n{text}");
    assert!(text.contains("Signed in as Ada Lovelace"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "escape sequence at the terminal:\n{text:?}"
    );
}
