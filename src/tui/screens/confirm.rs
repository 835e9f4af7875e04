//! A question before something that cannot be undone: removing the authenticator app, or
//! replacing the backup codes. `y`/Enter goes ahead, `n`/Esc keeps things as they are.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};

use super::common::Column;
use super::component::Component;
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App, Confirm};

#[derive(Debug)]
pub(crate) struct ConfirmScreen {
    which: Confirm,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Yes,
    No,
}

const KEYS: &[Binding<ConfirmScreen, Cmd>] = &[
    bind(&[Key::Char('y'), Key::Char('Y')], Cmd::Yes, "yes"),
    bind(&[Key::Char('n'), Key::Char('N')], Cmd::No, "no"),
    bind(&[Key::ENTER], Cmd::Yes, "yes"),
];

impl ConfirmScreen {
    pub(crate) fn new(which: Confirm) -> Self {
        ConfirmScreen { which }
    }
}

impl Component for ConfirmScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, _cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::Yes => vec![Action::Confirm],
            Cmd::No => vec![Action::Back],
        }
    }

    fn esc(&self) -> Option<&'static str> {
        Some("no")
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(Some(render(buf, area, view.app, self.which, view)))
    }

    fn state(&self, _app: &App) -> String {
        match self.which {
            Confirm::RemoveTotp => "Remove the authenticator app?".to_string(),
            Confirm::RegenerateBackupCodes => "Create new backup codes?".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Are you sure?"
    }
}

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

fn render(buf: &mut Buffer, area: Rect, app: &App, which: Confirm, view: &View<'_>) -> Position {
    let theme = view.theme;
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
    cursor
}
