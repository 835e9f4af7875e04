//! `GET /v1/verify?token=…`: the email link. Verifies the sign-in that asked for it (once),
//! then shows a small page or redirects to `redirect_url` with `__clerk_status`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::errors::ApiError;
use super::params::Query;
use super::signin;
use super::state::Emulator;
use super::wire::{Strategy, VerificationStatus};

const PAGE: &str = include_str!("../../assets/email_link.html");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Verified,
    Expired,
    Failed,
}

impl LinkStatus {
    fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Verified => "verified",
            LinkStatus::Expired => "expired",
            LinkStatus::Failed => "failed",
        }
    }
}

/// Applies a link token; returns the outcome, the redirect URL and the created session.
fn apply(app: &Emulator, token: &str) -> (LinkStatus, Option<String>, Option<String>) {
    let now = app.clock.now_ms();
    let Some(claims) = app.keys.verify_hs256(token) else {
        return (LinkStatus::Failed, None, None);
    };
    if claims.get("k").and_then(|v| v.as_str()) != Some("link") {
        return (LinkStatus::Failed, None, None);
    }
    let (Some(sia), Some(nonce)) = (
        claims.get("sia").and_then(|v| v.as_str()),
        claims.get("n").and_then(|v| v.as_str()),
    ) else {
        return (LinkStatus::Failed, None, None);
    };
    let mut st = app.lock();
    let Some(mut si) = st.sign_ins.get(sia).cloned() else {
        return (LinkStatus::Failed, None, None);
    };
    let Some(v) = si
        .first_factor
        .as_mut()
        .filter(|v| v.strategy == Strategy::EmailLink)
    else {
        return (LinkStatus::Failed, None, None);
    };
    let redirect = v.redirect_url.clone();
    // A locked account signs in by no strategy; the link stays unused for after the lockout.
    let locked = si
        .user_id
        .as_ref()
        .and_then(|id| st.users.get(id))
        .is_some_and(|u| super::lockout::lock_state(u, now).is_some());
    if locked {
        return (LinkStatus::Failed, redirect, None);
    }
    // A link from an earlier prepare, or one already opened, is dead.
    if v.link_nonce.as_deref() != Some(nonce) || v.link_used {
        return (LinkStatus::Failed, redirect, None);
    }
    v.link_used = true;
    let outcome =
        if v.expire_at.is_some_and(|t| now >= t) || v.status == VerificationStatus::Expired {
            v.status = VerificationStatus::Expired;
            LinkStatus::Expired
        } else {
            v.status = VerificationStatus::Verified;
            v.verified_at = Some(now);
            v.verified_at_client = Some(si.client_id.clone());
            LinkStatus::Verified
        };
    let id = si.id.clone();
    if st.save_sign_in(si).is_err() {
        return (LinkStatus::Failed, redirect, None);
    }
    if outcome == LinkStatus::Verified && signin::advance(&mut st, &id, now, true).is_err() {
        return (LinkStatus::Failed, redirect, None);
    }
    let session = st
        .sign_ins
        .get(&id)
        .and_then(|s| s.created_session_id.clone());
    (outcome, redirect, session)
}

fn page(status: LinkStatus, session: bool) -> String {
    let (mark, title, message) = match (status, session) {
        (LinkStatus::Verified, true) => (
            "&#10003;",
            "Signed in",
            "You can close this tab and return to your terminal: it is signed in.",
        ),
        (LinkStatus::Verified, false) => (
            "&#10003;",
            "Verified",
            "Return to your terminal to finish signing in.",
        ),
        (LinkStatus::Expired, _) => (
            "&#8987;",
            "This link has expired",
            "Go back to your terminal and ask for a new link.",
        ),
        (LinkStatus::Failed, _) => (
            "&#10007;",
            "This link cannot be used",
            "It was already used or replaced by a newer one. Go back to your terminal and ask for a new link.",
        ),
    };
    PAGE.replace("{{STATUS}}", status.as_str())
        .replace("{{MARK}}", mark)
        .replace("{{TITLE}}", title)
        .replace("{{MESSAGE}}", message)
}

/// Only loopback web pages and app deep links: the dev server is no open redirector.
pub(super) fn redirect_allowed(url: &url::Url) -> bool {
    match url.scheme() {
        "http" | "https" => match url.host() {
            Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        "javascript" | "data" | "file" | "vbscript" => false,
        _ => true,
    }
}

/// `GET /v1/verify?token=…`
#[derive(Deserialize)]
pub struct VerifyLink {
    token: String,
}

pub async fn verify(
    State(app): State<Arc<Emulator>>,
    q: Result<Query<VerifyLink>, ApiError>,
) -> Response {
    let Query(VerifyLink { token }) = match q {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let (status, redirect, session) = apply(&app, &token);
    if let Some(target) = redirect
        .and_then(|r| url::Url::parse(&r).ok())
        .filter(redirect_allowed)
    {
        let mut target = target;
        target
            .query_pairs_mut()
            .append_pair("__clerk_status", status.as_str());
        if let Some(s) = &session {
            target
                .query_pairs_mut()
                .append_pair("__clerk_created_session", s);
        }
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, target.to_string())],
        )
            .into_response();
    }
    let code = if status == LinkStatus::Verified {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (code, Html(page(status, session.is_some()))).into_response()
}
