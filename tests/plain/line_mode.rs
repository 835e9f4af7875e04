//! The line mode, typed line by line in-process against a dev server: every flow a person can
//! finish, with the sentences they read and no escape sequences anywhere.

use std::time::Duration;

use clerk_tui::cli::ExitStatus;
use clerk_tui::plain::{PlainOptions, PlainOutcome};

use crate::harness::{
    GRACE_TOTP, PASSWORD, assert_plain, outbox_code, outbox_link, plain_session, server, totp,
    type_line,
};

fn signed_in(outcome: &PlainOutcome) -> bool {
    matches!(outcome, PlainOutcome::SignedIn { session_id } if session_id.starts_with("sess_"))
}

#[tokio::test(flavor = "multi_thread")]
async fn password_sign_in_reads_as_sentences() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "ada@example.com").await;
            type_line(&mut input, PASSWORD).await;
            out.wait_for("A fresh session token is ready").await;
            type_line(&mut input, "t").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{outcome:?}\n{text}");
    assert_eq!(outcome.exit_status(), ExitStatus::Success);
    assert!(
        text.contains("Enter the password for a***@example.com."),
        "{text}"
    );
    assert!(
        text.contains("Signed in as Ada Lovelace (ada@example.com)."),
        "{text}"
    );
    assert!(text.contains("The session id is sess_"), "{text}");
    assert!(
        !text.contains(PASSWORD),
        "the password was printed:\n{text}"
    );
    // 't' printed the token on a line of its own.
    let jwt = text
        .lines()
        .find(|l| l.starts_with("ey"))
        .expect("the token was printed");
    crate::harness::assert_jwt(jwt);
    let without_token: String = text
        .lines()
        .filter(|l| !l.starts_with("ey"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_plain(&without_token);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_named_and_ends_with_exit_4() {
    let server = &server().await;
    let (outcome, text) =
        plain_session(server, PlainOptions::default(), |mut input, _| async move {
            type_line(&mut input, "ada@example.com").await;
            type_line(&mut input, "not-the-password").await;
        })
        .await;
    assert!(text.contains("Error: Password is incorrect."), "{text}");
    assert_eq!(outcome.exit_status(), ExitStatus::WrongCredentials);
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn password_then_totp_from_the_seed_secret() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "grace@example.com").await;
            type_line(&mut input, PASSWORD).await;
            out.wait_for("authenticator app").await;
            type_line(&mut input, &totp(GRACE_TOTP)).await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert!(
        text.contains("Second step: enter the 6-digit code from your authenticator app."),
        "{text}"
    );
    assert!(text.contains("Signed in as Grace Hopper"), "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn email_code_read_from_the_outbox() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "katherine@example.com").await;
            out.wait_for("A code was sent").await;
            let code = outbox_code(server, "katherine@example.com").await;
            type_line(&mut input, &code).await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert!(
        text.contains("A code was sent to katherine@example.com. It expires in 10 minutes."),
        "{text}"
    );
    assert!(
        text.contains(
            "Type the code, 'r' to send a new code, 'm' for another method, or 'b' to go back."
        ),
        "{text}"
    );
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn email_link_opened_while_the_app_waits() {
    let server = &server().await;
    let opts = PlainOptions {
        waiting_every: Duration::from_secs(1),
        ..Default::default()
    };
    let (outcome, text) = plain_session(server, opts, |mut input, out| async move {
        type_line(&mut input, "hedy@example.com").await;
        // A code is preferred for the same address; the link is one choice away.
        out.wait_for("A code was sent").await;
        type_line(&mut input, "m").await;
        out.wait_for("Choose how to continue:").await;
        let number = out
            .text()
            .lines()
            .find(|l| l.contains("Email a sign-in link to"))
            .and_then(|l| l.split('.').next())
            .expect("the link is listed")
            .to_string();
        type_line(&mut input, &number).await;
        out.wait_for("A sign-in link was sent").await;
        let link = outbox_link(server, "hedy@example.com").await;
        out.wait_for("Waiting for the link to be opened… checked")
            .await;
        // Input ends before the link is opened: the app keeps waiting for it.
        drop(input);
        let page = reqwest::get(&link).await.expect("the link opens");
        assert!(page.status().is_success(), "{}", page.status());
        out.wait_for("Signed in as").await;
    })
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert!(
        text.contains("A sign-in link was sent to hedy@example.com. Open it on any device. It expires in 10 minutes."),
        "{text}"
    );
    let waits = text.matches("Waiting for the link to be opened…").count();
    assert!(waits >= 1, "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_method_is_a_numbered_choice() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "ada@example.com").await;
            type_line(&mut input, "m").await;
            out.wait_for("Choose how to continue:").await;
            let listing = out.text();
            let number = listing
                .lines()
                .find(|l| l.contains("Email a code to"))
                .and_then(|l| l.split('.').next())
                .expect("email code is listed")
                .to_string();
            type_line(&mut input, &number).await;
            out.wait_for("A code was sent").await;
            let code = outbox_code(server, "ada@example.com").await;
            type_line(&mut input, &code).await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert!(text.contains("1. Password"), "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn forgot_password_reset_code_and_new_password_rules() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "edsger@example.com").await;
            out.wait_for("'f' if you forgot it").await;
            type_line(&mut input, "f").await;
            out.wait_for("To reset your password, a code was sent")
                .await;
            let code = outbox_code(server, "edsger@example.com").await;
            type_line(&mut input, &code).await;
            out.wait_for("Your password must be changed.").await;
            type_line(&mut input, "short").await;
            out.wait_for("does not meet the rules").await;
            type_line(&mut input, "a-fresh-Passw0rd").await;
            out.wait_for("Type the new password again.").await;
            type_line(&mut input, "a-fresh-Passw0rd").await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert!(
        text.contains("Error: that password does not meet the rules: Use at least 8 characters."),
        "{text}"
    );
    assert!(
        text.contains("The new password needs at least 8 characters"),
        "{text}"
    );
    assert!(!text.contains("a-fresh-Passw0rd"), "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn second_factor_by_sms_and_by_backup_code() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "alan@example.com").await;
            type_line(&mut input, PASSWORD).await;
            out.wait_for("A code was sent by text message").await;
            let code = outbox_code(server, "+14155552671").await;
            type_line(&mut input, &code).await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert_plain(&text);

    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "barbara@example.com").await;
            type_line(&mut input, PASSWORD).await;
            out.wait_for("authenticator app").await;
            type_line(&mut input, "m").await;
            out.wait_for("2. Backup code").await;
            type_line(&mut input, "2").await;
            out.wait_for("enter one of your backup codes").await;
            type_line(&mut input, "backup01").await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn new_device_client_trust_code() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "donald@example.com").await;
            type_line(&mut input, PASSWORD).await;
            out.wait_for("This device is new for this account").await;
            let code = outbox_code(server, "donald@example.com").await;
            type_line(&mut input, &code).await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn input_ending_mid_flow_needs_input_and_sign_out_succeeds() {
    let server = &server().await;
    let (outcome, text) =
        plain_session(server, PlainOptions::default(), |mut input, _| async move {
            type_line(&mut input, "ada@example.com").await;
        })
        .await;
    assert_eq!(outcome, PlainOutcome::InputEnded, "{text}");
    assert_eq!(outcome.exit_status(), ExitStatus::NeedsInput);

    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "ada@example.com").await;
            type_line(&mut input, PASSWORD).await;
            out.wait_for("A fresh session token is ready").await;
            type_line(&mut input, "s").await;
            out.wait_for("Signed out.").await;
        },
    )
    .await;
    assert_eq!(outcome, PlainOutcome::SignedOut, "{text}");
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_backend_lists_demo_users_and_prints_the_outbox_code() {
    let server = &server().await;
    let backend = clerk_tui::app::Backend::Embedded {
        base_url: server.base_url().to_string(),
        seed_users: server
            .seeded_users()
            .iter()
            .map(|u| clerk_tui::app::SeedUserInfo {
                identifier: u.identifier().to_string(),
                password: u.password.clone(),
                demonstrates: u.demonstrates.clone(),
            })
            .collect(),
    };
    let (outcome, text) = crate::harness::plain_session_as(
        server,
        backend,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "katherine@example.com").await;
            out.wait_for("Development outbox: the code for katherine@example.com is ")
                .await;
            // Read the code off the screen, as a person at a demo would.
            let code = out
                .text()
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Development outbox: the code for katherine@example.com is ")
                })
                .map(|c| c.trim_end_matches('.').to_string())
                .expect("the code is printed");
            type_line(&mut input, &code).await;
            out.wait_for("Signed in as").await;
        },
    )
    .await;
    assert!(signed_in(&outcome), "{text}");
    assert!(text.contains("Demo users:"), "{text}");
    assert!(
        text.contains("- ada@example.com, password clerk-demo-password: password only."),
        "{text}"
    );
    assert_plain(&text);
}

