//! The signed-in session over time: which of the client's sessions is the signed-in one (on
//! load, resume, switch and sign-out), its token refreshed before it expires (decided on
//! `Tick`, counted in server time), and what a failed refresh or sign-out leaves behind.

use crate::fapi::{Client, SessionStatus, SignInStatus};

use super::calls::{background, call, error, show_failure};
use super::{
    App, Call, Effect, Failure, FailureKind, MaybeClient, Notice, NoticeKind, SignedIn, TokenCheck,
};

/// Clerk session tokens live about 60 s; a new one is minted when this little is left.
pub const REFRESH_BEFORE_MS: i64 = 15_000;
/// After a failed mint, wait this long before the background refresh tries again.
const RETRY_NETWORK_MS: i64 = 5_000;
const RETRY_REFUSED_MS: i64 = 30_000;
/// A token's `iat` further than this from our idea of server time means the clocks differ.
const SKEW_TOLERANCE_MS: i64 = 5_000;

/// Mint a new token when the current one is about to expire (or none could be minted yet).
pub(super) fn maybe_refresh(app: &mut App) -> Vec<Effect> {
    let Some(s) = &app.signed_in else {
        return Vec::new();
    };
    if s.minting || s.retry_at.is_some_and(|t| app.now_ms < t) {
        return Vec::new();
    }
    let due = match s.jwt_expires_at {
        Some(exp) => exp - app.server_now() <= REFRESH_BEFORE_MS,
        None => s.jwt.is_none(),
    };
    if due { mint(app) } else { Vec::new() }
}

/// Ask for a token of the signed-in session (in the background: no busy state).
pub(super) fn mint(app: &mut App) -> Vec<Effect> {
    let Some(s) = app.signed_in.as_mut() else {
        return Vec::new();
    };
    s.minting = true;
    let session_id = s.session_id.clone();
    background(app, Call::MintToken { session_id })
}

/// Open the signed-in screen on a session and mint its first token.
pub(super) fn enter(app: &mut App, session_id: String) -> Vec<Effect> {
    app.signed_in = Some(SignedIn {
        session_id,
        ..Default::default()
    });
    app.account = None;
    app.demo_totp = None;
    mint(app)
}

/// A token minted (or not): keep it, learn the server's clock from it, have it checked.
pub(super) fn on_token(app: &mut App, result: Result<String, Failure>) -> Vec<Effect> {
    let jwt = match result {
        Ok(jwt) => jwt,
        Err(failure) => return on_token_failure(app, failure),
    };
    let now = app.now_ms;
    let Some(s) = app.signed_in.as_mut() else {
        return Vec::new();
    };
    s.minting = false;
    s.retry_at = None;
    s.check = None;
    s.jwt_expires_at = crate::flow::jwt_expiry_ms(&jwt);
    s.jwt = Some(jwt.clone());
    let iat = crate::flow::decode_jwt(&jwt)
        .and_then(|d| d.claims.get("iat").and_then(serde_json::Value::as_i64));
    if let Some(iat) = iat {
        let offset = iat.saturating_mul(1000) - now;
        if (offset - app.server_offset_ms).abs() > SKEW_TOLERANCE_MS {
            app.server_offset_ms = offset;
        }
    }
    background(app, Call::VerifyToken { jwt })
}

/// A failed mint backs off (briefly for a passing failure); a session the server no longer
/// knows sends the app to ask the client what happened to it.
fn on_token_failure(app: &mut App, failure: Failure) -> Vec<Effect> {
    let now = app.now_ms;
    let gone = matches!(
        failure.kind,
        FailureKind::Api {
            status: 401 | 404,
            ..
        }
    );
    let Some(s) = app.signed_in.as_mut() else {
        return Vec::new();
    };
    s.minting = false;
    s.retry_at = Some(
        now + if failure.retryable() {
            RETRY_NETWORK_MS
        } else {
            RETRY_REFUSED_MS
        },
    );
    if gone {
        // The session may have ended (expired, signed out elsewhere): the client says.
        return background(app, Call::LoadClient);
    }
    app.notice = Some(Notice {
        kind: NoticeKind::Error,
        // `r` mints a new one in both front ends.
        message: format!(
            "Could not mint a session token: {}. Press r to try again.",
            failure.message.trim_end().trim_end_matches('.')
        ),
        param_name: None,
        retryable: false,
    });
    Vec::new()
}

