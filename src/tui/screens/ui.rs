//! `Ui`: the view-only state the screens keep between frames - typed text, focus, open
//! overlays, display toggles. It follows `App`: when the screen changes, inputs are wiped
//! and rebuilt for the new screen, so no typed secret outlives the step it was typed for.

use crate::app::{Action, App, Notice, NoticeKind};
use crate::flow::Stage;
use crate::tui::widgets::{
    ChoiceList, CodeInput, HelpOverlay, MaskedInput, OutboxMessage, OutboxPane, Outcome, TextInput,
};

use super::ScreenId;

/// What a row of the screen's choice list does when picked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pick {
    Factor(crate::fapi::Strategy),
    ForgotPassword,
    AnotherMethod,
}

/// View state; `render`, `on_key` and `on_paste` read and update it.
#[derive(Debug)]
pub struct Ui {
    pub(crate) screen: ScreenId,
    /// Index of the focused field or list on the current screen.
    pub(crate) focus: usize,
    pub(crate) identifier: TextInput,
    pub(crate) password: MaskedInput,
    pub(crate) code: CodeInput,
    pub(crate) new_password: MaskedInput,
    pub(crate) confirm_password: MaskedInput,
    pub(crate) choices: ChoiceList,
    pub(crate) picks: Vec<Pick>,
    /// `needs_new_password`: also end the account's other sessions.
    pub sign_out_others: bool,
    pub(crate) help: Option<HelpOverlay>,
    /// The dev outbox, once something feeds it (see [`Ui::set_outbox_messages`]).
    pub(crate) outbox: Option<OutboxPane>,
    pub outbox_open: bool,
    pub qr_inverted: bool,
    pub qr_full_block: bool,
    /// A widget refused input ("Only digits…"); shown under the focused field until the next edit.
    pub(crate) local_error: Option<String>,
    /// The notice the user has since edited the field for, so it stops showing there.
    pub(crate) dismissed: Option<Notice>,
    /// Text the user asked to copy, until the loop sends it to the terminal (OSC 52).
    pub(crate) copy: PendingCopy,
    /// What the last copy did, in words, until the next key.
    pub(crate) copied: Option<&'static str>,
    /// The address drawn this frame that the loop also marks as an OSC 8 hyperlink.
    pub(crate) hyperlink: Option<Hyperlink>,
}

/// An address on screen to wrap in an OSC 8 hyperlink after the frame is drawn: where it
/// starts, the target, and exactly the text the frame shows there (one unwrapped line).
#[derive(Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub x: u16,
    pub y: u16,
    pub url: String,
    pub visible: String,
    /// SGR parameters that match how the frame drew the text (plus underline).
    pub sgr: &'static str,
}

impl std::fmt::Debug for Hyperlink {
    // A hand-off address is a capability for this sign-in: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hyperlink")
            .field("x", &self.x)
            .field("y", &self.y)
            .field("url", &"***")
            .finish()
    }
}

impl Hyperlink {
    /// The bytes that redraw the text as a hyperlink in place, leaving the cursor where it
    /// was. `None` when the address holds anything but printable ASCII (no escape can leak).
    pub fn sequence(&self) -> Option<String> {
        let printable = |s: &str| s.bytes().all(|b| (0x21..0x7f).contains(&b));
        if !printable(&self.url) || !printable(&self.visible) || self.visible.is_empty() {
            return None;
        }
        Some(format!(
            "\x1b7\x1b[{};{}H\x1b[{}m\x1b]8;;{}\x1b\\{}\x1b]8;;\x1b\\\x1b[0m\x1b8",
            u32::from(self.y) + 1,
            u32::from(self.x) + 1,
            self.sgr,
            self.url,
            self.visible
        ))
    }
}

/// A session token or link on its way to the clipboard; Debug never shows it.
#[derive(Default)]
pub(crate) struct PendingCopy(Option<String>);

impl std::fmt::Debug for PendingCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(***)"
        } else {
            "None"
        })
    }
}

impl Default for Ui {
    fn default() -> Self {
        Ui::new()
    }
}

impl Ui {
    pub fn new() -> Self {
        Ui {
            screen: ScreenId::Start,
            focus: 0,
            identifier: TextInput::new("Identifier"),
            password: MaskedInput::new("Password"),
            code: CodeInput::new("Code"),
            new_password: MaskedInput::new("New password"),
            confirm_password: MaskedInput::new("Confirm the new password"),
            choices: ChoiceList::default(),
            picks: Vec::new(),
            sign_out_others: true,
            help: None,
            outbox: None,
            outbox_open: false,
            qr_inverted: false,
            qr_full_block: false,
            local_error: None,
            dismissed: None,
            copy: PendingCopy::default(),
            copied: None,
            hyperlink: None,
        }
    }

    /// Text to put on the clipboard, once: the event loop writes it as an OSC 52 sequence.
    pub fn take_copy(&mut self) -> Option<String> {
        self.copy.0.take()
    }

    /// Asks for `text` to be copied and says so on screen.
    pub(crate) fn request_copy(&mut self, text: String, what: &'static str) {
        self.copy.0 = Some(text);
        self.copied = Some(what);
    }

    /// Feeds the dev outbox pane (embedded server only); `o` toggles it from then on.
    pub fn set_outbox_messages(&mut self, messages: Vec<OutboxMessage>) {
        self.outbox
            .get_or_insert_with(OutboxPane::new)
            .set_messages(messages);
    }

