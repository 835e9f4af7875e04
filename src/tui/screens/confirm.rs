//! A question before something that cannot be undone: removing the authenticator app, or
//! replacing the backup codes. `y`/Enter goes ahead, `n`/Esc keeps things as they are.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::Ui;
use super::common::Column;
use crate::app::{Action, App, Confirm};
use crate::tui::Theme;
use crate::tui::widgets::KeyHelp;

fn words(app: &App, which: Confirm) -> (&'static str, String) {
    let user = app.user();
    match which {
        Confirm::RemoveTotp => {
            let other =
                user.is_some_and(|u| u.phone_numbers.iter().any(|p| p.reserved_for_second_factor));
            let consequence = if other {
                "Signing in will no longer accept a code from the app; your other second factor stays."
            } else {
                "Signing in will no longer ask for a second step: two-step verification turns off and your backup codes stop working."
            };
            ("Remove the authenticator app?", consequence.to_string())
        }
        Confirm::RegenerateBackupCodes => (
            "Create new backup codes?",
            "Your current backup codes stop working at once. The new ones are shown only once."
                .to_string(),
        ),
    }
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    which: Confirm,
    theme: Theme,
) -> Option<Position> {
    let (title, consequence) = words(app, which);
    let mut col = Column::new(buf, area, theme);
    col.line(title, theme.title());
    col.gap();
    col.wrapped(&consequence, theme.text());
    col.gap();
    let cursor = col.here();
    let yes = match which {
        Confirm::RemoveTotp => "y or Enter: remove it · n or Esc: keep it",
        Confirm::RegenerateBackupCodes => {
            "y or Enter: create new codes · n or Esc: keep the old ones"
        }
    };
    col.line(&format!("> {yes}"), theme.text());
    col.notice(app, app.notice.as_ref());
    Some(cursor)
}

pub(crate) fn state(which: Confirm) -> String {
    match which {
        Confirm::RemoveTotp => "Remove the authenticator app?".to_string(),
        Confirm::RegenerateBackupCodes => "Create new backup codes?".to_string(),
    }
}

pub(crate) fn keys() -> Vec<KeyHelp> {
    vec![
        KeyHelp {
            keys: "y",
            action: "yes",
        },
        KeyHelp {
            keys: "n",
            action: "no",
        },
        KeyHelp {
            keys: "Enter",
            action: "yes",
        },
        KeyHelp {
            keys: "Esc",
            action: "no",
        },
    ]
}

pub(crate) fn on_key(_app: &App, _ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return Vec::new();
    }
    match key.code {
        KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y') => vec![Action::Confirm],
        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('N') => vec![Action::Back],
        _ => Vec::new(),
    }
}