pub(super) fn on_token_check(app: &mut App, check: TokenCheck) {
    if let Some(s) = app.signed_in.as_mut()
        && s.jwt.as_deref().and_then(|j| j.rsplit('.').next()) == Some(check.signature.as_str())
    {
        s.check = Some(check);
    }
}

/// `r`: a new token now.
pub(super) fn refresh_now(app: &mut App) -> Vec<Effect> {
    match app.signed_in.as_mut() {
        Some(s) if !s.minting => {
            s.retry_at = None;
            mint(app)
        }
        _ => Vec::new(),
    }
}

/// Make another active session of this client the signed-in one.
pub(super) fn switch(app: &mut App, session_id: String) -> Vec<Effect> {
    let active = app.active_sessions().iter().any(|s| s.id == session_id);
    if !active || app.session_id().as_deref() == Some(session_id.as_str()) {
        return Vec::new();
    }
    // Results for the session we leave (its token, an enrolment) must not land on this one.
    app.epoch += 1;
    app.busy = None;
    app.notice = None;
    let mut fx = call(
        app,
        Call::TouchSession {
            session_id: session_id.clone(),
        },
    );
    fx.extend(enter(app, session_id));
    fx
}

/// `touch` answered: the client as the server now has it. A session that cannot be touched
/// has probably ended: the client says.
pub(super) fn on_touched(app: &mut App, result: Result<MaybeClient, Failure>) -> Vec<Effect> {
    match result {
        Ok(client) => {
            if let Some(c) = client {
                app.client = Some(*c);
            }
            Vec::new()
        }
        Err(failure) => {
            app.notice = Some(error(failure.message));
            background(app, Call::LoadClient)
        }
    }
}

/// `GET /v1/client` answered: keep the signed-in session if it is still active, resume a
/// sign-in still under way, or open the signed-in screen on the client's active session.
pub(super) fn on_client(app: &mut App, result: Result<MaybeClient, Failure>) -> Vec<Effect> {
    let client = match result {
        Ok(client) => client.map(|c| *c),
        // The reload itself was refused: the client is gone (the FAPI client forgot its
        // token), so every session it held has ended here.
        Err(failure) if failure.is_authentication_invalid() => None,
        Err(failure) => {
            show_failure(app, failure);
            return Vec::new();
        }
    };
    app.client = client;
    let mut fx = check_still_active(app);
    if app.sign_in.is_none() {
        // Never resumed silently: the front end asks first (see `App::unfinished`).
        app.unfinished = app
            .client
            .as_ref()
            .and_then(|c| c.sign_in.clone())
            .filter(|s| s.status != SignInStatus::Complete && s.status != SignInStatus::Abandoned);
    }
    if let Some(id) = app.switch_to.take()
        && app.signed_in.is_none()
    {
        fx.extend(switch(app, id));
    }
    fx.extend(adopt_active_session(app));
    if app.signed_in.is_some() {
        app.unfinished = None;
    }
    // Only a session that existed and is no longer active has "ended". The client lists
    // active sessions only, but keeps how it last finished a sign-in: a client that only
    // ever held a sign-in attempt (left half-finished, say) never had a session.
    let had_session = app
        .client
        .as_ref()
        .is_none_or(|c| !c.sessions.is_empty() || c.last_authentication_strategy.is_some());
    if std::mem::take(&mut app.had_stored_token) && app.signed_in.is_none() && had_session {
        // An Info pinned to a field is not drawn; this is news for the form.
        app.notice = Some(Notice {
            kind: NoticeKind::Info,
            message: "Your previous session has ended; sign in again.".to_string(),
            param_name: None,
            retryable: false,
        });
    }
    fx
}

/// Open the signed-in screen on the client's active session (a resumed or new sign-in).
fn adopt_active_session(app: &mut App) -> Vec<Effect> {
    if app.signed_in.is_some() {
        return Vec::new();
    }
    let Some(session_id) = app.client.as_ref().and_then(active_session_id) else {
        return Vec::new();
    };
    enter(app, session_id)
}

