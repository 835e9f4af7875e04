//! Waiting for something finished elsewhere: an email link (where it went, a quiet "checking
//! every second", its expiry, resend after the cooldown) or a browser hand-off for OAuth and
//! enterprise SSO (the address as one unwrapped line to select, and a QR code when it fits).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::common::{self, Column, can_retry, clock, duration};
use super::component::Component;
use super::form::who;
use super::handoff::{checking_line, hand_off_url, hyperlink};
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, Hyperlink, Shared, View};
use crate::app::handoff::is_hand_off;
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Step};

/// Waiting keeps nothing of its own but what it waits for: the rest comes from `App`.
#[derive(Debug)]
pub(crate) struct WaitingScreen {
    /// An email link (else a browser hand-off).
    link: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Retry,
    Again,
    OtherMethod,
    Copy,
    Invert,
    FullBlock,
    Open,
}

fn again_words(w: &WaitingScreen, _: &App) -> &'static str {
    if w.link { "send again" } else { "start again" }
}

/// Something on screen has a QR code: every hand-off, and a dev-mode email link.
fn has_qr(w: &WaitingScreen, app: &App) -> bool {
    !w.link || dev_link_for(app).is_some()
}

const KEYS: &[Binding<WaitingScreen, Cmd>] = &[
    // While the poller runs its own retries; `r` then means a new link, not the last call.
    bind(&[Key::Char('r')], Cmd::Retry, "retry").when(|_, app| can_retry(app)),
    bind(&[Key::Char('r')], Cmd::Again, "send again")
        .when(|_, app| !can_retry(app) && app.resend_secs().is_none())
        .words(again_words),
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
    // The hint line under the address names these; the status bar keeps to the flow.
    bind(&[Key::Char('c')], Cmd::Copy, "copy the address (OSC 52)")
        .when(|w: &WaitingScreen, _: &App| !w.link)
        .bar(Bar::Hide),
    bind(&[Key::Char('i')], Cmd::Invert, "invert the QR code")
        .when(has_qr)
        .bar(Bar::Hide),
    bind(&[Key::Char('f')], Cmd::FullBlock, "full-block QR code")
        .when(has_qr)
        .bar(Bar::Hide),
    bind(
        &[Key::Char('w')],
        Cmd::Open,
        "open the address in this computer's browser",
    )
    .when(|_, app| app.display_available)
    .bar(Bar::Hide),
];

impl WaitingScreen {
    pub(crate) fn new(strategy: &Strategy) -> Self {
        WaitingScreen {
            link: *strategy == Strategy::EmailLink,
        }
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
            Cmd::Again => match current(app) {
                // A browser hand-off starts over as a new sign-in with the same provider.
                Some(f) if is_hand_off(f.strategy()) => {
                    vec![Action::StartOAuth(f.strategy().clone())]
                }
                _ => vec![Action::SendCode],
            },
            Cmd::OtherMethod => vec![Action::ChooseAnotherMethod],
            Cmd::Open => {
                let url = current(app).and_then(|f| {
                    if is_link(&f) {
                        dev_link_for(app)
                    } else {
                        hand_off_url(app, &f)
                    }
                });
                url.map(|u| vec![Action::OpenInBrowser(u)])
                    .unwrap_or_default()
            }
            Cmd::Invert => {
                cx.shared.qr_inverted = !cx.shared.qr_inverted;
                Vec::new()
            }
            Cmd::FullBlock => {
                cx.shared.qr_full_block = !cx.shared.qr_full_block;
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

    fn esc(&self) -> Option<&'static str> {
        Some("cancel")
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        let Some(f) = current(view.app) else {
            return Drawn::default();
        };
        let mut col = Column::new(buf, area, view.theme);
        let cursor = col.here();
        let hyperlink = if is_link(&f) {
            email_link(&mut col, view.app, &f);
            if f.sent {
                dev_link(&mut col, view.app, view.shared)
            } else {
                None
            }
        } else {
            // Hand-offs have their own screen (`handoff_screen.rs`).
            None
        };
        Drawn {
            cursor: Some(cursor),
            hyperlink,
        }
    }

    fn state(&self, app: &App) -> String {
        match current(app) {
            Some(f) if is_link(&f) && f.sent => match app.expires_in_secs() {
                Some(0) => "The email link expired".to_string(),
                Some(secs) => format!("Waiting for the link ({} left)", clock(secs)),
                None => "Waiting for the email link".to_string(),
            },
            Some(f) if f.sent => "Waiting for the browser".to_string(),
            _ => "Starting".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        if self.link {
            "Email link"
        } else {
            "Browser sign-in"
        }
    }
}

fn current(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

fn is_link(f: &FactorStep) -> bool {
    *f.strategy() == Strategy::EmailLink
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
    let at = col.here();
    col.unwrapped(&link, theme.key());
    let drawn = hyperlink(at, col.buf.area.right(), &link, theme);
    if app.display_available {
        col.line("w: open it in this computer's browser", theme.hint());
    }
    let qr = shared.qr(link);
    let rest = col.rest();
    if qr.fits(rest) {
        qr.render(rest, col.buf, theme);
    }
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
