//! The mock OAuth provider `oauth_mock`: starting a sign-in with it (create or prepare) gives a
//! verification whose `external_verification_redirect_url` is this server's consent page
//! (`/__dev/oauth/authorize`); consenting there completes the sign-in on the client that asked.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::crypto::new_id;
use super::errors::ApiError;
use super::link::redirect_allowed;
use super::model::{Hidden, SignInRec, UserRec, VerificationRec};
use super::oauth_page::{self, Outcome};
use super::request::{QueryMap, Req, ensure_client};
use super::routes_sign_in::{finish, load, reply};
use super::signin::{self, SIGN_IN_ABANDON_MS, Status};
use super::state::{App, State as Store};

pub const MOCK: &str = "oauth_mock";

/// A fresh hand-off on `si`: a new state (older consent pages stop working), the consent URL
/// and the same lifetime as an email link.
fn start(app: &App, si: &mut SignInRec, redirect_url: &str, now: i64) {
    let nonce = new_id("oauth");
    let ttl = i64::try_from(app.limits.code_ttl.as_millis()).unwrap_or(i64::MAX);
    let state = app
        .keys
        .sign_hs256(&json!({"k": "oauth", "sia": si.id, "n": nonce}));
    si.first_factor = Some(VerificationRec {
        strategy: MOCK.into(),
        status: "unverified".into(),
        expire_at: Some(now.saturating_add(ttl)),
        link_nonce: Some(nonce),
        redirect_url: Some(redirect_url.to_string()),
        external_url: Some(format!(
            "{}/__dev/oauth/authorize?state={state}",
            app.base_url
        )),
        ..Default::default()
    });
}

/// `POST /v1/client/sign_ins` with `strategy=oauth_mock&redirect_url=…`: a sign-in that waits
/// for the provider (status `needs_identifier`: who it is becomes known only there).
pub fn create_sign_in(app: &App, req: &Req, now: i64) -> Result<Response, ApiError> {
    let redirect_url = req.required("redirect_url")?.to_string();
    let mut st = app.lock();
    let client_id = ensure_client(&mut st, req, now)?;
    let mut si = SignInRec {
        id: super::crypto::new_id("sia"),
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
    start(app, &mut si, &redirect_url, now);
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
    Ok(reply(app, &st, &id, &client_id, req))
}

/// `prepare_first_factor` with `strategy=oauth_mock`: a new consent URL for a sign-in that is
/// still waiting for its first factor (or for its identifier).
pub fn prepare(app: &App, req: &Req, id: &str, now: i64) -> Result<Response, ApiError> {
    let redirect_url = req.required("redirect_url")?.to_string();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, req, id, now)?;
    let status = signin::status_of(&st, &si, now);
    if !matches!(status, Status::NeedsIdentifier | Status::NeedsFirstFactor) {
        return Err(ApiError::status_invalid(status.as_str()));
    }
    if let Some(user) = si.user_id.as_ref().and_then(|u| st.users.get(u)) {
        super::factors::ensure_unlocked(user, now)?;
    }
    start(app, &mut si, &redirect_url, now);
    finish(app, &mut st, si, &client_id, req, Ok(()))
}

/// What a state parameter names, or why it names nothing usable.
enum Checked {
    Pending(Box<SignInRec>),
    Dead(Outcome),
}

/// Looks a consent state up; an expired one marks its verification `expired` on the way.
fn check_state(app: &App, st: &mut Store, state: &str, now: i64) -> Checked {
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
    let Some(v) = si.first_factor.as_mut().filter(|v| v.strategy == MOCK) else {
        return Checked::Dead(Outcome::Invalid);
    };
    if v.link_nonce.as_deref() != Some(nonce.as_str()) {
        // Replaced by a newer hand-off of the same sign-in.
        return Checked::Dead(Outcome::Invalid);
    }
    if v.status == "expired" {
        return Checked::Dead(Outcome::Expired);
    }
    if v.link_used || v.status != "unverified" || si.created_session_id.is_some() {
        return Checked::Dead(Outcome::Used);
    }
    if v.expire_at.is_some_and(|t| now >= t) || now >= si.abandon_at {
        v.status = "expired".into();
        let _ = st.save_sign_in(si);
        return Checked::Dead(Outcome::Expired);
    }
    Checked::Pending(Box::new(si))
}

/// The users the consent page offers: the sign-in's own user once it is known, else everyone
/// who can sign in (not locked).
fn offered_users(st: &Store, si: &SignInRec, now: i64) -> Vec<UserRec> {
    st.users
        .values()
        .filter(|u| si.user_id.as_ref().is_none_or(|id| *id == u.id))
        .filter(|u| super::factors::lock_state(u, now).is_none())
        .cloned()
        .collect()
}

/// `GET /__dev/oauth/authorize?state=…`: the provider's consent page.
pub async fn authorize_page(State(app): State<Arc<App>>, QueryMap(q): QueryMap) -> Response {
    let now = app.clock.now_ms();
    let state = q.get("state").map(String::as_str).unwrap_or("");
    let mut st = app.lock();
    match check_state(&app, &mut st, state, now) {
        Checked::Dead(outcome) => oauth_page::result(outcome),
        Checked::Pending(si) => {
            let users = offered_users(&st, &si, now);
            Html(oauth_page::consent(state, &users, si.user_id.is_none())).into_response()
        }
    }
}

/// `POST /__dev/oauth/authorize` (`state`, and `user_id` or `identifier`, or `deny`): the
/// person chose an account (or refused); the sign-in completes on the client that started it.
pub async fn authorize(State(app): State<Arc<App>>, req: Req) -> Response {
    let now = app.clock.now_ms();
    let state = req.field("state").unwrap_or("").to_string();
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
    if req.field("deny").is_some() {
        v.status = "failed".into();
        v.link_used = true;
        if st.save_sign_in(si).is_err() {
            return oauth_page::result(Outcome::Invalid);
        }
        return finish_browser(redirect, "failed", None, Outcome::Denied);
    }
    let chosen = match (req.field("user_id"), req.field("identifier")) {
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
            &offered,
            si.user_id.is_none(),
            "No account here matches that choice. Pick one of the accounts listed.",
        );
        return (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response();
    };
    let nonce = new_id("rtn");
    v.status = "verified".into();
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

/// `GET /__dev/oauth/done`: where the app sends the browser when it has no page of its own.
pub async fn done(QueryMap(q): QueryMap) -> Response {
    match q.get("__clerk_status").map(String::as_str) {
        Some("verified") => oauth_page::result(Outcome::Verified),
        Some("failed") => oauth_page::result(Outcome::Denied),
        _ => oauth_page::result(Outcome::Invalid),
    }
}

/// `GET /v1/client/sign_ins/{id}?rotating_token_nonce=…` from a caller that is not (or no
/// longer) the sign-in's client: the nonce the browser came back with proves it, once, and
/// the answer carries that client's token.
pub fn redeem_nonce(app: &App, req: &Req, id: &str, nonce: &str) -> Result<Response, ApiError> {
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
    Ok(reply(app, &st, id, &client_id, req))
}
