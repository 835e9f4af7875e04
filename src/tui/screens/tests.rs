//! Snapshots of every screen at 80×24, reached through `update` with server-shaped replies,
//! plus the monochrome theme for the busiest forms; and a scan proving no snapshot holds a
//! typed secret.

use ratatui::crossterm::event::KeyCode;
use serde_json::json;

use super::Ui;
use super::fixtures::*;
use crate::app::{Action, FailureKind, Reply};
use crate::tui::Theme;

fn snap(name: &str, app: &crate::app::App, ui: &mut Ui) {
    insta::assert_snapshot!(name, shot(app, ui, Theme::Default));
}

#[test]
fn start_screens() {
    let mut ui = Ui::new();
    snap("start_loading_embedded", &embedded(), &mut ui);
    let mut app = remote();
    let _ = crate::app::update(&mut app, Action::Start);
    api(
        &mut app,
        Reply::Environment(Err(failure(
            FailureKind::Network,
            "Could not reach https://clerk.example.com: connection refused",
            None,
        ))),
    );
    snap("start_load_failed_remote", &app, &mut Ui::new());
}

#[test]
fn identifier_screens() {
    let app = ready();
    let mut ui = Ui::new();
    snap("identifier", &app, &mut ui);
    insta::assert_snapshot!(
        "identifier_monochrome",
        shot(&app, &mut ui, Theme::Monochrome)
    );
    insta::assert_snapshot!(
        "identifier_high_contrast",
        shot(&app, &mut ui, Theme::HighContrast)
    );
    let mut app = ready();
    let _ = crate::app::update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: "nobody@example.com".into(),
            password: None,
        },
    );
    api(
        &mut app,
        Reply::SignIn(Err(failure(
            FailureKind::Api {
                status: 422,
                code: "form_identifier_not_found".into(),
            },
            "Couldn't find your account.",
            Some("identifier"),
        ))),
    );
    snap("identifier_not_found", &app, &mut Ui::new());
}

#[test]
fn first_factor_password_with_error_and_typed_secret() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "hunter2");
    api(
        &mut app,
        Reply::SignIn(Err(failure(
            FailureKind::Api {
                status: 422,
                code: "form_password_incorrect".into(),
            },
            "Password is incorrect. Try again, or use another method.",
            Some("password"),
        ))),
    );
    snap("password_incorrect", &app, &mut ui);
    api(
        &mut app,
        Reply::SignIn(Err(failure(
            FailureKind::RateLimited {
                retry_after_secs: 42,
            },
            "Too many requests.",
            None,
        ))),
    );
    snap("password_rate_limited", &app, &mut ui);
}

#[test]
fn code_entry_first_factor() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = crate::app::update(&mut app, Action::ChooseAnotherMethod);
    let mut ui = Ui::new();
    snap("choose_first_factor", &app, &mut ui);
    let _ = crate::app::update(
        &mut app,
        Action::PickFactor(crate::fapi::Strategy::EmailCode),
    );
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": sent("email_code")}),
        ),
    );
    let _ = type_text(&app, &mut ui, "12");
    snap("code_email_sent", &app, &mut ui);
    insta::assert_snapshot!(
        "code_email_sent_monochrome",
        shot(&app, &mut ui, Theme::Monochrome)
    );
    api(
        &mut app,
        Reply::SignIn(Err(failure(
            FailureKind::Network,
            "The connection was reset.",
            None,
        ))),
    );
    snap("code_network_error", &app, &mut ui);
}

#[test]
fn reset_password_code_then_new_password() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = crate::app::update(&mut app, Action::ForgotPassword);
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": sent("reset_password_email_code")}),
        ),
    );
    let mut ui = Ui::new();
    snap("reset_password_code", &app, &mut ui);
    // As Clerk answers the reset code: the accepted verification stays on the sign-in.
    reply(
        &mut app,
        sign_in(
            "needs_new_password",
            json!({"first_factor_verification": verified("reset_password_email_code")}),
        ),
    );
    let _ = type_text(&app, &mut ui, "hunter2X");
    let _ = on_key_(&app, &mut ui, KeyCode::Tab);
    let _ = type_text(&app, &mut ui, "hunter2");
    snap("new_password", &app, &mut ui);
    insta::assert_snapshot!(
        "new_password_monochrome",
        shot(&app, &mut ui, Theme::Monochrome)
    );
}

#[test]
fn a_locked_account_shows_the_time_left_and_no_password_reset() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let mut ui = Ui::new();
    assert!(screen(&app, &mut ui).contains("Forgot password?"));
    api(
        &mut app,
        Reply::SignIn(Err(failure(
            FailureKind::Locked {
                lockout_secs: Some(1800),
            },
            "Your account is locked. You will be able to try again in 30 minutes.",
            None,
        ))),
    );
    let locked = screen(&app, &mut ui);
    assert!(locked.contains("again in 30:00 min"), "{locked}");
    assert!(!locked.contains("Forgot password?"), "{locked}");
    assert!(
        crate::app::update(&mut app, Action::ForgotPassword).is_empty(),
        "nothing is sent for a reset that cannot work"
    );
    let now_ms = app.now_ms;
    let _ = crate::app::update(
        &mut app,
        Action::Tick {
            now_ms: now_ms + 60_000,
        },
    );
    assert!(screen(&app, &mut ui).contains("again in 29:00 min"));
    let _ = crate::app::update(
        &mut app,
        Action::Tick {
            now_ms: now_ms + 1_801_000,
        },
    );
    let open = screen(&app, &mut ui);
    assert!(open.contains("Forgot password?"), "the lock ended:\n{open}");
    assert!(!open.contains("locked"), "{open}");
}

