//! The browser hand-off (OAuth, SAML, enterprise SSO): the address to open (whole, over as many
//! rows as it needs, an OSC 8 hyperlink; `t` prints it unbroken, `v` shows its QR code), then the ways the sign-in comes back, each
//! named where it can work: the loopback callback (with the `ssh -L` line), or the address the
//! browser ended on pasted into the field here.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{self, Column, can_retry, duration, qr_below};
use super::component::Component;
use super::form::Notes;
use super::handoff::{address, checking_line, hand_off_url, hint_line};
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, Hyperlink, Printout, QrToggle, Shared, View, qr_key};
use crate::app::callback::{callback_url, ssh_forward_line};
use crate::app::handoff::providers;
use crate::app::{Action, App, Listening};
use crate::flow::{FactorStep, Step};
use secrecy::SecretString;

use crate::tui::widgets::{TextInput, sanitize};

/// The notice param the app pins a refused paste to.
const RETURN_PARAMS: &[&str] = &["return"];

#[derive(Debug)]
pub(crate) struct HandOffScreen {
    /// The address the browser ended on, or its nonce: shown so it can be checked (the browser
    /// showed it too), and cleared once submitted (the nonce works once).
    pasted: TextInput,
    /// The paste field has focus (letters are typed there, not shortcuts).
    typing: bool,
    notes: Notes,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Submit,
    Focus,
    Leave,
    Retry,
    Again,
    OtherMethod,
    Copy,
    Qr(QrToggle),
    Open,
}

fn waiting(_: &HandOffScreen, app: &App) -> bool {
    current(app).is_some_and(|f| f.sent && app.handoff.as_ref().is_none_or(|h| h.ended.is_none()))
}

const KEYS: &[Binding<HandOffScreen, Cmd>] = &[
    bind(&[Key::ENTER], Cmd::Submit, "finish with the pasted address").when(|s, _| s.typing),
    bind(
        &[Key::TAB, Key::Char('p')],
        Cmd::Focus,
        "paste the browser's address",
    )
    .when(|s, app| !s.typing && waiting(s, app)),
    bind(&[Key::TAB], Cmd::Leave, "leave the paste field").when(|s, _| s.typing),
    bind(&[Key::Char('r')], Cmd::Retry, "retry").when(|_, app| can_retry(app)),
    bind(&[Key::Char('r')], Cmd::Again, "start again").when(|_, app| !can_retry(app)),
    bind(
        &[Key::Char('m'), Key::Ctrl('o')],
        Cmd::OtherMethod,
        "other method",
    ),
    bind(&[Key::Char('c')], Cmd::Copy, "copy the address (OSC 52)").bar(Bar::Hide),
    qr_key(QrToggle::Invert, Cmd::Qr(QrToggle::Invert)),
    qr_key(QrToggle::FullBlock, Cmd::Qr(QrToggle::FullBlock)),
    bind(
        &[Key::Char('w')],
        Cmd::Open,
        "open the address in this computer's browser",
    )
    .when(|_, app| app.display_available)
    .bar(Bar::Hide),
];

impl HandOffScreen {
    pub(crate) fn new() -> Self {
        HandOffScreen {
            pasted: TextInput::new("Address the browser ended on, or its nonce")
                .with_hint("Enter finishes; the nonce in it works once."),
            typing: false,
            notes: Notes::default(),
        }
    }

    /// Characters pasted and not yet submitted (tests check a submission wipes them).
    #[cfg(test)]
    pub(crate) fn typed_len(&self) -> usize {
        self.pasted.value().chars().count()
    }

    /// What was pasted, leaving the field empty.
    fn take(&mut self) -> SecretString {
        let text = SecretString::from(self.pasted.value().to_string());
        self.pasted.clear();
        text
    }
}

impl Component for HandOffScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        let app = cx.app;
        match cmd {
            Cmd::Submit => vec![Action::SubmitReturn(self.take())],
            Cmd::Focus => {
                self.typing = true;
                Vec::new()
            }
            Cmd::Leave => {
                self.typing = false;
                Vec::new()
            }
            Cmd::Retry => vec![Action::Retry],
            // A hand-off starts over as a new sign-in with the same provider.
            Cmd::Again => current(app)
                .map(|f| vec![Action::StartOAuth(f.strategy().clone())])
                .unwrap_or_default(),
            Cmd::OtherMethod => vec![Action::ChooseAnotherMethod],
            Cmd::Open => current(app)
                .and_then(|f| hand_off_url(app, &f))
                .map(|u| vec![Action::OpenInBrowser(u)])
                .unwrap_or_default(),
            Cmd::Qr(toggle) => {
                cx.shared.toggle_qr(toggle);
                Vec::new()
            }
            Cmd::Copy => {
                if let Some(url) = current(app).and_then(|f| hand_off_url(app, &f)) {
                    cx.shared.request_copy(
                        url,
                        "Copy sent to the terminal (OSC 52). If your terminal blocks clipboard writes, select the line instead.",
                    );
                }
                Vec::new()
            }
        }
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        if self.typing {
            let outcome = self.pasted.handle_key(key);
            self.notes.outcome(app, &outcome);
        }
    }

    /// A paste anywhere on the screen is the address coming back: it lands in the field.
    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        if !waiting(self, cx.app) {
            return Vec::new();
        }
        self.typing = true;
        let outcome = self.pasted.handle_paste(text);
        self.notes.outcome(cx.app, &outcome);
        Vec::new()
    }

    fn typing(&self) -> bool {
        self.typing
    }

    fn esc(&self) -> Option<&'static str> {
        Some("cancel")
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.notes)
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let Some(f) = current(view.app) else {
            return Drawn::default();
        };
        let mut col = Column::new(buf, area, view.theme);
        let cursor = col.here();
        let (hyperlink, field) = hand_off(&mut col, view.app, view.shared, &f, self);
        Drawn {
            cursor: field.or(Some(cursor)),
            hyperlink,
        }
    }

    fn state(&self, app: &App) -> String {
        match (current(app), app.handoff.as_ref()) {
            (_, Some(h)) if h.returned_by.is_some() => "Finishing the sign-in".to_string(),
            (_, Some(h)) if h.ended.is_some() => "The browser sign-in ended".to_string(),
            (Some(f), _) if f.sent => "Waiting for the browser".to_string(),
            _ => "Starting".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Browser sign-in"
    }

    fn qr(&self, app: &App) -> Option<String> {
        live_address(app)
    }

    fn as_text(&self, app: &App) -> Option<Printout> {
        live_address(app).map(|text| Printout {
            heading: "The sign-in address to open in a browser:",
            help: "show the address as plain text (to select)",
            text,
        })
    }
}

