//! The factor screens where a secret is typed into a masked field: the password (with
//! "forgot password?" when the account can reset it) and a backup code. Under the field, a
//! short list of other ways on (Tab reaches it, digits or Enter pick).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::Column;
use super::component::Component;
use super::form::{Notes, cycle, who};
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use crate::app::{Action, App};
use crate::flow::Stage;
use crate::tui::widgets::{Choice, ChoiceList, MaskedInput, Outcome};

const PASSWORD_PARAMS: &[&str] = &["password"];
const CODE_PARAMS: &[&str] = &["code"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Secret {
    Password,
    BackupCode,
}

/// What a row of the list under the field does when picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    ForgotPassword,
    AnotherMethod,
}

#[derive(Debug)]
pub(crate) struct SecretForm {
    kind: Secret,
    stage: Stage,
    field: MaskedInput,
    choices: ChoiceList,
    extras: Vec<Extra>,
    /// 0: the field, 1: the list.
    focus: usize,
    notes: Notes,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Submit,
    Pick,
    Next,
    Previous,
    OtherMethod,
    Reveal,
}

fn on_field(f: &SecretForm, _: &App) -> bool {
    f.focus == 0
}

fn on_list(f: &SecretForm, _: &App) -> bool {
    f.focus == 1
}

const KEYS: &[Binding<SecretForm, Cmd>] = &[
    bind(&[Key::ENTER], Cmd::Submit, "continue").when(on_field),
    bind(&[Key::ENTER, Key::Digits('1')], Cmd::Pick, "pick").when(on_list),
    bind(&[Key::TAB], Cmd::Next, "more options").when(on_field),
    bind(&[Key::TAB], Cmd::Next, "field").when(on_list),
    bind(
        &[Key::Char('m'), Key::Ctrl('o')],
        Cmd::OtherMethod,
        "other method",
    ),
    bind(&[Key::Ctrl('r')], Cmd::Reveal, "show or hide what is typed"),
    bind(&[Key::BackTab], Cmd::Previous, "previous"),
    bind(
        &[Key::UP, Key::DOWN, Key::HOME, Key::END],
        Cmd::Pick,
        "move in the list",
    )
    .when(on_list),
];

impl SecretForm {
    pub(crate) fn new(app: &App, kind: Secret, stage: Stage) -> Self {
        let (label, extras) = match kind {
            Secret::Password => ("Password", password_extras(app)),
            Secret::BackupCode => (
                "Backup code (8 or more letters and digits)",
                vec![Extra::AnotherMethod],
            ),
        };
        let choices = extras
            .iter()
            .map(|e| match e {
                Extra::ForgotPassword => Choice::new("Forgot password? Reset it with a code"),
                Extra::AnotherMethod => Choice::new("Use another method"),
            })
            .collect();
        let field = match &kind {
            Secret::BackupCode => MaskedInput::new(label).for_code(),
            Secret::Password => MaskedInput::new(label),
        };
        SecretForm {
            kind,
            stage,
            field,
            choices: ChoiceList::new(choices),
            extras,
            focus: 0,
            notes: Notes::default(),
        }
    }

    fn submit(&mut self) -> Vec<Action> {
        if self.field.is_empty() {
            self.notes.local_error = Some(match self.kind {
                Secret::Password => "Enter your password.".to_string(),
                Secret::BackupCode => "Enter a backup code.".to_string(),
            });
            return Vec::new();
        }
        let secret = self.field.take_secret();
        match self.kind {
            Secret::Password => vec![Action::SubmitPassword(secret)],
            Secret::BackupCode => vec![Action::SubmitCode(secret)],
        }
    }

    /// Characters in the field (tests check a submitted secret is wiped).
    #[cfg(test)]
    pub(crate) fn typed_len(&self) -> usize {
        self.field.len()
    }
}

/// "Forgot password?" when the account can reset it (not while it is locked), then "use
/// another method".
fn password_extras(app: &App) -> Vec<Extra> {
    let mut extras = Vec::new();
    if app.offers_password_reset() {
        extras.push(Extra::ForgotPassword);
    }
    extras.push(Extra::AnotherMethod);
    extras
}

impl Component for SecretForm {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, _cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::Submit => self.submit(),
            Cmd::Next | Cmd::Previous => {
                self.notes.local_error = None;
                self.focus = cycle(self.focus, 2, matches!(cmd, Cmd::Next));
                Vec::new()
            }
            Cmd::OtherMethod => vec![Action::ChooseAnotherMethod],
            Cmd::Reveal => {
                let _ = self.field.handle_key(key);
                Vec::new()
            }
            Cmd::Pick => match self.choices.handle_key(key) {
                Outcome::Picked(i) => match self.extras.get(i) {
                    Some(Extra::ForgotPassword) => vec![Action::ForgotPassword],
                    Some(Extra::AnotherMethod) => vec![Action::ChooseAnotherMethod],
                    None => Vec::new(),
                },
                Outcome::Rejected(why) => {
                    self.notes.local_error = Some(why);
                    Vec::new()
                }
                _ => Vec::new(),
            },
        }
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        let outcome = match self.focus {
            0 => self.field.handle_key(key),
            // Home, End; a digit with no choice behind it says so.
            _ => self.choices.handle_key(key),
        };
        self.notes.outcome(app, &outcome);
    }

    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        if self.focus == 0 {
            let outcome = self.field.handle_paste(text);
            self.notes.outcome(cx.app, &outcome);
        }
        Vec::new()
    }

    fn typing(&self) -> bool {
        self.focus == 0
    }

    fn esc(&self) -> Option<&'static str> {
        Some("back")
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.notes)
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let (app, theme) = (view.app, view.theme);
        let mut col = Column::new(buf, area, theme);
        let title = match (self.kind, self.stage) {
            (Secret::Password, _) => "Enter your password",
            (Secret::BackupCode, Stage::ClientTrust) => "Confirm it's you",
            (Secret::BackupCode, _) => "Two-step verification",
        };
        col.line(title, theme.title());
        if let Some(who) = who(app) {
            col.line(&format!("Signing in as {who}"), theme.hint());
        }
        col.gap();
        let params = match self.kind {
            Secret::Password => PASSWORD_PARAMS,
            Secret::BackupCode => {
                col.wrapped(
                    "Enter one of the backup codes you saved when you turned on two-step verification. Each code works once.",
                    theme.text(),
                );
                col.gap();
                CODE_PARAMS
            }
        };
        let error = self.notes.error_for(app, self.focus == 0, params);
        let height = self
            .field
            .height_with_error(col.area.width, error.as_deref());
        let mut cursor = self.field.render_with_error(
            col.take(height),
            col.buf,
            theme,
            self.focus == 0,
            error.as_deref(),
        );
        col.notice(app, self.notes.form_notice(app, params));
        col.gap();
        col.line("More options (Tab, then a number or Enter):", theme.text());
        let list = col.take(self.choices.height_at(col.area.width));
        let at = self.choices.render(list, col.buf, theme, self.focus == 1);
        if self.focus == 1 {
            cursor = at;
            if let Some(e) = &self.notes.local_error {
                col.line(&format!("Error: {e}"), theme.error());
            }
        }
        Drawn::at(cursor)
    }

    fn state(&self, _app: &App) -> String {
        match self.kind {
            Secret::Password => "Enter your password".to_string(),
            Secret::BackupCode => "Enter a backup code".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        match self.kind {
            Secret::Password => "Password",
            Secret::BackupCode => "Backup code",
        }
    }
}
