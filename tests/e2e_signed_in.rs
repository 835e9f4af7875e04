//! End-to-end on the signed-in screen, keyboard only: the real `clerk-tui` binary in a
//! pseudo-terminal. A password-only user sets up an authenticator app from the screen (secret
//! read off the screen, code computed like a phone would), saves a backup code, signs in again
//! with the app and then with the backup code, which works once. A stored session resumes
//! without a password from a 0600 token file, and an ended one says why. The emulator's clock
//! moved ahead makes the token expire and be replaced at once.

mod e2e;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e::pty::Term;
use e2e::server::Server;
use e2e::support::server::{GRACE_TOTP, PASSWORD};
use e2e::support::totp::totp_at;

const ADA: &str = "ada@example.com";

impl Server {
    /// The app against this server; `store`: keep the client token in the config dir.
    fn app(&self, store: bool) -> Term {
        let dir = self.dir();
        if store {
            self.spawn(&["--config-dir", &dir])
        } else {
            self.spawn(&["--no-store"])
        }
    }
}

/// Config, data and home all inside the test's own directory.
fn home(dir: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("XDG_CONFIG_HOME", dir),
        ("XDG_DATA_HOME", dir),
        ("HOME", dir),
    ]
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The secret as the enrolment screen shows it: eight groups of four base32 characters.
fn secret_on(screen: &str) -> String {
    screen
        .lines()
        .map(str::split_whitespace)
        .map(|groups| groups.collect::<Vec<_>>())
        .find(|groups| {
            groups.len() == 8
                && groups.iter().all(|g| {
                    g.len() == 4
                        && g.chars()
                            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
                })
        })
        .map(|groups| groups.concat())
        .unwrap_or_else(|| panic!("no secret in groups of four on screen:\n{screen}"))
}

/// The numbered backup codes on screen (`1. k7m2q9xa   6. …`), in order.
fn backup_codes_on(screen: &str) -> Vec<String> {
    let mut found: Vec<(u32, String)> = Vec::new();
    for line in screen.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.windows(2) {
            if let Some(n) = pair[0].strip_suffix('.').and_then(|n| n.parse().ok())
                && pair[1].len() >= 8
                && pair[1].chars().all(|c| c.is_ascii_alphanumeric())
            {
                found.push((n, pair[1].to_string()));
            }
        }
    }
    found.sort();
    found.into_iter().map(|(_, code)| code).collect()
}

/// Identifier (typed, or already in the field after a sign-out) and password.
fn password_step(t: &mut Term, typed: bool) {
    t.wait_for("Email address");
    if typed {
        t.type_text(ADA);
    }
    t.enter();
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    t.enter();
}

fn signed_in(t: &mut Term) -> String {
    t.wait_for("Identifier  ada@example.com");
    t.wait_for("Session token (JWT), valid")
}

fn sign_out(t: &mut Term) {
    t.send_bytes(b"s");
    t.wait_for("Signed out. ada@example.com is no longer signed in");
    t.wait_for("Email address");
}

/// On the second-factor screen: "use another method", then the backup code.
fn use_backup_code(t: &mut Term, code: &str) {
    t.wait_for("authenticator app");
    t.send_bytes(b"m");
    let list = t.wait_for("ackup code");
    let n = list
        .lines()
        .find(|l| l.contains("ackup code"))
        .and_then(|l| l.trim_start_matches([' ', '>']).chars().next())
        .filter(char::is_ascii_digit)
        .unwrap_or_else(|| panic!("a numbered backup-code choice:\n{list}"));
    t.send_bytes(&[n as u8]);
    t.wait_for("Enter one of the backup codes");
    t.type_text(code);
    t.enter();
}

#[test]
fn totp_set_up_on_screen_then_sign_in_with_it_and_with_a_backup_code_once() {
    let server = Server::start();
    let mut t = server.app(false);
    password_step(&mut t, true);
    let screen = signed_in(&mut t);
    assert!(screen.contains("Two-step    off"), "{screen}");
    // (The kid wraps onto the next row at 80 columns.)
    t.wait_for("Signature verified with the instance's JWKS (kid");

    // Enrol (`a`, as in line mode): the secret comes off the screen, the code from it as a
    // phone would make it.
    t.send_bytes(b"a");
    let screen = t.wait_for("Set up an authenticator app");
    let secret = secret_on(&screen);
    let enrolled_at = now_secs();
    t.type_text(&totp_at(&secret, enrolled_at));
    let screen = t.wait_for("Save your backup codes");
    let codes = backup_codes_on(&screen);
    assert_eq!(codes.len(), 10, "ten codes, numbered:\n{screen}");
    let backup = codes[0].clone();
    t.enter();
    t.wait_for("Authenticator app set up");
    t.wait_for("Two-step    on (authenticator app, backup codes)");
    sign_out(&mut t);

    // The app's code now: the server refuses the step used to enrol, so use the next one
    // (authenticator codes are accepted one step early).
    password_step(&mut t, false);
    t.wait_for("authenticator app");
    let next_step = (enrolled_at / 30 + 1) * 30;
    t.type_text(&totp_at(&secret, next_step.max(now_secs())));
    signed_in(&mut t);
    sign_out(&mut t);

    password_step(&mut t, false);
    use_backup_code(&mut t, &backup);
    signed_in(&mut t);
    sign_out(&mut t);

    password_step(&mut t, false);
    use_backup_code(&mut t, &backup);
    let screen = t.wait_for("Error:");
    assert!(
        !screen.contains("Session token"),
        "a used backup code is refused:\n{screen}"
    );
    t.send_bytes(b"\x03");
    t.wait_exit();
    t.assert_restored();
}

