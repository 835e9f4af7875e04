//! A one-time code typed into boxes: email, SMS, authenticator app or password reset; first
//! factor, second factor or a new device's client-trust check; with its expiry and resend
//! cooldown. The last digit submits.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{self, Column, can_retry, clock, duration};
use super::component::Component;
use super::form::{Notes, who};
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Stage, Step};
use crate::tui::widgets::{CodeInput, Outcome};

const CODE_PARAMS: &[&str] = &["code"];

#[derive(Debug)]
pub(crate) struct CodeForm {
    strategy: Strategy,
    code: CodeInput,
    notes: Notes,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Type,
    Retry,
    SendCode,
    OtherMethod,
    Correct,
    Submit,
}

fn empty(f: &CodeForm, _: &App) -> bool {
    f.code.filled() == 0
}

/// `r` may ask for a new code: nothing typed yet, no failed call for `r` to repeat.
fn can_send(f: &CodeForm, app: &App) -> bool {
    empty(f, app) && !can_retry(app) && f.strategy.needs_prepare()
}

const KEYS: &[Binding<CodeForm, Cmd>] = &[
    bind(&[Key::Digits('0')], Cmd::Type, "type the code"),
    bind(&[Key::Char('r')], Cmd::Retry, "retry").when(|f, app| empty(f, app) && can_retry(app)),
    bind(&[Key::Char('r')], Cmd::SendCode, "new code")
        .when(|f, app| can_send(f, app) && app.resend_secs().is_none()),
    // During the cooldown `r` says how long is left.
    bind(
        &[Key::Char('r')],
        Cmd::SendCode,
        "new code (once the wait is over)",
    )
    .when(|f, app| can_send(f, app) && app.resend_secs().is_some())
    .bar(Bar::Hide),
    bind(
        &[Key::Char('m'), Key::Ctrl('o')],
        Cmd::OtherMethod,
        "other method",
    ),
    bind(
        &[Key::BACKSPACE, Key::DELETE, Key::Ctrl('u')],
        Cmd::Correct,
        "correct the last digit, clear all",
    ),
    bind(&[Key::ENTER], Cmd::Submit, "check the code"),
];

/// The label over the boxes: where the code comes from.
pub(crate) fn code_label(stage: Stage, strategy: &Strategy) -> String {
    match (stage, strategy) {
        (_, Strategy::Totp) => "Code from your authenticator app".to_string(),
        (_, Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode) => {
            "Password reset code".to_string()
        }
        (_, Strategy::PhoneCode) => "Code from the text message".to_string(),
        _ => "Code from the email".to_string(),
    }
}

fn current(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

fn title(f: &FactorStep) -> &'static str {
    match (f.stage, f.strategy()) {
        (_, Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode) => {
            "Reset your password"
        }
        (Stage::ClientTrust, _) => "Confirm it's you",
        (Stage::Second, _) => "Two-step verification",
        (Stage::First, Strategy::PhoneCode) => "Check your phone",
        (Stage::First, _) => "Check your email",
    }
}

impl CodeForm {
    pub(crate) fn new(stage: Stage, strategy: Strategy) -> Self {
        CodeForm {
            code: CodeInput::new(code_label(stage, &strategy)),
            strategy,
            notes: Notes::default(),
        }
    }

    /// Digits in the boxes (tests check a submitted code is wiped).
    #[cfg(test)]
    pub(crate) fn filled(&self) -> usize {
        self.code.filled()
    }

    fn typed(&mut self, app: &App, key: KeyEvent) -> Vec<Action> {
        let outcome = self.code.handle_key(key);
        self.notes.outcome(app, &outcome);
        match outcome {
            Outcome::Complete | Outcome::Submit => vec![Action::SubmitCode(self.code.take_code())],
            _ => Vec::new(),
        }
    }
}

impl Component for CodeForm {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::Type | Cmd::Correct | Cmd::Submit => self.typed(cx.app, key),
            Cmd::Retry => vec![Action::Retry],
            Cmd::SendCode => vec![Action::SendCode],
            Cmd::OtherMethod => vec![Action::ChooseAnotherMethod],
        }
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        // Letters are refused with a sentence; Ctrl-U clears. Never a submission.
        let outcome = self.code.handle_key(key);
        self.notes.outcome(app, &outcome);
    }

    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        match self.code.handle_paste(text) {
            Outcome::Complete => vec![Action::SubmitCode(self.code.take_code())],
            outcome => {
                self.notes.outcome(cx.app, &outcome);
                Vec::new()
            }
        }
    }

    fn esc(&self) -> Option<&'static str> {
        Some("back")
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.notes)
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let app = view.app;
        let Some(f) = current(app) else {
            return Drawn::default();
        };
        let theme = view.theme;
        let mut col = Column::new(buf, area, theme);
        col.line(title(&f), theme.title());
        if let Some(who) = who(app) {
            col.line(&format!("Signing in as {who}"), theme.hint());
        }
        col.gap();
        let target = common::target(&f.factor).unwrap_or_else(|| "you".to_string());
        let sends = f.strategy().needs_prepare();
        let intro = match (f.stage, f.strategy(), f.sent, app.busy.is_some()) {
            (_, Strategy::Totp, ..) => {
                "Enter the 6-digit code from your authenticator app.".to_string()
            }
            (Stage::ClientTrust, _, true, _) => format!(
                "You're signing in from a new device. To confirm it's you, enter the code sent to {target}."
            ),
            (_, _, true, _) => format!("Enter the 6-digit code sent to {target}."),
            (_, _, false, true) => format!("Sending a code to {target}…"),
            (_, _, false, false) if f.ended.is_some() => {
                "That code can no longer be used. Press r to get a new one.".to_string()
            }
            (_, _, false, false) => {
                format!("No code has been sent to {target} yet. Press r to send one.")
            }
        };
        col.wrapped(&intro, theme.text());
        col.gap();
        let error = self
            .notes
            .local_error
            .clone()
            .or_else(|| self.notes.field_error(app, CODE_PARAMS));
        let height = self
            .code
            .height_with_error(col.area.width, error.as_deref());
        let cursor =
            self.code
                .render_with_error(col.take(height), col.buf, theme, true, error.as_deref());
        if f.sent {
            match app.expires_in_secs() {
                Some(0) => col.line(
                    "The code has expired. Press r to get a new one.",
                    theme.error(),
                ),
                Some(secs) => col.line(
                    &format!("The code expires in {}.", duration(secs)),
                    theme.text(),
                ),
                None => {}
            }
        }
        if sends && f.sent {
            match app.resend_secs() {
                Some(secs) => col.line(
                    &format!(
                        "Didn't get it? You can ask for a new code in {}.",
                        duration(secs)
                    ),
                    theme.hint(),
                ),
                None => col.line("Didn't get it? Press r to send a new code.", theme.hint()),
            }
        }
        col.notice(app, self.notes.form_notice(app, CODE_PARAMS));
        col.gap();
        col.line("m or Ctrl-O: use another method · Esc: back", theme.hint());
        Drawn::at(cursor)
    }

    fn state(&self, app: &App) -> String {
        let Some(f) = current(app) else {
            return String::new();
        };
        match f.strategy() {
            Strategy::Totp => "Enter the app's code".to_string(),
            _ if f.sent => match app.expires_in_secs() {
                Some(0) => "The code expired".to_string(),
                Some(secs) => format!("Enter the code ({} left)", clock(secs)),
                None => "Enter the code".to_string(),
            },
            _ => "No code sent yet".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Verification code"
    }
}
