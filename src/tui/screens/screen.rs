//! `Screen`: one variant per screen, each owning its inputs and focus. The variant follows
//! `App`: `ScreenId::of` names the screen the sign-in is at, and a new id builds a fresh
//! screen, so nothing typed outlives the step it was typed for.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::backup_codes::BackupCodesScreen;
use super::choose::ChooseForm;
use super::code::CodeForm;
use super::component::Component;
use super::confirm::ConfirmScreen;
use super::handoff_screen::HandOffScreen;
use super::identifier::IdentifierForm;
use super::keymap;
use super::new_password::NewPasswordForm;
use super::problem::{Problem, ProblemScreen};
use super::secret::{Secret, SecretForm};
use super::shared::{Cx, Drawn, Printout, View};
use super::signed_in::SignedInScreen;
use super::start::StartScreen;
use super::totp_setup::TotpForm;
use super::unfinished::UnfinishedScreen;
use super::waiting::WaitingScreen;
use crate::app::{AccountTask, Action, App};
use crate::fapi::Strategy;
use crate::flow::{Stage, Step};
use crate::tui::widgets::KeyHelp;

/// Which screen the app is at. A change rebuilds the screen (and wipes its inputs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScreenId {
    Start,
    Identifier,
    /// Rebuilt when the account's lock begins or ends, so "forgot password" comes and goes.
    Password {
        locked: bool,
    },
    Code(Stage, Strategy),
    BackupCode(Stage),
    /// An email link.
    Waiting(Stage, Strategy),
    /// A browser hand-off (OAuth, SAML, enterprise SSO).
    HandOff(Stage, Strategy),
    Choose(Stage),
    /// What cannot be done in a terminal.
    Problem(Problem),
    NewPassword,
    SignedIn,
    /// Signed in, setting up an authenticator app (QR, secret, code).
    EnrolTotp,
    /// Signed in, backup codes shown once.
    BackupCodes,
    /// Signed in, a question before removing the app or replacing the backup codes.
    Confirm(crate::app::Confirm),
    /// A sign-in left unfinished by an earlier run: continue it or start again.
    Unfinished,
}

