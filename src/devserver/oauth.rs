//! Starting a hand-off with the mock OAuth provider `oauth_mock` (create or prepare, with an
//! allowlisted `redirect_url`): a verification whose `external_verification_redirect_url` is a
//! short consent address, `/__dev/oauth/c/{state}` (`oauth_consent.rs`); it ends with a
//! `rotating_token_nonce` that only the sign-in's own client can redeem (`oauth_redeem.rs`).

use axum::response::Response;

use super::crypto::random_alnum;
use super::errors::ApiError;
use super::model::{SignInRec, VerificationRec};
use super::request::Caller;
use super::sign_in_api::{finish, load, reply};
use super::signin::{self, SIGN_IN_ABANDON_MS, Status};
use super::state::{Db, Emulator};
use super::wire::Strategy;

/// Characters of a consent state id: 12 base62 characters (71 bits) keep
/// `http://127.0.0.1:65535/__dev/oauth/c/{state}` at 49 characters (one line, a small QR),
/// and a single-use, expiring id that long cannot be guessed.
const STATE_LEN: usize = 12;

/// How long a `rotating_token_nonce` can be redeemed after the consent.
pub const NONCE_TTL_MS: i64 = 5 * 60 * 1000;

/// A fresh hand-off on `si`: a new state (older consent pages stop working), the consent
/// address and the same lifetime as an email link.
pub fn start(
    app: &Emulator,
    st: &mut Db,
    si: &mut SignInRec,
    strategy: Strategy,
    redirect_url: &str,
    now: i64,
) {
    if let Some(old) = si.first_factor.as_ref().and_then(|v| v.link_nonce.as_ref()) {
        st.oauth_states.remove(old);
    }
    let state = random_alnum(STATE_LEN);
    st.oauth_states.insert(state.clone(), si.id.clone());
    let ttl = i64::try_from(app.limits.code_ttl.as_millis()).unwrap_or(i64::MAX);
    si.first_factor = Some(VerificationRec {
        expire_at: Some(now.saturating_add(ttl)),
        redirect_url: Some(redirect_url.to_string()),
        external_url: Some(format!("{}/__dev/oauth/c/{state}", app.base_url)),
        link_nonce: Some(state),
        ..VerificationRec::new(strategy)
    });
}

/// `POST /v1/client/sign_ins` with `strategy=oauth_mock&redirect_url=…`: a sign-in that waits
/// for the provider (status `needs_identifier`: who it is becomes known only there).
pub fn create_sign_in(
    app: &Emulator,
    caller: &Caller,
    redirect_url: &str,
    now: i64,
) -> Result<Response, ApiError> {
    app.seed.check_redirect(redirect_url)?;
    let mut st = app.lock();
    let client_id = caller.ensure_client(&mut st, now)?;
    let mut si = SignInRec::new(&client_id, now, SIGN_IN_ABANDON_MS);
    start(
        app,
        &mut st,
        &mut si,
        Strategy::OauthMock,
        redirect_url,
        now,
    );
    attach_and_reply(app, &mut st, si, &client_id, caller, now)
}

/// Makes `si` its client's current sign-in, saves both, and answers with them (a new
/// browser sign-in, whichever strategy started it).
pub(super) fn attach_and_reply(
    app: &Emulator,
    st: &mut Db,
    si: SignInRec,
    client_id: &str,
    caller: &Caller,
    now: i64,
) -> Result<Response, ApiError> {
    let mut client = st
        .clients
        .get(client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("client"))?;
    client.sign_in_id = Some(si.id.clone());
    client.updated_at = now;
    st.save_client(client)?;
    let id = si.id.clone();
    st.save_sign_in(si)?;
    Ok(reply(app, st, &id, client_id, caller))
}

/// `prepare_first_factor` with `strategy=oauth_mock`: a new consent address for a sign-in
/// that is still waiting for its first factor (or for its identifier).
pub fn prepare(
    app: &Emulator,
    caller: &Caller,
    id: &str,
    redirect_url: &str,
    now: i64,
) -> Result<Response, ApiError> {
    app.seed.check_redirect(redirect_url)?;
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, caller, id, now)?;
    let status = signin::status_of(&st, &si, now);
    if !matches!(status, Status::NeedsIdentifier | Status::NeedsFirstFactor) {
        return Err(ApiError::status_invalid(status.as_str()));
    }
    if let Some(user) = si.user_id.as_ref().and_then(|u| st.users.get(u)) {
        super::lockout::ensure_unlocked(user, now)?;
    }
    start(
        app,
        &mut st,
        &mut si,
        Strategy::OauthMock,
        redirect_url,
        now,
    );
    finish(app, &mut st, si, &client_id, caller, Ok(()))
}
