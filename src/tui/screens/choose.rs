//! "Use another method": every factor of the stage, numbered, with its masked target.
//! Methods a terminal cannot complete stay in the list, disabled, with the reason beside them,
//! so nobody wonders where their passkey went.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};

use super::Ui;
use super::common::{self, Column};
use super::ui::Pick;
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{self, Choices, Stage, Step};
use crate::tui::Theme;
use crate::tui::widgets::{Choice, ChoiceList, KeyHelp, Outcome};

/// The list for `stage`, focus on the method the user came from.
pub(crate) fn list(app: &App, stage: Stage) -> (ChoiceList, Vec<Pick>) {
    let Some(sign_in) = app.sign_in.as_ref() else {
        return (ChoiceList::default(), Vec::new());
    };
    // The method that was showing before the list opened.
    let was = flow::derive_step(
        Some(sign_in),
        &Choices {
            choosing: None,
            ..app.choices.clone()
        },
    );
    let was = match was {
        Step::Factor(f) => Some(f.factor.strategy),
        _ => None,
    };
    let mut choices = Vec::new();
    let mut picks = Vec::new();
    let mut focus = None;
    for factor in stage.factors(sign_in) {
        // Reset codes are reached through "forgot password?", as in Clerk's own components.
        if matches!(
            factor.strategy,
            Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode
        ) {
            continue;
        }
        if picks.contains(&Pick::Factor(factor.strategy.clone())) {
            continue;
        }
        let mut label = common::describe(factor);
        if was.as_ref() == Some(&factor.strategy) {
            label.push_str(" (current)");
            focus = Some(choices.len());
        }
        let support = match &factor.strategy {
            Strategy::Ticket => Err("a ticket comes inside an invitation link, not from here"),
            s => flow::terminal_support(s),
        };
        choices.push(match support {
            Ok(()) => Choice::new(label),
            Err(why) => Choice::disabled(label, why),
        });
        picks.push(Pick::Factor(factor.strategy.clone()));
    }
    let mut list = ChoiceList::new(choices);
    if let Some(i) = focus {
        list.set_focused(i);
    }
    (list, picks)
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let mut col = Column::new(buf, area, theme);
    let stage = ui.stage().unwrap_or(Stage::First);
    col.line("Use another method", theme.title());
    let intro = match stage {
        Stage::First => "Choose how to prove it's you:",
        Stage::Second => "Choose your second step:",
        Stage::ClientTrust => "Choose how to confirm this new device:",
    };
    col.gap();
    col.line(intro, theme.text());
    col.gap();
    if ui.choices.choices().is_empty() {
        col.line("The server offered no methods for this step.", theme.text());
    }
    let rows = ui.choices.height().min(col.rows_left().saturating_sub(5));
    let cursor = ui.choices.render(col.take(rows), col.buf, theme, true);
    col.gap();
    if let Some(e) = &ui.local_error {
        col.line(&format!("Error: {e}"), theme.error());
    }
    col.notice(app, ui.form_notice(app, &[]));
    col.line(
        "A number or Enter picks · Up/Down move · Esc goes back to the previous method",
        theme.hint(),
    );
    cursor
}

pub(crate) fn keys() -> Vec<KeyHelp> {
    vec![
        KeyHelp {
            keys: "1-9, Enter",
            action: "pick",
        },
        KeyHelp {
            keys: "Up/Down",
            action: "move",
        },
        KeyHelp {
            keys: "Esc",
            action: "back",
        },
    ]
}

pub(crate) fn on_key(_app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if key.code == KeyCode::Esc {
        return vec![Action::Back];
    }
    match ui.choices.handle_key(key) {
        Outcome::Picked(i) => match ui.picks.get(i) {
            Some(Pick::Factor(s)) => vec![Action::PickFactor(s.clone())],
            _ => Vec::new(),
        },
        Outcome::Rejected(why) => {
            ui.local_error = Some(why);
            Vec::new()
        }
        Outcome::Changed => {
            ui.local_error = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}
