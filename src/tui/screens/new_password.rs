//! `needs_new_password`: two masked fields, the instance's password rules checked as you type
//! (each marked ✓/✗ and "met"/"not met", never by colour alone), whether the two match, and
//! the "sign out of other sessions" toggle.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};

use super::common::Column;
use super::component::Component;
use super::form::{Notes, cycle};
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::fapi::{PasswordRule, PasswordSettings, password_length_bounds, validate_password};
use crate::tui::widgets::MaskedInput;

/// Two fields and the toggle.
const PARTS: usize = 3;
const TOGGLE: usize = 2;
const PASSWORD_PARAMS: &[&str] = &["password"];

/// Every rule the instance sets, whether it fails or not, in the order the validator uses.
fn rules(settings: &PasswordSettings) -> Vec<PasswordRule> {
    let (min, _max) = password_length_bounds(settings);
    let mut rules = vec![PasswordRule::TooShort { min }];
    if settings.require_uppercase {
        rules.push(PasswordRule::MissingUppercase);
    }
    if settings.require_lowercase {
        rules.push(PasswordRule::MissingLowercase);
    }
    if settings.require_numbers {
        rules.push(PasswordRule::MissingNumber);
    }
    if settings.require_special_char {
        // The validator fills in the allowed set; ask it with an empty password.
        if let Some(rule) = validate_password("", settings)
            .into_iter()
            .find(|r| matches!(r, PasswordRule::MissingSpecialCharacter { .. }))
        {
            rules.push(rule);
        }
    }
    rules
}

#[derive(Debug)]
pub(crate) struct NewPasswordForm {
    new_password: MaskedInput,
    confirm_password: MaskedInput,
    /// Also end the account's other sessions.
    sign_out_others: bool,
    focus: usize,
    notes: Notes,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Submit,
    Next,
    Reveal,
    Toggle,
    Previous,
}

const KEYS: &[Binding<NewPasswordForm, Cmd>] = &[
    bind(&[Key::ENTER], Cmd::Submit, "set password"),
    bind(&[Key::TAB, Key::DOWN], Cmd::Next, "next field"),
    bind(&[Key::Ctrl('r')], Cmd::Reveal, "show").when(|f, _| f.focus < TOGGLE),
    bind(
        &[Key::Char(' ')],
        Cmd::Toggle,
        "toggle signing out of other sessions",
    )
    .when(|f, _| f.focus == TOGGLE),
    bind(&[Key::BackTab, Key::UP], Cmd::Previous, "previous field"),
];

impl NewPasswordForm {
    pub(crate) fn new() -> Self {
        NewPasswordForm {
            new_password: MaskedInput::new("New password"),
            confirm_password: MaskedInput::new("Confirm the new password"),
            sign_out_others: true,
            focus: 0,
            notes: Notes::default(),
        }
    }

    fn focused_field(&mut self) -> Option<&mut MaskedInput> {
        match self.focus {
            0 => Some(&mut self.new_password),
            1 => Some(&mut self.confirm_password),
            _ => None,
        }
    }

    /// Characters in both fields (tests check a submitted password is wiped).
    #[cfg(test)]
    pub(crate) fn typed_len(&self) -> usize {
        self.new_password.len() + self.confirm_password.len()
    }
}

impl Component for NewPasswordForm {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::Submit => return self.submit(cx.app),
            Cmd::Next | Cmd::Previous => {
                self.notes.local_error = None;
                self.focus = cycle(self.focus, PARTS, matches!(cmd, Cmd::Next));
            }
            Cmd::Reveal => {
                if let Some(field) = self.focused_field() {
                    let _ = field.handle_key(key);
                }
            }
            Cmd::Toggle => self.sign_out_others = !self.sign_out_others,
        }
        Vec::new()
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        if let Some(field) = self.focused_field() {
            let outcome = field.handle_key(key);
            self.notes.outcome(app, &outcome);
        }
    }

    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        if let Some(field) = self.focused_field() {
            let outcome = field.handle_paste(text);
            self.notes.outcome(cx.app, &outcome);
        }
        Vec::new()
    }

    fn typing(&self) -> bool {
        self.focus < TOGGLE
    }

    fn esc(&self) -> Option<&'static str> {
        Some("back to the start")
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.notes)
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(self.draw(buf, area, view))
    }

    fn state(&self, _app: &App) -> String {
        "Choose a new password".to_string()
    }

    fn title(&self) -> &'static str {
        "New password"
    }
}

