//! The key tables keep dispatch, help and the status bar in step, on every screen: every key
//! the help overlay lists does what it says when pressed, and every key that does something
//! the user would notice is listed. Screens are reached through `update`, as the flows do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::fixtures::*;
use super::{Ui, on_key};
use crate::app::{Action, App, update};
use crate::fapi::Strategy;
use crate::tui::Theme;
use crate::tui::widgets::KeyHelp;

/// The screens in the states that change which keys apply (focus, field contents).
pub(crate) fn states() -> Vec<(&'static str, App, Vec<KeyEvent>)> {
    let tab = vec![key(KeyCode::Tab)];
    let picked = |s: Strategy, verification: serde_json::Value| {
        let mut app = at(sign_in("needs_first_factor", json!({})));
        let _ = update(&mut app, Action::ChooseAnotherMethod);
        let _ = update(&mut app, Action::PickFactor(s));
        reply(
            &mut app,
            sign_in(
                "needs_first_factor",
                json!({ "first_factor_verification": verification }),
            ),
        );
        app
    };
    let mut link = sent("email_link");
    link["status"] = json!("unverified");
    let mut oauth = sent("oauth_github");
    oauth["external_verification_redirect_url"] = json!("https://github.com/login?state=abc");
    let mut choosing = at(sign_in("needs_first_factor", json!({})));
    let _ = update(&mut choosing, Action::ChooseAnotherMethod);
    let mut load_failed = remote();
    let _ = update(&mut load_failed, Action::Start);
    api(
        &mut load_failed,
        crate::app::Reply::Environment(Err(failure(
            crate::app::FailureKind::Network,
            "refused",
            None,
        ))),
    );
    let mut confirm = signed_in();
    with_user(&mut confirm, |u| {
        u.totp_enabled = true;
    });
    let _ = update(&mut confirm, Action::AskRemoveTotp);
    let mut backup_code = at(sign_in("needs_second_factor", json!({})));
    let _ = update(&mut backup_code, Action::ChooseAnotherMethod);
    let _ = update(&mut backup_code, Action::PickFactor(Strategy::BackupCode));
    let no_factor = at(sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [{"strategy": "passkey"}]}),
    ));
    vec![
        ("start", embedded(), vec![]),
        ("start, load failed", load_failed, vec![]),
        ("identifier", ready(), vec![]),
        ("identifier, password", ready(), tab.clone()),
        ("identifier, provider", ready(), vec![key(KeyCode::Tab); 2]),
        (
            "password",
            at(sign_in("needs_first_factor", json!({}))),
            vec![],
        ),
        (
            "password, options",
            at(sign_in("needs_first_factor", json!({}))),
            tab.clone(),
        ),
        (
            "code",
            picked(Strategy::EmailCode, sent("email_code")),
            vec![],
        ),
        (
            "code, typed",
            picked(Strategy::EmailCode, sent("email_code")),
            vec![key(KeyCode::Char('1'))],
        ),
        (
            "totp",
            at(sign_in("needs_second_factor", json!({}))),
            vec![],
        ),
        ("email link", picked(Strategy::EmailLink, link), vec![]),
        (
            "hand-off",
            picked(Strategy::Oauth("github".into()), oauth),
            vec![],
        ),
        ("choose", choosing, vec![]),
        (
            "unsupported",
            at(sign_in("needs_protect_check", json!({}))),
            vec![],
        ),
        (
            "new password",
            at(sign_in("needs_new_password", json!({}))),
            vec![],
        ),
        (
            "new password, toggle",
            at(sign_in("needs_new_password", json!({}))),
            vec![key(KeyCode::Tab); 2],
        ),
        ("signed in", signed_in(), vec![]),
        ("confirm", confirm, vec![]),
        ("backup code", backup_code, vec![]),
        ("no factor", no_factor, vec![]),
        (
            "authenticator set-up",
            super::tests_signed_in::enrolling(),
            vec![],
        ),
        (
            "authenticator set-up, typed",
            super::tests_signed_in::enrolling(),
            vec![key(KeyCode::Char('1'))],
        ),
        (
            "backup codes",
            super::tests_signed_in::with_backup_codes(),
            vec![],
        ),
        ("unfinished sign-in", unfinished(), vec![]),
    ]
}

/// A fresh `Ui` on the screen, after the keys that set its state.
pub(crate) fn ui_at(app: &App, setup: &[KeyEvent]) -> Ui {
    let mut ui = Ui::new();
    ui.sync(app);
    for k in setup {
        let _ = on_key(app, &mut ui, *k);
    }
    ui
}

