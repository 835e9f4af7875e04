//! Waiting for something finished elsewhere: an email link (where it went, a quiet "checking
//! every second", its expiry, resend after the cooldown) or a browser hand-off for OAuth and
//! enterprise SSO (the address as one unwrapped line to select, and a QR code when it fits).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::Ui;
use super::common::{self, Column, clock, duration};
use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Step};
use crate::tui::Theme;
use crate::tui::widgets::{KeyHelp, QrStyle, QrWidget, sanitize};

fn current(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

/// The address the browser must open, once the server gave it.
fn hand_off_url(app: &App, f: &FactorStep) -> Option<String> {
    let sign_in = app.sign_in.as_ref()?;
    f.stage
        .verification(sign_in)?
        .external_verification_redirect_url
        .clone()
        .filter(|u| !u.is_empty())
}

fn is_link(f: &FactorStep) -> bool {
    *f.strategy() == Strategy::EmailLink
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let f = current(app)?;
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    if is_link(&f) {
        email_link(&mut col, app, &f);
        if f.sent {
            dev_link(&mut col, app, ui);
        }
    } else {
        hand_off(&mut col, app, ui, &f);
    }
    Some(cursor)
}

fn checking_line(app: &App) -> String {
    match (app.polling, app.last_poll_at) {
        (true, Some(at)) => format!(
            "Checking every second (last checked {} ago).",
            duration((app.now_ms - at) / 1000)
        ),
        (true, None) => "Checking every second.".to_string(),
        (false, _) => "Not checking right now.".to_string(),
    }
}

fn email_link(col: &mut Column<'_>, app: &App, f: &FactorStep) {
    let theme = col.theme;
    let target = common::target(&f.factor).unwrap_or_else(|| "your email address".to_string());
    col.line("Check your email", theme.title());
    if let Some(who) = super::factor::who(app) {
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
fn dev_link(col: &mut Column<'_>, app: &App, ui: &mut Ui) {
    let Some(link) = dev_link_for(app) else {
        return;
    };
    let theme = col.theme;
    col.gap();
    col.line(
        "DEV: the emulator sent this link (open it to sign in):",
        theme.hint(),
    );
    let at = col.here();
    col.unwrapped(&link, theme.key());
    ui.hyperlink = super::handoff::hyperlink(at, col.buf.area.right(), &link, theme);
    if app.display_available {
        col.line("w: open it in this computer's browser", theme.hint());
    }
    let style = if ui.qr_full_block {
        QrStyle::FullBlock
    } else {
        QrStyle::HalfBlock
    };
    let qr = QrWidget::new(link).style(style).inverted(ui.qr_inverted);
    let rest = col.rest();
    if qr.fits(rest) {
        qr.render(rest, col.buf, theme);
    }
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

fn hand_off(col: &mut Column<'_>, app: &App, ui: &mut Ui, f: &FactorStep) {
    let theme = col.theme;
    let title = match crate::app::handoff::providers(app)
        .into_iter()
        .find(|(s, _)| s == f.strategy())
    {
        Some((_, name)) => format!("Sign in with {} in a browser", sanitize(&name)),
        None => format!("{} in a browser", common::describe(&f.factor)),
    };
    col.line(&title, theme.title());
    col.gap();
    if f.ended.is_some() || app.expires_in_secs() == Some(0) {
        col.wrapped(
            "This browser sign-in has ended without signing in. Press r to start it again, or Esc to go back.",
            theme.text(),
        );
        col.notice(app, app.notice.as_ref());
        return;
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
        return;
    };
    col.wrapped(
        "Open this address in a browser on any device. This screen moves on by itself when you finish there:",
        theme.text(),
    );
    let at = col.here();
    col.unwrapped(&url, theme.key());
    ui.hyperlink = super::handoff::hyperlink(at, col.buf.area.right(), &url, theme);
    col.line(&checking_line(app), theme.text());
    if let Some(secs) = app.expires_in_secs() {
        col.line(
            &format!("The address expires in {}.", duration(secs)),
            theme.text(),
        );
    }
    if let Some(copied) = ui.copied {
        col.wrapped(copied, theme.text());
    }
    col.notice(app, app.notice.as_ref());
    col.line(&super::handoff::hint_line(app), theme.hint());
    let style = if ui.qr_full_block {
        QrStyle::FullBlock
    } else {
        QrStyle::HalfBlock
    };
    let qr = QrWidget::new(url.clone())
        .style(style)
        .inverted(ui.qr_inverted);
    let rest = col.rest();
    if qr.fits(rest) {
        qr.render(rest, col.buf, theme);
    } else if let Some((w, h)) = qr.required_size() {
        col.wrapped(
            &format!(
                "A QR code of this address needs {w}×{h} free cells; enlarge the terminal to scan it."
            ),
            theme.hint(),
        );
    }
}

pub(crate) fn state(app: &App) -> String {
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

pub(crate) fn keys(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    let mut keys = Vec::new();
    if app.resend_secs().is_none() {
        keys.push(KeyHelp {
            keys: "r",
            action: "send again",
        });
    }
    keys.push(KeyHelp {
        keys: "m",
        action: "other method",
    });
    keys.push(KeyHelp {
        keys: "Esc",
        action: "cancel",
    });
    if !matches!(&ui.screen, super::ScreenId::Waiting(_, Strategy::EmailLink)) {
        keys.push(KeyHelp {
            keys: "c",
            action: "copy the address (OSC 52)",
        });
        keys.push(KeyHelp {
            keys: "i, f",
            action: "invert the QR code, full-block QR code",
        });
    }
    if app.display_available {
        keys.push(KeyHelp {
            keys: "w",
            action: "open the address in this computer's browser",
        });
    }
    keys
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => vec![Action::Back],
        // While the poller runs its own retries; `r` then means a new link, not the last call.
        KeyCode::Char('r') if common::can_retry(app) => {
            vec![Action::Retry]
        }
        KeyCode::Char('r') => match current(app) {
            // A browser hand-off starts over as a new sign-in with the same provider.
            Some(f) if crate::app::handoff::is_hand_off(f.strategy()) => {
                vec![Action::StartOAuth(f.strategy().clone())]
            }
            _ => vec![Action::SendCode],
        },
        KeyCode::Char('w') if app.display_available => {
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
        KeyCode::Char('i') => {
            ui.qr_inverted = !ui.qr_inverted;
            Vec::new()
        }
        KeyCode::Char('f') => {
            ui.qr_full_block = !ui.qr_full_block;
            Vec::new()
        }
        KeyCode::Char('c') => {
            if let Some(url) = current(app).and_then(|f| hand_off_url(app, &f)) {
                ui.request_copy(
                    url,
                    "Copy sent to the terminal (OSC 52). If your terminal blocks clipboard writes, select the line instead.",
                );
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