/// The address to open while the hand-off is live: none once it ended or the browser came back.
fn live_address(app: &App) -> Option<String> {
    let f = current(app)?;
    let handoff = app.handoff.as_ref();
    if f.ended.is_some()
        || app.expires_in_secs() == Some(0)
        || handoff.is_some_and(|h| h.ended.is_some() || h.returned_by.is_some())
    {
        return None;
    }
    hand_off_url(app, &f)
}

fn current(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

/// The screen; returns the hyperlink drawn and where the paste field's cursor is.
fn hand_off(
    col: &mut Column<'_>,
    app: &App,
    shared: &Shared,
    f: &FactorStep,
    screen: &HandOffScreen,
) -> (Option<Hyperlink>, Option<ratatui::layout::Position>) {
    let theme = col.theme;
    let title = match providers(app).into_iter().find(|(s, _)| s == f.strategy()) {
        Some((_, name)) => format!("Sign in with {} in a browser", sanitize(&name)),
        None => format!("{} in a browser", common::describe(&f.factor)),
    };
    col.line(&title, theme.title());
    col.gap();
    let handoff = app.handoff.as_ref();
    if f.ended.is_some()
        || app.expires_in_secs() == Some(0)
        || handoff.is_some_and(|h| h.ended.is_some())
    {
        col.wrapped(
            "This browser sign-in has ended without signing in. Press r to start it again, or Esc to go back.",
            theme.text(),
        );
        col.notice(app, app.notice.as_ref());
        return (None, None);
    }
    let Some(url) = hand_off_url(app, f) else {
        if app.busy.is_some() {
            col.line("Asking for the sign-in address…", theme.text());
        } else {
            col.line(
                "No sign-in address yet. Press r to ask for one.",
                theme.text(),
            );
        }
        col.notice(app, app.notice.as_ref());
        return (None, None);
    };
    if let Some(by) = handoff.and_then(|h| h.returned_by) {
        col.line(
            &format!("The browser came back ({by}). Finishing the sign-in…"),
            theme.text(),
        );
        col.notice(app, app.notice.as_ref());
        return (None, None);
    }
    col.wrapped(
        "Open this address in a browser on any device:",
        theme.text(),
    );
    let drawn = address(col, &url, theme);
    col.line(&checking_line(app), theme.text());
    if let Some(secs) = app.expires_in_secs() {
        col.line(
            &format!("The address expires in {}.", duration(secs)),
            theme.text(),
        );
    }
    ways(col, app);
    let error = screen.notes.error_for(app, screen.typing, RETURN_PARAMS);
    let height = screen
        .pasted
        .height_with_error(col.area.width, error.as_deref());
    let field = screen.pasted.render_with_error(
        col.take(height),
        col.buf,
        theme,
        screen.typing,
        error.as_deref(),
    );
    if let Some(copied) = shared.copied {
        col.wrapped(copied, theme.text());
    }
    col.notice(app, screen.notes.form_notice(app, RETURN_PARAMS));
    col.wrapped(&hint_line(app), theme.hint());
    qr_below(col, &shared.qr(url));
    (drawn, field)
}

/// How the sign-in comes back, each way where it can work.
fn ways(col: &mut Column<'_>, app: &App) {
    let theme = col.theme;
    let config = &app.handoff_config;
    let listening = app.handoff.as_ref().map(|h| &h.listening);
    match (listening, &config.redirect_url) {
        (_, Some(redirect)) => col.wrapped(
            &format!(
                "It ends on {}: paste that address below (Tab, or p).",
                sanitize(redirect)
            ),
            theme.text(),
        ),
        (Some(Listening::On { port }), None) => {
            col.wrapped(
                &format!(
                    "A browser here returns by itself to {}. Over SSH, forward it first:",
                    callback_url(*port)
                ),
                theme.text(),
            );
            // On a line of its own, so it can be selected and copied whole.
            col.line(
                &format!("  {}", ssh_forward_line(*port, config.ssh_host.as_deref())),
                theme.key(),
            );
            col.wrapped(
                "Browser elsewhere: paste the address it ends on (Tab, or p).",
                theme.text(),
            );
        }
        (Some(Listening::Failed { port, why }), None) => col.wrapped(
            &format!(
                "Nothing listens on {} ({}): paste the address the browser ends on (Tab, or p).",
                callback_url(*port),
                sanitize(why)
            ),
            theme.text(),
        ),
        _ => col.wrapped(
            "Paste the address the browser ends on (Tab, or p).",
            theme.text(),
        ),
    }
}
