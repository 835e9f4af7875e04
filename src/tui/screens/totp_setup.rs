//! Setting up an authenticator app: a QR code of the `otpauth://` URI the server returned
//! (beside the text when there is room, else under it, else full screen with `v`), the secret
//! in groups of four for typing by hand, and the code that confirms it.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use secrecy::ExposeSecret;

use super::common::{Column, qr_below};
use super::component::Component;
use super::form::{CodeField, Notes};
use super::keymap::{Bar, Binding, Key, bind};
use super::shared::{Cx, Drawn, Printout, QrToggle, View, qr_key};
use crate::app::{AccountTask, Action, App};

/// The text column needs this much beside a QR code.
const TEXT_WIDTH: u16 = 44;
const COPIED: &str = "The secret was sent to the terminal's clipboard (OSC 52). If your terminal blocks clipboard writes, nothing was copied.";

/// The secret in groups of four, as authenticator apps show and accept it.
pub(crate) fn grouped(secret: &str) -> String {
    secret
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn enrolment(app: &App) -> Option<(&str, &str)> {
    match &app.account {
        Some(AccountTask::EnrolTotp { secret, uri }) => {
            Some((secret.expose_secret(), uri.expose_secret()))
        }
        _ => None,
    }
}

#[derive(Debug)]
pub(crate) struct TotpForm {
    code: CodeField,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Type,
    Qr(QrToggle),
    Copy,
}

const KEYS: &[Binding<TotpForm, Cmd>] = &[
    bind(&[Key::Digits('0')], Cmd::Type, "type the app's code"),
    // The status bar keeps to the code and the way out; help lists the rest.
    qr_key(QrToggle::Invert, Cmd::Qr(QrToggle::Invert)),
    qr_key(QrToggle::FullBlock, Cmd::Qr(QrToggle::FullBlock)),
    bind(&[Key::Char('c')], Cmd::Copy, "copy the secret (OSC 52)").bar(Bar::Hide),
    bind(&[Key::ENTER], Cmd::Type, "check the code").bar(Bar::Hide),
    bind(
        &[Key::BACKSPACE, Key::DELETE, Key::Ctrl('u')],
        Cmd::Type,
        "correct the last digit, clear all",
    )
    .bar(Bar::Hide),
];

impl TotpForm {
    pub(crate) fn new() -> Self {
        TotpForm {
            code: CodeField::new("Code from the authenticator app"),
        }
    }
}

impl Component for TotpForm {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        match cmd {
            Cmd::Qr(toggle) => cx.shared.toggle_qr(toggle),
            Cmd::Copy => {
                if let Some((secret, _)) = enrolment(cx.app) {
                    cx.shared.request_copy(secret.to_string(), COPIED);
                }
            }
            Cmd::Type => {
                if let Some(code) = self.code.key(cx.app, key) {
                    return vec![Action::VerifyTotp(code)];
                }
            }
        }
        Vec::new()
    }

    fn on_other_key(&mut self, app: &App, key: KeyEvent) {
        // Letters are refused with a sentence; never a submission.
        let _ = self.code.key(app, key);
    }

    fn on_paste(&mut self, cx: &mut Cx<'_>, text: &str) -> Vec<Action> {
        self.code
            .paste(cx.app, text)
            .map(|code| vec![Action::VerifyTotp(code)])
            .unwrap_or_default()
    }

    fn esc(&self) -> Option<&'static str> {
        Some("cancel")
    }

    fn notes(&mut self) -> Option<&mut Notes> {
        Some(&mut self.code.notes)
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(self.draw(buf, area, view))
    }

    fn qr(&self, app: &App) -> Option<String> {
        enrolment(app).map(|(_, uri)| uri.to_string())
    }

    fn as_text(&self, app: &App) -> Option<Printout> {
        enrolment(app).map(|(_, uri)| Printout {
            heading: "The authenticator app's address (otpauth URI), with the secret in it:",
            help: "show the otpauth:// address as plain text",
            text: uri.to_string(),
        })
    }

    fn state(&self, _app: &App) -> String {
        "Authenticator app setup".to_string()
    }

    fn title(&self) -> &'static str {
        "Set up an authenticator app"
    }
}

impl TotpForm {
    fn draw(&self, buf: &mut Buffer, area: Rect, view: &View<'_>) -> Option<Position> {
        let (app, theme) = (view.app, view.theme);
        let (secret, uri) = enrolment(app)?;
        let qr = view.shared.qr(uri);
        // Beside the text when both fit, else under it (where the widget may say what it needs).
        let beside = qr
            .required_size()
            .filter(|(w, h)| area.width >= w + 2 + TEXT_WIDTH && area.height >= *h);
        let text_area = match beside {
            Some((w, _)) => Rect::new(area.x, area.y, area.width - w - 2, area.height),
            None => area,
        };
        let mut col = Column::new(buf, text_area, theme);
        col.line("Set up an authenticator app", theme.title());
        col.gap();
        col.wrapped(
            "Scan the QR code with an authenticator app, or type this secret into it:",
            theme.text(),
        );
        col.line_at(2, &grouped(secret), theme.title());
        col.wrapped(
            "Then type the 6-digit code the app shows to finish.",
            theme.text(),
        );
        col.gap();
        let cursor = self.code.draw(&mut col, app);
        if let Some(copied) = view.shared.copied {
            col.wrapped(copied, theme.text());
        }
        let notice = self.code.form_notice(app);
        col.notice(app, notice);
        match beside {
            Some((w, _)) => {
                let at = Rect::new(area.right() - w, area.y, w, area.height);
                qr.render(at, col.buf, theme);
            }
            None => {
                col.gap();
                qr_below(&mut col, &qr);
            }
        }
        cursor
    }
}
