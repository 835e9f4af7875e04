//! Every screen of the real binary at exactly 80×24 in a pseudo-terminal, with the views each
//! one has (help, outbox, the full-screen QR code, the demo list) opened on it: nothing is cut
//! off and help stays in sight (`e2e::fit`). The seeded demo users lead to each screen.

mod e2e;

use std::time::Duration;

use e2e::fit::{assert_help_in_sight, assert_nothing_cut};
use e2e::pty::Term;
use e2e::server::Server;
use e2e::support::server::PASSWORD;

/// F1 and F2 as xterm sends them.
const F1: &[u8] = b"\x1bOP";
const F2: &[u8] = b"\x1bOQ";
const CTRL_O: &[u8] = b"\x0f";

/// Looks at the screen once it has held still, then opens each view on it and closes it
/// again: F1 and `o` toggle; the QR view and the demo list close on any key.
fn look(t: &mut Term, what: &str, views: &[&[u8]]) {
    t.settle(Duration::from_millis(400));
    assert_nothing_cut(t, what);
    assert_help_in_sight(t, what);
    for view in views {
        t.send_bytes(view);
        t.settle(Duration::from_millis(400));
        assert_nothing_cut(t, &format!("{what} with {view:?}"));
        let closer: &[u8] = if *view == F1 || *view == b"o" {
            view
        } else {
            b"x"
        };
        t.send_bytes(closer);
        t.settle(Duration::from_millis(300));
    }
}

/// Types `email` and the demo password, up to the screen after the password.
fn password(t: &mut Term, email: &str) {
    t.wait_for("Email address");
    t.type_text(email);
    t.enter();
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    t.enter();
}

/// Picks the numbered entry of "use another method" that names `entry`.
fn pick(t: &mut Term, entry: &str) {
    let screen = t.screen();
    let number = screen
        .lines()
        .find(|l| l.contains(entry))
        .and_then(|l| l.trim().trim_start_matches('>').trim().chars().next())
        .filter(char::is_ascii_digit)
        .unwrap_or_else(|| panic!("{entry} listed:\n{screen}"));
    t.send_bytes(number.to_string().as_bytes());
}

fn quit(mut t: Term) {
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

/// Whether the check fails on a terminal that printed `line` (printf's format) and shows `seen`.
fn check_fails_on(line: &str, seen: &str) -> bool {
    let mut t = Term::spawn_program("printf", &[line, "0"], &[]);
    t.wait_for(seen);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_nothing_cut(&t, "a made-up screen")
    }))
    .is_err()
}

#[test]
fn the_check_fails_on_a_line_cut_at_the_edge() {
    assert!(
        check_fails_on("%080d\\n", "0000"),
        "text in column 80 counts as cut"
    );
    assert!(
        check_fails_on("Esc goes back to the previous meth\u{2026}\\n", "meth"),
        "a row ending in … counts as cut"
    );
    assert!(
        check_fails_on("│ o   show the outbox (codes se\u{2026} │\\n", "outbox"),
        "a row cut inside a box counts as cut"
    );
    assert!(
        !check_fails_on("%d whole sentence.\\n", "whole"),
        "a short whole line is not cut"
    );
}

#[test]
fn identifier_password_methods_and_password_reset() {
    let server = Server::start();
    let mut t = server.spawn(&["--no-store"]);
    t.wait_for("Email address");
    look(&mut t, "identifier", &[F1]);
    t.type_text("ada@example.com");
    t.enter();
    t.wait_for("Enter your password");
    look(&mut t, "password", &[F1]);
    t.send_bytes(CTRL_O);
    t.wait_for("Use another method");
    look(&mut t, "choose another method", &[F1]);
    t.esc();
    t.wait_for("Enter your password");
    // Forgot password: Tab to the list, the first entry.
    t.tab();
    t.send_bytes(b"1");
    t.wait_for("Reset your password");
    look(&mut t, "reset code", &[F1]);
    let code = server.code_for("ada@example.com");
    t.type_text(&code);
    t.wait_for("Choose a new password");
    look(&mut t, "new password", &[F1]);
    quit(t);
}

