//! The mock OAuth provider `oauth_mock`: starting a sign-in with it (create or prepare) gives a
//! verification whose `external_verification_redirect_url` is this server's consent page
//! (`/__dev/oauth/authorize`); consenting there completes the sign-in on the client that asked.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::crypto::new_id;
use super::errors::ApiError;
use super::link::redirect_allowed;
use super::model::{Hidden, SignInRec, UserRec, VerificationRec};
use super::oauth_page::{self, Outcome};
use super::params::{Params, Query};
use super::request::Caller;
use super::sign_in_api::{finish, load, reply};
use super::signin::{self, SIGN_IN_ABANDON_MS, Status};
use super::state::{Db, Emulator};
use super::wire::{Strategy, VerificationStatus};

/// A fresh hand-off on `si`: a new state (older consent pages stop working), the consent URL
/// and the same lifetime as an email link.
fn start(app: &Emulator, si: &mut SignInRec, redirect_url: &str, now: i64) {
    let nonce = new_id("oauth");
    let ttl = i64::try_from(app.limits.code_ttl.as_millis()).unwrap_or(i64::MAX);
    let state = app
        .keys
        .sign_hs256(&json!({"k": "oauth", "sia": si.id, "n": nonce}));
    si.first_factor = Some(VerificationRec {
        expire_at: Some(now.saturating_add(ttl)),
        link_nonce: Some(nonce),
        redirect_url: Some(redirect_url.to_string()),
        external_url: Some(format!(
            "{}/__dev/oauth/authorize?state={state}",
            app.base_url
        )),
        ..VerificationRec::new(Strategy::OauthMock)
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
    let mut st = app.lock();
    let client_id = caller.ensure_client(&mut st, now)?;
    let mut si = SignInRec::new(&client_id, now, SIGN_IN_ABANDON_MS);
    start(app, &mut si, redirect_url, now);
    let mut client = st
        .clients
        .get(&client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("client"))?;
    client.sign_in_id = Some(si.id.clone());
    client.updated_at = now;
    st.save_client(client)?;
    let id = si.id.clone();
    st.save_sign_in(si)?;
    Ok(reply(app, &st, &id, &client_id, caller))
}

/// `prepare_first_factor` with `strategy=oauth_mock`: a new consent URL for a sign-in that is
/// still waiting for its first factor (or for its identifier).
pub fn prepare(
    app: &Emulator,
    caller: &Caller,
    id: &str,
    redirect_url: &str,
    now: i64,
) -> Result<Response, ApiError> {
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, caller, id, now)?;
    let status = signin::status_of(&st, &si, now);
    if !matches!(status, Status::NeedsIdentifier | Status::NeedsFirstFactor) {
        return Err(ApiError::status_invalid(status.as_str()));
    }
    if let Some(user) = si.user_id.as_ref().and_then(|u| st.users.get(u)) {
        super::lockout::ensure_unlocked(user, now)?;
    }
    start(app, &mut si, redirect_url, now);
    finish(app, &mut st, si, &client_id, caller, Ok(()))
}

/// What a state parameter names, or why it names nothing usable.
enum Checked {
    Pending(Box<SignInRec>),
    Dead(Outcome),
}

/// Looks a consent state up; an expired one marks its verification `expired` on the way.
fn check_state(app: &Emulator, st: &mut Db, state: &str, now: i64) -> Checked {
    let Some(claims) = app.keys.verify_hs256(state) else {
        return Checked::Dead(Outcome::Invalid);
    };
    let field = |k: &str| claims.get(k).and_then(|v| v.as_str()).map(String::from);
    let (Some("oauth"), Some(sia), Some(nonce)) = (field("k").as_deref(), field("sia"), field("n"))
    else {
        return Checked::Dead(Outcome::Invalid);
    };
    let Some(mut si) = st.sign_ins.get(&sia).cloned() else {
        return Checked::Dead(Outcome::Invalid);
    };
    let Some(v) = si
        .first_factor
        .as_mut()
        .filter(|v| v.strategy == Strategy::OauthMock)
    else {
        return Checked::Dead(Outcome::Invalid);
    };
    if v.link_nonce.as_deref() != Some(nonce.as_str()) {
        // Replaced by a newer hand-off of the same sign-in.
        return Checked::Dead(Outcome::Invalid);
    }
    if v.status == VerificationStatus::Expired {
        return Checked::Dead(Outcome::Expired);
    }
    if v.link_used || v.status != VerificationStatus::Unverified || si.created_session_id.is_some()
    {
        return Checked::Dead(Outcome::Used);
    }
    if v.expire_at.is_some_and(|t| now >= t) || now >= si.abandon_at {
        v.status = VerificationStatus::Expired;
        let _ = st.save_sign_in(si);
        return Checked::Dead(Outcome::Expired);
    }
    Checked::Pending(Box::new(si))
}

/// The users the consent page offers: the sign-in's own user once it is known, else everyone
/// who can sign in (not locked).
fn offered_users(st: &Db, si: &SignInRec, now: i64) -> Vec<UserRec> {
    st.users
        .values()
        .filter(|u| si.user_id.as_ref().is_none_or(|id| *id == u.id))
        .filter(|u| super::lockout::lock_state(u, now).is_none())
        .cloned()
        .collect()
}

/// The consent page's address and form: which hand-off (`state`), and the person's choice.
#[derive(Deserialize)]
pub struct Consent {
    #[serde(default)]
    state: String,
    user_id: Option<String>,
    identifier: Option<String>,
    deny: Option<String>,
    /// The page's CSRF token (`consent_token`), for browsers that send `Origin: null`.
    csrf: Option<String>,
}

/// The consent page's token: only this server can make it, and only the page shows it.
fn consent_token(app: &Emulator, state: &str) -> String {
    app.keys.mac("oauth_consent", state).expose().to_string()
}

/// A consent may come from the consent page itself: an Origin of this server, or (for a
/// browser that hides it as `null`) the page's token. No Origin at all is no browser's form
/// post (scripts and tests); any other Origin is another site's forged post.
fn consent_allowed(app: &Emulator, headers: &HeaderMap, c: &Consent) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let own = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"));
    if own.is_some_and(|o| origin.as_bytes().eq_ignore_ascii_case(o.as_bytes())) {
        return true;
    }
    c.csrf.as_deref().is_some_and(|t| {
        app.keys
            .mac_matches("oauth_consent", &c.state, &super::model::Hidden::new(t))
    })
}

