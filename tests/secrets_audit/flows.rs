//! The audited flows: each test creates its own users with fresh secrets, signs in through the
//! binary (pty or `--plain` over pipes), and scans what the run left behind.

use super::*;

/// The full-screen app in a pty against `server`, logging at trace level.
fn tui(server: &Server, log: &Path) -> Term {
    let dir = server.dir_path().to_string_lossy().into_owned();
    let log = log.to_string_lossy().into_owned();
    Term::spawn(
        &[
            "--frontend-api",
            &server.url(),
            "--no-store",
            "--log-file",
            &log,
        ],
        &[
            ("RUST_LOG", "trace"),
            ("XDG_CONFIG_HOME", &dir),
            ("XDG_DATA_HOME", &dir),
            ("HOME", &dir),
        ],
    )
}

/// Signed in, then `q`: the log is flushed when the process ends.
fn tui_finish(mut t: Term, log: &Path) -> Evidence {
    t.wait_for("Signed in");
    t.wait_for("Session token");
    t.send_bytes(b"q");
    let status = t.wait_exit();
    assert!(status.success(), "clean exit: {status:?}\n{}", t.screen());
    Evidence {
        log: read_log(log),
        // The pty carries stderr too, so a panic message would be here.
        output: t.raw(),
        stderr: String::new(),
    }
}

fn identify(t: &mut Term, identifier: &str) {
    t.wait_for("Email address");
    t.type_text(identifier);
    t.enter();
}

/// Picks the numbered entry of the "use another method" list whose line contains `what`.
fn pick(t: &mut Term, what: &str) {
    t.send_bytes(b"m");
    let list = t.wait_for(what);
    let n = list
        .lines()
        .find(|l| l.contains(what))
        .and_then(|l| l.trim_start_matches([' ', '>', '│']).chars().next())
        .filter(char::is_ascii_digit)
        .unwrap_or_else(|| panic!("a numbered {what:?} choice:\n{list}"));
    t.send_bytes(&[n as u8]);
}

#[test]
fn tui_password_and_totp_and_backup_code() {
    let server = Server::start();
    let (pw, secret) = (password(), totp_secret());
    let backup = [unique("bk"), unique("bk")];
    server.add_user(
        json!({"email_address": "pia@example.com", "password": pw, "totp_secret": secret,
        "backup_codes": backup, "first_name": "Pia", "last_name": "Audit"}),
    );
    // Password, then the authenticator code typed.
    let log = server.log_path("tui-totp");
    let mut t = tui(&server, &log);
    identify(&mut t, "pia@example.com");
    t.wait_for("Enter your password");
    t.type_text(&pw);
    t.enter();
    t.wait_for("authenticator app");
    let code = totp_now(&secret);
    t.type_text(&code);
    let ev = tui_finish(t, &log);
    let mut secrets = vec![pw.clone(), secret.clone(), code];
    secrets.extend(backup.iter().cloned());
    assert_clean("tui password + totp", &ev, &secrets);

    // Password, then a backup code instead.
    let log = server.log_path("tui-backup");
    let mut t = tui(&server, &log);
    identify(&mut t, "pia@example.com");
    t.wait_for("Enter your password");
    t.type_text(&pw);
    t.enter();
    t.wait_for("authenticator app");
    pick(&mut t, "ackup code");
    t.wait_for("backup codes you saved");
    t.type_text(&backup[0]);
    t.enter();
    let ev = tui_finish(t, &log);
    assert_clean("tui password + backup code", &ev, &secrets);
}

#[test]
fn tui_email_code_and_forgot_password() {
    let server = Server::start();
    server.add_user(
        json!({"email_address": "eli@example.com", "first_name": "Eli", "last_name": "Audit"}),
    );
    let log = server.log_path("tui-email");
    let mut t = tui(&server, &log);
    identify(&mut t, "eli@example.com");
    t.wait_for("code sent to eli@example.com");
    let code = server.code_for("eli@example.com");
    t.type_text(&code);
    let ev = tui_finish(t, &log);
    assert_clean("tui email code", &ev, std::slice::from_ref(&code));

    let (old, new) = (password(), password());
    server.add_user(json!({"email_address": "fin@example.com", "password": old, "first_name": "Fin", "last_name": "Audit"}));
    let log = server.log_path("tui-reset");
    let mut t = tui(&server, &log);
    identify(&mut t, "fin@example.com");
    t.wait_for("Forgot password?");
    t.tab();
    t.send_bytes(b"1");
    t.wait_for("code sent to fin@example.com");
    let code = server.code_for("fin@example.com");
    t.type_text(&code);
    t.wait_for("new password");
    t.type_text(&new);
    t.tab();
    t.type_text(&new);
    t.enter();
    let ev = tui_finish(t, &log);
    assert_clean("tui forgot password", &ev, &[old, new, code]);
}

