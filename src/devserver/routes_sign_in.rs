//! Sign-in endpoints: create, read, reset password (the factor endpoints are in
//! `routes_factors.rs`).
//! Every answer is `{response: SignIn, client: Client}`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::crypto;
use super::errors::ApiError;
use super::factors::{self, Slot};
use super::model::{Hidden, SignInRec, VerificationRec};
use super::render;
use super::request::{PathParam, Req, ensure_client, envelope, existing_client};
use super::seed::{normalize_email, normalize_phone};
use super::signin::{self, SIGN_IN_ABANDON_MS, Status};
use super::state::{App, State as Store};

pub(super) const FIRST_FACTOR_CODES: [&str; 4] = [
    "email_code",
    "phone_code",
    "reset_password_email_code",
    "reset_password_phone_code",
];
const KNOWN_STRATEGIES: [&str; 7] = [
    "password",
    "email_code",
    "email_link",
    "phone_code",
    "reset_password_email_code",
    "reset_password_phone_code",
    "ticket",
];

pub(super) fn reply(app: &App, st: &Store, si_id: &str, client_id: &str, req: &Req) -> Response {
    let now = app.clock.now_ms();
    let si = st
        .sign_ins
        .get(si_id)
        .map(|si| render::sign_in(st, si, now))
        .unwrap_or(serde_json::Value::Null);
    envelope(
        si,
        render::client(app, st, client_id, now, req.origin.as_deref()),
        Some(client_id),
    )
}

/// Loads a sign-in of the caller's client, 404 otherwise (also once abandoned).
pub(super) fn load(
    st: &Store,
    req: &Req,
    id: &str,
    now: i64,
) -> Result<(SignInRec, String), ApiError> {
    let client_id = existing_client(st, req).ok_or_else(|| ApiError::not_found("sign in"))?;
    let si = st
        .sign_ins
        .get(id)
        .filter(|si| si.client_id == client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("sign in"))?;
    if signin::status_of(st, &si, now) == Status::Abandoned {
        return Err(ApiError::not_found("sign in"));
    }
    Ok((si, client_id))
}

/// Saves `si` and answers with it, or answers the error (after saving, so attempt counters
/// and expiries stick).
pub(super) fn finish(
    app: &App,
    st: &mut Store,
    si: SignInRec,
    client_id: &str,
    req: &Req,
    outcome: Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let id = si.id.clone();
    st.save_sign_in(si)?;
    outcome?;
    signin::advance(st, &id, app.clock.now_ms(), false)?;
    Ok(reply(app, st, &id, client_id, req))
}

pub(super) fn redeem_ticket(
    app: &App,
    st: &mut Store,
    ticket: &str,
    now: i64,
) -> Result<(String, i64), ApiError> {
    let invalid =
        || ApiError::value_invalid("ticket", "The ticket is invalid, already used or expired.");
    let claims = app.keys.verify_hs256(ticket).ok_or_else(invalid)?;
    if claims.get("k").and_then(|k| k.as_str()) != Some("ticket") {
        return Err(invalid());
    }
    let id = claims
        .get("id")
        .and_then(|v| v.as_str())
        .ok_or_else(invalid)?;
    let mut t = st.tickets.get(id).cloned().ok_or_else(invalid)?;
    if t.used || now >= t.expires_at || !st.users.contains_key(&t.user_id) {
        return Err(invalid());
    }
    t.used = true;
    let out = (t.user_id.clone(), t.expires_at);
    st.save_ticket(t)?;
    Ok(out)
}

pub(super) fn ticket_verification(expires_at: i64, now: i64) -> VerificationRec {
    VerificationRec {
        strategy: "ticket".into(),
        status: "verified".into(),
        expire_at: Some(expires_at),
        verified_at: Some(now),
        ..Default::default()
    }
}

/// The identifier as Clerk echoes it: emails lower-cased, phones in E.164, usernames
/// lower-cased.
fn normalize_identifier(typed: &str) -> String {
    let t = typed.trim();
    if t.contains('@') {
        normalize_email(t)
    } else if t.starts_with('+') {
        normalize_phone(t)
    } else {
        t.to_lowercase()
    }
}