#[tokio::test(flavor = "multi_thread")]
async fn authenticator_app_enrolment_draws_the_qr_once_and_takes_the_code() {
    let server = &server().await;
    let (outcome, text) = plain_session(
        server,
        PlainOptions::default(),
        |mut input, out| async move {
            type_line(&mut input, "ada@example.com").await;
            out.wait_for("password").await;
            type_line(&mut input, "clerk-demo-password").await;
            out.wait_for("Signed in as").await;
            type_line(&mut input, "a").await;
            out.wait_for("Secret: ").await;
            let shown = out.text();
            let secret: String = shown
                .lines()
                .find_map(|l| l.strip_prefix("Secret: "))
                .expect("the secret is printed")
                .split_whitespace()
                .collect();
            type_line(&mut input, &totp(&secret)).await;
            out.wait_for("backup codes").await;
            type_line(&mut input, "y").await;
            out.wait_for("'a' for the authenticator app").await;
            type_line(&mut input, "q").await;
        },
    )
    .await;
    let _ = outcome;
    // The QR is drawn once, as half-block text, before the secret.
    let qr_rows = text
        .lines()
        .filter(|l| l.contains('▀') || l.contains('▄') || l.contains('█'))
        .count();
    assert!(qr_rows > 10, "a QR code is drawn as text:\n{text}");
    assert_eq!(
        text.matches("Secret: ").count(),
        1,
        "the secret is printed once:\n{text}"
    );
    assert!(text.contains("otpauth://totp/"), "{text}");
    assert!(text.contains("Save these backup codes now"), "{text}");
    assert!(!text.contains('\x1b'), "no escape sequences");
}
