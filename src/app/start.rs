//! The app's life around the flows: starting (the environment and the client), the clock and
//! the rate-limit block it ends, repeating a call that failed for a passing reason, quitting.

use super::calls::{call, show_failure, stop_polling};
use super::{App, Backend, Call, Effect, Failure};
use crate::fapi::Environment;

pub(super) fn start(app: &mut App) -> Vec<Effect> {
    let mut fx = load(app);
    if let Backend::Embedded { base_url, .. } = &app.backend {
        fx.push(Effect::WatchOutbox {
            base_url: base_url.clone(),
        });
    }
    fx
}

fn load(app: &mut App) -> Vec<Effect> {
    let mut fx = call(app, Call::LoadEnvironment);
    fx.extend(call(app, Call::LoadClient));
    fx
}

/// Time moved: a rate-limit block or an account lock that has run out is lifted.
pub(super) fn clock(app: &mut App, now_ms: i64) {
    app.now_ms = now_ms;
    if app.blocked_until.is_some_and(|t| t <= now_ms) {
        app.blocked_until = None;
    }
    if app
        .locked_until
        .is_some_and(|t| t.is_some_and(|t| t <= now_ms))
    {
        // The lock's sentence no longer holds: the password (or a reset) may be tried again.
        app.locked_until = None;
        app.notice = None;
    }
}

/// `r` after a failure: repeat the last call if it is safe to. Without the environment nothing
/// works, so then the whole start is repeated, not the last call.
pub(super) fn retry(app: &mut App) -> Vec<Effect> {
    // (A failed environment load leaves it `None`: `load_failed` adds nothing here.)
    if app.environment.is_none() {
        app.notice = None;
        return load(app);
    }
    match app.last_call.as_ref().and_then(Call::repeatable) {
        Some(c) => call(app, c),
        None => Vec::new(),
    }
}

pub(super) fn quit(app: &mut App) -> Vec<Effect> {
    app.should_quit = true;
    let mut fx = stop_polling(app);
    fx.push(Effect::Quit);
    fx
}

pub(super) fn on_environment(
    app: &mut App,
    result: Result<Box<Environment>, Failure>,
) -> Vec<Effect> {
    match result {
        Ok(env) => {
            app.environment = Some(*env);
            app.load_failed = false;
        }
        Err(failure) => {
            app.load_failed = true;
            show_failure(app, failure);
        }
    }
    Vec::new()
}

/// The answer to "continue the sign-in an earlier run left unfinished?".
pub(super) fn resume_sign_in(app: &mut App, resume: bool) -> Vec<Effect> {
    let unfinished = app.unfinished.take();
    if resume && app.sign_in.is_none() && app.signed_in.is_none() {
        app.sign_in = unfinished;
    }
    Vec::new()
}
