//! Backup codes, shown once: after an authenticator app is set up, or after `b` made a new set.
//! `c` copies them (OSC 52); the screen stays until the user says they saved them.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use secrecy::ExposeSecret;

use super::common::Column;
use super::component::Component;
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{AccountTask, Action, App, BackupCodesReason};

/// The codes live in `App` (and are wiped there); the screen keeps nothing of its own.
#[derive(Debug, Default)]
pub(crate) struct BackupCodesScreen;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Saved,
    Copy,
}

const KEYS: &[Binding<BackupCodesScreen, Cmd>] = &[
    bind(
        &[Key::ENTER, Key::Char('y')],
        Cmd::Saved,
        "I have saved them",
    ),
    bind(&[Key::Char('c')], Cmd::Copy, "copy the codes"),
];

impl Component for BackupCodesScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::Saved => vec![Action::BackupCodesSaved],
            Cmd::Copy => {
                if let Some((codes, _)) = shown(cx.app) {
                    cx.shared.request_copy(codes.join("\n"), COPIED);
                }
                Vec::new()
            }
        }
    }

    fn esc(&self) -> Option<&'static str> {
        // The codes stay until saved; Esc only reminds.
        Some("back (once they are saved)")
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(render(buf, area, view))
    }

    fn state(&self, _app: &App) -> String {
        "Backup codes: shown only now".to_string()
    }

    fn title(&self) -> &'static str {
        "Backup codes"
    }
}

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

fn render(buf: &mut Buffer, area: Rect, view: &View<'_>) -> Option<Position> {
    let (app, theme) = (view.app, view.theme);
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
    if let Some(copied) = view.shared.copied {
        col.wrapped(copied, theme.text());
    }
    col.notice(app, app.notice.as_ref());
    Some(cursor)
}
