//! Session endpoints: read, touch, end, remove, and minting the 60-second session JWT.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::errors::ApiError;
use super::model::SessionRec;
use super::render;
use super::request::{PathParam, Req, envelope, existing_client, with_client};
use super::state::{App, State as Store};

fn load(st: &Store, req: &Req, id: &str) -> Result<(SessionRec, String), ApiError> {
    let client_id = existing_client(st, req).ok_or_else(|| ApiError::not_found("session"))?;
    let s = st
        .sessions
        .get(id)
        .filter(|s| s.client_id == client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("session"))?;
    Ok((s, client_id))
}

fn reply(app: &App, st: &Store, s: &SessionRec, client_id: &str, req: &Req, now: i64) -> Response {
    let session = render::session(app, st, s, now, req.origin.as_deref());
    envelope(
        session,
        render::client(app, st, client_id, now, req.origin.as_deref()),
        Some(client_id),
    )
}

pub async fn get(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let st = app.lock();
    let (s, client_id) = load(&st, &req, &id)?;
    Ok(reply(&app, &st, &s, &client_id, &req, now))
}

/// `touch`: marks the session active now and makes it the client's active session.
pub async fn touch(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut s, client_id) = load(&st, &req, &id)?;
    if render::session_status(&s, now) != "active" {
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
    Ok(reply(&app, &st, &s, &client_id, &req, now))
}

fn finish_session(app: &App, req: &Req, id: &str, status: &str) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut s, client_id) = load(&st, req, id)?;
    if s.status == "active" {
        s.status = status.to_string();
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
    Ok(reply(app, &st, &s, &client_id, req, now))
}

pub async fn end(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    finish_session(&app, &req, &id, "ended")
}

pub async fn remove(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    finish_session(&app, &req, &id, "removed")
}

fn mint(app: &App, req: &Req, id: &str) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let st = app.lock();
    let (s, client_id) = load(&st, req, id)?;
    if render::session_status(&s, now) != "active" {
        return Err(ApiError::not_found("active session"));
    }
    let jwt = render::session_token(app, &s, now, req.origin.as_deref())?;
    Ok(with_client(
        axum::Json(json!({"object": "token", "jwt": jwt})).into_response(),
        &client_id,
    ))
}

/// `POST /v1/client/sessions/{id}/tokens`: a bare `{object:"token", jwt}`.
pub async fn tokens(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    mint(&app, &req, &id)
}

/// `POST /v1/client/sessions/{id}/tokens/{template}`: same claims (no custom templates here).
pub async fn template_tokens(
    State(app): State<Arc<App>>,
    PathParam((id, _template)): PathParam<(String, String)>,
    req: Req,
) -> Result<Response, ApiError> {
    mint(&app, &req, &id)
}

/// The session `/v1/me` acts for: `_clerk_session_id` if given, else the last active one.
pub fn current_session(app: &App, st: &Store, req: &Req) -> Result<(SessionRec, String), ApiError> {
    let now = app.clock.now_ms();
    let client_id = existing_client(st, req).ok_or_else(ApiError::signed_out)?;
    let client = st
        .clients
        .get(&client_id)
        .ok_or_else(ApiError::signed_out)?;
    let wanted = req
        .query
        .get("_clerk_session_id")
        .filter(|v| !v.is_empty())
        .or(client.last_active_session_id.as_ref());
    let s = wanted
        .and_then(|id| st.sessions.get(id))
        .filter(|s| s.client_id == client_id && render::session_status(s, now) == "active")
        .cloned()
        .ok_or_else(ApiError::signed_out)?;
    Ok((s, client_id))
}
