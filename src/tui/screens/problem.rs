//! The screens for what a terminal cannot do: a sign-in status this client does not know how
//! to continue, a stage with no usable factor, or a factor that needs a browser or device.
//! Each one names the problem and offers a way out (Esc, another method) - never a dead end.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{self, Column};
use super::component::Component;
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{self, Stage};
use crate::tui::widgets::sanitize;

/// What cannot be done here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    /// A sign-in status this client does not know how to continue.
    Unsupported(String),
    /// No factor of the stage can be used in a terminal.
    NoFactor(Stage),
    /// The current factor needs a browser or a device.
    Unusable(Stage, Strategy),
}

#[derive(Debug)]
pub(crate) struct ProblemScreen {
    problem: Problem,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    OtherMethod,
}

const KEYS: &[Binding<ProblemScreen, Cmd>] = &[bind(
    &[Key::Char('m'), Key::Ctrl('o')],
    Cmd::OtherMethod,
    "other method",
)
.when(|p, _| matches!(p.problem, Problem::Unusable(..)))];

impl ProblemScreen {
    pub(crate) fn new(problem: Problem) -> Self {
        ProblemScreen { problem }
    }
}

impl Component for ProblemScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, _cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::OtherMethod => vec![Action::ChooseAnotherMethod],
        }
    }

    fn esc(&self) -> Option<&'static str> {
        Some("start again")
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(Some(render(buf, area, view, &self.problem)))
    }

    fn state(&self, _app: &App) -> String {
        match &self.problem {
            Problem::Unsupported(status) => format!("Cannot continue: {}", sanitize(status)),
            Problem::Unusable(_, strategy) => format!("{} needs a browser or device", strategy),
            Problem::NoFactor(_) => "No usable method".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Cannot continue here"
    }
}

fn stage_words(stage: Stage) -> &'static str {
    match stage {
        Stage::First => "the first step (proving who you are)",
        Stage::Second => "two-step verification",
        Stage::ClientTrust => "the new-device check",
    }
}

fn render(
    buf: &mut Buffer,
    area: Rect,
    view: &View<'_>,
    problem: &Problem,
) -> ratatui::layout::Position {
    let (app, theme) = (view.app, view.theme);
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    match problem {
        Problem::Unsupported(status) => {
            col.line("This sign-in cannot continue here", theme.title());
            col.gap();
            col.wrapped(&flow::unsupported_status(status), theme.text());
        }
        Problem::NoFactor(stage) => {
            col.line("No way to continue in a terminal", theme.title());
            col.gap();
            col.wrapped(
                &format!(
                    "The server offers no method for {} that this account can use here.",
                    stage_words(*stage)
                ),
                theme.text(),
            );
            factor_reasons(&mut col, app, *stage);
        }
        Problem::Unusable(stage, strategy) => {
            col.line(
                "This method needs something a terminal lacks",
                theme.title(),
            );
            col.gap();
            let why = app
                .support(strategy)
                .err()
                .unwrap_or("it has no terminal form");
            col.wrapped(
                &format!("{}: {why}.", sanitize(&strategy.to_string())),
                theme.text(),
            );
            col.wrapped(
                &format!(
                    "Press m to pick another method for {}.",
                    stage_words(*stage)
                ),
                theme.text(),
            );
        }
    }
    col.gap();
    col.notice(app, app.notice.as_ref());
    col.wrapped(
        "Press Esc to start again with another identifier or account, or Ctrl-C to quit.",
        theme.text(),
    );
    cursor
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
        let why = app
            .support(&factor.strategy)
            .err()
            .unwrap_or("not offered for this step");
        col.line_at(
            2,
            &format!("{}: {why}", common::describe(factor)),
            theme.text(),
        );
    }
}
