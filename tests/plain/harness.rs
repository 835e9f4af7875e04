//! The line mode's pieces: the app wired to a dev server, a writer the test can read while the
//! app runs, temporary config dirs, and the binary (server, outbox and TOTP: tests/support).

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_tui::app::effects::{EffectRunner, now_ms};
use clerk_tui::app::{App, Backend};
use clerk_tui::devserver::DevServerHandle;
use clerk_tui::fapi::{FapiClient, MemoryTokenStore};
use clerk_tui::plain::{self, PlainOptions, PlainOutcome};
use tokio::io::{AsyncWriteExt, DuplexStream};

// The server, outbox and TOTP helpers live in tests/support; these names stay for the suites
// (not every binary that includes this file uses them all).
#[allow(unused_imports)]
pub use crate::support::outbox::{code as outbox_code, link as outbox_link};
#[allow(unused_imports)]
pub use crate::support::server::{
    GRACE_TOTP, PASSWORD, start as server, start_with_limits as server_with_limits,
};
#[allow(unused_imports)]
pub use crate::support::totp::totp_now as totp;

/// Output the test can read while the app is still writing.
#[derive(Clone, Default)]
pub struct SharedOut(Arc<Mutex<Vec<u8>>>);

impl SharedOut {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8(bytes).expect("output is UTF-8")
    }

    /// Waits until the output contains `needle`.
    pub async fn wait_for(&self, needle: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !self.text().contains(needle) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {needle:?}; output so far:\n{}",
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Write for SharedOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The mock provider's address the app printed on a line of its own, once it has.
#[allow(dead_code)] // used by the browser and OAuth suites, which include this file
pub fn printed_url(out: &SharedOut) -> Option<String> {
    out.text()
        .lines()
        .find(|l| l.starts_with("http://") && l.contains("/__dev/oauth/c/"))
        .map(str::to_string)
}

/// Types one line into the app.
pub async fn type_line(input: &mut DuplexStream, line: &str) {
    input
        .write_all(format!("{line}\n").as_bytes())
        .await
        .expect("the app reads its input");
}

/// Runs the line mode against `server` while `driver` types; the driver ends input by
/// dropping its half. Returns the outcome and everything printed.
pub async fn plain_session<F, Fut>(
    server: &DevServerHandle,
    opts: PlainOptions,
    driver: F,
) -> (PlainOutcome, String)
where
    F: FnOnce(DuplexStream, SharedOut) -> Fut,
    Fut: Future<Output = ()>,
{
    let backend = Backend::Remote {
        base_url: server.base_url().to_string(),
    };
    plain_session_as(server, backend, opts, driver).await
}

/// `plain_session` with the app told which backend it is on (embedded: demo users, outbox).
pub async fn plain_session_as<F, Fut>(
    server: &DevServerHandle,
    backend: Backend,
    opts: PlainOptions,
    driver: F,
) -> (PlainOutcome, String)
where
    F: FnOnce(DuplexStream, SharedOut) -> Fut,
    Fut: Future<Output = ()>,
{
    plain_session_of(server, App::new(backend, now_ms()), opts, driver).await
}

/// [`plain_session_as`] with an `App` the test configured (flags the binary would set).
pub async fn plain_session_of<F, Fut>(
    server: &DevServerHandle,
    app: App,
    opts: PlainOptions,
    driver: F,
) -> (PlainOutcome, String)
where
    F: FnOnce(DuplexStream, SharedOut) -> Fut,
    Fut: Future<Output = ()>,
{
    let client = FapiClient::with_base_url(server.base_url(), Arc::new(MemoryTokenStore::new()))
        .expect("loopback URL is accepted");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let runner = EffectRunner::new(Arc::new(client), tx.clone(), None);
    let (ours, theirs) = tokio::io::duplex(4096);
    let out = SharedOut::default();
    let run = plain::run_with_io(
        app,
        runner,
        tx,
        rx,
        tokio::io::BufReader::new(theirs),
        out.clone(),
        opts,
    );
    let both = async { tokio::join!(run, driver(ours, out.clone())) };
    let (outcome, ()) = tokio::time::timeout(Duration::from_secs(60), both)
        .await
        .unwrap_or_else(|_| panic!("the session did not end; output:\n{}", out.text()));
    (outcome, out.text())
}

/// Plain output: no escape sequences or other control characters, and every line a sentence,
/// a list entry, or a labelled list heading.
pub fn assert_plain(text: &str) {
    assert!(!text.contains('\x1b'), "escape sequence in:\n{text}");
    for line in text.lines() {
        assert!(
            !line.chars().any(|c| c.is_control()),
            "control character in {line:?}"
        );
        let first = line.chars().next().expect("no empty lines");
        let listed = line.starts_with("- ") || first.is_ascii_digit();
        let sentence = first.is_uppercase() || line.starts_with('(');
        assert!(listed || sentence, "not a sentence: {line:?}");
        if !listed {
            assert!(
                line.ends_with(['.', ':', ')']),
                "sentence without an end: {line:?}"
            );
        }
    }
}

/// A private config directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("clerk-tui-plain-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The built binary with a private config dir and none of the user's settings.
pub fn bin(config_dir: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_clerk-tui"));
    for var in [
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_FRONTEND_API",
        "CLERK_TUI_LOG",
        "CLERK_TUI_CONFIG_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CLERK_TUI_CONFIG_DIR", config_dir)
        .env("TERM", "dumb")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// What a finished command printed and how it exited.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub async fn run(cmd: &mut tokio::process::Command) -> Ran {
    ran(cmd.output()).await
}

/// What a command's output came to, within a minute.
async fn ran(
    output: impl std::future::Future<Output = std::io::Result<std::process::Output>>,
) -> Ran {
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .expect("the command finishes")
        .expect("the binary runs");
    Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs `cmd` with `input` as its whole stdin (closed after it, as a pipe from a script is).
pub async fn run_with_input(cmd: &mut tokio::process::Command, input: &str) -> Ran {
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).await.expect("write");
    drop(stdin);
    ran(child.wait_with_output()).await
}

/// A compact JWT: three non-empty base64url parts.
pub fn assert_jwt(s: &str) {
    let parts: Vec<&str> = s.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWT: {s:?}");
    for p in parts {
        assert!(
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not base64url: {p:?}"
        );
    }
}
