//! The start screen while the instance settings load: which backend this is (a DEV badge and
//! address for the embedded emulator, the host for a real instance), the seeded demo users and
//! what each shows, and a retry when loading failed.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};

use super::Ui;
use super::common::Column;
use crate::app::{Action, App, Backend};
use crate::tui::Theme;
use crate::tui::widgets::KeyHelp;

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    _ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    col.line("clerk-tui: sign in to a Clerk application", theme.title());
    col.gap();
    backend_lines(&mut col, app);
    col.gap();
    if app.load_failed {
        col.wrapped("The instance settings could not be loaded.", theme.text());
        match app.notice.as_ref() {
            Some(_) => col.notice(app, app.notice.as_ref()),
            None => col.line("Error: no answer from the server.", theme.error()),
        }
        col.wrapped("r tries again, q quits.", theme.text());
    } else {
        col.line("Loading the instance settings…", theme.text());
        col.notice(app, app.notice.as_ref());
    }
    if let Backend::Embedded { seed_users, .. } = &app.backend {
        col.gap();
        demo_users(&mut col, seed_users);
    }
    Some(cursor)
}

/// "DEV — embedded Clerk emulator at …" or the host of a real instance.
pub(crate) fn backend_lines(col: &mut Column<'_>, app: &App) {
    let theme = col.theme;
    match &app.backend {
        Backend::Embedded { base_url, .. } => {
            col.spans(&[
                (" DEV ", theme.badge()),
                (" embedded Clerk emulator at ", theme.text()),
                (base_url, theme.text()),
            ]);
            col.line(
                "No account and no network needed; nothing here reaches Clerk.",
                theme.hint(),
            );
        }
        Backend::Remote { base_url } => {
            col.spans(&[
                ("Clerk Frontend API at ", theme.text()),
                (base_url, theme.text()),
            ]);
        }
    }
}

/// The embedded server's demo users: identifier, password and what each one demonstrates.
pub(crate) fn demo_users(col: &mut Column<'_>, users: &[crate::app::SeedUserInfo]) {
    let theme = col.theme;
    if users.is_empty() {
        return;
    }
    col.line("Demo users:", theme.title());
    for user in users {
        if col.rows_left() == 0 {
            break;
        }
        let password = match &user.password {
            Some(p) => format!("password {p}"),
            None => "no password".to_string(),
        };
        col.spans(&[
            ("  ", theme.text()),
            (&user.identifier, theme.key()),
            ("  ", theme.text()),
            (&password, theme.text()),
            (" — ", theme.text()),
            (&user.demonstrates, theme.hint()),
        ]);
    }
}

pub(crate) fn state(app: &App) -> String {
    if app.load_failed {
        "Could not load the instance settings".to_string()
    } else {
        "Loading the instance settings".to_string()
    }
}

pub(crate) fn keys(app: &App) -> Vec<KeyHelp> {
    let mut keys = Vec::new();
    if app.load_failed || super::common::can_retry(app) {
        keys.push(KeyHelp {
            keys: "r",
            action: "retry",
        });
    }
    keys.push(KeyHelp {
        keys: "q",
        action: "quit",
    });
    keys
}

pub(crate) fn on_key(app: &App, _ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    match key.code {
        // Loading starts with two calls; `Start` repeats both, `Retry` only the last one.
        KeyCode::Char('r') if app.load_failed => vec![Action::Start],
        KeyCode::Char('r') if super::common::can_retry(app) => {
            vec![Action::Retry]
        }
        KeyCode::Char('q') => vec![Action::Quit],
        _ => Vec::new(),
    }
}