impl ScreenId {
    pub(crate) fn of(app: &App) -> ScreenId {
        if app.loading() && app.signed_in.is_none() {
            return ScreenId::Start;
        }
        if app.unfinished.is_some() && app.sign_in.is_none() && app.signed_in.is_none() {
            return ScreenId::Unfinished;
        }
        match app.step() {
            Step::Identifier => ScreenId::Identifier,
            Step::Factor(f) => {
                let strategy = f.strategy().clone();
                match strategy {
                    Strategy::Password => ScreenId::Password {
                        locked: app.locked_secs().is_some(),
                    },
                    Strategy::BackupCode => ScreenId::BackupCode(f.stage),
                    s if s.is_code() => ScreenId::Code(f.stage, s),
                    s if crate::app::handoff::is_hand_off(&s) => ScreenId::HandOff(f.stage, s),
                    s if s.completes_elsewhere() => ScreenId::Waiting(f.stage, s),
                    // Picked before the list refused it, or preferred.
                    s => ScreenId::Problem(Problem::Unusable(f.stage, s)),
                }
            }
            Step::ChooseFactor(stage) => ScreenId::Choose(stage),
            Step::NoFactor(stage) => ScreenId::Problem(Problem::NoFactor(stage)),
            Step::NewPassword => ScreenId::NewPassword,
            Step::Complete { .. } => match &app.account {
                None => ScreenId::SignedIn,
                Some(AccountTask::EnrolTotp { .. }) => ScreenId::EnrolTotp,
                Some(AccountTask::BackupCodes { .. }) => ScreenId::BackupCodes,
                Some(AccountTask::Confirm(which)) => ScreenId::Confirm(*which),
            },
            Step::Unsupported { status } => ScreenId::Problem(Problem::Unsupported(status)),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Screen {
    Start(StartScreen),
    Identifier(IdentifierForm),
    /// The password or a backup code.
    Secret(SecretForm),
    Code(CodeForm),
    Waiting(WaitingScreen),
    HandOff(HandOffScreen),
    Choose(ChooseForm),
    Problem(ProblemScreen),
    NewPassword(NewPasswordForm),
    SignedIn(SignedInScreen),
    EnrolTotp(TotpForm),
    BackupCodes(BackupCodesScreen),
    Confirm(ConfirmScreen),
    Unfinished(UnfinishedScreen),
}

/// Runs `$body` with `$s` bound to whichever screen `$screen` holds: the one place that
/// lists the variants for the methods below.
macro_rules! each {
    ($screen:expr, $s:ident => $body:expr) => {
        match $screen {
            Screen::Start($s) => $body,
            Screen::Identifier($s) => $body,
            Screen::Secret($s) => $body,
            Screen::Code($s) => $body,
            Screen::Waiting($s) => $body,
            Screen::HandOff($s) => $body,
            Screen::Choose($s) => $body,
            Screen::Problem($s) => $body,
            Screen::NewPassword($s) => $body,
            Screen::SignedIn($s) => $body,
            Screen::EnrolTotp($s) => $body,
            Screen::BackupCodes($s) => $body,
            Screen::Confirm($s) => $body,
            Screen::Unfinished($s) => $body,
        }
    };
}

impl Screen {
    /// A fresh screen for `id`, its inputs empty.
    pub(crate) fn build(id: &ScreenId, app: &App) -> Screen {
        match id.clone() {
            ScreenId::Start => Screen::Start(StartScreen),
            ScreenId::Identifier => Screen::Identifier(IdentifierForm::new(app)),
            ScreenId::Password { .. } => {
                Screen::Secret(SecretForm::new(app, Secret::Password, Stage::First))
            }
            ScreenId::BackupCode(stage) => {
                Screen::Secret(SecretForm::new(app, Secret::BackupCode, stage))
            }
            ScreenId::Code(stage, strategy) => Screen::Code(CodeForm::new(stage, strategy)),
            ScreenId::Waiting(..) => Screen::Waiting(WaitingScreen::new()),
            ScreenId::HandOff(..) => Screen::HandOff(HandOffScreen::new()),
            ScreenId::Choose(stage) => Screen::Choose(ChooseForm::new(app, stage)),
            ScreenId::Problem(problem) => Screen::Problem(ProblemScreen::new(problem)),
            ScreenId::NewPassword => Screen::NewPassword(NewPasswordForm::new()),
            ScreenId::SignedIn => Screen::SignedIn(SignedInScreen),
            ScreenId::EnrolTotp => Screen::EnrolTotp(TotpForm::new()),
            ScreenId::BackupCodes => Screen::BackupCodes(BackupCodesScreen),
            ScreenId::Confirm(which) => Screen::Confirm(ConfirmScreen::new(which)),
            ScreenId::Unfinished => Screen::Unfinished(UnfinishedScreen),
        }
    }

    /// The key through the screen's table, else to its focused field (which yields nothing).
    pub(crate) fn on_key(&mut self, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        let actions = each!(self, s => key_of(s, cx, key));
        self.after(&actions);
        actions
    }

    pub(crate) fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        let actions = each!(self, s => s.on_paste(cx, text));
        self.after(&actions);
        actions
    }

    /// The row of the screen's table that `key` would run now, as help shows it.
    #[cfg(test)]
    pub(crate) fn binding_for(&self, app: &App, key: &KeyEvent) -> Option<KeyHelp> {
        each!(self, s => keymap::find(s.keymap(), s, app, s.typing(), key).map(|(_, h)| h))
    }

    /// The screen's rows that apply now, most important first.
    pub(crate) fn keys(&self, app: &App) -> Vec<KeyHelp> {
        each!(self, s => keymap::help(s.keymap(), s, app, s.typing()))
    }

    /// The screen's rows for the status bar, short, most important first.
    pub(crate) fn bar_keys(&self, app: &App) -> Vec<KeyHelp> {
        each!(self, s => keymap::bar(s.keymap(), s, app, s.typing()))
    }

    pub(crate) fn typing(&self) -> bool {
        each!(self, s => s.typing())
    }

    pub(crate) fn esc(&self) -> Option<&'static str> {
        each!(self, s => s.esc())
    }

    pub(crate) fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        each!(self, s => s.render(view, buf, area))
    }

    pub(crate) fn state(&self, app: &App) -> String {
        each!(self, s => s.state(app))
    }

    pub(crate) fn qr(&self, app: &App) -> Option<String> {
        each!(self, s => s.qr(app))
    }

    pub(crate) fn as_text(&self, app: &App) -> Option<Printout> {
        each!(self, s => s.as_text(app))
    }

    pub(crate) fn title(&self) -> &'static str {
        each!(self, s => s.title())
    }

    /// A submission shows its own result, so the form's old errors go.
    fn after(&mut self, actions: &[Action]) {
        if let Some(notes) = each!(self, s => s.notes()) {
            notes.after(actions);
        }
    }

    /// Characters of a secret still held by the screen (tests check they are wiped).
    #[cfg(test)]
    pub(crate) fn typed_secret_len(&self) -> usize {
        match self {
            Screen::Identifier(f) => f.password_len(),
            Screen::Secret(f) => f.typed_len(),
            Screen::Code(f) => f.filled(),
            Screen::NewPassword(f) => f.typed_len(),
            Screen::HandOff(f) => f.typed_len(),
            _ => 0,
        }
    }
}

fn key_of<S: Component>(screen: &mut S, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
    match keymap::find(screen.keymap(), screen, cx.app, screen.typing(), &key) {
        Some((cmd, _)) => screen.run(cmd, cx, key),
        None => {
            screen.on_other_key(cx.app, key);
            Vec::new()
        }
    }
}