/// `--plain` with piped stdin and stdout: lines go in as a script would type them.
struct Plain {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
    log: PathBuf,
}

fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let to = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = from.read(&mut chunk) {
            if n == 0 {
                break;
            }
            to.lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&chunk[..n]);
        }
    });
    buf
}

fn text(buf: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&buf.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

impl Plain {
    fn start(server: &Server, name: &str) -> Plain {
        let log = server.log_path(name);
        let mut child = Command::new(env!("CARGO_BIN_EXE_clerk-tui"))
            .args(["--plain", "--no-store", "--frontend-api", &server.url()])
            .arg("--log-file")
            .arg(&log)
            .env("RUST_LOG", "trace")
            .env("TERM", "dumb")
            .env("CLERK_TUI_CONFIG_DIR", server.dir_path())
            .env_remove("CLERK_PUBLISHABLE_KEY")
            .env_remove("CLERK_FRONTEND_API")
            .env_remove("CLERK_TUI_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let out = collect(child.stdout.take().expect("stdout"));
        let err = collect(child.stderr.take().expect("stderr"));
        Plain {
            stdin: child.stdin.take(),
            child,
            out,
            err,
            log,
        }
    }

    fn line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| stdin.flush())
            .expect("the app reads its input");
    }

    /// Waits until stdout holds `needle` `times` times (prompts repeat across steps).
    fn wait_for(&self, needle: &str, times: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = text(&self.out);
            if out.matches(needle).count() >= times {
                return out;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; stdout:\n{out}\nstderr:\n{}",
                text(&self.err)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Signed in; end of input ends the session.
    fn finish(mut self) -> Evidence {
        self.wait_for("Signed in as", 1);
        self.wait_for("A fresh session token is ready", 1);
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the plain session did not end:\n{}", text(&self.out));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{status:?}\n{}", text(&self.err));
        // The reader threads see end of file right after exit.
        std::thread::sleep(Duration::from_millis(100));
        Evidence {
            log: read_log(&self.log),
            output: text(&self.out),
            stderr: text(&self.err),
        }
    }
}

/// The number the plain mode gave the method whose line contains `what`.
fn number_of(listing: &str, what: &str) -> String {
    listing
        .lines()
        .rev()
        .find(|l| l.contains(what) && l.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|l| l.split('.').next())
        .unwrap_or_else(|| panic!("no numbered {what:?} in:\n{listing}"))
        .to_string()
}

#[test]
fn plain_password_totp_backup_code_email_code_and_forgot_password() {
    let server = Server::start();
    let (pw, secret) = (password(), totp_secret());
    let backup = [unique("bk"), unique("bk")];
    server.add_user(
        json!({"email_address": "pat@example.com", "password": pw, "totp_secret": secret,
        "backup_codes": backup, "first_name": "Pat", "last_name": "Plain"}),
    );
    let mut secrets = vec![pw.clone(), secret.clone()];
    secrets.extend(backup.iter().cloned());

    let mut p = Plain::start(&server, "plain-totp");
    p.line("pat@example.com");
    p.wait_for("Enter the password for", 1);
    p.line(&pw);
    p.wait_for("authenticator app", 1);
    let code = totp_now(&secret);
    p.line(&code);
    let ev = p.finish();
    secrets.push(code);
    assert_clean("plain password + totp", &ev, &secrets);

    let mut p = Plain::start(&server, "plain-backup");
    p.line("pat@example.com");
    p.wait_for("Enter the password for", 1);
    p.line(&pw);
    p.wait_for("authenticator app", 1);
    p.line("m");
    let listing = p.wait_for("Type a number", 1);
    p.line(&number_of(&listing, "ackup code"));
    p.wait_for("enter one of your backup codes", 1);
    p.line(&backup[1]);
    assert_clean("plain password + backup code", &p.finish(), &secrets);

    server.add_user(
        json!({"email_address": "eva@example.com", "first_name": "Eva", "last_name": "Plain"}),
    );
    let mut p = Plain::start(&server, "plain-email");
    p.line("eva@example.com");
    let code = server.code_for("eva@example.com");
    p.wait_for("sent", 1);
    p.line(&code);
    assert_clean("plain email code", &p.finish(), &[code]);

    let (old, new) = (password(), password());
    server.add_user(json!({"email_address": "flo@example.com", "password": old, "first_name": "Flo", "last_name": "Plain"}));
    let mut p = Plain::start(&server, "plain-reset");
    p.line("flo@example.com");
    p.wait_for("'f' if you forgot it", 1);
    p.line("f");
    let code = server.code_for("flo@example.com");
    p.wait_for("sent", 1);
    p.line(&code);
    p.wait_for("Type the new password", 1);
    p.line(&new);
    p.wait_for("Type the new password again.", 1);
    p.line(&new);
    assert_clean("plain forgot password", &p.finish(), &[old, new, code]);
}

/// The embedded server runs inside the binary and logs into the same trace log: its request
/// handling must not log what it verifies. (Stdout lists the demo credentials on purpose, so
/// only the log and stderr are scanned.)
#[test]
fn embedded_server_logs_no_secret() {
    use crate::e2e::support::server::{GRACE_TOTP, PASSWORD as DEMO_PASSWORD};
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("embedded.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerk-tui"))
        .args(["--plain", "--no-store", "--log-file"])
        .arg(&log)
        .env("RUST_LOG", "trace")
        .env("TERM", "dumb")
        .env("CLERK_TUI_CONFIG_DIR", dir.path())
        .env_remove("CLERK_PUBLISHABLE_KEY")
        .env_remove("CLERK_FRONTEND_API")
        .env_remove("CLERK_TUI_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut p = Plain {
        out: collect(child.stdout.take().expect("stdout")),
        err: collect(child.stderr.take().expect("stderr")),
        stdin: child.stdin.take(),
        child,
        log,
    };
    p.line("grace@example.com");
    p.wait_for("Enter the password for", 1);
    p.line(DEMO_PASSWORD);
    p.wait_for("authenticator app", 1);
    let code = totp_now(GRACE_TOTP);
    p.line(&code);
    let mut ev = p.finish();
    assert!(
        ev.log.contains("clerk_tui::devserver"),
        "the embedded server's own lines are in the log:\n{}",
        ev.log
    );
    ev.output = String::new();
    let secrets = [DEMO_PASSWORD.to_string(), GRACE_TOTP.to_string(), code];
    assert_clean("embedded server, plain password + totp", &ev, &secrets);
}

