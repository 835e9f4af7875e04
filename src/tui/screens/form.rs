//! What a form keeps about errors between frames: the sentence a widget or a local check
//! refused with, and the server's notice the user has since edited away. Server notices are
//! read from `App` when drawing; nothing here is written while drawing.

use crate::app::{Action, App, Notice, NoticeKind};
use crate::tui::widgets::{Outcome, sanitize};

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