#[cfg(unix)]
#[test]
fn a_stored_session_resumes_without_a_password_and_an_ended_one_says_why() {
    use std::os::unix::fs::PermissionsExt;

    let server = Server::start();
    let mut t = server.app(true);
    password_step(&mut t, true);
    signed_in(&mut t);
    t.send_bytes(b"q");
    assert!(t.wait_exit().success());
    t.assert_restored();

    let file = std::path::Path::new(&server.dir()).join("client-tokens.json");
    let mode = std::fs::metadata(&file)
        .unwrap_or_else(|e| panic!("token file {}: {e}", file.display()))
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the token file is private");

    let mut t = server.app(true);
    let screen = signed_in(&mut t);
    assert!(
        !screen.contains("Enter your password"),
        "resumed without a password"
    );
    t.send_bytes(b"q");
    assert!(t.wait_exit().success());

    // Eight days on, the 7-day session has expired on the server.
    server.shift_clock(8 * 86_400);
    let mut t = server.app(true);
    t.wait_for("Your previous session has ended; sign in again.");
    t.wait_for("Email address");
    t.send_bytes(b"\x03");
    t.wait_exit();
    t.assert_restored();
}

#[test]
fn moving_the_emulators_clock_expires_the_token_and_a_fresh_one_follows() {
    // The embedded backend (no URL): the demo keys `+` and `d` work only there.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_string_lossy().into_owned();
    let mut t = Term::spawn(&["--no-store"], &home(&path));
    password_step(&mut t, true);
    signed_in(&mut t);
    let before = t.wait_for("Signature verified with the emulator's JWKS");
    let iat = |screen: &str| {
        screen
            .lines()
            .find(|l| l.trim_start().starts_with("iat "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or_else(|| panic!("no iat claim on screen:\n{screen}"))
    };
    let first = iat(&before);
    t.send_bytes(b"+");
    t.wait_for("5 min ahead");
    let after = t.wait_until("a token minted on the shifted clock", |s| {
        s.lines()
            .find(|l| l.trim_start().starts_with("iat "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|v| v >= first + 295)
    });
    assert!(after.contains("valid for"), "{after}");
    t.wait_for("Signature verified with the emulator's JWKS");
    // `d` has nothing to show for a user without an authenticator app, and says so.
    t.send_bytes(b"d");
    t.wait_for("no authenticator app");
    std::thread::sleep(Duration::from_millis(50));
    t.send_bytes(b"q");
    assert!(t.wait_exit().success());
    t.assert_restored();
}

#[test]
fn the_demo_key_shows_the_totp_users_current_code() {
    // Grace, a seeded user of the embedded backend, has an authenticator app with this secret.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_string_lossy().into_owned();
    let mut t = Term::spawn(&["--no-store"], &home(&path));
    t.wait_for("Email address");
    t.type_text("grace@example.com");
    t.enter();
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    t.enter();
    t.wait_for("authenticator app");
    t.type_text(&totp_at(GRACE_TOTP, now_secs()));
    t.wait_for("Identifier  grace@example.com");
    t.send_bytes(b"d");
    let screen = t.wait_until("the demo code", |s| {
        s.lines()
            .any(|l| l.contains("Demo code") && l.contains(" s left"))
    });
    let shown: String = screen
        .lines()
        .find(|l| l.contains("Demo code"))
        .map(|l| l.chars().filter(char::is_ascii_digit).take(6).collect())
        .unwrap_or_default();
    let now = now_secs();
    let expected = [
        totp_at(GRACE_TOTP, now),
        totp_at(GRACE_TOTP, now.saturating_sub(2)),
    ];
    assert!(
        expected.contains(&shown),
        "the code an app would show now ({expected:?}), not {shown:?}:\n{screen}"
    );
    t.send_bytes(b"d");
    t.wait_until("the demo code hidden", |s| !s.contains("Demo code"));
    t.send_bytes(b"q");
    assert!(t.wait_exit().success());
    t.assert_restored();
}
