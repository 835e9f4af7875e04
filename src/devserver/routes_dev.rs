//! Emulator-only endpoints under `/__dev/` (loopback clients only unless enabled): the outbox,
//! users, current TOTP codes, the clock, reset to the seed, sign-in tickets, an HTML overview.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::crypto::new_id;
use super::errors::ApiError;
use super::model::{OutboxMessage, SignInTokenRec, UserRec};
use super::params::{DevJson, Query};
use super::request::PathParam;
use super::seed::UserSpec;
use super::state::Emulator;
use super::totp;

pub fn outbox_json(m: &OutboxMessage) -> Value {
    json!({
        "id": m.id, "to": m.to, "channel": m.channel, "kind": m.kind,
        "strategy": m.strategy, "code": m.code, "link": m.link,
        "sign_in_id": m.sign_in_id, "subject": m.subject, "body": m.body, "created_at": m.created_at,
    })
}

fn filtered(app: &Emulator, to: Option<&str>, since: Option<i64>) -> Vec<OutboxMessage> {
    let st = app.lock();
    st.outbox
        .iter()
        .rev()
        .filter(|m| to.is_none_or(|t| m.to.eq_ignore_ascii_case(t.trim())))
        .filter(|m| since.is_none_or(|s| m.created_at >= s))
        .cloned()
        .collect()
}

/// `GET /__dev/outbox?to=&since=&wait=`: a recipient, Unix milliseconds, seconds to wait.
#[derive(Deserialize)]
pub struct OutboxQuery {
    to: Option<String>,
    since: Option<i64>,
    wait: Option<f64>,
}

/// `GET /__dev/outbox?to=&since=&wait=`: newest first; with `wait`, an empty answer is held
/// up to that many seconds until a matching message arrives.
pub async fn outbox(
    State(app): State<Arc<Emulator>>,
    Query(q): Query<OutboxQuery>,
) -> Result<Response, ApiError> {
    let to = q.to.as_deref();
    let since = q.since;
    let wait = match q.wait {
        Some(w) if !w.is_finite() || w < 0.0 => {
            return Err(ApiError::format_invalid(
                "wait",
                "wait must be a number of seconds.",
            ));
        }
        Some(w) => w.min(60.0),
        None => 0.0,
    };
    let mut rx = app.outbox_version.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(wait);
    loop {
        let messages = filtered(&app, to, since);
        if !messages.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(
                axum::Json(messages.iter().map(outbox_json).collect::<Vec<_>>()).into_response(),
            );
        }
        if tokio::time::timeout_at(deadline, rx.changed())
            .await
            .is_err()
        {
            return Ok(axum::Json(Vec::<Value>::new()).into_response());
        }
    }
}

fn user_summary(u: &UserRec) -> Value {
    json!({
        "id": u.id,
        "email_address": u.primary_email().map(|e| e.email.clone()),
        "phone_number": u.phones.first().map(|p| p.phone.clone()),
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "password_enabled": u.password_hash.is_some(),
        "totp_enabled": u.totp_enabled(),
        "second_factor_phone": u.mfa_phones().next().is_some(),
        "backup_codes_remaining": u.backup_codes.len(),
        "needs_client_trust": u.needs_client_trust,
        "needs_password_reset": u.needs_password_reset,
        "locked": u.locked,
        "lockout_until": u.lockout_until,
        "created_at": u.created_at,
    })
}

pub async fn list_users(State(app): State<Arc<Emulator>>) -> Response {
    let st = app.lock();
    axum::Json(st.users.values().map(user_summary).collect::<Vec<_>>()).into_response()
}

pub async fn create_user(
    State(app): State<Arc<Emulator>>,
    DevJson(spec): DevJson<UserSpec>,
) -> Result<Response, ApiError> {
    spec.validate()
        .map_err(|e| ApiError::value_invalid("body", &e))?;
    // Checked before hashing (cheap refusal) and again under the lock that saves, since
    // concurrent creates of one identifier all pass the first check while they hash.
    ensure_identifiers_free(&app.lock(), &spec)?;
    let hash = match spec.password.clone() {
        Some(pw) => Some(app.hasher.hash(super::model::Hidden::new(pw)).await?),
        None => None,
    };
    let now = app.clock.now_ms();
    let user = spec.to_user(hash, |c| app.keys.mac("backup_code", c), now);
    let summary = user_summary(&user);
    let mut st = app.lock();
    ensure_identifiers_free(&st, &spec)?;
    st.save_user(user)?;
    Ok((StatusCode::CREATED, axum::Json(summary)).into_response())
}

fn ensure_identifiers_free(st: &super::state::Db, spec: &UserSpec) -> Result<(), ApiError> {
    for ident in [&spec.email_address, &spec.phone_number, &spec.username]
        .into_iter()
        .flatten()
    {
        if st.identifier_taken(ident) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "form_identifier_exists",
                "taken",
                &format!("{ident} is already taken."),
            )
            .param("identifier"));
        }
    }
    Ok(())
}

fn find_user(app: &Emulator, key: &str) -> Option<UserRec> {
    let st = app.lock();
    st.users
        .get(key)
        .cloned()
        .or_else(|| st.find_user(key).cloned())
}

