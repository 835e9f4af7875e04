//! Unit tests of `update` for the user's own security settings: TOTP enrolment with its
//! backup codes shown once, removal and regeneration behind a question, the reloaded user,
//! and the emulator's demo code; secrets never in Debug output.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::tests_signed_in::*;
use super::*;
use crate::fapi::{BackupCodes, Totp, User};

fn totp_reply(verified: bool, codes: Option<Vec<&str>>) -> Totp {
    parse(
        json!({"object": "totp", "id": "totp_1", "verified": verified,
        "secret": (!verified).then_some(SECRET),
        "uri": (!verified).then(|| format!("otpauth://totp/Demo:jane?secret={SECRET}&issuer=Demo")),
        "backup_codes": codes}),
    )
}

#[test]
fn totp_enrolment_shows_the_secret_verifies_and_shows_backup_codes_once() {
    let mut app = signed_in(false);
    let fx = update(&mut app, Action::SetUpTotp);
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::CreateTotp { session_id }, .. }] if session_id == "sess_1"),
        "{fx:?}"
    );
    assert!(
        update(&mut app, Action::SetUpTotp).is_empty(),
        "a second t while the first is on its way sends nothing"
    );
    api(&mut app, Reply::Totp(Ok(Box::new(totp_reply(false, None)))));
    let Some(AccountTask::EnrolTotp { secret, uri }) = &app.account else {
        panic!("enrolment screen expected: {:?}", app.account);
    };
    assert_eq!(secret.expose_secret(), SECRET);
    assert!(uri.expose_secret().starts_with("otpauth://"));
    let fx = update(
        &mut app,
        Action::VerifyTotp(SecretString::from("123456".to_string())),
    );
    let sent = fx.iter().find_map(|e| match e {
        Effect::Call {
            call: Call::VerifyTotp { code, .. },
            ..
        } => Some(code.expose_secret().to_string()),
        _ => None,
    });
    assert_eq!(sent.as_deref(), Some("123456"));
    let dump = format!("{app:?} {fx:?}");
    assert!(
        !dump.contains(SECRET) && !dump.contains("123456"),
        "no secret in Debug output: {dump}"
    );
    // A wrong code lands under the code field and keeps the enrolment open.
    api(
        &mut app,
        Reply::Totp(Err(Failure {
            kind: FailureKind::Api {
                status: 422,
                code: "form_code_incorrect".into(),
            },
            message: "Incorrect code".into(),
            param_name: Some("code".into()),
            trace_id: None,
            session_id: None,
            client: None,
        })),
    );
    assert!(matches!(app.account, Some(AccountTask::EnrolTotp { .. })));
    assert_eq!(
        app.notice.as_ref().and_then(|n| n.param_name.as_deref()),
        Some("code")
    );
    let fx = api(
        &mut app,
        Reply::Totp(Ok(Box::new(totp_reply(
            true,
            Some(vec!["abcd2345", "efgh6789"]),
        )))),
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: Call::LoadUser { .. },
                ..
            }
        )),
        "the user is reloaded: {fx:?}"
    );
    let Some(AccountTask::BackupCodes { codes, reason }) = &app.account else {
        panic!("backup codes expected");
    };
    assert_eq!(codes.len(), 2);
    assert_eq!(*reason, BackupCodesReason::TotpEnabled);
    assert!(!format!("{app:?}").contains("abcd2345"));
    update(&mut app, Action::Back);
    assert!(
        matches!(app.account, Some(AccountTask::BackupCodes { .. })),
        "Esc does not lose the codes"
    );
    update(&mut app, Action::BackupCodesSaved);
    assert!(app.account.is_none());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("set up"))
    );
    // The reloaded user replaces the one in the session.
    api(
        &mut app,
        Reply::User(Ok(Box::new(parse(user(
            "user_1",
            "jane@example.com",
            true,
        ))))),
    );
    assert!(app.user().is_some_and(|u: &User| u.totp_enabled));
    assert!(app.notice.is_some(), "a background reload keeps the notice");
}

#[test]
fn esc_cancels_an_enrolment_and_an_already_enabled_app_is_not_enrolled_twice() {
    let mut app = signed_in(false);
    update(&mut app, Action::SetUpTotp);
    api(&mut app, Reply::Totp(Ok(Box::new(totp_reply(false, None)))));
    update(&mut app, Action::Back);
    assert!(app.account.is_none());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("cancelled"))
    );
    let mut app = signed_in(true);
    assert!(update(&mut app, Action::SetUpTotp).is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("already"))
    );
}