/// The key a help row names, as a press ("Ctrl-O", "1-9", "Shift-Tab", "Space", "S").
fn press_for(name: &str) -> KeyEvent {
    let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
    match name {
        "Enter" => plain(KeyCode::Enter),
        "Esc" => plain(KeyCode::Esc),
        "Tab" => plain(KeyCode::Tab),
        "Shift-Tab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        "Up" => plain(KeyCode::Up),
        "Down" => plain(KeyCode::Down),
        "Home" => plain(KeyCode::Home),
        "End" => plain(KeyCode::End),
        "Backspace" => plain(KeyCode::Backspace),
        "Delete" => plain(KeyCode::Delete),
        "Space" => plain(KeyCode::Char(' ')),
        "F1" => plain(KeyCode::F(1)),
        "F2" => plain(KeyCode::F(2)),
        "0-9" => plain(KeyCode::Char('0')),
        "1-9" => plain(KeyCode::Char('1')),
        ctrl if ctrl.starts_with("Ctrl-") => {
            let c = ctrl.chars().last().unwrap_or(' ').to_ascii_lowercase();
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
        }
        one if one.chars().count() == 1 => plain(KeyCode::Char(one.chars().next().unwrap_or(' '))),
        other => panic!("help names a key no test can press: {other:?}"),
    }
}

/// Every key a person could press: letters, digits, punctuation, and the named keys, plain
/// and with Ctrl.
fn every_key() -> Vec<KeyEvent> {
    let mut keys: Vec<KeyEvent> = (' '..='~')
        .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .collect();
    keys.extend(('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::F(1),
        KeyCode::F(2),
    ] {
        keys.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    keys
}

fn help_rows(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    ui.help_keys(app)
}

#[test]
fn the_states_reach_every_kind_of_screen() {
    let titles: std::collections::BTreeSet<&str> = states()
        .iter()
        .map(|(_, app, setup)| ui_at(app, setup).screen.title())
        .collect();
    assert_eq!(titles.len(), 15, "every screen title: {titles:?}");
}

#[test]
fn every_key_help_lists_does_what_help_says() {
    for (name, app, setup) in states() {
        let ui = ui_at(&app, &setup);
        let rows = help_rows(&app, &ui);
        assert!(!rows.is_empty(), "{name}: help lists nothing");
        for row in &rows {
            for key_name in row.keys.split(", ") {
                let pressed = press_for(key_name);
                let ran = ui.binding_for(&app, &pressed);
                assert_eq!(
                    ran.as_ref().map(|h| h.action),
                    Some(row.action),
                    "{name}: help says {key_name} does {:?}",
                    row.action
                );
            }
        }
    }
}

#[test]
fn every_key_that_acts_is_listed() {
    for (name, app, setup) in states() {
        let listed = help_rows(&app, &ui_at(&app, &setup));
        for pressed in every_key() {
            let mut ui = ui_at(&app, &setup);
            let before = screen(&app, &mut ui);
            let row = ui.binding_for(&app, &pressed);
            if let Some(row) = &row {
                assert!(
                    listed.contains(row),
                    "{name}: {pressed:?} runs {row:?}, which help does not list"
                );
            }
            let actions = on_key(&app, &mut ui, pressed);
            if row.is_none() {
                assert!(
                    actions.is_empty(),
                    "{name}: {pressed:?} is in no row of the table but did {actions:?}"
                );
                if !ui.screen.typing() {
                    let (terminal, _) = draw(&app, &mut ui, Theme::Default, 80, 24);
                    let after = crate::tui::widgets::testing::screen(&terminal);
                    let unchanged = after == before || after.contains("Error: ");
                    assert!(
                        unchanged,
                        "{name}: {pressed:?} is in no row of the table but changed the screen"
                    );
                }
            }
        }
    }
}

#[test]
fn the_status_bar_shows_only_listed_keys_and_help() {
    for (name, app, setup) in states() {
        let ui = ui_at(&app, &setup);
        let listed = help_rows(&app, &ui);
        for shown in ui.status_keys(&app) {
            let first = shown
                .keys
                .split([',', '/'])
                .next()
                .unwrap_or_default()
                .trim();
            let ran = ui.binding_for(&app, &press_for(first));
            assert!(
                ran.is_some_and(|r| r.action == shown.action || shown.keys == "F1")
                    && listed
                        .iter()
                        .any(|r| r.action == shown.action || shown.keys == "F1"),
                "{name}: the status bar offers {shown:?}"
            );
        }
    }
}
