//! End-to-end, keyboard only: the real `clerk-tui` binary in a pseudo-terminal against an
//! embedded server started by the test, through every main sign-in flow. Each test checks the
//! signed-in screen, that the typed password never reached the terminal, and that the terminal
//! was restored when the app ended (also on SIGTERM).

mod e2e;

use e2e::pty::Term;
use e2e::server::Server;
use e2e::support::totp::totp_now;
use serde_json::json;

/// A password that is in no seed file and no snapshot, so finding it on screen is a leak.
const PASSWORD: &str = "Pty-e2e-Secret-7391";
const TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

impl Server {
    /// The app, in an 80x24 pseudo-terminal, against this server, keeping nothing on disk.
    fn app(&self) -> Term {
        self.spawn(&["--no-store"])
    }
}

/// Type the identifier on the first screen and submit it.
fn identify(t: &mut Term, identifier: &str) {
    t.wait_for("Email address");
    t.type_text(identifier);
    t.enter();
}

/// Signed in, the password never shown, then `q` quits and the terminal is restored.
fn finish(t: &mut Term, name: &str) {
    let screen = t.wait_for("Signed in");
    assert!(
        screen.contains(name),
        "the signed-in screen names the user:\n{screen}"
    );
    assert!(
        screen.contains("sess_"),
        "the session id is shown:\n{screen}"
    );
    t.wait_for("Session token");
    assert!(
        !t.raw().contains(PASSWORD),
        "the typed password reached the terminal"
    );
    t.send_bytes(b"q");
    let status = t.wait_exit();
    assert!(status.success(), "clean exit: {status:?}");
    t.assert_restored();
}

#[test]
fn password_sign_in() {
    let server = Server::start();
    server.add_user(json!({"email_address": "pat@example.com", "password": PASSWORD, "first_name": "Pat", "last_name": "Password"}));
    let mut t = server.app();
    identify(&mut t, "pat@example.com");
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    assert!(
        !t.wait_for("Password").contains(PASSWORD),
        "masked while typing"
    );
    t.enter();
    finish(&mut t, "Pat Password");
}

#[test]
fn wrong_password_shows_the_error_beside_the_field_then_recovers() {
    let server = Server::start();
    server.add_user(json!({"email_address": "wes@example.com", "password": PASSWORD, "first_name": "Wes", "last_name": "Wrong"}));
    let mut t = server.app();
    identify(&mut t, "wes@example.com");
    t.wait_for("Enter your password");
    t.type_text("not-the-password");
    t.enter();
    let screen = t.wait_for("Error:");
    assert!(
        screen.to_lowercase().contains("password"),
        "the error names the password:\n{screen}"
    );
    t.type_text(PASSWORD);
    t.enter();
    finish(&mut t, "Wes Wrong");
}

#[test]
fn password_and_authenticator_app() {
    let server = Server::start();
    server.add_user(json!({"email_address": "tia@example.com", "password": PASSWORD, "totp_secret": TOTP_SECRET, "first_name": "Tia", "last_name": "Totp"}));
    let mut t = server.app();
    identify(&mut t, "tia@example.com");
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    t.enter();
    t.wait_for("authenticator app");
    // The last digit submits by itself.
    t.type_text(&totp_now(TOTP_SECRET));
    finish(&mut t, "Tia Totp");
}

#[test]
fn email_code_read_from_the_outbox() {
    let server = Server::start();
    server.add_user(
        json!({"email_address": "cody@example.com", "first_name": "Cody", "last_name": "Email"}),
    );
    let mut t = server.app();
    identify(&mut t, "cody@example.com");
    // The code is sent on arrival, as Clerk's own components do.
    t.wait_for("code sent to cody@example.com");
    let code = server.code_for("cody@example.com");
    t.type_text(&code);
    finish(&mut t, "Cody Email");
}