#[test]
fn removing_the_app_and_new_backup_codes_ask_first() {
    let mut app = signed_in(true);
    assert!(update(&mut app, Action::AskRemoveTotp).is_empty());
    assert!(matches!(
        app.account,
        Some(AccountTask::Confirm(Confirm::RemoveTotp))
    ));
    update(&mut app, Action::Back);
    assert!(app.account.is_none(), "n/Esc keeps the app");
    update(&mut app, Action::AskRemoveTotp);
    let fx = update(&mut app, Action::Confirm);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Call {
                call: Call::DeleteTotp { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
    let fx = api(&mut app, Reply::TotpRemoved(Ok(())));
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Call {
            call: Call::LoadUser { .. },
            ..
        }
    )));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("removed"))
    );

    update(&mut app, Action::AskRegenerateBackupCodes);
    assert!(matches!(
        app.account,
        Some(AccountTask::Confirm(Confirm::RegenerateBackupCodes))
    ));
    let fx = update(&mut app, Action::Confirm);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Call {
            call: Call::CreateBackupCodes { .. },
            ..
        }]
    ));
    let codes: BackupCodes =
        parse(json!({"object": "backup_code", "id": "b1", "codes": ["k1", "k2"]}));
    api(&mut app, Reply::BackupCodes(Ok(Box::new(codes))));
    assert!(matches!(
        app.account,
        Some(AccountTask::BackupCodes {
            reason: BackupCodesReason::Regenerated,
            ..
        })
    ));

    let mut app = signed_in(false);
    update(&mut app, Action::AskRegenerateBackupCodes);
    assert!(
        app.account.is_none(),
        "no backup codes without two-step verification"
    );
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("press a"))
    );
}

#[test]
fn the_demo_code_is_fetched_for_a_totp_user_and_refetched_when_it_rolls_over() {
    let mut app = signed_in_with(false, true, &[]);
    assert!(
        update(&mut app, Action::ToggleDemoTotp).is_empty(),
        "embedded only"
    );
    let mut app = signed_in(false);
    assert!(update(&mut app, Action::ToggleDemoTotp).is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("no authenticator app"))
    );
    let mut app = signed_in(true);
    let fx = update(&mut app, Action::ToggleDemoTotp);
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::DemoTotp { user_id, .. }, .. }] if user_id == "user_1"),
        "{fx:?}"
    );
    api(
        &mut app,
        Reply::DemoTotp(Ok(DemoCode {
            code: SecretString::from("654321".to_string()),
            seconds_left: 12,
        })),
    );
    assert!(!format!("{app:?}").contains("654321"));
    let refetches = |fx: &[Effect]| {
        fx.iter().any(|e| {
            matches!(
                e,
                Effect::Call {
                    call: Call::DemoTotp { .. },
                    ..
                }
            )
        })
    };
    assert!(!refetches(&tick(&mut app, NOW + 11_000)));
    assert!(refetches(&tick(&mut app, NOW + 12_000)));
    update(&mut app, Action::ToggleDemoTotp);
    assert!(app.demo_totp.is_none(), "d hides it again");
}

/// Signed in with an authenticator app, the question about new backup codes open.
fn asking_for_new_backup_codes() -> App {
    let mut app = signed_in(true);
    update(&mut app, Action::AskRegenerateBackupCodes);
    assert!(matches!(
        app.account,
        Some(AccountTask::Confirm(Confirm::RegenerateBackupCodes))
    ));
    app
}

#[test]
fn one_account_task_at_a_time_the_open_one_stays() {
    for action in [Action::SetUpTotp, Action::AskRemoveTotp] {
        let mut app = asking_for_new_backup_codes();
        let fx = update(&mut app, action);
        assert!(fx.is_empty(), "{fx:?}");
        assert!(
            matches!(
                app.account,
                Some(AccountTask::Confirm(Confirm::RegenerateBackupCodes))
            ),
            "the question stays: {:?}",
            app.account
        );
    }
    // The enrolment open: asking about backup codes does not replace it.
    let mut app = signed_in(false);
    update(&mut app, Action::SetUpTotp);
    api(&mut app, Reply::Totp(Ok(Box::new(totp_reply(false, None)))));
    update(&mut app, Action::AskRegenerateBackupCodes);
    assert!(
        matches!(app.account, Some(AccountTask::EnrolTotp { .. })),
        "{:?}",
        app.account
    );
}

