//! "Use another method": every factor of the stage, numbered, with its masked target.
//! Methods a terminal cannot complete stay in the list, disabled, with the reason beside them,
//! so nobody wonders where their passkey went.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{self, Column};
use super::component::Component;
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{self, Choices, Stage, Step};
use crate::tui::widgets::{Choice, ChoiceList, Outcome};

#[derive(Debug)]
pub(crate) struct ChooseForm {
    stage: Stage,
    choices: ChoiceList,
    /// The factor behind each row.
    strategies: Vec<Strategy>,
    local_error: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Pick,
    Move,
}

const KEYS: &[Binding<ChooseForm, Cmd>] = &[
    bind(&[Key::Digits('1'), Key::ENTER], Cmd::Pick, "pick").bar(Bar::Label("1-9, Enter")),
    bind(
        &[
            Key::UP,
            Key::DOWN,
            Key::TAB,
            Key::BackTab,
            Key::HOME,
            Key::END,
        ],
        Cmd::Move,
        "move",
    )
    .bar(Bar::Label("Up/Down")),
];

impl ChooseForm {
    /// The list for `stage`, focus on the method the user came from.
    pub(crate) fn new(app: &App, stage: Stage) -> Self {
        let (choices, strategies) = list(app, stage);
        ChooseForm {
            stage,
            choices,
            strategies,
            local_error: None,
        }
    }

    fn handle(&mut self, key: KeyEvent) -> Vec<Action> {
        match self.choices.handle_key(key) {
            Outcome::Picked(i) => match self.strategies.get(i) {
                Some(s) => vec![Action::PickFactor(s.clone())],
                None => Vec::new(),
            },
            Outcome::Rejected(why) => {
                self.local_error = Some(why);
                Vec::new()
            }
            Outcome::Changed => {
                self.local_error = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

fn list(app: &App, stage: Stage) -> (ChoiceList, Vec<Strategy>) {
    let Some(sign_in) = app.sign_in.as_ref() else {
        return (ChoiceList::default(), Vec::new());
    };
    // The method that was showing before the list opened.
    let was = flow::derive_step(
        Some(sign_in),
        &Choices {
            choosing: None,
            email_link_same_client: app.email_link_same_client(),
            ..app.choices.clone()
        },
    );
    let was = match was {
        Step::Factor(f) => Some(f.factor.strategy),
        _ => None,
    };
    let mut choices = Vec::new();
    let mut strategies = Vec::new();
    let mut focus = None;
    for factor in stage.factors(sign_in) {
        // Reset codes are reached through "forgot password?", as in Clerk's own components.
        if matches!(
            factor.strategy,
            Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode
        ) {
            continue;
        }
        if strategies.contains(&factor.strategy) {
            continue;
        }
        let mut label = common::describe(factor);
        if was.as_ref() == Some(&factor.strategy) {
            label.push_str(" (current)");
            focus = Some(choices.len());
        }
        let support = match &factor.strategy {
            Strategy::Ticket => Err("a ticket comes inside an invitation link, not from here"),
            s => app.support(s),
        };
        choices.push(match support {
            Ok(()) => Choice::new(label),
            Err(why) => Choice::disabled(label, why),
        });
        strategies.push(factor.strategy.clone());
    }
    let mut list = ChoiceList::new(choices);
    if let Some(i) = focus {
        list.set_focused(i);
    }
    (list, strategies)
}

impl Component for ChooseForm {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, _cmd: Cmd, _cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        self.handle(key)
    }

    fn on_other_key(&mut self, _app: &App, key: KeyEvent) {
        // Tab, Home, End and 0 move or explain; picking is a row of the table.
        let _ = self.handle(key);
    }

    fn esc(&self) -> Option<&'static str> {
        Some("back")
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let (app, theme) = (view.app, view.theme);
        let mut col = Column::new(buf, area, theme);
        col.line("Use another method", theme.title());
        let intro = match self.stage {
            Stage::First => "Choose how to prove it's you:",
            Stage::Second => "Choose your second step:",
            Stage::ClientTrust => "Choose how to confirm this new device:",
        };
        col.gap();
        col.line(intro, theme.text());
        col.gap();
        if self.choices.choices().is_empty() {
            col.line("The server offered no methods for this step.", theme.text());
        }
        let rows = self
            .choices
            .height_at(col.area.width)
            .min(col.rows_left().saturating_sub(5));
        let cursor = self.choices.render(col.take(rows), col.buf, theme, true);
        col.gap();
        if let Some(e) = &self.local_error {
            col.line(&format!("Error: {e}"), theme.error());
        }
        col.notice(app, app.notice.as_ref());
        col.wrapped(
            "A number or Enter picks · Up/Down move · Esc goes back to the previous method",
            theme.hint(),
        );
        Drawn::at(cursor)
    }

    fn state(&self, _app: &App) -> String {
        "Choose another way to verify".to_string()
    }

    fn title(&self) -> &'static str {
        "Use another method"
    }
}
