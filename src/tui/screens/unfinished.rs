//! A sign-in an earlier run left unfinished on this client: never resumed silently (the next
//! keys typed would answer a question the person did not see). Continue it, or start again.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::Column;
use super::component::Component;
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::fapi::SignInStatus;
use crate::tui::widgets::sanitize;

#[derive(Debug, Default)]
pub(crate) struct UnfinishedScreen;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Continue,
    Again,
}

const KEYS: &[Binding<UnfinishedScreen, Cmd>] = &[
    bind(&[Key::Char('c'), Key::ENTER], Cmd::Continue, "continue it"),
    bind(&[Key::Char('n'), Key::ESC], Cmd::Again, "start again"),
];

/// Where the unfinished sign-in stopped, in words.
fn stopped_at(app: &App) -> &'static str {
    match app.unfinished.as_ref().map(|s| &s.status) {
        Some(SignInStatus::NeedsFirstFactor) => "at the password or first code",
        Some(SignInStatus::NeedsSecondFactor) => "at the second step (a code)",
        Some(SignInStatus::NeedsNewPassword) => "at choosing a new password",
        Some(SignInStatus::NeedsClientTrust) => "at the new-device check",
        _ => "before it was finished",
    }
}

impl Component for UnfinishedScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, _cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        vec![Action::ResumeSignIn(matches!(cmd, Cmd::Continue))]
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let (app, theme) = (view.app, view.theme);
        let mut col = Column::new(buf, area, theme);
        col.line("An unfinished sign-in", theme.title());
        col.gap();
        let who = app
            .unfinished
            .as_ref()
            .and_then(|s| s.identifier.as_deref())
            .map(|id| format!(" for {}", sanitize(id)))
            .unwrap_or_default();
        col.wrapped(
            &format!(
                "An earlier run of clerk-tui started a sign-in{who} on this device and stopped {}.",
                stopped_at(app)
            ),
            theme.text(),
        );
        col.gap();
        let cursor = col.here();
        col.line(
            "> c or Enter: continue it · n or Esc: start again",
            theme.text(),
        );
        col.notice(app, app.notice.as_ref());
        Drawn::at(Some(cursor))
    }

    fn state(&self, _app: &App) -> String {
        "Continue the unfinished sign-in?".to_string()
    }

    fn title(&self) -> &'static str {
        "An unfinished sign-in"
    }
}