/// `GET /__dev/oauth/authorize?state=…`: the provider's consent page.
pub async fn authorize_page(
    State(app): State<Arc<Emulator>>,
    q: Result<Query<Consent>, ApiError>,
) -> Response {
    let now = app.clock.now_ms();
    let state = q.as_ref().map_or("", |Query(q)| q.state.as_str());
    let mut st = app.lock();
    match check_state(&app, &mut st, state, now) {
        Checked::Dead(outcome) => oauth_page::result(outcome),
        Checked::Pending(si) => {
            let users = offered_users(&st, &si, now);
            let token = consent_token(&app, state);
            Html(oauth_page::consent(
                state,
                &token,
                &users,
                si.user_id.is_none(),
            ))
            .into_response()
        }
    }
}

/// `POST /__dev/oauth/authorize` (`state`, and `user_id` or `identifier`, or `deny`): the
/// person chose an account (or refused); the sign-in completes on the client that started it.
pub async fn authorize(
    State(app): State<Arc<Emulator>>,
    headers: HeaderMap,
    Params(c): Params<Consent>,
) -> Response {
    let now = app.clock.now_ms();
    if !consent_allowed(&app, &headers, &c) {
        return ApiError::forbidden(
            "origin_invalid",
            "A consent is accepted only from the consent page itself.",
        )
        .into_response();
    }
    let state = c.state.clone();
    let mut st = app.lock();
    let mut si = match check_state(&app, &mut st, &state, now) {
        Checked::Dead(outcome) => return oauth_page::result(outcome),
        Checked::Pending(si) => *si,
    };
    let offered = offered_users(&st, &si, now);
    let redirect = si
        .first_factor
        .as_ref()
        .and_then(|v| v.redirect_url.clone());
    let Some(v) = si.first_factor.as_mut() else {
        return oauth_page::result(Outcome::Invalid);
    };
    if c.deny.is_some() {
        v.status = VerificationStatus::Failed;
        v.link_used = true;
        if st.save_sign_in(si).is_err() {
            return oauth_page::result(Outcome::Invalid);
        }
        return finish_browser(redirect, "failed", None, Outcome::Denied);
    }
    let chosen = match (c.user_id.as_deref(), c.identifier.as_deref()) {
        (Some(id), _) => offered.iter().find(|u| u.id == id),
        (None, Some(ident)) => st
            .find_user(ident)
            .and_then(|u| offered.iter().find(|o| o.id == u.id)),
        (None, None) => None,
    };
    let Some(user) = chosen.cloned() else {
        // Nothing is used up: the person can pick again on the same page.
        let page = oauth_page::consent_with_error(
            &state,
            &consent_token(&app, &state),
            &offered,
            si.user_id.is_none(),
            "No account here matches that choice. Pick one of the accounts listed.",
        );
        return (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response();
    };
    let nonce = new_id("rtn");
    v.status = VerificationStatus::Verified;
    v.link_used = true;
    v.verified_at = Some(now);
    v.rotating_nonce = Some(Hidden::new(nonce.clone()));
    si.identifier = Some(user.display_identifier());
    si.user_id = Some(user.id.clone());
    let id = si.id.clone();
    if st.save_sign_in(si).is_err() || signin::advance(&mut st, &id, now, true).is_err() {
        return oauth_page::result(Outcome::Invalid);
    }
    finish_browser(redirect, "verified", Some(nonce), Outcome::Verified)
}

/// Sends the browser back to the app's `redirect_url` (loopback pages and app links only),
/// or shows the closing page.
fn finish_browser(
    redirect: Option<String>,
    status: &str,
    nonce: Option<String>,
    outcome: Outcome,
) -> Response {
    let target = redirect
        .and_then(|r| url::Url::parse(&r).ok())
        .filter(redirect_allowed);
    let Some(mut target) = target else {
        return oauth_page::result(outcome);
    };
    if let Some(n) = &nonce {
        target
            .query_pairs_mut()
            .append_pair("rotating_token_nonce", n);
    }
    target
        .query_pairs_mut()
        .append_pair("__clerk_status", status);
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.to_string())],
    )
        .into_response()
}

