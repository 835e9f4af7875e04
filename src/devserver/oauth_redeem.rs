//! Finishing an OAuth hand-off as Clerk's native SDKs do: the sign-in's own client calls
//! `GET /v1/client/sign_ins/{id}?rotating_token_nonce=…` (clerk-android `SSOService.kt`
//! `handleSignIn`, clerk-ios `SignIn.swift` `handleRedirectCallbackUrl`, clerk-js
//! `utils/authenticateWithTransport.ts`); the nonce applies the provider's answer to the sign-in
//! and rotates that client's token, which the answer's `Authorization` header carries.

use axum::response::Response;

use super::crypto::random_alnum;
use super::errors::ApiError;
use super::lockout;
use super::request::Caller;
use super::sign_in_api::{load, reply};
use super::signin;
use super::state::Emulator;
use super::wire::VerificationStatus;

/// Why a nonce gives nothing (wrong, used, expired, issued for another sign-in): the same answer in every case, and the
/// sign-in stays as it was. Clerk's code for a bad query value (clerk-docs
/// `frontend-api.mdx`, *InvalidQueryParameterValue*, 400, a status `getSignIn` declares); the
/// value itself is not echoed, so no nonce reaches a log through an error text.
fn refused() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "invalid_query_parameter_value",
        "",
        "The given value does not match one of the allowed values for parameter rotating_token_nonce: it is wrong, already used or expired.",
    )
    .param("rotating_token_nonce")
}

/// `GET /v1/client/sign_ins/{id}?rotating_token_nonce=…`. Another client (or none) gets the
/// 404 of a sign-in it cannot see; the sign-in's client gets the finished sign-in, the client
/// with its session, and a rotated token, once.
pub fn redeem_nonce(
    app: &Emulator,
    caller: &Caller,
    id: &str,
    nonce: &str,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, caller, id, now)?;
    let Some(v) = si.first_factor.as_mut() else {
        return Err(refused());
    };
    let matches = v.rotating_nonce.as_ref().is_some_and(|mac| {
        let bound = super::oauth_consent::nonce_for(id, nonce);
        app.keys.mac_matches("rotating_token_nonce", &bound, mac)
    });
    if !matches || v.nonce_expire_at.is_none_or(|t| now >= t) {
        return Err(refused());
    }
    let user = v
        .pending_user_id
        .as_ref()
        .and_then(|u| st.users.get(u))
        .cloned()
        .ok_or_else(refused)?;
    // A lockout since the consent holds; the nonce stays usable until it expires.
    lockout::ensure_unlocked(&user, now)?;
    v.status = VerificationStatus::Verified;
    v.verified_at = Some(now);
    v.rotating_nonce = None;
    v.nonce_expire_at = None;
    v.pending_user_id = None;
    let session_id = v.pending_session_id.take();
    v.error_code = None;
    si.identifier = Some(user.display_identifier());
    si.user_id = Some(user.id.clone());
    st.save_sign_in(si)?;
    signin::advance_as(&mut st, id, now, false, session_id)?;
    let mut client = st
        .clients
        .get(&client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("client"))?;
    client.rotating_token = random_alnum(27);
    client.updated_at = now;
    st.save_client(client)?;
    Ok(reply(app, &st, id, &client_id, caller))
}
