//! The factor screens where something is typed: the password (with "forgot password?"), a
//! one-time code (email, SMS, authenticator app, password reset; first factor, second factor or
//! a new device's client-trust check) with its expiry and resend cooldown, and a backup code.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::common::{self, Column, clock, duration};
use super::ui::Pick;
use super::{ScreenId, Ui};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Stage, Step};
use crate::tui::Theme;
use crate::tui::widgets::{Choice, ChoiceList, KeyHelp, Outcome, sanitize};

const PASSWORD_PARAMS: &[&str] = &["password"];
const CODE_PARAMS: &[&str] = &["code"];

/// The rows under the password field: "forgot password?" when the account can reset it.
pub(crate) fn password_actions(app: &App) -> (ChoiceList, Vec<Pick>) {
    let can_reset = app.sign_in.as_ref().is_some_and(|s| {
        s.supported_first_factors.iter().any(|f| {
            matches!(
                f.strategy,
                Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode
            )
        })
    });
    let mut choices = Vec::new();
    let mut picks = Vec::new();
    if can_reset {
        choices.push(Choice::new("Forgot password? Reset it with a code"));
        picks.push(Pick::ForgotPassword);
    }
    choices.push(Choice::new("Use another method"));
    picks.push(Pick::AnotherMethod);
    (ChoiceList::new(choices), picks)
}

pub(crate) fn backup_actions() -> (ChoiceList, Vec<Pick>) {
    (
        ChoiceList::new(vec![Choice::new("Use another method")]),
        vec![Pick::AnotherMethod],
    )
}

pub(crate) fn code_label(stage: Stage, strategy: &Strategy) -> String {
    match (stage, strategy) {
        (_, Strategy::Totp) => "Code from your authenticator app".to_string(),
        (_, Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode) => {
            "Password reset code".to_string()
        }
        (_, Strategy::PhoneCode) => "Code from the text message".to_string(),
        _ => "Code from the email".to_string(),
    }
}

fn current(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

fn title(f: &FactorStep) -> &'static str {
    match (f.stage, f.strategy()) {
        (_, Strategy::Password) => "Enter your password",
        (_, Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode) => {
            "Reset your password"
        }
        (Stage::ClientTrust, _) => "Confirm it's you",
        (Stage::Second, _) => "Two-step verification",
        (Stage::First, Strategy::PhoneCode) => "Check your phone",
        (Stage::First, _) => "Check your email",
    }
}

/// Who is signing in, as typed or as the server echoes it.
pub(crate) fn who(app: &App) -> Option<String> {
    app.identifier
        .clone()
        .or_else(|| app.sign_in.as_ref()?.identifier.clone())
        .map(|s| sanitize(&s).into_owned())
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let f = current(app)?;
    let mut col = Column::new(buf, area, theme);
    col.line(title(&f), theme.title());
    if let Some(who) = who(app) {
        col.line(&format!("Signing in as {who}"), theme.hint());
    }
    col.gap();
    match ui.screen.clone() {
        ScreenId::Password | ScreenId::BackupCode(_) => secret_form(&mut col, app, ui),
        _ => code_form(&mut col, app, ui, &f),
    }
}

fn secret_form(col: &mut Column<'_>, app: &App, ui: &mut Ui) -> Option<Position> {
    let theme = col.theme;
    let params = if ui.screen == ScreenId::Password {
        PASSWORD_PARAMS
    } else {
        col.wrapped(
            "Enter one of the backup codes you saved when you turned on two-step verification. Each code works once.",
            theme.text(),
        );
        col.gap();
        CODE_PARAMS
    };
    let error = match (ui.focus, &ui.local_error) {
        (0, Some(e)) => Some(e.clone()),
        _ => ui.field_error(app, params),
    };
    ui.password.set_error(error);
    let field = col.take(ui.password.height(col.area.width));
    let mut cursor = ui.password.render(field, col.buf, theme, ui.focus == 0);
    col.notice(app, ui.form_notice(app, params));
    col.gap();
    col.line("More options (Tab, then a number or Enter):", theme.text());
    let list = col.take(ui.choices.height());
    let at = ui.choices.render(list, col.buf, theme, ui.focus == 1);
    if ui.focus == 1 {
        cursor = at;
        if let Some(e) = &ui.local_error {
            col.line(&format!("Error: {e}"), theme.error());
        }
    }
    cursor
}

