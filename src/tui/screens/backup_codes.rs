//! Backup codes, shown once: after an authenticator app is set up, or after `b` made a new set.
//! `c` copies them (OSC 52); the screen stays until the user says they saved them.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use secrecy::ExposeSecret;

use super::Ui;
use super::common::Column;
use crate::app::{AccountTask, Action, App, BackupCodesReason};
use crate::tui::Theme;
use crate::tui::widgets::KeyHelp;

const COPIED: &str = "The codes were sent to the terminal's clipboard (OSC 52). If your terminal blocks clipboard writes, nothing was copied: write them down.";
/// Codes per row: two columns read down, like a printed sheet.
const COLUMNS: usize = 2;
const COLUMN_WIDTH: usize = 20;

fn shown(app: &App) -> Option<(Vec<&str>, BackupCodesReason)> {
    match &app.account {
        Some(AccountTask::BackupCodes { codes, reason }) => {
            Some((codes.iter().map(|c| c.expose_secret()).collect(), *reason))
        }
        _ => None,
    }
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let (codes, reason) = shown(app)?;
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    col.line("Save your backup codes", theme.title());
    col.gap();
    let intro = match reason {
        BackupCodesReason::TotpEnabled => {
            "Two-step verification is on. If you lose your authenticator app, each of these codes signs you in once."
        }
        BackupCodesReason::Regenerated => {
            "These replace your previous backup codes, which no longer work. Each code signs you in once."
        }
    };
    col.wrapped(intro, theme.text());
    col.wrapped(
        "They are shown only now: copy them (c) or write them down.",
        theme.text(),
    );
    col.gap();
    let rows = codes.len().div_ceil(COLUMNS);
    for r in 0..rows {
        let mut line = String::new();
        for c in 0..COLUMNS {
            let i = c * rows + r;
            if let Some(code) = codes.get(i) {
                let cell = format!("{:>2}. {code}", i + 1);
                line.push_str(&format!("{cell:<COLUMN_WIDTH$}"));
            }
        }
        col.line_at(2, line.trim_end(), theme.title());
    }
    col.gap();
    col.line("Press Enter (or y) once you have saved them.", theme.text());
    if let Some(copied) = ui.copied {
        col.wrapped(copied, theme.text());
    }
    col.notice(app, app.notice.as_ref());
    Some(cursor)
}

pub(crate) fn state() -> String {
    "Backup codes: shown only now".to_string()
}

pub(crate) fn keys() -> Vec<KeyHelp> {
    vec![
        KeyHelp {
            keys: "Enter",
            action: "I have saved them",
        },
        KeyHelp {
            keys: "c",
            action: "copy the codes",
        },
        KeyHelp {
            keys: "y",
            action: "I have saved them",
        },
    ]
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return Vec::new();
    }
    match key.code {
        KeyCode::Enter | KeyCode::Char('y') => vec![Action::BackupCodesSaved],
        KeyCode::Esc => vec![Action::Back],
        KeyCode::Char('c') => {
            if let Some((codes, _)) = shown(app) {
                ui.request_copy(codes.join("\n"), COPIED);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
