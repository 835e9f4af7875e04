//! Enterprise SSO (`enterprise_sso`, and the older `saml`) through the seed's mock connections:
//! a user whose email domain belongs to a connection is offered it as a first factor; creating
//! the sign-in with it or preparing it starts the same hand-off as the mock OAuth provider,
//! finished only with a `rotating_token_nonce` (`oauth.rs`, `oauth_redeem.rs`).

use axum::response::Response;

use super::connections::connection_for;
use super::errors::ApiError;
use super::model::{SignInRec, UserRec};
use super::request::Caller;
use super::sign_in_api::{finish, load};
use super::signin::{self, SIGN_IN_ABANDON_MS, Status};
use super::state::{Db, Emulator};
use super::wire::Strategy;

/// The user's connection, or `strategy_for_user_invalid`; with `enterprise_connection_id`,
/// it must be that one.
fn ensure_connection(db: &Db, user: &UserRec, wanted: Option<&str>) -> Result<(), ApiError> {
    let (c, _) =
        connection_for(&db.enterprise_connections, user).ok_or_else(ApiError::strategy_invalid)?;
    if wanted.is_some_and(|w| w != c.id) {
        return Err(ApiError::value_invalid(
            "enterprise_connection_id",
            "This account has no enterprise connection with this id.",
        ));
    }
    Ok(())
}

/// `POST /v1/client/sign_ins` with `strategy=enterprise_sso|saml`, `identifier` and
/// `redirect_url` (clerk-android `SSOService.authenticateWithRedirect`): the sign-in knows its
/// user and waits for the connection.
pub fn create_sign_in(
    app: &Emulator,
    caller: &Caller,
    identifier: &str,
    redirect_url: &str,
    now: i64,
) -> Result<Response, ApiError> {
    app.seed.check_redirect(redirect_url)?;
    let mut st = app.lock();
    let user = st
        .find_user(identifier)
        .cloned()
        .ok_or_else(ApiError::identifier_not_found)?;
    ensure_connection(&st, &user, None)?;
    super::lockout::ensure_unlocked(&user, now)?;
    let client_id = caller.ensure_client(&mut st, now)?;
    let mut si = SignInRec::new(&client_id, now, SIGN_IN_ABANDON_MS);
    si.identifier = Some(user.display_identifier());
    si.user_id = Some(user.id.clone());
    super::oauth::start(app, &mut st, &mut si, Strategy::Saml, redirect_url, now);
    super::oauth::attach_and_reply(app, &mut st, si, &client_id, caller, now)
}

/// `prepare_first_factor` with `strategy=enterprise_sso|saml`, `redirect_url` and optionally
/// `enterprise_connection_id` (the factor's): a consent address for the user's connection.
pub fn prepare(
    app: &Emulator,
    caller: &Caller,
    id: &str,
    redirect_url: &str,
    connection_id: Option<&str>,
    now: i64,
) -> Result<Response, ApiError> {
    app.seed.check_redirect(redirect_url)?;
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, caller, id, now)?;
    let status = signin::status_of(&st, &si, now);
    if status != Status::NeedsFirstFactor {
        return Err(ApiError::status_invalid(status.as_str()));
    }
    let user = st.user_of(&si)?;
    ensure_connection(&st, &user, connection_id)?;
    super::lockout::ensure_unlocked(&user, now)?;
    super::oauth::start(app, &mut st, &mut si, Strategy::Saml, redirect_url, now);
    finish(app, &mut st, si, &client_id, caller, Ok(()))
}
