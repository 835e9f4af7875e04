//! The sign-in: the identifier, the factors of each stage (sending codes and links, picking
//! another method, a forgotten password), going back, and the server's answers to those calls
//! and to the poller - adopting the `SignIn` the server sent and doing what its step asks.

use secrecy::SecretString;

use crate::fapi::{SignInStatus, Strategy, VerificationStatus};
use crate::flow::{FactorStep, Stage, Step};

use super::calls::{
    call, current_factor, error, error_on, info, refuse_while_blocked, show_failure, sign_in_id,
    stop_polling,
};
use super::{App, Call, Effect, Failure, FailureKind, Notice, SignInReply};
use super::{handoff, handoff_return, session};

/// How long the server asks us to wait before sending another code or link.
pub(super) const RESEND_COOLDOWN_MS: i64 = 30_000;

pub(super) fn submit_identifier(
    app: &mut App,
    identifier: String,
    password: Option<SecretString>,
) -> Vec<Effect> {
    let identifier = identifier.trim().to_string();
    if identifier.is_empty() {
        return error_on(
            app,
            "identifier",
            "Enter your email address, phone number or username.",
        );
    }
    if refuse_while_blocked(app) {
        return Vec::new();
    }
    app.identifier = Some(identifier.clone());
    app.choices = Default::default();
    app.auto_sent = None;
    call(
        app,
        Call::CreateSignIn {
            identifier,
            password,
        },
    )
}

/// A ticket replaces any sign-in under way: it names its user itself, so no identifier is
/// kept (the one typed before may be someone else's).
pub(super) fn submit_ticket(app: &mut App, ticket: SecretString) -> Vec<Effect> {
    if refuse_while_blocked(app) {
        return Vec::new();
    }
    app.identifier = None;
    app.choices = Default::default();
    app.auto_sent = None;
    call(app, Call::CreateTicketSignIn { ticket })
}

pub(super) fn submit_password(app: &mut App, secret: SecretString) -> Vec<Effect> {
    match current_factor(app) {
        Some(f) if f.stage == Stage::First && *f.strategy() == Strategy::Password => {
            if refuse_while_blocked(app) {
                return Vec::new();
            }
            let sign_in_id = sign_in_id(app);
            call(
                app,
                Call::AttemptFirstFactor {
                    sign_in_id,
                    strategy: Strategy::Password,
                    secret,
                },
            )
        }
        _ => Vec::new(),
    }
}

pub(super) fn submit_code(app: &mut App, code: SecretString) -> Vec<Effect> {
    let Some(f) = current_factor(app) else {
        return Vec::new();
    };
    let strategy = f.strategy().clone();
    if !strategy.is_code() || refuse_while_blocked(app) {
        return Vec::new();
    }
    if strategy.needs_prepare() && !f.sent {
        let why = match f.ended {
            // Typed after too many wrong codes, or after the code expired.
            Some(_) => "That code can no longer be used. Ask for a new one first.",
            None => "No code has been sent yet. Ask for one first.",
        };
        return info(app, why.to_string());
    }
    let sign_in_id = sign_in_id(app);
    match f.stage {
        Stage::First => call(
            app,
            Call::AttemptFirstFactor {
                sign_in_id,
                strategy,
                secret: code,
            },
        ),
        Stage::Second | Stage::ClientTrust => call(
            app,
            Call::AttemptSecondFactor {
                sign_in_id,
                strategy,
                code,
            },
        ),
    }
}

/// `r`: send (or send again) the code or link of the current factor, after the cooldown.
pub(super) fn send_code(app: &mut App) -> Vec<Effect> {
    match current_factor(app) {
        Some(f) if f.strategy().needs_prepare() => {
            if let Some(secs) = app.resend_secs() {
                return info(app, format!("You can ask for a new one in {secs} s."));
            }
            prepare(app, &f)
        }
        _ => Vec::new(),
    }
}

pub(super) fn choose_another_method(app: &mut App) -> Vec<Effect> {
    let stage = match app.step() {
        Step::Factor(f) => f.stage,
        Step::NoFactor(stage) => stage,
        _ => return Vec::new(),
    };
    app.choices.choosing = Some(stage);
    app.notice = None;
    stop_polling(app)
}

pub(super) fn pick_factor(app: &mut App, strategy: Strategy) -> Vec<Effect> {
    let Step::ChooseFactor(stage) = app.step() else {
        return Vec::new();
    };
    if let Err(why) = app.support(&strategy) {
        return info(app, format!("{strategy} can't be used here: {why}."));
    }
    match stage {
        Stage::First => app.choices.first = Some(strategy),
        Stage::Second | Stage::ClientTrust => app.choices.second = Some(strategy),
    }
    app.choices.choosing = None;
    app.notice = None;
    app.resend_at = None;
    auto_prepare(app)
}

