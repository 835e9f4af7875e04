//! The consent page of the mock provider and the mock enterprise connections
//! (`/__dev/oauth/c/{state}`): it offers the accounts, takes the person's choice (or a failure,
//! or `transferable`), and sends the browser back to the hand-off's `redirect_url`, with a
//! `rotating_token_nonce` only when an account was chosen (docs/EMULATOR.md, rules 4-12).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::crypto::{ct_eq, new_id};
use super::errors::ApiError;
use super::model::{SignInRec, UserRec};
use super::oauth::NONCE_TTL_MS;
use super::oauth_page::{self, Outcome};
use super::params::{Params, Query};
use super::request::PathParam;
use super::state::{Db, Emulator};
use super::wire::{Strategy, VerificationStatus};

/// What a state names, or why it names nothing usable.
enum Checked {
    Pending(Box<SignInRec>),
    Dead(Outcome),
}

/// Looks a consent state up; an expired one marks its verification `expired` on the way.
fn check_state(st: &mut Db, state: &str, now: i64) -> Checked {
    let Some(sia) = st.oauth_states.get(state).cloned() else {
        return Checked::Dead(Outcome::Invalid);
    };
    let Some(mut si) = st.sign_ins.get(&sia).cloned() else {
        return Checked::Dead(Outcome::Invalid);
    };
    let Some(v) = si
        .first_factor
        .as_mut()
        .filter(|v| v.strategy.is_hand_off())
        .filter(|v| v.link_nonce.as_deref().is_some_and(|n| ct_eq(n, state)))
    else {
        return Checked::Dead(Outcome::Invalid);
    };
    if v.status == VerificationStatus::Expired {
        st.oauth_states.remove(state);
        return Checked::Dead(Outcome::Expired);
    }
    if v.link_used || v.status != VerificationStatus::Unverified || si.created_session_id.is_some()
    {
        return Checked::Dead(Outcome::Used);
    }
    if v.expire_at.is_some_and(|t| now >= t) || now >= si.abandon_at {
        v.status = VerificationStatus::Expired;
        let _ = st.save_sign_in(si);
        st.oauth_states.remove(state);
        return Checked::Dead(Outcome::Expired);
    }
    Checked::Pending(Box::new(si))
}

/// Who the consent page speaks for: the mock OAuth provider, or the user's mock connection.
fn provider(st: &Db, si: &SignInRec) -> String {
    let sso = si
        .first_factor
        .as_ref()
        .is_some_and(|v| v.strategy == Strategy::Saml);
    let connection = si
        .user_id
        .as_ref()
        .and_then(|u| st.users.get(u))
        .and_then(|u| super::connections::connection_for(&st.enterprise_connections, u))
        .map(|(c, _)| c.name.clone());
    match (sso, connection) {
        (true, Some(name)) => name,
        (true, None) => "Mock SSO".to_string(),
        (false, _) => "Mock OAuth".to_string(),
    }
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

/// The consent form: the person's choice (an account, or an outcome) and the page's token.
#[derive(Deserialize)]
pub struct Consent {
    user_id: Option<String>,
    identifier: Option<String>,
    /// The cancel button: the provider reports `access_denied`.
    deny: Option<String>,
    /// `failed` or `transferable` (buttons on the page; tests may put it in the query).
    outcome: Option<String>,
    /// The page's CSRF token (`consent_token`), for browsers that send `Origin: null`.
    csrf: Option<String>,
}

/// `?outcome=` on the consent address, for tests that end a hand-off without a page.
#[derive(Deserialize)]
pub struct OutcomeQuery {
    outcome: Option<String>,
}

/// The consent page's token: only this server can make it, and only the page shows it.
fn consent_token(app: &Emulator, state: &str) -> String {
    app.keys.mac("oauth_consent", state).expose().to_string()
}

/// A consent may come from the consent page itself: an Origin of this server, or (for a
/// browser that hides it as `null`) the page's token. No Origin at all is no browser's form
/// post (scripts and tests); any other Origin is another site's forged post.
fn consent_allowed(app: &Emulator, headers: &HeaderMap, state: &str, c: &Consent) -> bool {
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
            .mac_matches("oauth_consent", state, &super::model::Hidden::new(t))
    })
}

/// `GET /__dev/oauth/c/{state}`: the provider's consent page.
pub async fn authorize_page(
    State(app): State<Arc<Emulator>>,
    PathParam(state): PathParam<String>,
) -> Response {
    let now = app.clock.now_ms();
    let mut st = app.lock();
    match check_state(&mut st, &state, now) {
        Checked::Dead(outcome) => oauth_page::result(outcome),
        Checked::Pending(si) => {
            let users = offered_users(&st, &si, now);
            let token = consent_token(&app, &state);
            Html(oauth_page::consent(
                &provider(&st, &si),
                &state,
                &token,
                &users,
                si.user_id.is_none(),
            ))
            .into_response()
        }
    }
}

