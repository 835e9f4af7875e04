//! The signed-in session over time: its token refreshed before it expires (decided on `Tick`,
//! counted in server time), switching among the client's sessions, signing out and what that
//! did, and the embedded emulator's demo helpers (the demo user's TOTP code, its clock).

use secrecy::SecretString;

use super::update::{background, call, info};
use super::{
    App, Backend, Call, Effect, Failure, FailureKind, Notice, NoticeKind, SignedIn, TokenCheck,
};
use crate::fapi::Client;

/// Clerk session tokens live about 60 s; a new one is minted when this little is left.
pub const REFRESH_BEFORE_MS: i64 = 15_000;
/// After a failed mint, wait this long before the background refresh tries again.
const RETRY_NETWORK_MS: i64 = 5_000;
const RETRY_REFUSED_MS: i64 = 30_000;
/// A token's `iat` further than this from our idea of server time means the clocks differ.
const SKEW_TOLERANCE_MS: i64 = 5_000;

pub(super) fn on_tick(app: &mut App) -> Vec<Effect> {
    let mut fx = maybe_refresh(app);
    fx.extend(refetch_demo_code(app));
    fx
}

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

pub(super) fn on_token(app: &mut App, jwt: String) -> Vec<Effect> {
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

pub(super) fn on_token_failure(app: &mut App, failure: Failure) -> Vec<Effect> {
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
        message: format!("Could not mint a session token: {}", failure.message),
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

pub(super) fn on_touched(app: &mut App, client: Option<Client>) {
    if client.is_some() {
        app.client = client;
    }
}

/// The client as the server now has it: if the signed-in session is no longer active, leave
/// the signed-in screen saying why (and move to another active session when there is one).
pub(super) fn check_still_active(app: &mut App) -> Vec<Effect> {
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
pub(super) fn who(app: &App) -> Option<String> {
    let session = app.session()?;
    session
        .user
        .as_ref()
        .and_then(|u| u.primary_email().map(str::to_string))
        .or_else(|| session.display_identifier().map(str::to_string))
}

/// The sign-out call answered: say what ended, then show any session still active here.
pub(super) fn on_signed_out(app: &mut App, client: Option<Client>) {
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
pub(super) fn on_sign_out_failed(app: &mut App, failure: Failure) {
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

fn embedded_base(app: &App) -> Option<String> {
    match &app.backend {
        Backend::Embedded { base_url, .. } => Some(base_url.clone()),
        Backend::Remote { .. } => None,
    }
}

/// `d`: show (or hide) the demo user's current authenticator code.
pub(super) fn toggle_demo_code(app: &mut App) -> Vec<Effect> {
    if embedded_base(app).is_none() || app.signed_in.is_none() {
        return Vec::new();
    }
    if app.demo_totp.take().is_some() {
        return Vec::new();
    }
    if !app.user().is_some_and(|u| u.totp_enabled) {
        return info(
            app,
            "This user has no authenticator app, so there is no code to show. Press t to set one up."
                .to_string(),
        );
    }
    app.demo_totp = Some(super::DemoTotp {
        code: None,
        valid_until: app.now_ms,
        fetching: false,
    });
    refetch_demo_code(app)
}

fn refetch_demo_code(app: &mut App) -> Vec<Effect> {
    let (Some(base_url), Some(user_id)) = (embedded_base(app), app.user().map(|u| u.id.clone()))
    else {
        return Vec::new();
    };
    match app.demo_totp.as_mut() {
        Some(d) if !d.fetching && app.now_ms >= d.valid_until => d.fetching = true,
        _ => return Vec::new(),
    }
    background(app, Call::DemoTotp { base_url, user_id })
}

pub(super) fn on_demo_code(app: &mut App, code: SecretString, seconds_left: i64) {
    if let Some(d) = app.demo_totp.as_mut() {
        d.code = Some(code);
        d.fetching = false;
        d.valid_until = app.now_ms + seconds_left.max(1) * 1000;
    }
}

/// `+`: move the emulator's clock forward, to watch tokens expire and be refreshed.
pub(super) fn shift_clock(app: &mut App, seconds: i64) -> Vec<Effect> {
    match embedded_base(app) {
        Some(base_url) if app.signed_in.is_some() => {
            background(app, Call::ShiftClock { base_url, seconds })
        }
        _ => Vec::new(),
    }
}

pub(super) fn on_clock(app: &mut App, offset_ms: i64) -> Vec<Effect> {
    app.server_offset_ms = offset_ms;
    let expired = app.token_secs_left().is_some_and(|s| s < 0);
    let ahead = span(offset_ms.abs() / 1000);
    let mut message = if offset_ms == 0 {
        "The emulator's clock is back in step with this computer.".to_string()
    } else {
        format!(
            "The emulator's clock now runs {ahead} {} this computer's.",
            if offset_ms > 0 { "ahead of" } else { "behind" }
        )
    };
    if expired {
        message.push_str(" The session token has expired; a fresh one is being minted.");
    }
    app.notice = Some(Notice {
        kind: NoticeKind::Info,
        message,
        param_name: None,
        retryable: false,
    });
    if let Some(d) = app.demo_totp.as_mut() {
        d.valid_until = app.now_ms;
    }
    let mut fx = maybe_refresh(app);
    fx.extend(refetch_demo_code(app));
    fx
}

/// "5 min", "1 h 5 min", "45 s": how far the emulator's clock was moved.
fn span(secs: i64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 if secs % 60 == 0 => format!("{} min", secs / 60),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}