/// `POST /v1/client/sign_ins`
pub async fn create(State(app): State<Arc<App>>, req: Req) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let strategy = req.field("strategy").map(String::from);
    if strategy.as_deref() == Some(super::oauth::MOCK) {
        return super::oauth::create_sign_in(&app, &req, now);
    }
    if let Some(s) = strategy.as_deref()
        && !KNOWN_STRATEGIES.contains(&s)
    {
        return Err(ApiError::value_invalid(
            "strategy",
            &format!("{s} is not a sign-in strategy this instance supports."),
        ));
    }
    let ticket = req.field("ticket").map(String::from);
    if strategy.as_deref() == Some("ticket") && ticket.is_none() {
        return Err(ApiError::missing("ticket"));
    }
    let identifier = req.field("identifier").map(String::from);
    let password = req.field("password").map(Hidden::new);
    if identifier.is_none() && ticket.is_none() && (password.is_some() || strategy.is_some()) {
        return Err(ApiError::missing("identifier"));
    }
    if strategy.as_deref() == Some("password") && password.is_none() {
        return Err(ApiError::missing("password"));
    }
    let (si_id, client_id) = {
        let mut st = app.lock();
        let client_id = ensure_client(&mut st, &req, now)?;
        let mut si = SignInRec {
            id: crypto::new_id("sia"),
            client_id: client_id.clone(),
            created_at: now,
            abandon_at: now + SIGN_IN_ABANDON_MS,
            identifier: None,
            user_id: None,
            first_factor: None,
            second_factor: None,
            needs_new_password: false,
            client_trust_state: None,
            created_session_id: None,
            last_sent: Vec::new(),
        };
        let user = if let Some(t) = ticket.as_deref() {
            let (user_id, expires_at) = redeem_ticket(&app, &mut st, t, now)?;
            si.first_factor = Some(ticket_verification(expires_at, now));
            st.users.get(&user_id).cloned()
        } else if let Some(ident) = identifier.as_deref() {
            Some(
                st.find_user(ident)
                    .cloned()
                    .ok_or_else(ApiError::identifier_not_found)?,
            )
        } else {
            None
        };
        if let Some(u) = &user {
            let client = st.clients.get(&client_id);
            if let Some(sid) = client
                .into_iter()
                .flat_map(|c| c.session_ids.iter())
                .find(|sid| {
                    st.sessions.get(*sid).is_some_and(|s| {
                        s.user_id == u.id && render::session_status(s, now) == "active"
                    })
                })
            {
                return Err(ApiError::already_signed_in(sid));
            }
            si.identifier = Some(
                identifier
                    .as_deref()
                    .map_or_else(|| u.display_identifier(), normalize_identifier),
            );
            si.user_id = Some(u.id.clone());
        }
        let mut outcome = Ok(());
        if let (Some(u), Some(s)) = (&user, strategy.as_deref())
            && password.is_none()
            && s != "ticket"
        {
            outcome = factors::ensure_unlocked(u, now).and_then(|()| {
                if s == "password" {
                    Ok(())
                } else {
                    factors::prepare(
                        &app,
                        &mut st,
                        &mut si,
                        u,
                        Slot::First,
                        s,
                        None,
                        req.field("redirect_url"),
                        now,
                    )
                }
            });
        }
        let id = si.id.clone();
        let mut client = st
            .clients
            .get(&client_id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("client"))?;
        client.sign_in_id = Some(id.clone());
        client.updated_at = now;
        st.save_client(client)?;
        st.save_sign_in(si)?;
        outcome?;
        signin::advance(&mut st, &id, now, false)?;
        (id, client_id)
    };
    if let Some(pw) = password {
        factors::attempt_password(&app, &si_id, pw).await?;
    }
    let st = app.lock();
    Ok(reply(&app, &st, &si_id, &client_id, &req))
}

/// `GET /v1/client/sign_ins/{id}` (the email-link polling target).
pub async fn get(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    if let Some(nonce) = req
        .query
        .get("rotating_token_nonce")
        .filter(|n| !n.is_empty())
    {
        let own = {
            let st = app.lock();
            load(&st, &req, &id, now).is_ok()
        };
        if !own {
            return super::oauth::redeem_nonce(&app, &req, &id, nonce);
        }
    }
    let st = app.lock();
    let (si, client_id) = load(&st, &req, &id, now)?;
    Ok(reply(&app, &st, &si.id, &client_id, &req))
}

/// `POST /v1/client/sign_ins/{id}/reset_password`
pub async fn reset_password(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let password = Hidden::new(req.required("password")?);
    let sign_out_others = req.flag("sign_out_of_other_sessions")?;
    {
        let st = app.lock();
        let (si, _) = load(&st, &req, &id, now)?;
        let status = signin::status_of(&st, &si, now);
        if status != Status::NeedsNewPassword {
            return Err(ApiError::status_invalid(status.as_str()));
        }
    }
    if password.expose().chars().count() < 8 {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_short",
            "is too short",
            "Passwords must be 8 characters or more.",
        )
        .param("password"));
    }
    if password.expose().len() > 72 {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_long",
            "is too long",
            "Passwords must be 72 characters or less.",
        )
        .param("password"));
    }
    let secret = password;
    let hash = tokio::task::spawn_blocking(move || crypto::hash_password(secret.expose()))
        .await
        .map_err(|e| ApiError::internal(&super::DevServerError::Internal(e.to_string())))??;
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &req, &id, now)?;
    let mut user = st.user_of(&si)?;
    user.password_hash = Some(hash);
    user.password_updated_at = Some(now);
    user.needs_password_reset = false;
    user.updated_at = now;
    if sign_out_others {
        let others: Vec<_> = st
            .sessions
            .values()
            .filter(|s| s.user_id == user.id && s.status == "active")
            .cloned()
            .collect();
        for mut s in others {
            s.status = "revoked".into();
            s.updated_at = now;
            st.save_session(s)?;
        }
    }
    si.needs_new_password = false;
    st.save_user(user)?;
    finish(&app, &mut st, si, &client_id, &req, Ok(()))
}