/// The query the provider sends the browser back with.
#[derive(Deserialize)]
pub struct Done {
    __clerk_status: Option<String>,
}

/// `GET /__dev/oauth/done`: where the app sends the browser when it has no page of its own.
pub async fn done(q: Result<Query<Done>, ApiError>) -> Response {
    let status = q.ok().and_then(|Query(d)| d.__clerk_status);
    match status.as_deref() {
        Some("verified") => oauth_page::result(Outcome::Verified),
        Some("failed") => oauth_page::result(Outcome::Denied),
        _ => oauth_page::result(Outcome::Invalid),
    }
}

/// `GET /v1/client/sign_ins/{id}?rotating_token_nonce=…` from a caller that is not (or no
/// longer) the sign-in's client: the nonce the browser came back with proves it, once, and
/// the answer carries that client's token.
pub fn redeem_nonce(
    app: &Emulator,
    caller: &Caller,
    id: &str,
    nonce: &str,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let mut si = st
        .sign_ins
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("sign in"))?;
    let matches = si
        .first_factor
        .as_ref()
        .and_then(|v| v.rotating_nonce.as_ref())
        .is_some_and(|n| {
            use subtle::ConstantTimeEq;
            bool::from(n.expose().as_bytes().ct_eq(nonce.as_bytes()))
        });
    if !matches || signin::status_of(&st, &si, now) == Status::Abandoned {
        return Err(ApiError::not_found("sign in"));
    }
    if let Some(v) = si.first_factor.as_mut() {
        v.rotating_nonce = None;
    }
    let client_id = si.client_id.clone();
    st.save_sign_in(si)?;
    Ok(reply(app, &st, id, &client_id, caller))
}
