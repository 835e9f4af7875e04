//! What every topic of `update` does the same way: issue a call under the current epoch, stop
//! the poller, put a notice under the form, refuse while rate limited. A leaf: it uses only the
//! state and effect types, so the topic files can all use it without using each other.

use crate::flow::{FactorStep, Step};

use super::{App, Busy, Call, Effect, Failure, Notice, NoticeKind};

/// Issue a call under the current epoch, remembering it for `Retry`.
pub(super) fn call(app: &mut App, c: Call) -> Vec<Effect> {
    app.busy = Some(Busy { what: c.label() });
    app.last_call = c.repeatable();
    vec![Effect::Call {
        epoch: app.epoch,
        call: c,
    }]
}

/// A call the user did not ask for and need not wait for (token refresh, its verification,
/// reloads, demo helpers): no busy state, nothing kept for `Retry`.
pub(super) fn background(app: &App, c: Call) -> Vec<Effect> {
    vec![Effect::Call {
        epoch: app.epoch,
        call: c,
    }]
}

pub(super) fn stop_polling(app: &mut App) -> Vec<Effect> {
    if app.polling {
        app.polling = false;
        vec![Effect::StopPolling]
    } else {
        Vec::new()
    }
}

pub(super) fn current_factor(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

pub(super) fn sign_in_id(app: &App) -> String {
    app.sign_in
        .as_ref()
        .map(|s| s.id.clone())
        .unwrap_or_default()
}

/// While rate limited, say how long is left instead of calling (`true`: refused).
pub(super) fn refuse_while_blocked(app: &mut App) -> bool {
    match app.blocked_secs() {
        Some(secs) => {
            // The screens' words for a rate limit, so it reads the same however it arose.
            app.notice = Some(error(format!(
                "Too many attempts. You can try again in {secs} s."
            )));
            true
        }
        None => false,
    }
}

/// News for the screen (no call).
pub(super) fn info(app: &mut App, message: String) -> Vec<Effect> {
    app.notice = Some(Notice {
        kind: NoticeKind::Info,
        message,
        param_name: None,
        retryable: false,
    });
    Vec::new()
}

/// A message about something that went wrong, not tied to a field.
pub(super) fn error(message: String) -> Notice {
    Notice {
        kind: NoticeKind::Error,
        message,
        param_name: None,
        retryable: false,
    }
}

/// A refusal of what the user typed, shown under the field it concerns.
pub(super) fn error_on(app: &mut App, param: &str, message: &str) -> Vec<Effect> {
    app.notice = Some(Notice {
        param_name: Some(param.to_string()),
        ..error(message.to_string())
    });
    Vec::new()
}

/// A failed call shown as the server worded it, under the field it named; `Retry` is offered
/// when repeating the call may help.
pub(super) fn show_failure(app: &mut App, failure: Failure) {
    let retryable = failure.retryable();
    // Clerk's sentence says what is wrong; the next step says what to do about it. Failures
    // without a code (network, timeouts) get theirs from the screens' retry hint.
    let message = match failure.code() {
        Some(code) => crate::flow::with_next_step_for(
            &failure.message,
            code,
            failure.param_name.as_deref(),
            current_factor(app).as_ref().map(FactorStep::strategy),
        ),
        None => failure.message,
    };
    app.notice = Some(Notice {
        kind: NoticeKind::Error,
        message,
        param_name: failure.param_name,
        retryable,
    });
}