/// "Forgot password": the reset code of the account's email (or else phone), if it has one.
pub(super) fn forgot_password(app: &mut App) -> Vec<Effect> {
    let Some(sign_in) = app.sign_in.as_ref() else {
        return Vec::new();
    };
    if app.locked_secs().is_some() {
        return Vec::new();
    }
    let reset = [
        Strategy::ResetPasswordEmailCode,
        Strategy::ResetPasswordPhoneCode,
    ]
    .into_iter()
    .find(|s| {
        sign_in
            .supported_first_factors
            .iter()
            .any(|f| &f.strategy == s)
    });
    match reset {
        Some(strategy) if sign_in.status == SignInStatus::NeedsFirstFactor => {
            app.choices.first = Some(strategy);
            app.choices.choosing = None;
            app.resend_at = None;
            auto_prepare(app)
        }
        _ => info(
            app,
            "This account cannot reset its password here.".to_string(),
        ),
    }
}

pub(super) fn submit_new_password(
    app: &mut App,
    password: SecretString,
    sign_out_of_other_sessions: bool,
) -> Vec<Effect> {
    if app.step() != Step::NewPassword {
        return Vec::new();
    }
    if let Some(env) = &app.environment {
        let failures = crate::fapi::validate_password(
            secrecy::ExposeSecret::expose_secret(&password),
            &env.user_settings.password_settings,
        );
        if let Some(first) = failures.first() {
            return error_on(app, "password", &first.to_string());
        }
    }
    let sign_in_id = sign_in_id(app);
    call(
        app,
        Call::ResetPassword {
            sign_in_id,
            password,
            sign_out_of_other_sessions,
        },
    )
}

/// Esc while signing in: close the list of methods, leave a picked method, or (at the start
/// of a stage) start a new sign-in from the identifier. Late answers of the old flow drop.
pub(super) fn back(app: &mut App) -> Vec<Effect> {
    app.epoch += 1;
    app.busy = None;
    app.notice = None;
    let fx = stop_polling(app);
    if app.choices.choosing.take().is_some() {
        return fx;
    }
    let picked = match app.step() {
        Step::Factor(f) if f.stage == Stage::First => app.choices.first.take(),
        Step::Factor(_) => app.choices.second.take(),
        _ => None,
    };
    if picked.is_none() {
        app.sign_in = None;
        app.choices = Default::default();
        app.auto_sent = None;
        app.resend_at = None;
        // Another identifier may name an account that is not locked.
        app.locked_until = None;
    }
    fx
}

fn prepare(app: &mut App, f: &FactorStep) -> Vec<Effect> {
    if refuse_while_blocked(app) {
        return Vec::new();
    }
    let sign_in_id = sign_in_id(app);
    app.auto_sent = Some((sign_in_id.clone(), f.stage, f.strategy().clone()));
    app.resend_at = Some(app.now_ms + RESEND_COOLDOWN_MS);
    app.notice = None;
    let mut fx = stop_polling(app);
    let factor = f.factor.clone();
    fx.extend(match f.stage {
        Stage::First if handoff::is_hand_off(f.strategy()) => {
            handoff::prepare(app, sign_in_id, factor)
        }
        Stage::First => call(app, Call::PrepareFirstFactor { sign_in_id, factor }),
        Stage::Second | Stage::ClientTrust => {
            call(app, Call::PrepareSecondFactor { sign_in_id, factor })
        }
    });
    fx
}

/// Send the code or link of a factor the user just arrived at, once, as Clerk's own components
/// do on entering a code screen; a failed send is not repeated automatically.
fn auto_prepare(app: &mut App) -> Vec<Effect> {
    let Some(f) = current_factor(app) else {
        return Vec::new();
    };
    if !f.strategy().needs_prepare() || f.sent || f.ended.is_some() || app.busy.is_some() {
        return Vec::new();
    }
    let key = (sign_in_id(app), f.stage, f.strategy().clone());
    if app.auto_sent.as_ref() == Some(&key) {
        return Vec::new();
    }
    prepare(app, &f)
}

/// The answer to a sign-in call the user made.
pub(super) fn on_sign_in(app: &mut App, result: Result<SignInReply, Failure>) -> Vec<Effect> {
    let failure = match result {
        Ok(reply) => return adopt(app, reply),
        Err(failure) => failure,
    };
    // Nothing was sent, so nothing to wait for before asking again.
    if matches!(
        app.last_call,
        Some(Call::PrepareFirstFactor { .. } | Call::PrepareSecondFactor { .. })
    ) {
        app.resend_at = None;
    }
    match failure.code() {
        // The client already holds a session for this user: continue with it.
        Some("session_exists" | "identifier_already_signed_in") => {
            already_signed_in(app, failure.session_id.map(String::from))
        }
        Some("resource_not_found") => gone(app),
        // A hand-off's redirect URL the instance does not allow: say what to allowlist.
        Some("resource_missmatch") if app.handoff.is_some() => handoff::not_allowed(app, failure),
        _ => {
            show_failure(app, failure);
            Vec::new()
        }
    }
}