#[test]
fn code_link_and_signed_in_screens() {
    let server = Server::start();
    let mut t = server.spawn(&["--no-store"]);
    t.wait_for("Email address");
    t.type_text("katherine@example.com");
    t.enter();
    t.wait_for("Check your email");
    look(&mut t, "email code", &[F1]);
    let code = server.code_for("katherine@example.com");
    t.type_text(&code);
    t.wait_for("Session token");
    look(&mut t, "signed in", &[F1]);
    t.send_bytes(b"a");
    t.wait_for("Set up an authenticator app");
    look(&mut t, "authenticator enrolment", &[F1, b"v"]);
    quit(t);
}

/// The demo list and the outbox belong to the embedded emulator (no `--frontend-api`).
#[test]
fn the_embedded_emulators_demo_list_outbox_and_link_qr() {
    let server = Server::start();
    let dir = server.dir();
    let env = [
        ("XDG_CONFIG_HOME", dir.as_str()),
        ("XDG_DATA_HOME", dir.as_str()),
        ("HOME", dir.as_str()),
    ];
    let mut t = Term::spawn(&["--no-store"], &env);
    t.wait_for("Email address");
    t.send_bytes(F2);
    t.wait_for("Demo users of the embedded emulator");
    t.send_bytes(b"x");
    t.settle(Duration::from_millis(300));
    assert!(
        !t.screen().contains("[x"),
        "the key that closed the list is not typed"
    );
    look(&mut t, "identifier (embedded)", &[F1, F2]);
    t.type_text("hedy@example.com");
    t.enter();
    t.wait_for("Check your email");
    look(&mut t, "email code (embedded)", &[F1, b"o"]);
    t.send_bytes(CTRL_O);
    t.wait_for("Use another method");
    pick(&mut t, "sign-in link");
    t.wait_for("v: QR code");
    look(&mut t, "email link waiting (embedded)", &[F1, b"o", b"v"]);
    quit(t);
}

#[test]
fn second_factor_screens() {
    let server = Server::start();
    let mut t = server.spawn(&["--no-store"]);
    password(&mut t, "grace@example.com");
    t.wait_for("Two-step verification");
    look(&mut t, "authenticator code", &[F1]);
    quit(t);

    let mut t = server.spawn(&["--no-store"]);
    password(&mut t, "alan@example.com");
    t.wait_for("Two-step verification");
    look(&mut t, "SMS code", &[F1]);
    quit(t);

    // A new device: the code after the password (client trust).
    let mut t = server.spawn(&["--no-store"]);
    password(&mut t, "donald@example.com");
    t.wait_for("Confirm it's you");
    look(&mut t, "new device", &[F1]);
    quit(t);

    // A phone code as the first factor.
    let mut t = server.spawn(&["--no-store"]);
    t.wait_for("Email address");
    t.type_text("+14155552672");
    t.enter();
    t.wait_for("Enter the 6-digit code sent to");
    look(&mut t, "phone code", &[F1]);
    quit(t);

    let mut t = server.spawn(&["--no-store"]);
    password(&mut t, "barbara@example.com");
    t.wait_for("Two-step verification");
    t.send_bytes(CTRL_O);
    t.wait_for("Use another method");
    look(&mut t, "choose a second factor", &[F1]);
    pick(&mut t, "Backup code");
    t.wait_for("Backup code (8 or more");
    look(&mut t, "backup code", &[F1]);
    quit(t);
}

#[test]
fn hand_off_unfinished_question_and_too_small() {
    let server = Server::start();
    let mut t = server.spawn(&["--no-store"]);
    t.wait_for("1. Continue with Mock OAuth");
    t.tab();
    t.tab();
    t.enter();
    t.wait_for("last checked");
    look(&mut t, "hand-off", &[F1, b"v"]);
    // Too small: the message says what is needed and that --plain works.
    t.resize(60, 20);
    let small = t.wait_for("--plain");
    assert!(small.contains("80×24"), "{small}");
    t.resize(81, 24);
    t.settle(Duration::from_millis(300));
    t.resize(80, 24);
    t.wait_for("last checked");
    look(&mut t, "hand-off after the resize", &[]);
    quit(t);

    // A sign-in left at the password: the next run asks whether to continue it.
    let mut t = server.spawn(&[]);
    t.wait_for("Email address");
    t.type_text("ada@example.com");
    t.enter();
    t.wait_for("Enter your password");
    quit(t);
    let mut t = server.spawn(&[]);
    t.wait_for("An unfinished sign-in");
    look(&mut t, "unfinished question", &[F1]);
    quit(t);
}
