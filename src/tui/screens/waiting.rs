//! Waiting for an email link: where it went, a quiet "checking every second", its expiry,
//! resend after the cooldown, and in dev mode the link itself (`t` prints it unbroken, a QR
//! code beneath when it fits, else full screen with `v`). Browser hand-offs have their own
//! screen (`handoff_screen.rs`).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{self, Column, can_retry, clock, duration, qr_below};
use super::component::Component;
use super::form::who;
use super::handoff::{address, checking_line};
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, Hyperlink, Printout, QrToggle, Shared, View, qr_key};
use crate::app::{Action, App};
use crate::flow::{FactorStep, Step};

/// Waiting keeps nothing of its own: what it waits for comes from `App`.
#[derive(Debug)]
pub(crate) struct WaitingScreen;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Retry,
    Again,
    OtherMethod,
    Qr(QrToggle),
    Open,
}

/// Something on screen has a QR code: the dev-mode email link.
fn has_qr(_: &WaitingScreen, app: &App) -> bool {
    dev_link_for(app).is_some()
}

const KEYS: &[Binding<WaitingScreen, Cmd>] = &[
    // While the poller runs its own retries; `r` then means a new link, not the last call.
    bind(&[Key::Char('r')], Cmd::Retry, "retry").when(|_, app| can_retry(app)),
    bind(&[Key::Char('r')], Cmd::Again, "send again")
        .when(|_, app| !can_retry(app) && app.resend_secs().is_none()),
    // During the cooldown `r` says how long is left.
    bind(
        &[Key::Char('r')],
        Cmd::Again,
        "send again (once the wait is over)",
    )
    .when(|_, app| !can_retry(app) && app.resend_secs().is_some())
    .bar(Bar::Hide),
    bind(
        &[Key::Char('m'), Key::Ctrl('o')],
        Cmd::OtherMethod,
        "other method",
    ),
    // The hint line under the link names these; the status bar keeps to the flow.
    qr_key(QrToggle::Invert, Cmd::Qr(QrToggle::Invert)).when(has_qr),
    qr_key(QrToggle::FullBlock, Cmd::Qr(QrToggle::FullBlock)).when(has_qr),
    bind(
        &[Key::Char('w')],
        Cmd::Open,
        "open the address in this computer's browser",
    )
    .when(|_, app| app.display_available)
    .bar(Bar::Hide),
];

impl WaitingScreen {
    pub(crate) fn new() -> Self {
        WaitingScreen
    }

    /// The dev-mode email link on screen, once one was sent.
    fn address(&self, app: &App) -> Option<String> {
        let f = current(app)?;
        dev_link_for(app).filter(|_| f.sent)
    }
}

impl Component for WaitingScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, _key: KeyEvent) -> Vec<Action> {
        let app = cx.app;
        match cmd {
            Cmd::Retry => vec![Action::Retry],
            Cmd::Again => vec![Action::SendCode],
            Cmd::OtherMethod => vec![Action::ChooseAnotherMethod],
            Cmd::Open => dev_link_for(app)
                .map(|u| vec![Action::OpenInBrowser(u)])
                .unwrap_or_default(),
            Cmd::Qr(toggle) => {
                cx.shared.toggle_qr(toggle);
                Vec::new()
            }
        }
    }

    fn esc(&self) -> Option<&'static str> {
        Some("cancel")
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let Some(f) = current(view.app) else {
            return Drawn::default();
        };
        let mut col = Column::new(buf, area, view.theme);
        let cursor = col.here();
        email_link(&mut col, view.app, &f);
        let hyperlink = if f.sent {
            dev_link(&mut col, view.app, view.shared)
        } else {
            None
        };
        Drawn {
            cursor: Some(cursor),
            hyperlink,
        }
    }

    fn qr(&self, app: &App) -> Option<String> {
        self.address(app)
    }

    fn as_text(&self, app: &App) -> Option<Printout> {
        self.address(app).map(|text| Printout {
            heading: "The sign-in link the emulator sent:",
            help: "show the link as plain text (to select)",
            text,
        })
    }

    fn state(&self, app: &App) -> String {
        match current(app) {
            Some(f) if f.sent => match app.expires_in_secs() {
                Some(0) => "The email link expired".to_string(),
                Some(secs) => format!("Waiting for the link ({} left)", clock(secs)),
                None => "Waiting for the email link".to_string(),
            },
            _ => "Starting".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Email link"
    }
}

fn current(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

fn email_link(col: &mut Column<'_>, app: &App, f: &FactorStep) {
    let theme = col.theme;
    let target = common::target(&f.factor).unwrap_or_else(|| "your email address".to_string());
    col.line("Check your email", theme.title());
    if let Some(who) = who(app) {
        col.line(&format!("Signing in as {who}"), theme.hint());
    }
    col.gap();
    if f.sent {
        col.wrapped(
            &format!(
                "We sent a sign-in link to {target}. Open it on any device; this screen moves on by itself."
            ),
            theme.text(),
        );
        col.gap();
        col.line(&checking_line(app), theme.text());
        match app.expires_in_secs() {
            Some(0) => col.line(
                "The link has expired. Press r for a new one.",
                theme.error(),
            ),
            Some(secs) => col.line(
                &format!("The link expires in {}.", duration(secs)),
                theme.text(),
            ),
            None => {}
        }
        resend_line(col, app, "link");
    } else if app.busy.is_some() {
        col.line(
            &format!("Sending a sign-in link to {target}…"),
            theme.text(),
        );
    } else if f.ended.is_some() {
        col.line(
            "The last link can no longer be used. Press r to send a new one.",
            theme.text(),
        );
    } else {
        col.line(
            &format!("No link has been sent to {target} yet. Press r to send one."),
            theme.text(),
        );
    }
    col.notice(app, app.notice.as_ref());
    col.gap();
    col.line(
        "m or Ctrl-O: use another method (a code instead) · Esc: cancel",
        theme.hint(),
    );
}

/// The link the embedded server "emailed" for this sign-in, newest first.
fn dev_link_for(app: &App) -> Option<String> {
    if !app.backend.is_embedded() {
        return None;
    }
    let sign_in_id = &app.sign_in.as_ref()?.id;
    app.outbox
        .iter()
        .find(|e| e.sign_in_id.as_ref() == Some(sign_in_id) && e.link.is_some())
        .and_then(|e| e.link.clone())
}

/// Dev mode: show the emailed link itself (one unwrapped line, and a QR when it fits), so a
/// demo can open it from a phone or a browser next to the terminal.
fn dev_link(col: &mut Column<'_>, app: &App, shared: &Shared) -> Option<Hyperlink> {
    let link = dev_link_for(app)?;
    let theme = col.theme;
    col.gap();
    col.line(
        "DEV: the emulator sent this link (open it to sign in):",
        theme.hint(),
    );
    let drawn = address(col, &link, theme);
    let open = if app.display_available {
        "w: open it in this computer's browser · "
    } else {
        ""
    };
    col.wrapped(
        &format!("{open}t: the link as text · v: QR code"),
        theme.hint(),
    );
    qr_below(col, &shared.qr(link));
    drawn
}

fn resend_line(col: &mut Column<'_>, app: &App, what: &str) {
    let theme = col.theme;
    match app.resend_secs() {
        Some(secs) => col.line(
            &format!("You can ask for a new {what} in {}.", duration(secs)),
            theme.hint(),
        ),
        None => col.line(&format!("Press r to send a new {what}."), theme.hint()),
    }
}