/// `POST /__dev/oauth/c/{state}` (`user_id` or `identifier`, or `deny`, or `outcome`): the
/// person chose; the browser goes back to the app's `redirect_url`.
pub async fn authorize(
    State(app): State<Arc<Emulator>>,
    PathParam(state): PathParam<String>,
    headers: HeaderMap,
    Query(q): Query<OutcomeQuery>,
    Params(c): Params<Consent>,
) -> Response {
    let now = app.clock.now_ms();
    if !consent_allowed(&app, &headers, &state, &c) {
        return ApiError::forbidden(
            "origin_invalid",
            "A consent is accepted only from the consent page itself.",
        )
        .into_response();
    }
    let mut st = app.lock();
    let mut si = match check_state(&mut st, &state, now) {
        Checked::Dead(outcome) => return oauth_page::result(outcome),
        Checked::Pending(si) => *si,
    };
    let offered = offered_users(&st, &si, now);
    let outcome = c.outcome.as_deref().or(q.outcome.as_deref());
    let ending = match (outcome, c.deny.is_some()) {
        (Some("failed"), _) | (None, true) => Some(Outcome::Denied),
        (Some("transferable"), _) => Some(Outcome::Transferable),
        (Some(_), _) => return oauth_page::result(Outcome::Invalid),
        (None, false) => None,
    };
    let chosen = match (c.user_id.as_deref(), c.identifier.as_deref()) {
        (Some(id), _) => offered.iter().find(|u| u.id == id),
        (None, Some(ident)) => st
            .find_user(ident)
            .and_then(|u| offered.iter().find(|o| o.id == u.id)),
        (None, None) => None,
    };
    let user = match (ending, chosen) {
        (Some(_), _) => None,
        (None, Some(u)) => Some(u.clone()),
        (None, None) => {
            // Nothing is used up: the person can pick again on the same page.
            let page = oauth_page::consent_with_error(
                &provider(&st, &si),
                &state,
                &consent_token(&app, &state),
                &offered,
                si.user_id.is_none(),
                "No account here matches that choice. Pick one of the accounts listed.",
            );
            return (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response();
        }
    };
    let Some(v) = si.first_factor.as_mut() else {
        return oauth_page::result(Outcome::Invalid);
    };
    let redirect = v.redirect_url.clone();
    v.link_used = true;
    st.oauth_states.remove(&state);
    let Some(user) = user else {
        let end = ending.unwrap_or(Outcome::Denied);
        let (status, code) = if end == Outcome::Transferable {
            (
                VerificationStatus::Transferable,
                "external_account_not_found",
            )
        } else {
            (VerificationStatus::Failed, "oauth_access_denied")
        };
        v.status = status;
        v.error_code = Some(code.to_string());
        if st.save_sign_in(si).is_err() {
            return oauth_page::result(Outcome::Invalid);
        }
        return finish_browser(redirect, None, end);
    };
    // The outcome waits for the nonce: the sign-in itself does not change until its client
    // redeems it, so a client that only polls never finishes (FAPI.md, "OAuth / enterprise SSO").
    let nonce = new_id("rtn");
    // The redirect names the session to come when nothing else is due (a second factor would
    // be), as Clerk's redirects carry `created_session_id` (docs/EMULATOR.md, rule 5).
    let session = (!user.two_factor_enabled()).then(|| new_id("sess"));
    v.pending_session_id = session.clone();
    v.pending_user_id = Some(user.id.clone());
    // Bound to this sign-in: the same nonce presented on any other sign-in (an attacker's own,
    // holding a victim's nonce) matches nothing (docs/EMULATOR.md, rule 9).
    v.rotating_nonce = Some(
        app.keys
            .mac("rotating_token_nonce", &nonce_for(&si.id, &nonce)),
    );
    v.nonce_expire_at = Some(now.saturating_add(NONCE_TTL_MS));
    if st.save_sign_in(si).is_err() {
        return oauth_page::result(Outcome::Invalid);
    }
    finish_browser(redirect, Some((nonce, session)), Outcome::Verified)
}

/// What the nonce's MAC covers: the sign-in it was issued for, and the nonce.
pub(super) fn nonce_for(sign_in_id: &str, nonce: &str) -> String {
    format!("{sign_in_id}\n{nonce}")
}

/// Sends the browser back to the app's `redirect_url` (allowlisted when the hand-off began),
/// or shows the closing page when there is none.
fn finish_browser(
    redirect: Option<String>,
    nonce: Option<(String, Option<String>)>,
    outcome: Outcome,
) -> Response {
    let Some(mut target) = redirect.and_then(|r| url::Url::parse(&r).ok()) else {
        return oauth_page::result(outcome);
    };
    {
        let mut q = target.query_pairs_mut();
        match (outcome, &nonce) {
            (Outcome::Verified, Some((n, session))) => {
                q.append_pair("rotating_token_nonce", n);
                if let Some(s) = session {
                    q.append_pair("created_session_id", s);
                }
            }
            // What Clerk's Android SDK reads as "transfer to sign-up" (`SSOService.kt`).
            (Outcome::Transferable, _) => {
                q.append_pair("__clerk_status", "failed");
                q.append_pair("__clerk_error_code", "external_account_not_found");
            }
            _ => {
                q.append_pair("__clerk_status", "failed");
                q.append_pair("error", "access_denied");
                q.append_pair(
                    "error_description",
                    "The sign-in was refused at the provider.",
                );
            }
        }
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.to_string())],
    )
        .into_response()
}

/// The query the provider sends the browser back with.
#[derive(Deserialize)]
pub struct Done {
    rotating_token_nonce: Option<String>,
    __clerk_status: Option<String>,
    __clerk_error_code: Option<String>,
}

/// `GET /__dev/oauth/done`: the emulator's own redirect page, for an app that has none: it
/// tells the person to bring this address (which carries the nonce) back to the terminal.
pub async fn done(q: Result<Query<Done>, ApiError>) -> Response {
    let Ok(Query(d)) = q else {
        return oauth_page::result(Outcome::Invalid);
    };
    match (
        d.rotating_token_nonce.is_some(),
        d.__clerk_status.as_deref(),
        d.__clerk_error_code.as_deref(),
    ) {
        (true, _, _) => oauth_page::result(Outcome::Verified),
        (false, Some("failed"), Some("external_account_not_found")) => {
            oauth_page::result(Outcome::Transferable)
        }
        (false, Some("failed"), _) => oauth_page::result(Outcome::Denied),
        _ => oauth_page::result(Outcome::Invalid),
    }
}
