//! The signed-in user: `GET /v1/me`, TOTP enrolment (`POST /v1/me/totp`, its
//! `attempt_verification`, `DELETE /v1/me/totp`) and backup-code regeneration.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::crypto::{self, new_id};
use super::errors::ApiError;
use super::model::{Hidden, TotpRec, UserRec};
use super::params::{Params, Query};
use super::render;
use super::request::{Caller, envelope};
use super::routes_session::{SessionQuery, current_session};
use super::state::Emulator;
use super::totp::{self, TotpCheck};

fn client_json(app: &Emulator, st: &super::state::Db, client_id: &str, caller: &Caller) -> Value {
    render::client(app, st, client_id, app.clock.now_ms(), caller.origin())
}

fn user_of(st: &super::state::Db, user_id: &str) -> Result<UserRec, ApiError> {
    st.users
        .get(user_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("user"))
}

pub async fn get_me(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Query(q): Query<SessionQuery>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let st = app.lock();
    let (s, client_id) = current_session(&app, &st, &caller, &q)?;
    let user = user_of(&st, &s.user_id)?;
    Ok(envelope(
        render::user(&user, now, app.limits.lockout_attempts),
        client_json(&app, &st, &client_id, &caller),
        Some(&client_id),
    ))
}

fn totp_json(
    t: &TotpRec,
    show_secret: Option<&str>,
    uri: Option<String>,
    backup_codes: Option<Vec<String>>,
) -> Value {
    json!({
        "object": "totp",
        "id": t.id,
        "secret": show_secret,
        "uri": uri,
        "verified": t.verified_at.is_some(),
        "backup_codes": backup_codes,
        "created_at": t.created_at,
        "updated_at": t.verified_at.unwrap_or(t.created_at),
    })
}

/// `POST /v1/me/totp`: a new, unverified secret; the only time the secret and URI are shown.
pub async fn create_totp(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Query(q): Query<SessionQuery>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (s, client_id) = current_session(&app, &st, &caller, &q)?;
    let mut user = user_of(&st, &s.user_id)?;
    if user.totp_enabled() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "totp_already_enabled",
            "already enabled",
            "An authenticator app is already set up for this account. Remove it first.",
        ));
    }
    let secret = crypto::new_totp_secret();
    let uri = totp::otpauth_uri(&secret, &user.display_identifier());
    let t = TotpRec {
        id: new_id("totp"),
        secret: super::model::Hidden::new(secret.clone()),
        created_at: now,
        verified_at: None,
        last_used_step: None,
    };
    let body = totp_json(&t, Some(&secret), uri, None);
    user.pending_totp = Some(t);
    user.updated_at = now;
    st.save_user(user)?;
    Ok(envelope(
        body,
        client_json(&app, &st, &client_id, &caller),
        Some(&client_id),
    ))
}

/// `POST /v1/me/totp/attempt_verification`: the code from the authenticator app.
#[derive(Deserialize)]
pub struct VerifyTotp {
    code: Hidden,
}

/// `POST /v1/me/totp/attempt_verification`: enables the pending secret and hands out backup
/// codes (once).
pub async fn verify_totp(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Query(q): Query<SessionQuery>,
    Params(p): Params<VerifyTotp>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let code = p.code.expose();
    let mut st = app.lock();
    let (s, client_id) = current_session(&app, &st, &caller, &q)?;
    let mut user = user_of(&st, &s.user_id)?;
    let Some(mut pending) = user.pending_totp.take() else {
        return Err(ApiError::not_found("pending TOTP enrolment"));
    };
    let step = match totp::check(pending.secret.expose(), code, now.div_euclid(1000), None) {
        TotpCheck::Accepted(step) => step,
        _ => return Err(ApiError::code_incorrect()),
    };
    pending.verified_at = Some(now);
    pending.last_used_step = Some(step);
    let codes = crypto::new_backup_codes();
    user.backup_codes = codes
        .iter()
        .map(|c| app.keys.mac("backup_code", c))
        .collect();
    user.backup_codes_id = Some(new_id("bcode"));
    user.backup_codes_created_at = Some(now);
    user.mfa_enabled_at = Some(now);
    user.updated_at = now;
    let body = totp_json(&pending, None, None, Some(codes));
    user.totp = Some(pending);
    st.save_user(user)?;
    Ok(envelope(
        body,
        client_json(&app, &st, &client_id, &caller),
        Some(&client_id),
    ))
}

/// `DELETE /v1/me/totp`
pub async fn delete_totp(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Query(q): Query<SessionQuery>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (s, client_id) = current_session(&app, &st, &caller, &q)?;
    let mut user = user_of(&st, &s.user_id)?;
    let Some(t) = user.totp.take().filter(|t| t.verified_at.is_some()) else {
        return Err(ApiError::not_found("TOTP"));
    };
    if !user.two_factor_enabled() {
        user.backup_codes.clear();
        user.backup_codes_id = None;
        user.mfa_disabled_at = Some(now);
    }
    user.updated_at = now;
    st.save_user(user)?;
    let body = json!({"object": "totp", "id": t.id, "deleted": true});
    Ok(envelope(
        body,
        client_json(&app, &st, &client_id, &caller),
        Some(&client_id),
    ))
}

/// `POST /v1/me/backup_codes`: a new set; the old codes stop working.
pub async fn regenerate_backup_codes(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Query(q): Query<SessionQuery>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (s, client_id) = current_session(&app, &st, &caller, &q)?;
    let mut user = user_of(&st, &s.user_id)?;
    if !user.two_factor_enabled() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "backup_codes_not_available",
            "not available",
            "Backup codes need a second factor (an authenticator app or SMS) to be set up first.",
        ));
    }
    let codes = crypto::new_backup_codes();
    let id = new_id("bcode");
    user.backup_codes = codes
        .iter()
        .map(|c| app.keys.mac("backup_code", c))
        .collect();
    user.backup_codes_id = Some(id.clone());
    user.backup_codes_created_at = Some(now);
    user.updated_at = now;
    st.save_user(user)?;
    let body = json!({"object": "backup_code", "id": id, "codes": codes, "created_at": now, "updated_at": now});
    Ok(envelope(
        body,
        client_json(&app, &st, &client_id, &caller),
        Some(&client_id),
    ))
}
