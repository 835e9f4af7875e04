//! The session token on the signed-in screen: its lifetime in server time, whether the
//! JWKS check verified its signature, its header and its claims decoded (times as dates).

use serde_json::Value;

use super::common::{Column, duration, utc};
use crate::app::{App, REFRESH_BEFORE_MS, SignedIn, TokenCheck};

/// Claims that hold a time (seconds since the epoch) and read better as a date.
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];
/// Claim names are padded to this width, as the rows above them.
const LABEL: usize = 12;

pub(crate) fn token(col: &mut Column<'_>, app: &App, signed_in: &SignedIn) {
    let theme = col.theme;
    let Some(jwt) = signed_in.jwt.as_deref() else {
        let what = if signed_in.minting {
            "Session token: minting a fresh one…"
        } else {
            "Session token: none yet. Press r to mint one."
        };
        col.line(what, theme.text());
        return;
    };
    let life = match (app.token_secs_left(), signed_in.minting) {
        (Some(secs), false) if secs >= 0 => format!(
            "valid for {} more; renewed {} s before expiry",
            duration(secs),
            REFRESH_BEFORE_MS / 1000
        ),
        (Some(secs), true) if secs >= 0 => {
            format!("valid for {} more; renewing it now…", duration(secs))
        }
        (Some(_), true) => "expired; a fresh one is on its way…".to_string(),
        (Some(_), false) => "expired; press r for a fresh one".to_string(),
        (None, _) => "no expiry claim".to_string(),
    };
    col.line(&format!("Session token (JWT), {life}:"), theme.title());
    let Some(decoded) = crate::flow::decode_jwt(jwt) else {
        col.line_at(2, "The token is not a readable JWT.", theme.text());
        return;
    };
    verification(col, app, signed_in);
    let header = ["alg", "kid", "typ"]
        .iter()
        .filter_map(|k| Some(format!("{k} {}", plain(decoded.header.get(*k)?))))
        .collect::<Vec<_>>()
        .join(" · ");
    if !header.is_empty() {
        col.spans(&[
            ("  ", theme.text()),
            (&format!("{:<LABEL$}", "header"), theme.hint()),
            (&header, theme.text()),
        ]);
    }
    if let Value::Object(claims) = &decoded.claims {
        let rows: Vec<(String, String)> = claims
            .iter()
            .map(|(name, value)| {
                let mut text = plain(value);
                if TIME_CLAIMS.contains(&name.as_str())
                    && let Some(secs) = value.as_i64()
                {
                    text = format!("{text} ({})", utc(secs.saturating_mul(1000)));
                }
                (name.clone(), text)
            })
            .collect();
        // Leave room for a notice under the claims. What does not fit one to a row is
        // packed several to a row, so a small terminal shows every claim too.
        let room = usize::from(col.rows_left().saturating_sub(2));
        let single = if rows.len() > room {
            room.saturating_sub(2)
        } else {
            rows.len()
        };
        for (name, text) in &rows[..single] {
            col.spans(&[
                ("  ", theme.text()),
                (&format!("{name:<LABEL$}"), theme.hint()),
                (text, theme.text()),
            ]);
        }
        if single < rows.len() {
            let packed = rows[single..]
                .iter()
                .map(|(name, text)| format!("{name} {text}"))
                .collect::<Vec<_>>()
                .join(" · ");
            col.wrapped_at(2, &packed, theme.text());
        }
    }
}

/// What the JWKS said about the token's signature, in one line.
fn verification(col: &mut Column<'_>, app: &App, signed_in: &SignedIn) {
    let theme = col.theme;
    let whose = if app.backend.is_embedded() {
        "the emulator's"
    } else {
        "the instance's"
    };
    match &signed_in.check {
        None => col.line_at(
            2,
            &format!("Signature: checking with {whose} JWKS…"),
            theme.hint(),
        ),
        Some(TokenCheck {
            outcome: Ok(()),
            kid,
            ..
        }) => col.wrapped_at(
            2,
            &format!(
                "Signature verified with {whose} JWKS (kid {}).",
                kid.as_deref().unwrap_or("?")
            ),
            theme.text(),
        ),
        Some(TokenCheck {
            outcome: Err(why), ..
        }) => col.wrapped_at(
            2,
            &format!("Error: signature not verified: {why}."),
            theme.error(),
        ),
    }
}

/// A claim value on one line: strings bare, everything else as compact JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