impl NewPasswordForm {
    fn draw(&self, buf: &mut Buffer, area: Rect, view: &View<'_>) -> Option<Position> {
        let (app, theme) = (view.app, view.theme);
        let settings = app
            .environment
            .as_ref()
            .map(|e| e.user_settings.password_settings.clone())
            .unwrap_or_default();
        let mut col = Column::new(buf, area, theme);
        col.line("Choose a new password", theme.title());
        // Why, as line mode says it: after a reset code, or because the account must.
        let reset = app.sign_in.as_ref().is_some_and(|s| {
            s.first_factor_verification.as_ref().is_some_and(|v| {
                matches!(
                    v.strategy,
                    Some(Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode)
                )
            })
        });
        col.line(
            if reset {
                "The reset code was accepted: choose the password you will sign in with."
            } else {
                "Your password must be changed before you can sign in."
            },
            theme.text(),
        );
        col.gap();
        let ui = self;
        let local = |i: usize| {
            (ui.focus == i)
                .then(|| ui.notes.local_error.clone())
                .flatten()
        };
        let error = local(0).or_else(|| ui.notes.field_error(app, PASSWORD_PARAMS));
        let height = ui
            .new_password
            .height_with_error(col.area.width, error.as_deref());
        let mut cursor = ui.new_password.render_with_error(
            col.take(height),
            col.buf,
            theme,
            ui.focus == 0,
            error.as_deref(),
        );
        let error = local(1);
        let height = ui
            .confirm_password
            .height_with_error(col.area.width, error.as_deref());
        let at = ui.confirm_password.render_with_error(
            col.take(height),
            col.buf,
            theme,
            ui.focus == 1,
            error.as_deref(),
        );
        cursor = cursor.or(at);

        let failed = ui
            .new_password
            .with_value(|p| validate_password(p, &settings));
        let too_long = failed
            .iter()
            .find(|r| matches!(r, PasswordRule::TooLong { .. }));
        for rule in rules(&settings).iter().chain(too_long) {
            let ok = !failed.contains(rule);
            let (mark, word) = if ok {
                ("✓", "met")
            } else {
                ("✗", "not met")
            };
            let style = if ok { theme.text() } else { theme.hint() };
            col.line_at(2, &format!("{mark} {rule} ({word})"), style);
        }
        let typed = !ui.confirm_password.is_empty();
        let same = ui
            .new_password
            .with_value(|a| ui.confirm_password.with_value(|b| a == b));
        let line = match (typed, same) {
            (false, _) => "· Type the password again to confirm it",
            (true, true) => "✓ The two passwords match (met)",
            (true, false) => "✗ The two passwords do not match (not met)",
        };
        col.line_at(2, line, theme.text());
        col.gap();
        let mark = if ui.sign_out_others { "[x]" } else { "[ ]" };
        let row = col.take(1);
        if row.height > 0 {
            if ui.focus == TOGGLE {
                col.buf.set_string(row.x, row.y, ">", theme.marker());
                cursor = Some(Position::new(row.x, row.y));
            }
            let style = if ui.focus == TOGGLE {
                theme.selected()
            } else {
                theme.text()
            };
            col.buf.set_string(
                row.x + 2,
                row.y,
                format!("{mark} Sign out of all other sessions (Space toggles)"),
                style,
            );
        }
        col.notice(app, ui.notes.form_notice(app, PASSWORD_PARAMS));
        cursor
    }

    /// Checks locally first, so a refused password does not wipe what was typed.
    fn submit(&mut self, app: &App) -> Vec<Action> {
        let ui = self;
        if ui.new_password.is_empty() {
            ui.focus = 0;
            ui.notes.local_error = Some("Enter a new password.".to_string());
            return Vec::new();
        }
        if let Some(env) = app.environment.as_ref() {
            let settings = &env.user_settings.password_settings;
            if let Some(rule) = ui
                .new_password
                .with_value(|p| validate_password(p, settings))
                .first()
            {
                ui.focus = 0;
                ui.notes.local_error = Some(format!("{rule}."));
                return Vec::new();
            }
        }
        let same = ui
            .new_password
            .with_value(|a| ui.confirm_password.with_value(|b| a == b));
        if !same {
            ui.focus = 1;
            ui.notes.local_error = Some("The two passwords do not match.".to_string());
            return Vec::new();
        }
        ui.confirm_password.clear();
        vec![Action::SubmitNewPassword {
            password: ui.new_password.take_secret(),
            sign_out_of_other_sessions: ui.sign_out_others,
        }]
    }
}
