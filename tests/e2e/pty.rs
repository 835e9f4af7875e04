//! A real terminal for end-to-end tests: runs the `clerk-tui` binary in a pseudo-terminal,
//! types into it, and reads the screen back through a terminal emulator (vt100).

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub const ROWS: u16 = 24;

pub const COLS: u16 = 80;

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

pub struct Term {
    parser: vt100::Parser,
    output: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    raw: Vec<u8>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Term {
    /// Start the binary with these arguments in an 80x24 terminal.
    pub fn spawn(args: &[&str], envs: &[(&str, &str)]) -> Term {
        Term::spawn_program(env!("CARGO_BIN_EXE_clerk-tui"), args, envs)
    }

    /// Start `program` (a shell, say) with these arguments in an 80x24 terminal.
    pub fn spawn_program(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Term {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap_or_else(|e| panic!("openpty: {e}"));
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("CLERK_PUBLISHABLE_KEY");
        cmd.env_remove("CLERK_FRONTEND_API");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        drop(pair.slave);
        let mut reader = pair
            .master
            .try_clone_reader()
            .unwrap_or_else(|e| panic!("reader: {e}"));
        let writer = pair
            .master
            .take_writer()
            .unwrap_or_else(|e| panic!("writer: {e}"));
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Term {
            parser: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
            output,
            writer,
            child,
            raw: Vec::new(),
            _master: pair.master,
        }
    }

    fn pump(&mut self, wait: Duration) -> bool {
        match self.output.recv_timeout(wait) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    pub fn vt(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// Everything the program wrote, escape sequences included.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// Wait until the screen shows `text` (case-sensitive); panics with the screen otherwise.
    pub fn wait_for(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    pub fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen shows:\n{screen}");
            }
            self.pump(Duration::from_millis(50));
        }
    }

    /// Resize the terminal (the program gets SIGWINCH), and the emulator reading it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        self._master
            .resize(size)
            .unwrap_or_else(|e| panic!("resize: {e}"));
        // Whatever was written for the old size is read before the new size applies.
        while self.pump(Duration::from_millis(5)) {}
        self.parser.set_size(nz(rows), nz(cols));
    }

    /// Read what arrived, without waiting for anything in particular.
    pub fn settle(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            self.pump(Duration::from_millis(10));
        }
    }

    /// The last thousand bytes the program wrote, escapes shown (for failure messages).
    pub fn raw_tail(&self) -> String {
        let from = self.raw.len().saturating_sub(1000);
        format!("{:?}", String::from_utf8_lossy(&self.raw[from..]))
    }

    /// Whether the program is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Type text (each char as a key press).
    pub fn type_text(&mut self, text: &str) {
        for ch in text.chars() {
            let mut b = [0u8; 4];
            self.send_bytes(ch.encode_utf8(&mut b).as_bytes());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .unwrap_or_else(|e| panic!("write to pty: {e}"));
        let _ = self.writer.flush();
    }

    pub fn enter(&mut self) {
        self.send_bytes(b"\r");
    }
    pub fn esc(&mut self) {
        self.send_bytes(b"\x1b");
        std::thread::sleep(Duration::from_millis(60));
    }
    pub fn tab(&mut self) {
        self.send_bytes(b"\t");
    }
    pub fn ctrl_c(&mut self) {
        self.send_bytes(b"\x03");
    }

    /// Send SIGTERM to the program.
    pub fn sigterm(&mut self) {
        if let Some(pid) = self.child.process_id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }

    /// Wait for the program to exit and drain its output; returns its exit status.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            while self.pump(Duration::from_millis(20)) {}
            if let Ok(Some(status)) = self.child.try_wait() {
                while self.pump(Duration::from_millis(50)) {}
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the program did not exit; screen:\n{}", self.screen());
            }
        }
    }

    /// The terminal is back to normal: main screen, cursor shown, and the program said so
    /// with the sequences a terminal needs (leave the alternate screen, show the cursor).
    pub fn assert_restored(&self) {
        let raw = self.raw();
        assert!(
            raw.contains("\x1b[?1049l"),
            "left the alternate screen (ESC[?1049l)"
        );
        let after = &raw[raw.rfind("\x1b[?1049l").unwrap_or(0)..];
        let before = &raw[..raw.rfind("\x1b[?1049l").unwrap_or(0)];
        assert!(
            after.contains("\x1b[?25h") || before.rfind("\x1b[?25h") > before.rfind("\x1b[?25l"),
            "cursor shown again (ESC[?25h)"
        );
        let vt = self.vt();
        assert!(!vt.alternate_screen(), "back on the main screen");
        assert!(!vt.hide_cursor(), "cursor visible");
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
