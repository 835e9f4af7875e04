//! The embedded emulator's demo helpers: the demo user's current authenticator code (`d` when
//! signed in, F2 on the sign-in's authenticator step; fetched again when it rolls over) and
//! moving the emulator's clock (`+`), to watch tokens expire and be refreshed.

use super::calls::{background, info, show_failure};
use super::session::maybe_refresh;
use super::{App, Backend, Call, DemoCode, DemoTotp, Effect, Failure, Notice, NoticeKind};

fn embedded_base(app: &App) -> Option<String> {
    match &app.backend {
        Backend::Embedded { base_url, .. } => Some(base_url.clone()),
        Backend::Remote { .. } => None,
    }
}

/// Whose code: the signed-in user, or during a sign-in the identifier it was started with
/// (the emulator's `/__dev/totp/` takes either).
fn demo_subject(app: &App) -> Option<String> {
    match &app.signed_in {
        Some(_) => app.user().map(|u| u.id.clone()),
        None => app.identifier.clone(),
    }
}

/// `d` (F2 while signing in): show (or hide) the demo user's current authenticator code.
pub(super) fn toggle_demo_code(app: &mut App) -> Vec<Effect> {
    if embedded_base(app).is_none() || demo_subject(app).is_none() {
        return Vec::new();
    }
    if app.demo_totp.take().is_some() {
        return Vec::new();
    }
    if app.signed_in.is_some() && !app.user().is_some_and(|u| u.totp_enabled) {
        return info(
            app,
            "This user has no authenticator app, so there is no code to show. Press a to set one up."
                .to_string(),
        );
    }
    app.demo_totp = Some(DemoTotp {
        code: None,
        valid_until: app.now_ms,
        fetching: false,
    });
    refetch_demo_code(app)
}

/// On the clock: fetch the code again once the shown one stopped being current.
pub(super) fn on_tick(app: &mut App) -> Vec<Effect> {
    refetch_demo_code(app)
}

fn refetch_demo_code(app: &mut App) -> Vec<Effect> {
    let (Some(base_url), Some(user_id)) = (embedded_base(app), demo_subject(app)) else {
        return Vec::new();
    };
    match app.demo_totp.as_mut() {
        Some(d) if !d.fetching && app.now_ms >= d.valid_until => d.fetching = true,
        _ => return Vec::new(),
    }
    background(app, Call::DemoTotp { base_url, user_id })
}

pub(super) fn on_demo_code(app: &mut App, result: Result<DemoCode, Failure>) {
    match result {
        Ok(DemoCode { code, seconds_left }) => {
            if let Some(d) = app.demo_totp.as_mut() {
                d.code = Some(code);
                d.fetching = false;
                d.valid_until = app.now_ms + seconds_left.max(1) * 1000;
            }
        }
        Err(failure) => failed(app, failure),
    }
}

/// A demo helper failed: the code is no longer shown (so it is not fetched in a loop).
fn failed(app: &mut App, failure: Failure) {
    app.demo_totp = None;
    show_failure(app, failure);
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

pub(super) fn on_clock(app: &mut App, result: Result<i64, Failure>) -> Vec<Effect> {
    let offset_ms = match result {
        Ok(offset_ms) => offset_ms,
        Err(failure) => {
            failed(app, failure);
            return Vec::new();
        }
    };
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