#[test]
fn email_link_opened_while_the_app_polls() {
    let server = Server::start();
    server.add_user(
        json!({"email_address": "lin@example.com", "first_name": "Lin", "last_name": "Link"}),
    );
    let mut t = server.app();
    identify(&mut t, "lin@example.com");
    t.wait_for("6-digit");
    // Switch from the code to the link through "use another method".
    t.send_bytes(b"m");
    let list = t.wait_for("link");
    let n = list
        .lines()
        .find(|l| l.to_lowercase().contains("link"))
        .and_then(|l| l.trim_start_matches([' ', '>']).chars().next())
        .filter(char::is_ascii_digit)
        .unwrap_or_else(|| panic!("a numbered email-link choice:\n{list}"));
    t.send_bytes(&[n as u8]);
    t.wait_for("Check your email");
    t.wait_for("Checking every second");
    let link = server.link_for("lin@example.com");
    // "Click" the link as a mail client would.
    let status = server.rt.block_on(async {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client")
            .get(link)
            .send()
            .await
            .map(|r| r.status())
    });
    assert!(
        status
            .as_ref()
            .is_ok_and(|s| s.is_success() || s.is_redirection()),
        "the link opens: {status:?}"
    );
    finish(&mut t, "Lin Link");
}

#[test]
fn forgot_password_then_new_password() {
    let server = Server::start();
    server.add_user(json!({"email_address": "fay@example.com", "password": "Old-password-123", "first_name": "Fay", "last_name": "Forgot"}));
    let mut t = server.app();
    identify(&mut t, "fay@example.com");
    t.wait_for("Forgot password?");
    t.tab();
    t.send_bytes(b"1");
    t.wait_for("code sent to fay@example.com");
    let code = server.code_for("fay@example.com");
    t.type_text(&code);
    t.wait_for("new password");
    t.type_text(PASSWORD);
    t.tab();
    t.type_text(PASSWORD);
    t.enter();
    finish(&mut t, "Fay Forgot");
}

#[test]
fn backup_code_as_second_factor() {
    let server = Server::start();
    server.add_user(
        json!({"email_address": "bo@example.com", "password": PASSWORD, "totp_secret": TOTP_SECRET,
        "backup_codes": ["e2ebackup1", "e2ebackup2"], "first_name": "Bo", "last_name": "Backup"}),
    );
    let mut t = server.app();
    identify(&mut t, "bo@example.com");
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    t.enter();
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
    t.wait_for("ackup code");
    t.type_text("e2ebackup1");
    t.enter();
    finish(&mut t, "Bo Backup");
}

#[test]
fn sigterm_restores_the_terminal() {
    let server = Server::start();
    let mut t = server.app();
    t.wait_for("Email address");
    t.type_text("someone@example.com");
    t.sigterm();
    t.wait_exit();
    t.assert_restored();
}

/// An operator pastes the `__clerk_ticket` link an administrator made with the Backend API:
/// the paste alone signs in, and the ticket never reaches the screen.
#[test]
fn a_pasted_ticket_link_signs_in() {
    let server = Server::start();
    server.add_user(json!({"email_address": "tia@example.com", "password": PASSWORD, "first_name": "Tia", "last_name": "Ticket"}));
    let (token, link) = server.sign_in_ticket("tia@example.com");
    let mut t = server.app();
    t.wait_for("Email address");
    t.send_bytes(format!("\x1b[200~{link}\x1b[201~").as_bytes());
    finish(&mut t, "Tia Ticket");
    assert!(!t.raw().contains(&token), "the ticket reached the terminal");

    // The same ticket again, on a new client: refused, said so, and the form stays.
    let mut t = server.app();
    t.wait_for("Email address");
    t.send_bytes(format!("\x1b[200~{link}\x1b[201~").as_bytes());
    let screen = t.wait_for("This sign-in ticket cannot be used");
    assert!(screen.contains("Email address"), "{screen}");
    assert!(!t.raw().contains(&token), "the ticket reached the terminal");
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

#[test]
fn ctrl_c_restores_the_terminal() {
    let server = Server::start();
    let mut t = server.app();
    t.wait_for("Email address");
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

#[test]
fn esc_goes_back_to_the_identifier_and_another_account_can_sign_in() {
    let server = Server::start();
    server.add_user(json!({"email_address": "eve@example.com", "password": PASSWORD, "first_name": "Eve", "last_name": "Escape"}));
    let mut t = server.app();
    identify(&mut t, "nobody-else@example.com");
    t.wait_for("Error:");
    identify_again(&mut t, "eve@example.com");
    t.wait_for("Enter your password");
    t.esc();
    t.wait_for("Email address");
    identify_again(&mut t, "eve@example.com");
    t.wait_for("Enter your password");
    t.type_text(PASSWORD);
    t.enter();
    finish(&mut t, "Eve Escape");
}

/// Replace whatever is in the identifier field and submit.
fn identify_again(t: &mut Term, identifier: &str) {
    t.send_bytes(b"\x15"); // Ctrl-U clears the field
    t.type_text(identifier);
    t.enter();
}