/// A sign-in ticket is a bearer credential: pasted into the full-screen app, and handed to
/// `sign-in --ticket-env`, it reaches neither the trace log, nor the terminal, nor stderr.
#[test]
fn tickets_pasted_and_from_the_environment() {
    let server = Server::start();
    let email = format!("{}@example.com", unique("tix-"));
    server.add_user(json!({"email_address": email, "password": password(), "first_name": "Tix"}));
    let (token, link) = server.sign_in_ticket(&email);
    let log = server.log_path("tui-ticket");
    let mut t = tui(&server, &log);
    t.wait_for("Email address");
    t.send_bytes(format!("\x1b[200~{link}\x1b[201~").as_bytes());
    let ev = tui_finish(t, &log);
    assert_clean("full screen, pasted ticket link", &ev, &[token]);

    let (token, _) = server.sign_in_ticket(&email);
    let log = server.log_path("script-ticket");
    let out = Command::new(env!("CARGO_BIN_EXE_clerk-tui"))
        .args(["--frontend-api", &server.url(), "--no-store", "--log-file"])
        .arg(&log)
        .args(["sign-in", "--ticket-env", "CLERK_TICKET", "--json"])
        .env("CLERK_TICKET", &token)
        .env("RUST_LOG", "trace")
        .env("CLERK_TUI_CONFIG_DIR", server.dir_path())
        .env_remove("CLERK_PUBLISHABLE_KEY")
        .env_remove("CLERK_FRONTEND_API")
        .env_remove("CLERK_TUI_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    let ev = Evidence {
        log: read_log(&log),
        output: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(out.status.success(), "{}", ev.stderr);
    assert!(ev.output.contains("\"complete\""), "{}", ev.output);
    assert_clean("sign-in --ticket-env", &ev, &[token]);
}
