//! How `update` takes the result of a call: adopt the server's state, derive what follows
//! (start or stop the poller, mint a token, send a code), or show the failure where it belongs.

use crate::fapi::{Client, SessionStatus, SignInStatus};
use crate::flow::Step;

use super::update::{auto_prepare, call, stop_polling};
use super::{
    ApiReply, App, Call, CallKind, Effect, Failure, FailureKind, Notice, NoticeKind, account,
    session,
};

pub(super) fn on_reply(
    app: &mut App,
    epoch: u64,
    kind: CallKind,
    result: Result<ApiReply, Failure>,
) -> Vec<Effect> {
    // The environment is not part of any flow; everything else must still be current.
    if kind != CallKind::Environment && epoch != app.epoch {
        return Vec::new();
    }
    if !background_kind(kind) {
        app.busy = None;
    }
    match result {
        Ok(reply) => on_ok(app, kind, reply),
        Err(failure) => on_failure(app, kind, failure),
    }
}

/// Results of calls the user did not start and does not wait for: they leave the busy state
/// and the notice on screen alone.
fn background_kind(kind: CallKind) -> bool {
    matches!(
        kind,
        CallKind::Poll | CallKind::Token | CallKind::TokenCheck | CallKind::User | CallKind::Dev
    )
}

fn on_ok(app: &mut App, kind: CallKind, reply: ApiReply) -> Vec<Effect> {
    if kind == CallKind::Poll {
        app.last_poll_at = Some(app.now_ms);
        if app.notice.as_ref().is_some_and(|n| n.retryable) {
            app.notice = None;
        }
    } else if !background_kind(kind) && kind != CallKind::Environment {
        app.notice = None;
    }
    match reply {
        ApiReply::Environment(env) => {
            app.environment = Some(*env);
            app.load_failed = false;
            Vec::new()
        }
        ApiReply::Client(client) => {
            let client = client.map(|c| *c);
            if kind == CallKind::SignOut {
                session::on_signed_out(app, client);
                let fx = adopt_active_session(app);
                if let (Some(who), Some(n)) = (session::who(app), app.notice.as_mut()) {
                    n.message.push_str(&format!(" Now signed in as {who}."));
                }
                return fx;
            }
            app.client = client;
            let mut fx = session::check_still_active(app);
            if app.sign_in.is_none() {
                // Resume a sign-in that is still under way on this client.
                app.sign_in = app
                    .client
                    .as_ref()
                    .and_then(|c| c.sign_in.clone())
                    .filter(|s| {
                        s.status != SignInStatus::Complete && s.status != SignInStatus::Abandoned
                    });
            }
            fx.extend(adopt_active_session(app));
            if std::mem::take(&mut app.had_stored_token) && app.signed_in.is_none() {
                app.notice = Some(Notice {
                    kind: NoticeKind::Info,
                    message: "Your previous session has ended; sign in again.".to_string(),
                    // An Info pinned to a field is not drawn; this is news for the form.
                    param_name: None,
                    retryable: false,
                });
            }
            fx
        }
        ApiReply::SignIn { sign_in, client } => {
            if let Some(c) = client {
                app.client = Some(*c);
            }
            app.sign_in = Some(*sign_in);
            after_sign_in_change(app)
        }
        ApiReply::Token { jwt } => session::on_token(app, jwt),
        ApiReply::Totp(totp) => account::on_totp(app, *totp),
        ApiReply::TotpRemoved => account::on_totp_removed(app),
        ApiReply::BackupCodes(codes) => account::on_backup_codes(app, *codes),
        ApiReply::User(user) => {
            account::on_user(app, *user);
            Vec::new()
        }
        ApiReply::Touched(client) => {
            session::on_touched(app, client.map(|c| *c));
            Vec::new()
        }
        ApiReply::TokenCheck(check) => {
            session::on_token_check(app, check);
            Vec::new()
        }
        ApiReply::DemoTotp { code, seconds_left } => {
            session::on_demo_code(app, code, seconds_left);
            Vec::new()
        }
        ApiReply::Clock { offset_ms } => session::on_clock(app, offset_ms),
    }
}

