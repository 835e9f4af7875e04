//! `needs_new_password`: two masked fields, the instance's password rules checked as you type
//! (each marked ✓/✗ and "met"/"not met", never by colour alone), whether the two match, and
//! the "sign out of other sessions" toggle.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::Ui;
use super::common::Column;
use crate::app::{Action, App};
use crate::fapi::{PasswordRule, PasswordSettings, password_length_bounds, validate_password};
use crate::tui::Theme;
use crate::tui::widgets::{KeyHelp, Outcome};

/// Two fields and the toggle.
const PARTS: usize = 3;
const TOGGLE: usize = 2;
const PASSWORD_PARAMS: &[&str] = &["password"];

/// Every rule the instance sets, whether it fails or not, in the order the validator uses.
fn rules(settings: &PasswordSettings) -> Vec<PasswordRule> {
    let (min, _max) = password_length_bounds(settings);
    let mut rules = vec![PasswordRule::TooShort { min }];
    if settings.require_uppercase {
        rules.push(PasswordRule::MissingUppercase);
    }
    if settings.require_lowercase {
        rules.push(PasswordRule::MissingLowercase);
    }
    if settings.require_numbers {
        rules.push(PasswordRule::MissingNumber);
    }
    if settings.require_special_char {
        // The validator fills in the allowed set; ask it with an empty password.
        if let Some(rule) = validate_password("", settings)
            .into_iter()
            .find(|r| matches!(r, PasswordRule::MissingSpecialCharacter { .. }))
        {
            rules.push(rule);
        }
    }
    rules
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let settings = app
        .environment
        .as_ref()
        .map(|e| e.user_settings.password_settings.clone())
        .unwrap_or_default();
    let mut col = Column::new(buf, area, theme);
    col.line("Choose a new password", theme.title());
    col.gap();
    let local = |i: usize| (ui.focus == i).then(|| ui.local_error.clone()).flatten();
    let error = local(0).or_else(|| ui.field_error(app, PASSWORD_PARAMS));
    ui.new_password.set_error(error);
    ui.confirm_password.set_error(local(1));
    let height = ui.new_password.height(col.area.width);
    let mut cursor = ui
        .new_password
        .render(col.take(height), col.buf, theme, ui.focus == 0);
    let height = ui.confirm_password.height(col.area.width);
    let at = ui
        .confirm_password
        .render(col.take(height), col.buf, theme, ui.focus == 1);
    cursor = cursor.or(at);

    let failed = ui
        .new_password
        .with_value(|p| validate_password(p, &settings));
    let too_long = failed
        .iter()
        .find(|r| matches!(r, PasswordRule::TooLong { .. }));
    for rule in rules(&settings).iter().chain(too_long) {
        let ok = !failed.contains(rule);
        let (mark, word) = if ok {
            ("✓", "met")
        } else {
            ("✗", "not met")
        };
        let style = if ok { theme.text() } else { theme.hint() };
        col.line_at(2, &format!("{mark} {rule} ({word})"), style);
    }
    let typed = !ui.confirm_password.is_empty();
    let same = ui
        .new_password
        .with_value(|a| ui.confirm_password.with_value(|b| a == b));
    let line = match (typed, same) {
        (false, _) => "· Type the password again to confirm it",
        (true, true) => "✓ The two passwords match (met)",
        (true, false) => "✗ The two passwords do not match (not met)",
    };
    col.line_at(2, line, theme.text());
    col.gap();
    let mark = if ui.sign_out_others { "[x]" } else { "[ ]" };
    let row = col.take(1);
    if row.height > 0 {
        if ui.focus == TOGGLE {
            col.buf.set_string(row.x, row.y, ">", theme.marker());
            cursor = Some(Position::new(row.x, row.y));
        }
        let style = if ui.focus == TOGGLE {
            theme.selected()
        } else {
            theme.text()
        };
        col.buf.set_string(
            row.x + 2,
            row.y,
            format!("{mark} Sign out of all other sessions (Space toggles)"),
            style,
        );
    }
    col.notice(app, ui.form_notice(app, PASSWORD_PARAMS));
    cursor
}

pub(crate) fn keys() -> Vec<KeyHelp> {
    vec![
        KeyHelp {
            keys: "Enter",
            action: "set password",
        },
        KeyHelp {
            keys: "Tab",
            action: "next field",
        },
        KeyHelp {
            keys: "Ctrl-R",
            action: "show",
        },
        KeyHelp {
            keys: "Space",
            action: "toggle signing out of other sessions (on the toggle)",
        },
        KeyHelp {
            keys: "Esc",
            action: "back to the start",
        },
    ]
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    let back = key.code == KeyCode::BackTab
        || key.code == KeyCode::Up
        || (key.code == KeyCode::Tab && key.modifiers.contains(KeyModifiers::SHIFT));
    if back {
        ui.cycle_focus(PARTS, false);
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => return vec![Action::Back],
        KeyCode::Tab | KeyCode::Down => {
            ui.cycle_focus(PARTS, true);
            return Vec::new();
        }
        KeyCode::Char(' ') if ui.focus == TOGGLE => {
            ui.sign_out_others = !ui.sign_out_others;
            return Vec::new();
        }
        _ => {}
    }
    let outcome = match ui.focus {
        0 => ui.new_password.handle_key(key),
        1 => ui.confirm_password.handle_key(key),
        _ if key.code == KeyCode::Enter => Outcome::Submit,
        _ => Outcome::Ignored,
    };
    ui.outcome(app, &outcome);
    if outcome != Outcome::Submit {
        return Vec::new();
    }
    submit(app, ui)
}

/// Checks locally first, so a refused password does not wipe what was typed.
fn submit(app: &App, ui: &mut Ui) -> Vec<Action> {
    if ui.new_password.is_empty() {
        ui.focus = 0;
        ui.local_error = Some("Enter a new password.".to_string());
        return Vec::new();
    }
    if let Some(env) = app.environment.as_ref() {
        let settings = &env.user_settings.password_settings;
        if let Some(rule) = ui
            .new_password
            .with_value(|p| validate_password(p, settings))
            .first()
        {
            ui.focus = 0;
            ui.local_error = Some(format!("{rule}."));
            return Vec::new();
        }
    }
    let same = ui
        .new_password
        .with_value(|a| ui.confirm_password.with_value(|b| a == b));
    if !same {
        ui.focus = 1;
        ui.local_error = Some("The two passwords do not match.".to_string());
        return Vec::new();
    }
    ui.confirm_password.clear();
    vec![Action::SubmitNewPassword {
        password: ui.new_password.take_secret(),
        sign_out_of_other_sessions: ui.sign_out_others,
    }]
}
