//! The start screen while the instance settings load: which backend this is (a DEV badge and
//! address for the embedded emulator, the host for a real instance), the seeded demo users and
//! what each shows, and a retry when loading failed.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{Column, can_retry};
use super::component::Component;
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App, Backend};
use crate::tui::widgets::sanitize;
use crate::tui::widgets::text::word_wrap;

/// The start screen keeps nothing of its own: everything comes from `App`.
#[derive(Debug, Default)]
pub(crate) struct StartScreen;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Retry,
    Quit,
}

const KEYS: &[Binding<StartScreen, Cmd>] = &[
    // `Retry` repeats the whole start after a failed load (both calls), else the last call;
    // `Start` again would also start a second outbox watcher. Line mode's 'r' is the same.
    bind(&[Key::Char('r')], Cmd::Retry, "retry").when(|_, app| app.load_failed || can_retry(app)),
    bind(&[Key::Char('q')], Cmd::Quit, "quit"),
];

impl Component for StartScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, _cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        vec![match cmd {
            Cmd::Retry => Action::Retry,
            Cmd::Quit => Action::Quit,
        }]
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(Some(render(buf, area, view)))
    }

    fn state(&self, app: &App) -> String {
        if app.load_failed {
            "Could not load the instance settings".to_string()
        } else {
            "Loading the instance settings".to_string()
        }
    }

    fn title(&self) -> &'static str {
        "Starting"
    }
}

fn render(buf: &mut Buffer, area: Rect, view: &View<'_>) -> ratatui::layout::Position {
    let (app, theme) = (view.app, view.theme);
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
    cursor
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

/// The embedded server's demo users: identifier, password and what each one demonstrates,
/// each wrapped whole; those that do not fit are counted, and F2 lists them all.
pub(crate) fn demo_users(col: &mut Column<'_>, users: &[crate::app::SeedUserInfo]) {
    let theme = col.theme;
    if users.is_empty() {
        return;
    }
    col.line("Demo users (F2 lists them all):", theme.title());
    let width = usize::from(col.area.width);
    for (i, user) in users.iter().enumerate() {
        let password = match &user.password {
            Some(p) => format!("password {p}"),
            None => "no password".to_string(),
        };
        let text = format!(
            "{}  {password} — {}",
            sanitize(&user.identifier),
            sanitize(&user.demonstrates)
        );
        let rows = word_wrap(&text, width.saturating_sub(2));
        let left = users.len() - i;
        // Keep a row to say how many more there are, unless this is the last user.
        let needed = rows.len() + usize::from(left > 1);
        if usize::from(col.rows_left()) < needed {
            col.line(
                &format!("{left} more demo users: F2 lists them all."),
                theme.hint(),
            );
            return;
        }
        for row in rows {
            col.line_at(2, &row, theme.text());
        }
    }
}