/// The server moved the sign-in: finish, start or stop the poller, or send the next code.
fn after_sign_in_change(app: &mut App) -> Vec<Effect> {
    let mut fx = Vec::new();
    match app.step() {
        Step::Complete {
            session_id: Some(session_id),
        } => {
            fx.extend(stop_polling(app));
            fx.extend(session::enter(app, session_id));
            return fx;
        }
        Step::Factor(f) if f.sent && f.strategy().completes_elsewhere() => {
            if !app.polling {
                app.polling = true;
                let until_ms = f.expire_at.unwrap_or(app.now_ms + 10 * 60_000);
                let sign_in_id = app
                    .sign_in
                    .as_ref()
                    .map(|s| s.id.clone())
                    .unwrap_or_default();
                fx.push(Effect::StartPolling {
                    epoch: app.epoch,
                    sign_in_id,
                    until_ms,
                });
            }
            return fx;
        }
        Step::Factor(f) if f.ended.is_some() && super::handoff::is_hand_off(f.strategy()) => {
            fx.extend(stop_polling(app));
            app.notice = Some(super::handoff::ended_notice(f.ended.as_ref()));
            return fx;
        }
        Step::Factor(f) if f.ended.is_some() && f.strategy().completes_elsewhere() => {
            fx.extend(stop_polling(app));
            app.notice = Some(Notice {
                kind: NoticeKind::Error,
                message: match f.ended {
                    Some(crate::fapi::VerificationStatus::Expired) => {
                        "The link expired. Send a new one, or use another method.".to_string()
                    }
                    _ => "The link could not be verified. Send a new one, or use another method."
                        .to_string(),
                },
                param_name: None,
                retryable: false,
            });
            return fx;
        }
        _ => fx.extend(stop_polling(app)),
    }
    fx.extend(auto_prepare(app));
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
    session::enter(app, session_id)
}

fn active_session_id(client: &Client) -> Option<String> {
    let active = |id: &str| {
        client
            .sessions
            .iter()
            .any(|s| s.id == id && s.status == SessionStatus::Active)
    };
    match client.last_active_session_id.as_deref() {
        Some(id) if active(id) => Some(id.to_string()),
        _ => client
            .sessions
            .iter()
            .find(|s| s.status == SessionStatus::Active)
            .map(|s| s.id.clone()),
    }
}

fn on_failure(app: &mut App, kind: CallKind, failure: Failure) -> Vec<Effect> {
    if let FailureKind::RateLimited { retry_after_secs } = failure.kind {
        app.blocked_until = Some(app.now_ms + retry_after_secs as i64 * 1000);
    }
    match (kind, failure.code()) {
        (CallKind::Environment, _) => app.load_failed = true,
        (CallKind::Token, _) => return session::on_token_failure(app, failure),
        (CallKind::SignOut, _) => {
            session::on_sign_out_failed(app, failure);
            return Vec::new();
        }
        (CallKind::Account, _) => {
            account::on_failure(app, failure);
            return Vec::new();
        }
        (CallKind::Dev, _) => app.demo_totp = None,
        // A session that cannot be touched has probably ended: the client says.
        (CallKind::Touch, _) => {
            app.notice = Some(Notice {
                kind: NoticeKind::Error,
                message: failure.message,
                param_name: None,
                retryable: false,
            });
            return super::update::background(app, Call::LoadClient);
        }
        // A poll that fails for a passing reason (network, 5xx, a rate limit) keeps polling -
        // the effect backs off - so a link opened meanwhile is still noticed; say so.
        (CallKind::Poll, _)
            if failure.retryable() || matches!(failure.kind, FailureKind::RateLimited { .. }) =>
        {
            app.notice = Some(Notice {
                kind: NoticeKind::Error,
                message: format!("{} Still trying.", failure.message),
                param_name: None,
                retryable: true,
            });
            return Vec::new();
        }
        // The client already holds a session (single-session instances): show it.
        (CallKind::SignIn, Some("session_exists" | "identifier_already_signed_in")) => {
            return call(app, Call::LoadClient);
        }
        // The sign-in is gone (expired or abandoned): start again from the identifier.
        (CallKind::SignIn | CallKind::Poll, Some("resource_not_found")) => {
            app.epoch += 1;
            app.sign_in = None;
            app.choices = Default::default();
            let mut fx = stop_polling(app);
            app.notice = Some(Notice {
                kind: NoticeKind::Error,
                message: "This sign-in attempt is no longer valid. Start again.".to_string(),
                param_name: Some("identifier".to_string()),
                retryable: false,
            });
            fx.shrink_to_fit();
            return fx;
        }
        _ => {}
    }
    let retryable = failure.retryable();
    app.notice = Some(Notice {
        kind: NoticeKind::Error,
        message: failure.message,
        param_name: failure.param_name,
        retryable,
    });
    if kind == CallKind::Poll {
        return stop_polling(app);
    }
    Vec::new()
}
