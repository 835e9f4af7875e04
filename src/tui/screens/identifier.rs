//! The identifier screen: one field labelled with the identifiers the instance accepts, a
//! password field too when the instance allows one-step password sign-in, the social
//! providers the instance has enabled, and in dev mode the demo users to try.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::Ui;
use super::common::Column;
use crate::app::{Action, App, Backend};
use crate::tui::Theme;
use crate::tui::widgets::{KeyHelp, Outcome};

/// Params the server may name for the identifier field.
const IDENTIFIER_PARAMS: &[&str] = &[
    "identifier",
    "email_address",
    "phone_number",
    "username",
    "web3_wallet",
];
const PASSWORD_PARAMS: &[&str] = &["password"];

/// "Email address, phone number or username", from the instance's first-factor identifiers.
pub(crate) fn label(app: &App) -> String {
    let names: Vec<&str> = app
        .environment
        .as_ref()
        .map(|e| e.first_factor_identifiers())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|name| match name {
            "email_address" => Some("email address"),
            "phone_number" => Some("phone number"),
            "username" => Some("username"),
            _ => None,
        })
        .collect();
    let joined = match names.as_slice() {
        [] => "Email address or username".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    let mut chars = joined.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or(joined)
}

fn password_allowed(app: &App) -> bool {
    app.environment
        .as_ref()
        .is_some_and(|e| e.password_enabled())
}

fn field_count(app: &App) -> usize {
    if password_allowed(app) { 2 } else { 1 }
}

/// The fields, then one row per social provider.
fn focus_count(app: &App) -> usize {
    field_count(app) + super::handoff::provider_count(app)
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let mut col = Column::new(buf, area, theme);
    col.line("Sign in", theme.title());
    col.gap();
    ui.identifier.set_label(label(app));
    let focus_error = ui.local_error.clone();
    let id_error = match (ui.focus, &focus_error) {
        (0, Some(e)) => Some(e.clone()),
        _ => ui.field_error(app, IDENTIFIER_PARAMS),
    };
    ui.identifier.set_error(id_error);
    let mut cursor = ui.identifier.render(
        col.take(ui.identifier.height(col.area.width)),
        col.buf,
        theme,
        ui.focus == 0,
    );
    let mut fields = IDENTIFIER_PARAMS.to_vec();
    if password_allowed(app) {
        fields.extend_from_slice(PASSWORD_PARAMS);
        let pw_error = match (ui.focus, &focus_error) {
            (1, Some(e)) => Some(e.clone()),
            _ => ui.field_error(app, PASSWORD_PARAMS),
        };
        ui.password.set_error(pw_error);
        let height = ui.password.height(col.area.width);
        let at = ui
            .password
            .render(col.take(height), col.buf, theme, ui.focus == 1);
        cursor = cursor.or(at);
    }
    col.notice(app, ui.form_notice(app, &fields));
    let focused_provider = ui.focus.checked_sub(field_count(app));
    if let Some(at) = super::handoff::provider_rows(&mut col, app, focused_provider) {
        cursor = Some(at);
    }
    if let Backend::Embedded { seed_users, .. } = &app.backend
        && col.rows_left() > 2
    {
        col.gap();
        super::start::demo_users(&mut col, seed_users);
    }
    cursor
}

pub(crate) fn keys(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    let providers = super::handoff::provider_count(app);
    if ui.focus >= field_count(app) {
        return vec![
            KeyHelp {
                keys: "Enter",
                action: "continue with this provider",
            },
            KeyHelp {
                keys: "1-9",
                action: "continue with that provider",
            },
            KeyHelp {
                keys: "Tab",
                action: "next field or provider",
            },
        ];
    }
    let mut keys = vec![KeyHelp {
        keys: "Enter",
        action: "continue",
    }];
    if field_count(app) > 1 {
        keys.push(KeyHelp {
            keys: "Tab",
            action: match ui.focus {
                0 => "password",
                _ if providers > 0 => "providers",
                _ => "identifier",
            },
        });
        keys.push(KeyHelp {
            keys: "Ctrl-R",
            action: "show password",
        });
    } else if providers > 0 {
        keys.push(KeyHelp {
            keys: "Tab",
            action: "providers",
        });
    }
    keys
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    let back = key.code == KeyCode::BackTab
        || key.code == KeyCode::Up
        || (key.code == KeyCode::Tab && key.modifiers.contains(KeyModifiers::SHIFT));
    if back {
        ui.cycle_focus(focus_count(app), false);
        return Vec::new();
    }
    match key.code {
        KeyCode::Tab | KeyCode::Down => {
            ui.cycle_focus(focus_count(app), true);
            return Vec::new();
        }
        KeyCode::Esc => return Vec::new(),
        _ => {}
    }
    if let Some(row) = ui.focus.checked_sub(field_count(app)) {
        let pick = match key.code {
            KeyCode::Enter => super::handoff::provider_at(app, row),
            KeyCode::Char(c @ '1'..='9') => {
                super::handoff::provider_at(app, c as usize - '1' as usize)
            }
            _ => None,
        };
        return pick
            .map(|s| vec![Action::StartOAuth(s)])
            .unwrap_or_default();
    }
    let outcome = if ui.focus == 0 {
        ui.identifier.handle_key(key)
    } else {
        ui.password.handle_key(key)
    };
    ui.outcome(app, &outcome);
    if outcome != Outcome::Submit {
        return Vec::new();
    }
    let identifier = ui.identifier.value().trim().to_string();
    if identifier.is_empty() {
        ui.focus = 0;
        ui.local_error = Some(format!("Enter your {}.", label(app).to_lowercase()));
        return Vec::new();
    }
    let password = (!ui.password.is_empty()).then(|| ui.password.take_secret());
    vec![Action::SubmitIdentifier {
        identifier,
        password,
    }]
}
