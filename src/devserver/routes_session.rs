//! Session endpoints: read, touch, end, remove, and minting the 60-second session JWT.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::errors::ApiError;
use super::model::SessionRec;
use super::render;
use super::request::{Caller, PathParam, envelope, with_client};
use super::state::{Db, Emulator};
use super::wire::SessionStatus;

/// A session of the caller's client, 404 otherwise: another client's session is
/// indistinguishable from one that does not exist.
fn load(st: &Db, caller: &Caller, id: &str) -> Result<(SessionRec, String), ApiError> {
    let client_id = caller
        .existing_client(st)
        .ok_or_else(|| ApiError::not_found("session"))?;
    let s = st
        .sessions
        .get(id)
        .filter(|s| s.client_id == client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("session"))?;
    Ok((s, client_id))
}

fn reply(
    app: &Emulator,
    st: &Db,
    s: &SessionRec,
    client_id: &str,
    caller: &Caller,
    now: i64,
) -> Response {
    let session = render::session(app, st, s, now, caller.origin());
    envelope(
        session,
        render::client(app, st, client_id, now, caller.origin()),
        Some(client_id),
    )
}

pub async fn get(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let st = app.lock();
    let (s, client_id) = load(&st, &caller, &id)?;
    Ok(reply(&app, &st, &s, &client_id, &caller, now))
}

/// `touch`: marks the session active now and makes it the client's active session.
pub async fn touch(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut s, client_id) = load(&st, &caller, &id)?;
    if render::session_status(&s, now) != SessionStatus::Active {
        return Err(ApiError::not_found("active session"));
    }
    s.last_active_at = now;
    s.updated_at = now;
    let mut client = st
        .clients
        .get(&client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("client"))?;
    client.last_active_session_id = Some(s.id.clone());
    client.updated_at = now;
    st.save_client(client)?;
    st.save_session(s.clone())?;
    Ok(reply(&app, &st, &s, &client_id, &caller, now))
}

fn finish_session(
    app: &Emulator,
    caller: &Caller,
    id: &str,
    status: SessionStatus,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut s, client_id) = load(&st, caller, id)?;
    if s.status == SessionStatus::Active {
        s.status = status;
        s.updated_at = now;
    }
    let mut client = st
        .clients
        .get(&client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("client"))?;
    client.session_ids.retain(|sid| *sid != s.id);
    if client.last_active_session_id.as_deref() == Some(s.id.as_str()) {
        client.last_active_session_id = client.session_ids.first().cloned();
    }
    client.updated_at = now;
    st.save_client(client)?;
    st.save_session(s.clone())?;
    Ok(reply(app, &st, &s, &client_id, caller, now))
}

pub async fn end(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    finish_session(&app, &caller, &id, SessionStatus::Ended)
}

pub async fn remove(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    finish_session(&app, &caller, &id, SessionStatus::Removed)
}

fn mint(app: &Emulator, caller: &Caller, id: &str) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    // The state lock is held for the lookup only: signing happens after it is released.
    let (s, client_id) = load(&app.lock(), caller, id)?;
    if render::session_status(&s, now) != SessionStatus::Active {
        return Err(ApiError::not_found("active session"));
    }
    let jwt = render::fresh_session_token(app, &s, now, caller.origin())?;
    Ok(with_client(
        axum::Json(json!({"object": "token", "jwt": jwt})).into_response(),
        &client_id,
    ))
}

/// `POST /v1/client/sessions/{id}/tokens`: a bare `{object:"token", jwt}`.
pub async fn tokens(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    mint(&app, &caller, &id)
}

/// `POST /v1/client/sessions/{id}/tokens/{template}`: same claims (no custom templates here).
pub async fn template_tokens(
    State(app): State<Arc<Emulator>>,
    PathParam((id, _template)): PathParam<(String, String)>,
    caller: Caller,
) -> Result<Response, ApiError> {
    mint(&app, &caller, &id)
}

/// Which session a `/v1/me` request acts for (`_clerk_session_id`, else the last active one).
#[derive(Deserialize)]
pub struct SessionQuery {
    _clerk_session_id: Option<String>,
}

/// The session `/v1/me` acts for: `_clerk_session_id` if given, else the last active one.
pub fn current_session(
    app: &Emulator,
    st: &Db,
    caller: &Caller,
    query: &SessionQuery,
) -> Result<(SessionRec, String), ApiError> {
    let now = app.clock.now_ms();
    let client_id = caller
        .existing_client(st)
        .ok_or_else(ApiError::signed_out)?;
    let client = st
        .clients
        .get(&client_id)
        .ok_or_else(ApiError::signed_out)?;
    let wanted = query
        ._clerk_session_id
        .as_ref()
        .or(client.last_active_session_id.as_ref());
    let s = wanted
        .and_then(|id| st.sessions.get(id))
        .filter(|s| {
            s.client_id == client_id && render::session_status(s, now) == SessionStatus::Active
        })
        .cloned()
        .ok_or_else(ApiError::signed_out)?;
    Ok((s, client_id))
}
