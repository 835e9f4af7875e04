//! The screens for what a terminal cannot do: a sign-in status this client does not know how
//! to continue, a stage with no usable factor, or a factor that needs a browser or device.
//! Each one names the problem and offers a way out (Esc, another method) - never a dead end.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};

use super::common::{self, Column};
use super::{ScreenId, Ui};
use crate::app::{Action, App};
use crate::flow::{self, Stage};
use crate::tui::Theme;
use crate::tui::widgets::{KeyHelp, sanitize};

fn stage_words(stage: Stage) -> &'static str {
    match stage {
        Stage::First => "the first step (proving who you are)",
        Stage::Second => "two-step verification",
        Stage::ClientTrust => "the new-device check",
    }
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    match ui.screen.clone() {
        ScreenId::Unsupported(status) => {
            col.line("This sign-in cannot continue here", theme.title());
            col.gap();
            let why = match status.as_str() {
                "needs_protect_check" => {
                    "Clerk asks for a bot-protection check (needs_protect_check), which only a browser can pass."
                        .to_string()
                }
                "abandoned" => "This sign-in attempt was abandoned (it timed out).".to_string(),
                other => format!(
                    "The server says the sign-in is \"{}\", a status clerk-tui does not know how to continue.",
                    sanitize(other)
                ),
            };
            col.wrapped(&why, theme.text());
        }
        ScreenId::NoFactor(stage) => {
            col.line("No way to continue in a terminal", theme.title());
            col.gap();
            col.wrapped(
                &format!(
                    "The server offers no method for {} that this account can use here.",
                    stage_words(stage)
                ),
                theme.text(),
            );
            factor_reasons(&mut col, app, stage);
        }
        ScreenId::Unusable(stage, strategy) => {
            col.line(
                "This method needs something a terminal lacks",
                theme.title(),
            );
            col.gap();
            let why = flow::terminal_support(&strategy)
                .err()
                .unwrap_or("it has no terminal form");
            col.wrapped(
                &format!("{}: {why}.", sanitize(&strategy.to_string())),
                theme.text(),
            );
            col.wrapped(
                &format!("Press m to pick another method for {}.", stage_words(stage)),
                theme.text(),
            );
        }
        _ => {}
    }
    col.gap();
    col.notice(app, app.notice.as_ref());
    col.wrapped(
        "Press Esc to start again with another identifier or account, or Ctrl-C to quit.",
        theme.text(),
    );
    Some(cursor)
}

/// Every factor of the stage with why it cannot be used here.
fn factor_reasons(col: &mut Column<'_>, app: &App, stage: Stage) {
    let Some(sign_in) = app.sign_in.as_ref() else {
        return;
    };
    let factors = stage.factors(sign_in);
    if factors.is_empty() {
        return;
    }
    let theme = col.theme;
    col.gap();
    for factor in factors {
        let why = flow::terminal_support(&factor.strategy)
            .err()
            .unwrap_or("not offered for this step");
        col.line_at(
            2,
            &format!("{}: {why}", common::describe(factor)),
            theme.text(),
        );
    }
}

pub(crate) fn state(ui: &Ui) -> String {
    match &ui.screen {
        ScreenId::Unsupported(status) => format!("Cannot continue: {}", sanitize(status)),
        ScreenId::Unusable(_, strategy) => format!("{} needs a browser or device", strategy),
        _ => "No usable method".to_string(),
    }
}

pub(crate) fn keys(ui: &Ui) -> Vec<KeyHelp> {
    let mut keys = vec![KeyHelp {
        keys: "Esc",
        action: "start again",
    }];
    if matches!(ui.screen, ScreenId::Unusable(..)) {
        keys.insert(
            0,
            KeyHelp {
                keys: "m",
                action: "other method",
            },
        );
    }
    keys
}

pub(crate) fn on_key(_app: &App, _ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    match key.code {
        KeyCode::Esc => vec![Action::Back],
        _ => Vec::new(),
    }
}