#[test]
fn esc_keeps_backup_codes_on_screen_and_an_enrolment_whose_code_is_being_checked() {
    let mut app = signed_in(false);
    update(&mut app, Action::SetUpTotp);
    api(&mut app, Reply::Totp(Ok(Box::new(totp_reply(false, None)))));
    update(
        &mut app,
        Action::VerifyTotp(SecretString::from("123456".to_string())),
    );
    assert!(app.busy.is_some());
    update(&mut app, Action::Back);
    assert!(
        matches!(app.account, Some(AccountTask::EnrolTotp { .. })),
        "the code is being checked: the enrolment stays"
    );

    api(
        &mut app,
        Reply::Totp(Ok(Box::new(totp_reply(true, Some(vec!["abcd2345"]))))),
    );
    assert!(matches!(app.account, Some(AccountTask::BackupCodes { .. })));
    update(&mut app, Action::Back);
    assert!(matches!(app.account, Some(AccountTask::BackupCodes { .. })));
    assert_eq!(
        app.notice.as_ref().map(|n| n.message.as_str()),
        Some("These codes are shown only now. Save them, then press Enter.")
    );
}

#[test]
fn an_enrolment_without_a_secret_is_refused_plainly() {
    let mut app = signed_in(false);
    update(&mut app, Action::SetUpTotp);
    let empty: Totp = parse(json!({"object": "totp", "id": "totp_1", "verified": false,
        "secret": "", "uri": "otpauth://totp/Demo:jane?secret=&issuer=Demo"}));
    api(&mut app, Reply::Totp(Ok(Box::new(empty))));
    assert!(app.account.is_none());
    assert_eq!(
        app.notice.as_ref().map(|n| n.message.as_str()),
        Some("The server did not send a secret to set up the app with.")
    );
}

#[test]
fn the_authenticator_is_named_by_its_key_a() {
    let mut app = signed_in(true);
    update(&mut app, Action::SetUpTotp);
    let said = app
        .notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default();
    assert!(said.contains("Press a to remove it"), "{said}");
}

#[test]
fn the_demo_code_is_the_emulators_only_and_needs_someone_to_show_it_for() {
    // Against a real instance there is no demo code to fetch.
    let mut app = signed_in_with(false, true, &[]);
    let fx = update(&mut app, Action::ToggleDemoTotp);
    assert!(fx.is_empty() && app.demo_totp.is_none(), "{fx:?}");

    // The emulator, but nobody typed an identifier yet: nothing to show.
    let mut app = App::new(backend(true), NOW);
    app.environment = Some(parse(json!({})));
    let fx = update(&mut app, Action::ToggleDemoTotp);
    assert!(fx.is_empty() && app.demo_totp.is_none(), "{fx:?}");
}

#[test]
fn the_emulators_clock_moves_only_for_a_signed_in_session_and_expiry_is_past_the_last_second() {
    let mut app = App::new(backend(true), NOW);
    app.environment = Some(parse(json!({})));
    assert!(update(&mut app, Action::ShiftClock { seconds: 300 }).is_empty());

    // A token minted at NOW lives 60 s: moved exactly 60 s on, it is at its last instant.
    let expired = |offset_ms: i64| {
        let mut app = signed_in(false);
        api(&mut app, Reply::Clock(Ok(offset_ms)));
        let said = app
            .notice
            .as_ref()
            .map(|n| n.message.clone())
            .unwrap_or_default();
        said.contains("has expired")
    };
    assert!(!expired(60_000), "0 s left is not yet expired");
    assert!(expired(61_000));
}

#[test]
fn an_open_question_or_enrolment_is_not_replaced_by_another_account_task() {
    // The question about removing the app is open: asking about backup codes leaves it.
    let mut app = signed_in(true);
    update(&mut app, Action::AskRemoveTotp);
    update(&mut app, Action::AskRegenerateBackupCodes);
    assert!(
        matches!(app.account, Some(AccountTask::Confirm(Confirm::RemoveTotp))),
        "{:?}",
        app.account
    );
    // An enrolment under way: another `a` does not ask the server for a new secret.
    let mut app = signed_in(false);
    update(&mut app, Action::SetUpTotp);
    api(&mut app, Reply::Totp(Ok(Box::new(totp_reply(false, None)))));
    let fx = update(&mut app, Action::SetUpTotp);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(app.account, Some(AccountTask::EnrolTotp { .. })));
}
