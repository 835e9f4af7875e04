//! The identifier screen: one field labelled with the identifiers the instance accepts, a
//! password field too when the instance allows one-step password sign-in, the social
//! providers the instance has enabled, and in dev mode the demo users to try.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use super::common::Column;
use super::component::Component;
use super::form::{Notes, cycle};
use super::handoff::{provider_at, provider_count, provider_rows};
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, View};
use super::start::demo_users;
use crate::app::{Action, App, Backend};
use crate::tui::widgets::{MaskedInput, Outcome, TextInput};

/// Params the server may name for the identifier field.
const IDENTIFIER_PARAMS: &[&str] = &[
    "identifier",
    "email_address",
    "phone_number",
    "username",
    "web3_wallet",
];
const PASSWORD_PARAMS: &[&str] = &["password"];

/// "Email address, phone number or username", from the instance's first-factor identifiers.
pub(crate) fn label(app: &App) -> String {
    let names: Vec<&str> = app
        .environment
        .as_ref()
        .map(|e| e.first_factor_identifiers())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|name| match name {
            "email_address" => Some("email address"),
            "phone_number" => Some("phone number"),
            "username" => Some("username"),
            _ => None,
        })
        .collect();
    let joined = match names.as_slice() {
        [] => "Email address or username".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    let mut chars = joined.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or(joined)
}

fn password_allowed(app: &App) -> bool {
    app.environment
        .as_ref()
        .is_some_and(|e| e.password_enabled())
}

fn field_count(app: &App) -> usize {
    if password_allowed(app) { 2 } else { 1 }
}

/// The fields, then one row per social provider.
fn focus_count(app: &App) -> usize {
    field_count(app) + provider_count(app)
}

/// The identifier (and optional password) with the provider rows under them.
#[derive(Debug)]
pub(crate) struct IdentifierForm {
    identifier: TextInput,
    password: MaskedInput,
    focus: usize,
    notes: Notes,
    /// The instance allows one-step password sign-in, so the second field is the password.
    has_password: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Submit,
    Provider,
    ProviderNumber,
    Next,
    Previous,
    Reveal,
}

fn on_field(f: &IdentifierForm, app: &App) -> bool {
    f.focus < field_count(app)
}

fn tab_words(f: &IdentifierForm, app: &App) -> &'static str {
    match f.focus {
        _ if !on_field(f, app) => "next field or provider",
        0 if field_count(app) > 1 => "password",
        _ if provider_count(app) > 0 => "providers",
        _ => "identifier",
    }
}

const KEYS: &[Binding<IdentifierForm, Cmd>] = &[
    bind(&[Key::ENTER], Cmd::Submit, "continue").when(on_field),
    bind(&[Key::ENTER], Cmd::Provider, "continue with this provider")
        .when(|f, app| !on_field(f, app)),
    bind(
        &[Key::Digits('1')],
        Cmd::ProviderNumber,
        "continue with that provider",
    )
    .when(|f, app| !on_field(f, app)),
    bind(&[Key::TAB, Key::DOWN], Cmd::Next, "next")
        .when(|_, app| focus_count(app) > 1)
        .words(tab_words),
    bind(&[Key::Ctrl('r')], Cmd::Reveal, "show password")
        .when(|f, app| password_allowed(app) && on_field(f, app)),
    bind(
        &[Key::BackTab, Key::UP],
        Cmd::Previous,
        "previous field or provider",
    )
    .when(|_, app| focus_count(app) > 1),
];

impl IdentifierForm {
    pub(crate) fn new(app: &App) -> Self {
        let value = app.identifier.as_deref().unwrap_or("");
        IdentifierForm {
            identifier: TextInput::new(label(app)).with_value(value),
            password: MaskedInput::new("Password (optional)"),
            focus: 0,
            notes: Notes::default(),
            has_password: password_allowed(app),
        }
    }

    fn submit(&mut self, app: &App) -> Vec<Action> {
        let identifier = self.identifier.value().trim().to_string();
        if identifier.is_empty() {
            self.focus = 0;
            self.notes.local_error = Some(format!("Enter your {}.", label(app).to_lowercase()));
            return Vec::new();
        }
        // A pasted `__clerk_ticket` link or bare ticket signs in by itself.
        if let Some(ticket) = crate::flow::ticket_from_pasted(&identifier) {
            self.identifier.clear();
            return vec![Action::SubmitTicket(ticket)];
        }
        if crate::flow::mentions_ticket(&identifier) {
            self.focus = 0;
            self.notes.local_error =
                Some("That link carries no usable sign-in ticket; paste the whole link.".into());
            return Vec::new();
        }
        let password = (!self.password.is_empty()).then(|| self.password.take_secret());
        vec![Action::SubmitIdentifier {
            identifier,
            password,
        }]
    }

