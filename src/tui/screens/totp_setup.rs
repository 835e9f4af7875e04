//! Setting up an authenticator app: a QR code of the `otpauth://` URI the server returned
//! (beside the text when there is room, else under it, else the size it needs and the URI as
//! text), the secret in groups of four for typing by hand, and the code that confirms it.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use secrecy::ExposeSecret;

use super::Ui;
use super::common::Column;
use crate::app::{AccountTask, Action, App};
use crate::tui::Theme;
use crate::tui::widgets::{KeyHelp, Outcome, QrStyle, QrWidget};

const CODE_PARAMS: &[&str] = &["code"];
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

/// The QR widget for the URI, in the style the user chose.
pub(crate) fn qr(uri: &str, ui: &Ui) -> QrWidget {
    let style = if ui.qr_full_block {
        QrStyle::FullBlock
    } else {
        QrStyle::HalfBlock
    };
    QrWidget::new(uri).style(style).inverted(ui.qr_inverted)
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let (secret, uri) = enrolment(app)?;
    let qr = qr(uri, ui);
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
    let error = ui
        .local_error
        .clone()
        .or_else(|| ui.field_error(app, CODE_PARAMS));
    ui.code.set_error(error);
    let cursor = ui.code.render(
        col.take(ui.code.height(col.area.width)),
        col.buf,
        theme,
        true,
    );
    if let Some(copied) = ui.copied {
        col.wrapped(copied, theme.text());
    }
    let notice = ui.form_notice(app, CODE_PARAMS);
    col.notice(app, notice);
    match beside {
        Some((w, _)) => {
            let at = Rect::new(area.right() - w, area.y, w, area.height);
            qr.render(at, col.buf, theme);
        }
        None => {
            col.gap();
            let rest = col.rest();
            qr.render(rest, col.buf, theme);
        }
    }
    cursor
}

pub(crate) fn state() -> String {
    "Authenticator app setup".to_string()
}

pub(crate) fn keys() -> Vec<KeyHelp> {
    vec![
        KeyHelp {
            keys: "0-9",
            action: "type the app's code",
        },
        KeyHelp {
            keys: "Esc",
            action: "cancel",
        },
        KeyHelp {
            keys: "i",
            action: "invert the QR code",
        },
        KeyHelp {
            keys: "f",
            action: "full-block QR code (larger)",
        },
        KeyHelp {
            keys: "c",
            action: "copy the secret (OSC 52)",
        },
        KeyHelp {
            keys: "Enter",
            action: "check the code",
        },
    ]
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => return vec![Action::Back],
        KeyCode::Char('i') if plain => {
            ui.qr_inverted = !ui.qr_inverted;
            return Vec::new();
        }
        KeyCode::Char('f') if plain => {
            ui.qr_full_block = !ui.qr_full_block;
            return Vec::new();
        }
        KeyCode::Char('c') if plain => {
            if let Some((secret, _)) = enrolment(app) {
                ui.request_copy(secret.to_string(), COPIED);
            }
            return Vec::new();
        }
        _ => {}
    }
    let outcome = ui.code.handle_key(key);
    ui.outcome(app, &outcome);
    match outcome {
        Outcome::Complete | Outcome::Submit => vec![Action::VerifyTotp(ui.code.take_code())],
        _ => Vec::new(),
    }
}
