//! The emulator's demo users, all of them, one key (F2) away from the start and identifier
//! screens: one row each, the chosen one's password and what it demonstrates in full under
//! the list, and Enter to put its identifier in the field.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};

use super::common::Column;
use crate::app::{App, Backend, SeedUserInfo};
use crate::tui::Theme;

/// The open list and which row is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DemoList {
    pub chosen: usize,
}

/// What a key did to the list.
pub(crate) enum DemoKey {
    Stay,
    Close,
    /// Enter: this identifier goes into the field.
    Pick(String),
}

pub(crate) fn users(app: &App) -> &[SeedUserInfo] {
    match &app.backend {
        Backend::Embedded { seed_users, .. } => seed_users,
        Backend::Remote { .. } => &[],
    }
}

impl DemoList {
    pub(crate) fn on_key(&mut self, app: &App, key: KeyEvent) -> DemoKey {
        let count = users(app).len();
        match key.code {
            KeyCode::Down | KeyCode::Tab if count > 0 => self.chosen = (self.chosen + 1) % count,
            KeyCode::Up | KeyCode::BackTab if count > 0 => {
                self.chosen = (self.chosen + count - 1) % count;
            }
            KeyCode::Enter => {
                return match users(app).get(self.chosen) {
                    Some(u) => DemoKey::Pick(u.identifier.clone()),
                    None => DemoKey::Close,
                };
            }
            _ => return DemoKey::Close,
        }
        DemoKey::Stay
    }

    /// The whole area: the list, then the chosen user's details wrapped, then the keys.
    pub(crate) fn render(&self, app: &App, buf: &mut Buffer, area: Rect, theme: Theme) -> Position {
        let users = users(app);
        let mut col = Column::new(buf, area, theme);
        col.line("Demo users of the embedded emulator", theme.title());
        col.wrapped(
            "Up/Down: choose · Enter: put it in the field · any other key: close",
            theme.hint(),
        );
        col.gap();
        // Rows for the details: the password and what it shows (wrapped, two rows at most).
        let details = 3;
        let room = usize::from(col.rows_left().saturating_sub(details + 1)).max(1);
        let first = self.chosen.saturating_sub(room - 1);
        let mut cursor = col.here();
        for (i, user) in users.iter().enumerate().skip(first).take(room) {
            let here = i == self.chosen;
            if here {
                cursor = col.here();
            }
            let marker = if here { ">" } else { " " };
            let style = if here { theme.key() } else { theme.text() };
            col.line(
                &format!("{marker} {:>2}. {}", i + 1, user.identifier),
                style,
            );
        }
        col.gap();
        if let Some(user) = users.get(self.chosen) {
            let password = match &user.password {
                Some(p) => format!("Password: {p}"),
                None => "No password.".to_string(),
            };
            col.line(&password, theme.text());
            col.wrapped(&format!("Shows: {}", user.demonstrates), theme.text());
        }
        cursor
    }
}
