//! What a form keeps about errors between frames: the sentence a widget or a local check
//! refused with, and the server's notice the user has since edited away. Server notices are
//! read from `App` when drawing; nothing here is written while drawing.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Position;
use secrecy::SecretString;

use super::common::Column;
use crate::app::{Action, App, Notice, NoticeKind};
use crate::tui::widgets::{CodeInput, Outcome, sanitize};

#[derive(Debug, Default)]
pub(crate) struct Notes {
    /// A widget refused input ("Only digits…"); shown under the focused field until the next edit.
    pub local_error: Option<String>,
    /// The notice the user has since edited the field for, so it stops showing there.
    pub dismissed: Option<Notice>,
}

impl Notes {
    /// The error to show under the field the server named (`meta.param_name`).
    pub(crate) fn field_error(&self, app: &App, params: &[&str]) -> Option<String> {
        let notice = app.notice.as_ref()?;
        let param = notice.param_name.as_deref()?;
        (notice.kind == NoticeKind::Error
            && params.contains(&param)
            && self.dismissed.as_ref() != Some(notice))
        .then(|| notice.message.clone())
    }

    /// The local error when `focused`, else the server's error for `params`.
    pub(crate) fn error_for(&self, app: &App, focused: bool, params: &[&str]) -> Option<String> {
        match (&self.local_error, focused) {
            (Some(e), true) => Some(e.clone()),
            _ => self.field_error(app, params),
        }
    }

    /// The notice to show under the form: anything not pinned to one of `fields`.
    pub(crate) fn form_notice<'a>(&self, app: &'a App, fields: &[&str]) -> Option<&'a Notice> {
        let notice = app.notice.as_ref()?;
        let pinned = notice
            .param_name
            .as_deref()
            .is_some_and(|p| fields.contains(&p));
        (!pinned && self.dismissed.as_ref() != Some(notice)).then_some(notice)
    }

    /// The user changed a field: the old error no longer applies to what is there now.
    pub(crate) fn edited(&mut self, app: &App) {
        self.local_error = None;
        if app.notice.is_some() {
            self.dismissed = app.notice.clone();
        }
    }

    /// Applies a widget's outcome to the local error line.
    pub(crate) fn outcome(&mut self, app: &App, outcome: &Outcome) {
        match outcome {
            Outcome::Changed | Outcome::Complete => self.edited(app),
            Outcome::Rejected(why) => self.local_error = Some(why.clone()),
            _ => {}
        }
    }

    /// After the screen answered a key: a submission shows its own result, so old errors go.
    pub(crate) fn after(&mut self, actions: &[Action]) {
        if actions.iter().any(|a| {
            matches!(
                a,
                Action::SubmitIdentifier { .. }
                    | Action::SubmitPassword(_)
                    | Action::SubmitCode(_)
                    | Action::VerifyTotp(_)
                    | Action::SubmitNewPassword { .. }
                    | Action::SendCode
                    | Action::Retry
            )
        }) {
            self.dismissed = None;
            self.local_error = None;
        }
    }
}

/// The server's name for the code field, for errors pinned to it.
pub(crate) const CODE_PARAMS: &[&str] = &["code"];

/// A one-time code typed into boxes with its error memory: what the code screens (a sign-in
/// step, the authenticator app's set-up) share. The last digit, or Enter, hands the code over.
#[derive(Debug)]
pub(crate) struct CodeField {
    input: CodeInput,
    pub notes: Notes,
}

impl CodeField {
    pub(crate) fn new(label: impl Into<String>) -> Self {
        CodeField {
            input: CodeInput::new(label),
            notes: Notes::default(),
        }
    }

    pub(crate) fn filled(&self) -> usize {
        self.input.filled()
    }

    /// A key for the boxes (letters are refused with a sentence); the code once complete.
    pub(crate) fn key(&mut self, app: &App, key: KeyEvent) -> Option<SecretString> {
        let outcome = self.input.handle_key(key);
        self.notes.outcome(app, &outcome);
        matches!(outcome, Outcome::Complete | Outcome::Submit).then(|| self.input.take_code())
    }

    /// A paste: a whole code is handed over at once.
    pub(crate) fn paste(&mut self, app: &App, text: &str) -> Option<SecretString> {
        match self.input.handle_paste(text) {
            Outcome::Complete => Some(self.input.take_code()),
            outcome => {
                self.notes.outcome(app, &outcome);
                None
            }
        }
    }

    /// The boxes with the error under them; where the cursor belongs.
    pub(crate) fn draw(&self, col: &mut Column<'_>, app: &App) -> Option<Position> {
        let error = self
            .notes
            .local_error
            .clone()
            .or_else(|| self.notes.field_error(app, CODE_PARAMS));
        let height = self
            .input
            .height_with_error(col.area.width, error.as_deref());
        let theme = col.theme;
        self.input
            .render_with_error(col.take(height), col.buf, theme, true, error.as_deref())
    }

    /// The notice for under the form: whatever the server did not pin to the code.
    pub(crate) fn form_notice<'a>(&self, app: &'a App) -> Option<&'a Notice> {
        self.notes.form_notice(app, CODE_PARAMS)
    }
}

/// Focus moved among `count` parts: the index after (or before) `focus`.
pub(crate) fn cycle(focus: usize, count: usize, forward: bool) -> usize {
    match (count, forward) {
        (0, _) => focus,
        (_, true) => (focus + 1) % count,
        (_, false) => (focus + count - 1) % count,
    }
}

/// Who is signing in, as typed or as the server echoes it.
pub(crate) fn who(app: &App) -> Option<String> {
    app.identifier
        .clone()
        .or_else(|| app.sign_in.as_ref()?.identifier.clone())
        .map(|s| sanitize(&s).into_owned())
}
