//! Environment, client and JWKS endpoints: `GET /v1/environment`, `/v1/client` (GET, POST,
//! PUT, DELETE), `DELETE /v1/client/sessions`, `/v1/dev_browser`, `/.well-known/jwks.json`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::crypto;
use super::errors::ApiError;
use super::model::DevBrowserRec;
use super::params::Params;
use super::render;
use super::request::{Caller, envelope};
use super::state::Emulator;
use super::wire::SessionStatus;

const ENVIRONMENT: &str = include_str!("../../assets/environment.json");

pub fn environment_json(app: &Emulator) -> Result<Value, ApiError> {
    let minutes = app.limits.lockout_duration.as_secs().div_ceil(60).max(1);
    let text = ENVIRONMENT
        .replace("{{BASE_URL}}", &app.base_url)
        .replace(
            "{{LOCKOUT_ATTEMPTS}}",
            &app.limits.lockout_attempts.to_string(),
        )
        .replace("{{LOCKOUT_MINUTES}}", &minutes.to_string());
    serde_json::from_str(&text).map_err(|e| {
        ApiError::internal(&super::errors::DevServerError::Internal(format!(
            "environment.json: {e}"
        )))
    })
}

pub async fn get_environment(State(app): State<Arc<Emulator>>) -> Result<Response, ApiError> {
    Ok(axum::Json(environment_json(&app)?).into_response())
}

/// `GET /v1/client`: the caller's client, or `null` for a caller without one.
pub async fn get_client(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let Some(id) = caller.existing_client(&app.lock()) else {
        return Ok(envelope(Value::Null, Value::Null, None));
    };
    // Sign first and serialize last, both outside the state lock: only the copy into JSON
    // values holds it, so concurrent clients do not queue behind each other's RSA and I/O.
    render::warm_client_tokens(&app, &id, now, caller.origin());
    let body = {
        let st = app.lock();
        render::client(&app, &st, &id, now, caller.origin())
    };
    // Ended by another request in between: the caller has no client any more.
    if body.is_null() {
        return Ok(envelope(Value::Null, Value::Null, None));
    }
    Ok(envelope(body, Value::Null, Some(&id)))
}

/// The body of `POST /v1/client`: a `_method=GET` that the override did not route (a form
/// field read after routing) still only reads.
#[derive(Deserialize)]
pub struct CreateClient {
    _method: Option<String>,
}

/// `POST`/`PUT /v1/client`: a fresh client (the old one, if any, is left behind).
pub async fn create_client(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Params(p): Params<CreateClient>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    if p._method
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("GET"))
        && let Some(id) = caller.existing_client(&st)
    {
        return Ok(envelope(
            render::client(&app, &st, &id, now, caller.origin()),
            Value::Null,
            Some(&id),
        ));
    }
    let id = st.new_client(now)?;
    Ok(envelope(
        render::client(&app, &st, &id, now, caller.origin()),
        Value::Null,
        Some(&id),
    ))
}

fn end_sessions(app: &Emulator, client_id: &str, status: SessionStatus) -> Result<(), ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let Some(mut client) = st.clients.get(client_id).cloned() else {
        return Ok(());
    };
    for sid in &client.session_ids {
        if let Some(mut s) = st.sessions.get(sid).cloned()
            && s.status == SessionStatus::Active
        {
            s.status = status;
            s.updated_at = now;
            st.save_session(s)?;
        }
    }
    client.session_ids.clear();
    client.last_active_session_id = None;
    client.sign_in_id = None;
    client.updated_at = now;
    st.save_client(client)?;
    Ok(())
}

/// `DELETE /v1/client`: signs out of every session and ends the client.
pub async fn delete_client(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let Some(id) = caller.existing_client(&app.lock()) else {
        return Err(ApiError::not_found("client"));
    };
    end_sessions(&app, &id, SessionStatus::Ended)?;
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let body = render::client(&app, &st, &id, now, caller.origin());
    st.delete_client(&id)?;
    Ok(axum::Json(json!({"response": body, "client": null})).into_response())
}

/// `DELETE /v1/client/sessions`: signs out of every session, keeping the client.
pub async fn delete_sessions(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let Some(id) = caller.existing_client(&app.lock()) else {
        return Err(ApiError::not_found("client"));
    };
    end_sessions(&app, &id, SessionStatus::Removed)?;
    let now = app.clock.now_ms();
    let st = app.lock();
    let body = render::client(&app, &st, &id, now, caller.origin());
    Ok(envelope(body, Value::Null, Some(&id)))
}

/// `POST /v1/dev_browser`: the development-browser handshake. clerk-js keeps the returned `id`
/// (a JWT) and sends it back as `__clerk_db_jwt`; it names whichever client the browser uses.
pub async fn dev_browser(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let client_id = caller.existing_client(&st);
    let rec = DevBrowserRec {
        id: crypto::new_id("dvb"),
        client_id: client_id.clone(),
        created_at: now,
    };
    let token = app.dev_browser_token(&rec.id);
    st.save_dev_browser(rec)?;
    let body = json!({
        "object": "dev_browser",
        "id": token,
        "token": token,
        "client_id": client_id,
        "home_origin": caller.origin,
        "created_at": now,
        "updated_at": now,
    });
    Ok(axum::Json(body).into_response())
}

pub async fn jwks(State(app): State<Arc<Emulator>>) -> Result<Response, ApiError> {
    let keys = app.keys.jwks().map_err(|e| ApiError::internal(&e))?;
    Ok(axum::Json(keys).into_response())
}