/// `GET /__dev/totp/{user id or identifier}`
pub async fn totp_code(
    State(app): State<Arc<Emulator>>,
    PathParam(key): PathParam<String>,
) -> Result<Response, ApiError> {
    let user = find_user(&app, &key).ok_or_else(|| ApiError::not_found("user"))?;
    let t = user
        .totp
        .as_ref()
        .filter(|t| t.verified_at.is_some())
        .ok_or_else(|| ApiError::not_found("TOTP for this user"))?;
    let (code, left) = totp::current(t.secret.expose(), app.clock.now_secs())
        .ok_or_else(|| ApiError::not_found("valid TOTP secret"))?;
    Ok(axum::Json(json!({"user_id": user.id, "code": code, "seconds_left": left})).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    shift_seconds: Option<i64>,
    freeze: Option<bool>,
}

/// `POST /__dev/clock {"shift_seconds": 600}` / `{"freeze": true}` / `{"freeze": false}`
pub async fn clock(
    State(app): State<Arc<Emulator>>,
    DevJson(b): DevJson<ClockBody>,
) -> Result<Response, ApiError> {
    match b.freeze {
        Some(true) => app.clock.freeze(),
        Some(false) => app.clock.unfreeze(),
        None => {}
    }
    if let Some(s) = b.shift_seconds {
        app.clock.shift_ms(s.saturating_mul(1000));
    }
    let (offset, frozen) = app.clock.describe();
    Ok(
        axum::Json(json!({"now": app.clock.now_ms(), "offset_ms": offset, "frozen": frozen}))
            .into_response(),
    )
}

/// `POST /__dev/reset`: back to the seed (every client, session and message is gone).
pub async fn reset(State(app): State<Arc<Emulator>>) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let users = {
        let mut st = app.lock();
        st.apply_seed(&app.seed, &app.keys, now)?;
        st.users.len()
    };
    app.rate.lock().unwrap_or_else(|e| e.into_inner()).clear();
    app.notify_outbox();
    Ok(axum::Json(json!({"reset": true, "users": users})).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketBody {
    user_id: Option<String>,
    identifier: Option<String>,
    expires_in_seconds: Option<i64>,
}

/// `POST /__dev/sign_in_tokens {"identifier": "ada@example.com"}`: a single-use ticket for the
/// `ticket` strategy.
pub async fn sign_in_token(
    State(app): State<Arc<Emulator>>,
    DevJson(b): DevJson<TicketBody>,
) -> Result<Response, ApiError> {
    let key = b
        .user_id
        .or(b.identifier)
        .ok_or_else(|| ApiError::missing("user_id"))?;
    let user = find_user(&app, &key).ok_or_else(|| ApiError::not_found("user"))?;
    let now = app.clock.now_ms();
    let ttl = b
        .expires_in_seconds
        .unwrap_or(30 * 24 * 3600)
        .clamp(1, 315_360_000);
    let t = SignInTokenRec {
        id: new_id("sit"),
        user_id: user.id.clone(),
        created_at: now,
        expires_at: now + ttl * 1000,
        used: false,
    };
    let token = app.keys.sign_hs256(&json!({"k": "ticket", "id": t.id}));
    let body = json!({
        "object": "sign_in_token", "id": t.id, "user_id": t.user_id, "token": token, "status": "pending",
        "url": format!("{}/__dev/?__clerk_ticket={token}", app.base_url), "created_at": now, "updated_at": now, "expires_at": t.expires_at,
    });
    app.lock().save_ticket(t)?;
    Ok(axum::Json(body).into_response())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /__dev/`: outbox and users on one page.
pub async fn index(State(app): State<Arc<Emulator>>) -> Html<String> {
    let (users, messages) = {
        let st = app.lock();
        (
            st.users.values().cloned().collect::<Vec<_>>(),
            st.outbox.iter().rev().take(50).cloned().collect::<Vec<_>>(),
        )
    };
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=utf-8><meta http-equiv=refresh content=5><title>clerk-tui dev server</title><style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}code{background:#f3f3f3}</style></head><body>",
    );
    html.push_str(&format!("<h1>clerk-tui dev server</h1><p>Frontend API at <code>{}</code> &middot; page refreshes every 5 s</p>", esc(&app.base_url)));
    html.push_str("<h2>Outbox</h2><table><tr><th>when (ms)</th><th>to</th><th>kind</th><th>code / link</th></tr>");
    for m in &messages {
        let what = match (&m.code, &m.link) {
            (Some(c), _) => format!("<code>{}</code>", esc(c)),
            (_, Some(l)) => format!("<a href=\"{0}\">{0}</a>", esc(l)),
            _ => String::new(),
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{what}</td></tr>",
            m.created_at,
            esc(&m.to),
            esc(&m.kind)
        ));
    }
    html.push_str("</table><h2>Users</h2><table><tr><th>id</th><th>identifier</th><th>password</th><th>TOTP</th><th>backup codes left</th><th>flags</th></tr>");
    for u in &users {
        let mut flags = Vec::new();
        if u.needs_client_trust {
            flags.push("client trust")
        }
        if u.needs_password_reset {
            flags.push("must reset password")
        }
        if u.locked || u.lockout_until.is_some_and(|t| t > app.clock.now_ms()) {
            flags.push("locked")
        }
        if u.mfa_phones().next().is_some() {
            flags.push("SMS 2FA")
        }
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&u.id), esc(&u.display_identifier()), u.password_hash.is_some(), u.totp_enabled(), u.backup_codes.len(), flags.join(", ")
        ));
    }
    html.push_str("</table></body></html>");
    Html(html)
}