fn code_form(col: &mut Column<'_>, app: &App, ui: &mut Ui, f: &FactorStep) -> Option<Position> {
    let theme = col.theme;
    let target = common::target(&f.factor).unwrap_or_else(|| "you".to_string());
    let sends = crate::fapi::Strategy::needs_prepare(f.strategy());
    let intro = match (f.stage, f.strategy(), f.sent, app.busy.is_some()) {
        (_, Strategy::Totp, ..) => {
            "Enter the 6-digit code from your authenticator app.".to_string()
        }
        (Stage::ClientTrust, _, true, _) => format!(
            "You're signing in from a new device. To confirm it's you, enter the code sent to {target}."
        ),
        (_, _, true, _) => format!("Enter the 6-digit code sent to {target}."),
        (_, _, false, true) => format!("Sending a code to {target}…"),
        (_, _, false, false) if f.ended.is_some() => {
            "That code can no longer be used. Press r to get a new one.".to_string()
        }
        (_, _, false, false) => {
            format!("No code has been sent to {target} yet. Press r to send one.")
        }
    };
    col.wrapped(&intro, theme.text());
    col.gap();
    let error = ui
        .local_error
        .clone()
        .or_else(|| ui.field_error(app, CODE_PARAMS));
    ui.code.set_error(error);
    let cursor = ui.code.render(
        col.take(ui.code.height(col.area.width)),
        col.buf,
        theme,
        true,
    );
    if f.sent {
        match app.expires_in_secs() {
            Some(0) => col.line(
                "The code has expired. Press r to get a new one.",
                theme.error(),
            ),
            Some(secs) => col.line(
                &format!("The code expires in {}.", duration(secs)),
                theme.text(),
            ),
            None => {}
        }
    }
    if sends && f.sent {
        match app.resend_secs() {
            Some(secs) => col.line(
                &format!(
                    "Didn't get it? You can ask for a new code in {}.",
                    duration(secs)
                ),
                theme.hint(),
            ),
            None => col.line("Didn't get it? Press r to send a new code.", theme.hint()),
        }
    }
    col.notice(app, ui.form_notice(app, CODE_PARAMS));
    col.gap();
    col.line("m or Ctrl-O: use another method · Esc: back", theme.hint());
    cursor
}

pub(crate) fn state(app: &App) -> String {
    let Some(f) = current(app) else {
        return String::new();
    };
    match f.strategy() {
        Strategy::Password => "Enter your password".to_string(),
        Strategy::BackupCode => "Enter a backup code".to_string(),
        Strategy::Totp => "Enter the app's code".to_string(),
        _ if f.sent => match app.expires_in_secs() {
            Some(0) => "The code expired".to_string(),
            Some(secs) => format!("Enter the code ({} left)", clock(secs)),
            None => "Enter the code".to_string(),
        },
        _ => "No code sent yet".to_string(),
    }
}

pub(crate) fn keys(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    let other = KeyHelp {
        keys: "m",
        action: "other method",
    };
    let esc = KeyHelp {
        keys: "Esc",
        action: "back",
    };
    match &ui.screen {
        ScreenId::Password | ScreenId::BackupCode(_) => vec![
            KeyHelp {
                keys: "Enter",
                action: if ui.focus == 0 { "continue" } else { "pick" },
            },
            KeyHelp {
                keys: "Tab",
                action: if ui.focus == 0 {
                    "more options"
                } else {
                    "field"
                },
            },
            KeyHelp {
                keys: "Ctrl-O",
                action: "other method",
            },
            KeyHelp {
                keys: "Ctrl-R",
                action: "show or hide what is typed",
            },
            esc,
        ],
        ScreenId::Code(_, strategy) => {
            let mut keys = vec![KeyHelp {
                keys: "0-9",
                action: "type the code",
            }];
            if strategy.needs_prepare() && app.resend_secs().is_none() {
                keys.push(KeyHelp {
                    keys: "r",
                    action: "new code",
                });
            }
            keys.push(other);
            keys.push(esc);
            keys.push(KeyHelp {
                keys: "Backspace, Delete",
                action: "correct the last digit, clear all",
            });
            keys
        }
        _ => vec![other, esc],
    }
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if key.code == KeyCode::Esc {
        return vec![Action::Back];
    }
    match ui.screen.clone() {
        ScreenId::Code(_, strategy) => code_key(app, ui, key, &strategy),
        _ => secret_key(app, ui, key),
    }
}

fn code_key(app: &App, ui: &mut Ui, key: KeyEvent, strategy: &Strategy) -> Vec<Action> {
    let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
    if plain && key.code == KeyCode::Char('r') && ui.code.filled() == 0 {
        if common::can_retry(app) {
            return vec![Action::Retry];
        }
        if strategy.needs_prepare() {
            return vec![Action::SendCode];
        }
    }
    let outcome = ui.code.handle_key(key);
    ui.outcome(app, &outcome);
    match outcome {
        Outcome::Complete | Outcome::Submit => vec![Action::SubmitCode(ui.code.take_code())],
        _ => Vec::new(),
    }
}

fn secret_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    let back = key.code == KeyCode::BackTab
        || (key.code == KeyCode::Tab && key.modifiers.contains(KeyModifiers::SHIFT));
    if key.code == KeyCode::Tab || back {
        ui.cycle_focus(2, !back);
        return Vec::new();
    }
    if ui.focus == 1 {
        let outcome = ui.choices.handle_key(key);
        return match outcome {
            Outcome::Picked(i) => match ui.picks.get(i) {
                Some(Pick::ForgotPassword) => vec![Action::ForgotPassword],
                Some(Pick::AnotherMethod) => vec![Action::ChooseAnotherMethod],
                Some(Pick::Factor(s)) => vec![Action::PickFactor(s.clone())],
                None => Vec::new(),
            },
            Outcome::Rejected(why) => {
                ui.local_error = Some(why);
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    let outcome = ui.password.handle_key(key);
    ui.outcome(app, &outcome);
    if outcome != Outcome::Submit {
        return Vec::new();
    }
    if ui.password.is_empty() {
        ui.local_error = Some(if ui.screen == ScreenId::Password {
            "Enter your password.".to_string()
        } else {
            "Enter a backup code.".to_string()
        });
        return Vec::new();
    }
    let secret = ui.password.take_secret();
    if ui.screen == ScreenId::Password {
        vec![Action::SubmitPassword(secret)]
    } else {
        vec![Action::SubmitCode(secret)]
    }
}