    /// A demo user picked from the list (F2): its identifier in the field, focus there.
    pub(crate) fn fill(&mut self, identifier: &str) {
        self.identifier = std::mem::take(&mut self.identifier).with_value(identifier);
        self.focus = 0;
        self.notes.local_error = None;
    }

    /// Typed since the screen was built (tests check a submitted password is wiped).
    #[cfg(test)]
    pub(crate) fn password_len(&self) -> usize {
        self.password.len()
    }
}

impl Component for IdentifierForm {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        let app = cx.app;
        let row = self.focus.saturating_sub(field_count(app));
        let pick = match cmd {
            Cmd::Submit => return self.submit(app),
            Cmd::Next | Cmd::Previous => {
                self.notes.local_error = None;
                self.focus = cycle(self.focus, focus_count(app), matches!(cmd, Cmd::Next));
                return Vec::new();
            }
            Cmd::Reveal => {
                self.password.set_revealed(!self.password.is_revealed());
                return Vec::new();
            }
            Cmd::Provider => provider_at(app, row),
            Cmd::ProviderNumber => match key.code {
                KeyCode::Char(c @ '1'..='9') => provider_at(app, c as usize - '1' as usize),
                _ => None,
            },
        };
        pick.map(|s| vec![Action::StartOAuth(s)])
            .unwrap_or_default()
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        let outcome = match self.focus {
            0 => self.identifier.handle_key(key),
            1 if on_field(self, app) => self.password.handle_key(key),
            _ => Outcome::Ignored,
        };
        self.notes.outcome(app, &outcome);
    }

    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        // A ticket pasted into the empty identifier field needs no Enter: it is the sign-in.
        if self.focus == 0
            && self.identifier.value().is_empty()
            && let Some(ticket) = crate::flow::ticket_from_pasted(text)
        {
            return vec![Action::SubmitTicket(ticket)];
        }
        let outcome = match self.focus {
            0 => self.identifier.handle_paste(text),
            1 if on_field(self, cx.app) => self.password.handle_paste(text),
            _ => Outcome::Ignored,
        };
        self.notes.outcome(cx.app, &outcome);
        Vec::new()
    }

    fn typing(&self) -> bool {
        // Provider rows come after the fields; two fields at most.
        self.focus == 0 || (self.focus == 1 && self.has_password)
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.notes)
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let (app, theme) = (view.app, view.theme);
        let mut col = Column::new(buf, area, theme);
        col.line("Sign in", theme.title());
        col.gap();
        let id_error = self
            .notes
            .error_for(app, self.focus == 0, IDENTIFIER_PARAMS);
        let height = self
            .identifier
            .height_with_error(col.area.width, id_error.as_deref());
        let mut cursor = self.identifier.render_with_error(
            col.take(height),
            col.buf,
            theme,
            self.focus == 0,
            id_error.as_deref(),
        );
        let mut fields = IDENTIFIER_PARAMS.to_vec();
        if password_allowed(app) {
            fields.extend_from_slice(PASSWORD_PARAMS);
            let pw_error = self.notes.error_for(app, self.focus == 1, PASSWORD_PARAMS);
            let height = self
                .password
                .height_with_error(col.area.width, pw_error.as_deref());
            let at = self.password.render_with_error(
                col.take(height),
                col.buf,
                theme,
                self.focus == 1,
                pw_error.as_deref(),
            );
            cursor = cursor.or(at);
        }
        col.notice(app, self.notes.form_notice(app, &fields));
        let focused_provider = self.focus.checked_sub(field_count(app));
        if let Some(at) = provider_rows(&mut col, app, focused_provider) {
            cursor = Some(at);
        }
        if let Backend::Embedded { seed_users, .. } = &app.backend
            && col.rows_left() > 2
        {
            col.gap();
            demo_users(&mut col, seed_users);
        }
        Drawn::at(cursor)
    }

    fn state(&self, _app: &App) -> String {
        "Enter your identifier".to_string()
    }

    fn title(&self) -> &'static str {
        "Sign in"
    }
}
