//! A minimal DevTools client for headless Chromium over `--remote-debugging-pipe` (fd 3 in,
//! fd 4 out, NUL-separated JSON): open a page, wait for text, click a button by its label,
//! read where the browser ended. `ensure_chromium` sets Chromium up (`.ci/sdk-setup`) and
//! starts it, or skips (`support::prereq` rules).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The flags the SDK tests give Chromium (tests/sdk/browser.mjs), plus the pipe.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
];

const PAGE_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Chromium {
    child: Child,
    to: File,
    from: BufReader<File>,
    next_id: u64,
    profile: std::path::PathBuf,
}

/// A pipe whose ends are closed on exec (the child gets its own copies via dup2), moved above
/// fd 10: an end that already were fd 3 or 4 would keep its close-on-exec flag through
/// `dup2(3, 3)` (a no-op), and Chromium would start without its pipe (as in a test thread with
/// no runtime holding the low descriptors).
fn pipe() -> Result<(RawFd, RawFd), String> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe(2) to fill.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(format!("pipe: {}", std::io::Error::last_os_error()));
    }
    let mut high = [0; 2];
    for (fd, moved) in fds.into_iter().zip(high.iter_mut()) {
        // SAFETY: `fd` was just returned by pipe(2) and is open; it is closed once copied.
        *moved = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
        unsafe { libc::close(fd) };
        if *moved < 0 {
            return Err(format!("fcntl: {}", std::io::Error::last_os_error()));
        }
    }
    Ok((high[0], high[1]))
}

/// The browser for `test`, or `None` when this run skips it (said on the terminal; a failure
/// under `CI=true`, as `support::prereq` rules; `CLERK_TUI_SKIP_BROWSER=1` skips).
pub fn ensure_chromium(test: &str) -> Option<Chromium> {
    use crate::support::prereq::{Need, ensure_prerequisites};
    let found = ensure_prerequisites(test, "CLERK_TUI_SKIP_BROWSER", &[Need::Chromium])?;
    let bin = found.chromium.expect("ensure_prerequisites found Chromium");
    match Chromium::launch(&bin) {
        Ok(c) => Some(c),
        Err(e) => panic!(
            "headless Chromium ({}) could not be started: {e}",
            bin.display()
        ),
    }
}

/// Runs blocking browser work next to an app on the test's runtime.
pub async fn in_browser<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .expect("browser work finishes")
}

impl Chromium {
    /// Starts `bin` (found by `support::prereq`) headless, with a fresh profile.
    pub fn launch(bin: &std::path::Path) -> Result<Self, String> {
        let bin = bin.display().to_string();
        let (cmd_read, cmd_write) = pipe()?;
        let (resp_read, resp_write) = pipe()?;
        let profile =
            std::env::temp_dir().join(format!("clerk-tui-chromium-{}", uuid::Uuid::new_v4()));
        let mut command = Command::new(&bin);
        command
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2 calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(cmd_read, 3) < 0 || libc::dup2(resp_write, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .map_err(|e| format!("{bin} could not be started: {e}"))?;
        // SAFETY: each fd is open, owned here, and wrapped exactly once.
        let (to, from) = unsafe {
            drop(File::from_raw_fd(cmd_read));
            drop(File::from_raw_fd(resp_write));
            (File::from_raw_fd(cmd_write), File::from_raw_fd(resp_read))
        };
        let mut chromium = Chromium {
            child,
            to,
            from: BufReader::new(from),
            next_id: 0,
            profile,
        };
        chromium
            .call("Browser.getVersion", json!({}), None)
            .map_err(|e| format!("{bin} started but does not answer on the DevTools pipe: {e}"))?;
        Ok(chromium)
    }

    fn call(
        &mut self,
        method: &str,
        params: Value,
        session: Option<&str>,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to
            .write_all(&bytes)
            .map_err(|e| format!("write to Chromium: {e}"))?;
        loop {
            let mut buf = Vec::new();
            let n = self
                .from
                .read_until(0, &mut buf)
                .map_err(|e| format!("read from Chromium: {e}"))?;
            if n == 0 {
                return Err("Chromium closed the DevTools pipe".into());
            }
            buf.pop();
            let Ok(reply) = serde_json::from_slice::<Value>(&buf) else {
                continue;
            };
            if reply["id"] != json!(id) {
                continue;
            }
            if let Some(err) = reply.get("error") {
                return Err(format!("{method}: {err}"));
            }
            return Ok(reply["result"].clone());
        }
    }

    /// A new tab attached in flat mode; returns its session id.
    fn open(&mut self, url: &str) -> Result<String, String> {
        let target = self.call("Target.createTarget", json!({"url": "about:blank"}), None)?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("no target id")?
            .to_string();
        let attached = self.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
            None,
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("no session id")?
            .to_string();
        self.call("Page.navigate", json!({"url": url}), Some(&session))?;
        Ok(session)
    }

    /// Evaluates `expression` in the page; `None` while the page is between documents.
    fn eval(&mut self, session: &str, expression: &str) -> Option<Value> {
        self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
            Some(session),
        )
        .ok()
        .filter(|r| r.get("exceptionDetails").is_none())
        .map(|r| r["result"]["value"].clone())
    }

    /// Waits until the page's text contains `text`; returns the text.
    fn wait_text(&mut self, session: &str, text: &str) -> Result<String, String> {
        let deadline = Instant::now() + PAGE_TIMEOUT;
        let mut last = String::new();
        while Instant::now() < deadline {
            let body = self
                .eval(
                    session,
                    "document.readyState === 'complete' && document.body ? document.body.innerText : ''",
                )
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            if body.contains(text) {
                return Ok(body);
            }
            last = body;
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("the page never showed {text:?}; it shows: {last}"))
    }

    /// Opens `url` and waits for `until` on the page.
    pub fn visit(mut self, url: &str, until: &str) -> Result<String, String> {
        let session = self.open(url)?;
        self.wait_text(&session, until)
    }

    /// Opens `url`, clicks the button whose label contains `label`, waits for `until`.
    pub fn click(mut self, url: &str, label: &str, until: &str) -> Result<String, String> {
        let session = self.open_and_click(url, label)?;
        self.wait_text(&session, until)
    }

    /// Opens `url`, clicks the button labelled `label`, and follows where the page sends the
    /// browser until it shows `until`; returns the address it ended on (`location.href`), as a
    /// person would copy it from the address bar.
    pub fn click_to_end(mut self, url: &str, label: &str, until: &str) -> Result<String, String> {
        let session = self.open_and_click(url, label)?;
        self.wait_text(&session, until)?;
        self.eval(&session, "location.href")
            .and_then(|v| v.as_str().map(str::to_string))
            .ok_or_else(|| "the page has no address".to_string())
    }

    fn open_and_click(&mut self, url: &str, label: &str) -> Result<String, String> {
        let session = self.open(url)?;
        self.wait_text(&session, label)?;
        let script = format!(
            "(() => {{ const b = [...document.querySelectorAll('button')].find(b => b.textContent.includes({})); if (!b) return false; b.click(); return true; }})()",
            json!(label)
        );
        if self.eval(&session, &script) != Some(json!(true)) {
            return Err(format!("no button labelled {label:?}"));
        }
        Ok(session)
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