/// The poller's answer while waiting for an email link or a hand-off.
pub(super) fn on_poll(app: &mut App, result: Result<SignInReply, Failure>) -> Vec<Effect> {
    let failure = match result {
        Ok(reply) => {
            app.last_poll_at = Some(app.now_ms);
            if app.notice.as_ref().is_some_and(|n| n.retryable) {
                app.notice = None;
            }
            if let Some(fx) = handoff_return::on_poll(app, &reply.sign_in) {
                return fx;
            }
            return adopt(app, reply);
        }
        Err(failure) => failure,
    };
    // A poll that fails for a passing reason (network, 5xx, a rate limit) keeps polling - the
    // effect backs off - so a link opened meanwhile is still noticed; say so.
    if failure.retryable() || matches!(failure.kind, FailureKind::RateLimited { .. }) {
        app.notice = Some(Notice {
            retryable: true,
            ..error(format!("{} Still trying.", failure.message))
        });
        return Vec::new();
    }
    if failure.code() == Some("resource_not_found") {
        return gone(app);
    }
    show_failure(app, failure);
    stop_polling(app)
}

/// This device is already signed in (`session_exists`, `identifier_already_signed_in`, or a
/// sign-in whose `existingSession` Clerk names): switch to that session, as clerk-js's
/// components do with `existingSession.sessionId`, instead of a dead end. Without a session
/// id, or one this app does not hold yet, the client is reloaded and its active session shown.
fn already_signed_in(app: &mut App, session_id: Option<String>) -> Vec<Effect> {
    let held = session_id
        .clone()
        .filter(|id| app.active_sessions().iter().any(|s| &s.id == id));
    let mut fx = stop_polling(app);
    fx.extend(match held {
        Some(id) => session::switch(app, id),
        None => {
            app.switch_to = session_id;
            call(app, Call::LoadClient)
        }
    });
    app.notice = Some(Notice {
        kind: crate::app::NoticeKind::Info,
        message: "You are already signed in on this device; continuing with that session."
            .to_string(),
        param_name: None,
        retryable: false,
    });
    fx
}

/// The sign-in is gone (expired or abandoned): start again from the identifier.
fn gone(app: &mut App) -> Vec<Effect> {
    app.epoch += 1;
    app.sign_in = None;
    app.choices = Default::default();
    let mut fx = stop_polling(app);
    fx.extend(handoff::stop_listening(app));
    app.notice = Some(Notice {
        param_name: Some("identifier".to_string()),
        ..error("This sign-in attempt is no longer valid. Start again.".to_string())
    });
    fx
}

/// The server moved the sign-in: finish, start or stop the poller, or send the next code.
fn adopt(app: &mut App, reply: SignInReply) -> Vec<Effect> {
    if let Some(c) = reply.client {
        app.client = Some(*c);
    }
    app.sign_in = Some(*reply.sign_in);
    let existing = app
        .sign_in
        .as_ref()
        .and_then(|s| s.existing_session_id())
        .map(str::to_string);
    if existing.is_some() {
        return already_signed_in(app, existing);
    }
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
                fx.push(Effect::StartPolling {
                    epoch: app.epoch,
                    sign_in_id: sign_in_id(app),
                    // `sent` implies an expiry (`flow::factor_step`); the poller stops there.
                    until_ms: f.expire_at.unwrap_or(app.now_ms),
                });
            }
            fx.extend(handoff::on_started(app));
            return fx;
        }
        Step::Factor(f) if f.ended.is_some() && handoff::is_hand_off(f.strategy()) => {
            fx.extend(stop_polling(app));
            fx.extend(handoff::stop_listening(app));
            app.notice = Some(handoff::ended_notice(f.ended.as_ref()));
            return fx;
        }
        Step::Factor(f) if f.ended.is_some() && f.strategy().completes_elsewhere() => {
            fx.extend(stop_polling(app));
            app.notice = Some(error(match f.ended {
                Some(VerificationStatus::Expired) => {
                    "The link expired. Send a new one, or use another method.".to_string()
                }
                _ => "The link could not be verified. Send a new one, or use another method."
                    .to_string(),
            }));
            return fx;
        }
        _ => fx.extend(stop_polling(app)),
    }
    fx.extend(auto_prepare(app));
    fx
}