#[test]
fn too_many_wrong_codes_end_the_countdown_and_ask_for_a_new_code() {
    let mut app = picked_and_sent(crate::fapi::Strategy::EmailCode, "email_code");
    let mut ui = Ui::new();
    assert!(screen(&app, &mut ui).contains("The code expires in"));
    api(
        &mut app,
        Reply::SignIn(Err(failure(
            FailureKind::Api {
                status: 422,
                code: "verification_failed".into(),
            },
            "Too many failed attempts. You have to try again with the same or another method.",
            None,
        ))),
    );
    let failed = screen(&app, &mut ui);
    assert!(!failed.contains("expires in"), "{failed}");
    assert!(failed.contains("Too many failed attempts."), "{failed}");
    assert!(
        failed.contains("That code can no longer be used. Press r to get a new one."),
        "{failed}"
    );
    assert!(
        failed.contains("Ask for a new code"),
        "the status bar:\n{failed}"
    );
}

fn on_key_(app: &crate::app::App, ui: &mut Ui, code: KeyCode) -> Vec<Action> {
    super::on_key(app, ui, key(code))
}

#[test]
fn email_link_and_browser_hand_off() {
    let mut app = picked_and_sent(crate::fapi::Strategy::EmailLink, "email_link");
    let _ = crate::app::update(
        &mut app,
        Action::Tick {
            now_ms: NOW + 19_000,
        },
    );
    snap("email_link_waiting", &app, &mut Ui::new());

    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = crate::app::update(&mut app, Action::ChooseAnotherMethod);
    let _ = crate::app::update(
        &mut app,
        Action::PickFactor(crate::fapi::Strategy::Oauth("github".into())),
    );
    let mut v = sent("oauth_github");
    v["external_verification_redirect_url"] = json!(
        "https://github.com/login/oauth/authorize?client_id=Iv1.0123456789abcdef&redirect_uri=https%3A%2F%2Fclerk.example.com%2Fv1%2Foauth_callback&state=abcdefghijklmnopqrstuvwxyz0123456789"
    );
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": v}),
        ),
    );
    snap("oauth_hand_off", &app, &mut Ui::new());
}

#[test]
fn second_factor_screens() {
    let mut ui = Ui::new();
    let mut app = at(sign_in("needs_second_factor", json!({})));
    snap("second_factor_totp", &app, &mut ui);
    let _ = crate::app::update(&mut app, Action::ChooseAnotherMethod);
    snap("choose_second_factor", &app, &mut ui);
    let _ = crate::app::update(
        &mut app,
        Action::PickFactor(crate::fapi::Strategy::PhoneCode),
    );
    reply(
        &mut app,
        sign_in(
            "needs_second_factor",
            json!({"second_factor_verification": sent("phone_code")}),
        ),
    );
    snap("second_factor_sms_sent", &app, &mut ui);
    let _ = crate::app::update(&mut app, Action::ChooseAnotherMethod);
    let _ = crate::app::update(
        &mut app,
        Action::PickFactor(crate::fapi::Strategy::BackupCode),
    );
    let _ = type_text(&app, &mut ui, "abcd1234");
    snap("second_factor_backup_code", &app, &mut ui);
}

#[test]
fn client_trust() {
    let app = at(sign_in(
        "needs_client_trust",
        json!({"supported_second_factors": [
            {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}],
            "second_factor_verification": sent("email_code")}),
    ));
    snap("client_trust", &app, &mut Ui::new());
}

#[test]
fn signed_in_screen() {
    let app = signed_in();
    snap("signed_in", &app, &mut Ui::new());
}

#[test]
fn dead_ends_are_named_with_a_way_back() {
    let app = at(sign_in("needs_protect_check", json!({})));
    snap("unsupported_protect_check", &app, &mut Ui::new());
    let app = at(sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [{"strategy": "passkey"},
            {"strategy": "web3_metamask_signature"}]}),
    ));
    snap("no_usable_factor", &app, &mut Ui::new());
}

#[test]
fn help_overlay_and_too_small() {
    let app = at(sign_in("needs_first_factor", json!({})));
    let mut ui = Ui::new();
    let _ = on_key_(&app, &mut ui, KeyCode::F(1));
    snap("help_password", &app, &mut ui);
    let (terminal, cursor) = draw(&app, &mut ui, Theme::Default, 60, 20);
    insta::assert_snapshot!(
        "too_small",
        crate::tui::widgets::testing::snapshot(&terminal, Some(cursor))
    );
}

#[test]
fn no_snapshot_holds_a_typed_secret() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/screens/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no snapshots in {}", dir.display());
    };
    let mut checked = 0;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for secret in ["hunter2", "abcd1234"] {
            assert!(
                !text.contains(secret),
                "{} contains {secret}",
                entry.path().display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} snapshots found");
}
