//! A one-time code typed into boxes: email, SMS, authenticator app or password reset; first
//! factor, second factor or a new device's client-trust check; with its expiry and resend
//! cooldown. The last digit submits.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use secrecy::ExposeSecret;

use super::common::{self, Column, can_retry, clock, duration};
use super::component::Component;
use super::form::{CodeField, Notes, who};
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Stage, Step};

#[derive(Debug)]
pub(crate) struct CodeForm {
    strategy: Strategy,
    code: CodeField,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Type,
    Retry,
    SendCode,
    OtherMethod,
    Correct,
    Submit,
    DemoCode,
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
    // A function key: digits go into the boxes, so a letter could not be typed here.
    bind(
        &[Key::Code(KeyCode::F(2))],
        Cmd::DemoCode,
        "show or hide the demo user's current code",
    )
    .when(|f, app| f.strategy == Strategy::Totp && app.backend.is_embedded()),
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
            code: CodeField::new(code_label(stage, &strategy)),
            strategy,
        }
    }

    /// Digits in the boxes (tests check a submitted code is wiped).
    #[cfg(test)]
    pub(crate) fn filled(&self) -> usize {
        self.code.filled()
    }

    fn typed(&mut self, app: &App, key: KeyEvent) -> Vec<Action> {
        self.code
            .key(app, key)
            .map(|code| vec![Action::SubmitCode(code)])
            .unwrap_or_default()
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
            Cmd::DemoCode => vec![Action::ToggleDemoTotp],
        }
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        // Letters are refused with a sentence; Ctrl-U clears. Never a submission.
        let _ = self.code.key(app, key);
    }

    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        self.code
            .paste(cx.app, text)
            .map(|code| vec![Action::SubmitCode(code)])
            .unwrap_or_default()
    }

    fn esc(&self) -> Option<&'static str> {
        Some("back")
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.code.notes)
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
        let cursor = self.code.draw(&mut col, app);
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
        if *f.strategy() == Strategy::Totp {
            demo_code(&mut col, app);
        }
        col.notice(app, self.code.form_notice(app));
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
            _ if f.ended.is_some() => "Ask for a new code".to_string(),
            _ => "No code sent yet".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Verification code"
    }
}

/// The emulator's current code for the demo user (F2), so a demo needs no phone.
fn demo_code(col: &mut Column<'_>, app: &App) {
    if !app.backend.is_embedded() {
        return;
    }
    let theme = col.theme;
    let line = match &app.demo_totp {
        None => "Demo: F2 shows this user's current code (from the emulator).".to_string(),
        Some(demo) => match &demo.code {
            Some(code) => {
                let left = ((demo.valid_until - app.now_ms) / 1000).max(0);
                format!(
                    "Demo code from the emulator: {} ({left} s left; F2 hides it)",
                    code.expose_secret()
                )
            }
            None => "Demo: reading the code from the emulator.".to_string(),
        },
    };
    col.line(&line, theme.hint());
}