    /// Feeds the pane from the app's copy of the embedded server's outbox (ages as of now).
    pub(crate) fn sync_outbox(&mut self, app: &App) {
        if app.outbox.is_empty() {
            return;
        }
        let messages = app
            .outbox
            .iter()
            .map(|e| OutboxMessage {
                to: e.to.clone(),
                kind: match (e.channel.as_str(), e.kind.as_str()) {
                    ("", kind) => kind.to_string(),
                    (channel, kind) => format!("{channel} {kind}"),
                },
                code: e.code.clone(),
                link: e.link.clone(),
                age: std::time::Duration::from_millis(
                    u64::try_from(app.now_ms.saturating_sub(e.created_at)).unwrap_or(0),
                ),
            })
            .collect();
        self.set_outbox_messages(messages);
    }

    /// The hyperlink of the last frame, for the loop to write (OSC 8).
    pub fn hyperlink(&self) -> Option<&Hyperlink> {
        self.hyperlink.as_ref()
    }

    /// Whether a help overlay is open.
    pub fn help_open(&self) -> bool {
        self.help.is_some()
    }

    /// Follows the app to its current screen, resetting inputs when the screen changed.
    pub(crate) fn sync(&mut self, app: &App) {
        let screen = ScreenId::of(app);
        if screen == self.screen {
            return;
        }
        self.screen = screen;
        self.focus = 0;
        self.local_error = None;
        self.dismissed = None;
        self.copied = None;
        self.help = None;
        self.password.clear();
        self.new_password.clear();
        self.confirm_password.clear();
        self.code.clear();
        self.choices = ChoiceList::default();
        self.picks.clear();
        match self.screen.clone() {
            ScreenId::Identifier => {
                let value = app.identifier.as_deref().unwrap_or("");
                self.identifier = TextInput::new(super::identifier::label(app)).with_value(value);
                self.password = MaskedInput::new("Password (optional)");
            }
            ScreenId::Password => {
                self.password = MaskedInput::new("Password");
                let (choices, picks) = super::factor::password_actions(app);
                self.choices = choices;
                self.picks = picks;
            }
            ScreenId::BackupCode(_) => {
                self.password = MaskedInput::new("Backup code (8 or more letters and digits)");
                let (choices, picks) = super::factor::backup_actions();
                self.choices = choices;
                self.picks = picks;
            }
            ScreenId::Code(stage, strategy) => {
                self.code = CodeInput::new(super::factor::code_label(stage, &strategy));
            }
            ScreenId::Choose(stage) => {
                let (choices, picks) = super::choose::list(app, stage);
                self.choices = choices;
                self.picks = picks;
            }
            ScreenId::EnrolTotp => {
                self.code = CodeInput::new("Code from the authenticator app");
            }
            ScreenId::NewPassword => {
                self.new_password = MaskedInput::new("New password");
                self.confirm_password = MaskedInput::new("Confirm the new password");
            }
            _ => {}
        }
    }

    /// A text field (where letters are typed) has focus, so letter shortcuts are off.
    pub(crate) fn text_focused(&self) -> bool {
        match self.screen {
            ScreenId::Identifier => self.focus <= 1,
            ScreenId::Password | ScreenId::BackupCode(_) => self.focus == 0,
            ScreenId::NewPassword => self.focus <= 1,
            _ => false,
        }
    }

    /// The error to show under the field the server named (`meta.param_name`).
    pub(crate) fn field_error(&self, app: &App, params: &[&str]) -> Option<String> {
        let notice = app.notice.as_ref()?;
        let param = notice.param_name.as_deref()?;
        (notice.kind == NoticeKind::Error
            && params.contains(&param)
            && self.dismissed.as_ref() != Some(notice))
        .then(|| notice.message.clone())
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

    /// Moves focus among `count` focusable parts.
    pub(crate) fn cycle_focus(&mut self, count: usize, forward: bool) {
        if count == 0 {
            return;
        }
        self.local_error = None;
        self.focus = if forward {
            (self.focus + 1) % count
        } else {
            (self.focus + count - 1) % count
        };
    }

    /// A paste into whatever has focus.
    pub(crate) fn paste(&mut self, app: &App, text: &str) -> Vec<Action> {
        let outcome = match (&self.screen, self.focus) {
            (ScreenId::Identifier, 0) => self.identifier.handle_paste(text),
            (ScreenId::Identifier, 1) => self.password.handle_paste(text),
            (ScreenId::Password | ScreenId::BackupCode(_), 0) => self.password.handle_paste(text),
            (ScreenId::Code(..) | ScreenId::EnrolTotp, _) => self.code.handle_paste(text),
            (ScreenId::NewPassword, 0) => self.new_password.handle_paste(text),
            (ScreenId::NewPassword, 1) => self.confirm_password.handle_paste(text),
            _ => Outcome::Ignored,
        };
        match outcome {
            Outcome::Complete if self.screen == ScreenId::EnrolTotp => {
                vec![Action::VerifyTotp(self.code.take_code())]
            }
            Outcome::Complete => vec![Action::SubmitCode(self.code.take_code())],
            Outcome::Rejected(why) => {
                self.local_error = Some(why);
                Vec::new()
            }
            Outcome::Changed => {
                self.edited(app);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The stage of the current factor screen, if any.
    pub(crate) fn stage(&self) -> Option<Stage> {
        match &self.screen {
            ScreenId::Code(stage, _)
            | ScreenId::BackupCode(stage)
            | ScreenId::Waiting(stage, _)
            | ScreenId::Unusable(stage, _)
            | ScreenId::Choose(stage)
            | ScreenId::NoFactor(stage) => Some(*stage),
            ScreenId::Password => Some(Stage::First),
            _ => None,
        }
    }
}
