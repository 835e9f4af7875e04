//! The signed-in screen: who (name, primary identifier), the session (id, status, expiry), and
//! a fresh session token (JWT) with its claims decoded and its remaining lifetime counting down;
//! refresh, sign out of this or every session, quit.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use serde_json::Value;

use super::Ui;
use super::common::{Column, duration, utc};
use crate::app::{Action, App};
use crate::tui::Theme;
use crate::tui::widgets::KeyHelp;

/// Claims that hold a time (seconds since the epoch) and read better as a date.
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];
const LABEL: usize = 12;
const COPIED: &str = "Copy sent to the terminal (OSC 52). If your terminal blocks clipboard writes, nothing was copied.";

fn who(app: &App) -> (Option<String>, Option<String>) {
    let session = app.session();
    let user = app.user();
    let name = user.and_then(|u| u.full_name()).or_else(|| {
        let p = session?.public_user_data.as_ref()?;
        let parts: Vec<&str> = [p.first_name.as_deref(), p.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    let identifier = user
        .and_then(|u| {
            u.primary_email()
                .map(str::to_string)
                .or_else(|| u.primary_phone_number().map(|p| p.phone_number.clone()))
                .or_else(|| u.username.clone())
        })
        .or_else(|| session?.display_identifier().map(str::to_string))
        .or_else(|| app.identifier.clone());
    (name, identifier)
}

pub(crate) fn render(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
) -> Option<Position> {
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    let signed_in = app.signed_in.clone().unwrap_or_default();
    let (name, identifier) = who(app);
    col.line("Signed in", theme.title());
    col.gap();
    let row = |col: &mut Column<'_>, label: &str, value: &str| {
        col.spans(&[
            (&format!("{label:<LABEL$}"), theme.hint()),
            (value, theme.text()),
        ]);
    };
    if let Some(name) = &name {
        row(&mut col, "Name", name);
    }
    row(
        &mut col,
        "Identifier",
        identifier.as_deref().unwrap_or("(unknown)"),
    );
    if let Some(user) = app.user() {
        row(&mut col, "User ID", &user.id);
    }
    let session = app.session();
    let status = session
        .map(|s| s.status.as_str().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    row(
        &mut col,
        "Session",
        &format!("{} ({status})", signed_in.session_id),
    );
    if let Some(at) = session.and_then(|s| s.expire_at) {
        row(
            &mut col,
            "Expires",
            &format!("{} (in {})", utc(at), duration((at - app.now_ms) / 1000)),
        );
    }
    col.gap();
    token(
        &mut col,
        app,
        signed_in.jwt.as_deref(),
        signed_in.jwt_expires_at,
    );
    if let Some(copied) = ui.copied {
        col.wrapped(copied, theme.text());
    }
    col.notice(app, app.notice.as_ref());
    Some(cursor)
}

fn token(col: &mut Column<'_>, app: &App, jwt: Option<&str>, expires_at: Option<i64>) {
    let theme = col.theme;
    let Some(jwt) = jwt else {
        let what = if app.busy.is_some() {
            "Session token: minting a fresh one…"
        } else {
            "Session token: none yet. Press r to mint one."
        };
        col.line(what, theme.text());
        return;
    };
    let life = match expires_at {
        Some(at) if at > app.now_ms => {
            format!(
                "valid for {} more",
                duration((at - app.now_ms + 999) / 1000)
            )
        }
        Some(_) => "expired; press r for a fresh one".to_string(),
        None => "no expiry claim".to_string(),
    };
    col.line(&format!("Session token (JWT), {life}:"), theme.title());
    let Some(decoded) = crate::flow::decode_jwt(jwt) else {
        col.line_at(2, "The token is not a readable JWT.", theme.text());
        return;
    };
    let header = ["alg", "kid", "typ"]
        .iter()
        .filter_map(|k| Some(format!("{k} {}", plain(decoded.header.get(*k)?))))
        .collect::<Vec<_>>()
        .join(" · ");
    if let Value::Object(claims) = &decoded.claims {
        // Leave room for the header line and a notice.
        let room = usize::from(col.rows_left().saturating_sub(2));
        let shown = if claims.len() > room {
            room.saturating_sub(1)
        } else {
            claims.len()
        };
        for (name, value) in claims.iter().take(shown) {
            let mut text = plain(value);
            if TIME_CLAIMS.contains(&name.as_str())
                && let Some(secs) = value.as_i64()
            {
                text = format!("{text} ({})", utc(secs.saturating_mul(1000)));
            }
            col.spans(&[
                ("  ", theme.text()),
                (&format!("{name:<LABEL$}"), theme.hint()),
                (&text, theme.text()),
            ]);
        }
        if shown < claims.len() {
            col.line_at(
                2,
                &format!(
                    "… {} more claims (enlarge the terminal)",
                    claims.len() - shown
                ),
                theme.hint(),
            );
        }
    }
    if !header.is_empty() {
        col.spans(&[
            ("  ", theme.text()),
            (&format!("{:<LABEL$}", "header"), theme.hint()),
            (&header, theme.text()),
        ]);
    }
}

/// A claim value on one line: strings bare, everything else as compact JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn state(app: &App) -> String {
    match who(app).1 {
        Some(id) => format!("Signed in as {id}"),
        None => "Signed in".to_string(),
    }
}

pub(crate) fn keys() -> Vec<KeyHelp> {
    vec![
        KeyHelp {
            keys: "r",
            action: "new token",
        },
        KeyHelp {
            keys: "s",
            action: "sign out",
        },
        KeyHelp {
            keys: "q",
            action: "quit",
        },
        KeyHelp {
            keys: "S",
            action: "sign out of all sessions",
        },
        KeyHelp {
            keys: "c",
            action: "copy the session token (OSC 52)",
        },
    ]
}

pub(crate) fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return Vec::new();
    }
    match key.code {
        KeyCode::Char('c') => {
            match app.signed_in.as_ref().and_then(|s| s.jwt.clone()) {
                Some(jwt) => ui.request_copy(jwt, COPIED),
                None => ui.copied = Some("There is no session token to copy yet."),
            }
            Vec::new()
        }
        KeyCode::Char('r') => vec![Action::RefreshToken],
        KeyCode::Char('s') => vec![Action::SignOut { all: false }],
        KeyCode::Char('S') => vec![Action::SignOut { all: true }],
        KeyCode::Char('q') => vec![Action::Quit],
        _ => Vec::new(),
    }
}