/// The client's last active session if it is still active, else its first active one.
fn active_session_id(client: &Client) -> Option<String> {
    let active = |id: &str| {
        client
            .sessions
            .iter()
            .any(|s| s.id == id && s.is_signed_in())
    };
    match client.last_active_session_id.as_deref() {
        Some(id) if active(id) => Some(id.to_string()),
        _ => client
            .sessions
            .iter()
            .find(|s| s.status == SessionStatus::Active)
            .or_else(|| client.sessions.iter().find(|s| s.is_signed_in()))
            .map(|s| s.id.clone()),
    }
}

/// The client as the server now has it: if the signed-in session is no longer active, leave
/// the signed-in screen saying why (and move to another active session when there is one).
fn check_still_active(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.session_id() else {
        return Vec::new();
    };
    let active = app.active_sessions().iter().any(|s| s.id == id);
    if active {
        return Vec::new();
    }
    leave(app);
    app.notice = Some(Notice {
        kind: NoticeKind::Info,
        message: "Your session has ended; sign in again.".to_string(),
        param_name: None,
        retryable: false,
    });
    Vec::new()
}

/// Forget everything about the signed-in session (after sign-out or when it ended).
fn leave(app: &mut App) {
    app.epoch += 1;
    app.sign_in = None;
    app.choices = Default::default();
    app.auto_sent = None;
    app.signed_in = None;
    app.account = None;
    app.demo_totp = None;
    app.busy = None;
}

/// Who the signed-in session belongs to, in words (for "Signed out of …").
fn who(app: &App) -> Option<String> {
    let session = app.session()?;
    session
        .user
        .as_ref()
        .and_then(|u| u.primary_email().map(str::to_string))
        .or_else(|| session.display_identifier().map(str::to_string))
}

/// Sign out of the signed-in session, or of every session of this client.
pub(super) fn sign_out(app: &mut App, all: bool) -> Vec<Effect> {
    let Some(s) = &app.signed_in else {
        return Vec::new();
    };
    let session_id = (!all).then(|| s.session_id.clone());
    call(app, Call::SignOut { session_id })
}

/// The sign-out answered: say what ended, then show any session still active here. A failure
/// still leaves this device signed out (the effect already forgot the client token).
pub(super) fn on_sign_out(app: &mut App, result: Result<MaybeClient, Failure>) -> Vec<Effect> {
    match result {
        Ok(client) => {
            on_signed_out(app, client.map(|c| *c));
            let fx = adopt_active_session(app);
            if let (Some(who), Some(n)) = (who(app), app.notice.as_mut()) {
                n.message.push_str(&format!(" Now signed in as {who}."));
            }
            fx
        }
        Err(failure) => {
            on_sign_out_failed(app, failure);
            Vec::new()
        }
    }
}

/// The sign-out call answered: say what ended, then show any session still active here.
fn on_signed_out(app: &mut App, client: Option<Client>) {
    let whom = who(app);
    let one = client.is_some();
    leave(app);
    app.client = client;
    let message = match (one, whom) {
        (true, Some(w)) => format!("Signed out. {w} is no longer signed in on this device."),
        (true, None) => "Signed out. This session has ended.".to_string(),
        (false, _) => "Signed out. Every session on this device has ended.".to_string(),
    };
    app.notice = Some(Notice {
        kind: NoticeKind::Info,
        message,
        param_name: None,
        retryable: false,
    });
}

/// The server could not confirm the sign-out; the effect already forgot the client token.
fn on_sign_out_failed(app: &mut App, failure: Failure) {
    let others = app.active_sessions().len() > 1;
    leave(app);
    app.client = None;
    app.last_call = None;
    let also = if others {
        " and its other sessions"
    } else {
        ""
    };
    app.notice = Some(Notice {
        kind: NoticeKind::Error,
        message: format!(
            "The server did not confirm the sign-out ({}). This device has forgotten the \
             session{also} anyway; on the server it stays valid until it expires.",
            failure.message.trim_end_matches('.')
        ),
        param_name: None,
        retryable: false,
    });
}
