//! `update`: the one place the app changes. Pure: it reads no clock (time arrives in `Tick`),
//! does no I/O, and answers each `Action` with the `Effect`s to run.

use crate::fapi::{SignInStatus, Strategy};
use crate::flow::{FactorStep, Stage, Step};

use super::replies::on_reply;
use super::{Action, App, Call, Effect, Notice, NoticeKind};
use super::{account, session};

/// How long the server asks us to wait before sending another code or link.
pub(super) const RESEND_COOLDOWN_MS: i64 = 30_000;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Tick { now_ms } => {
            app.now_ms = now_ms;
            if app.blocked_until.is_some_and(|t| t <= now_ms) {
                app.blocked_until = None;
            }
            let mut fx = session::on_tick(app);
            fx.extend(super::handoff::on_tick(app));
            fx
        }
        Action::Start => {
            let mut fx = call(app, Call::LoadEnvironment);
            fx.extend(call(app, Call::LoadClient));
            if let super::Backend::Embedded { base_url, .. } = &app.backend {
                fx.push(Effect::WatchOutbox {
                    base_url: base_url.clone(),
                });
            }
            fx
        }
        Action::Outbox(entries) => {
            app.outbox = entries;
            Vec::new()
        }
        Action::SubmitIdentifier {
            identifier,
            password,
        } => {
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
        Action::SubmitPassword(secret) => match current_factor(app) {
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
        },
        Action::SubmitCode(code) => submit_code(app, code),
        Action::SendCode => match current_factor(app) {
            Some(f) if f.strategy().needs_prepare() => {
                if let Some(secs) = app.resend_secs() {
                    return info(app, format!("You can ask for a new one in {secs} s."));
                }
                prepare(app, &f)
            }
            _ => Vec::new(),
        },
        Action::ChooseAnotherMethod => {
            let stage = match app.step() {
                Step::Factor(f) => f.stage,
                Step::NoFactor(stage) => stage,
                _ => return Vec::new(),
            };
            app.choices.choosing = Some(stage);
            app.notice = None;
            stop_polling(app)
        }
        Action::PickFactor(strategy) => {
            let Step::ChooseFactor(stage) = app.step() else {
                return Vec::new();
            };
            if let Err(why) = crate::flow::terminal_support(&strategy) {
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
        Action::ForgotPassword => {
            let Some(sign_in) = app.sign_in.as_ref() else {
                return Vec::new();
            };
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
        Action::SubmitNewPassword {
            password,
            sign_out_of_other_sessions,
        } => {
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
        Action::Back => back(app),
        // Without the environment nothing works: retry the whole start, not the last call.
        Action::Retry if app.load_failed || app.environment.is_none() => {
            app.notice = None;
            let mut fx = call(app, Call::LoadEnvironment);
            fx.extend(call(app, Call::LoadClient));
            fx
        }
        Action::Retry => match app.last_call.as_ref().and_then(Call::repeatable) {
            Some(c) => call(app, c),
            None => Vec::new(),
        },
        Action::RefreshToken => session::refresh_now(app),
        Action::SetUpTotp
        | Action::VerifyTotp(_)
        | Action::AskRemoveTotp
        | Action::AskRegenerateBackupCodes
        | Action::Confirm
        | Action::BackupCodesSaved => account::on_action(app, action),
        Action::SwitchSession(id) => session::switch(app, id),
        Action::StoredClientToken(had) => {
            app.had_stored_token = had;
            Vec::new()
        }
        Action::ToggleDemoTotp => session::toggle_demo_code(app),
        Action::ShiftClock { seconds } => session::shift_clock(app, seconds),
        Action::SignOut { all } => {
            let Some(s) = &app.signed_in else {
                return Vec::new();
            };
            let session_id = (!all).then(|| s.session_id.clone());
            call(app, Call::SignOut { session_id })
        }
        Action::Quit => {
            app.should_quit = true;
            let mut fx = stop_polling(app);
            fx.push(Effect::Quit);
            fx
        }
        Action::StartOAuth(strategy) => super::handoff::start(app, strategy),
        Action::OpenInBrowser(url) => vec![Effect::OpenBrowser { url }],
        Action::BrowserOpened(error) => super::handoff::browser_opened(app, error),
        Action::Api {
            epoch,
            call,
            result,
        } => on_reply(app, epoch, call, result),
    }
}

/// A call the user did not ask for and need not wait for (token refresh, its verification,
/// reloads, demo helpers): no busy state, nothing kept for `Retry`.
pub(super) fn background(app: &App, c: Call) -> Vec<Effect> {
    vec![Effect::Call {
        epoch: app.epoch,
        call: c,
    }]
}

/// Issue a call under the current epoch, remembering it for `Retry`.
pub(super) fn call(app: &mut App, c: Call) -> Vec<Effect> {
    app.busy = Some(super::Busy { what: c.label() });
    app.last_call = c.repeatable();
    vec![Effect::Call {
        epoch: app.epoch,
        call: c,
    }]
}

pub(super) fn current_factor(app: &App) -> Option<FactorStep> {
    match app.step() {
        Step::Factor(f) => Some(f),
        _ => None,
    }
}

fn sign_in_id(app: &App) -> String {
    app.sign_in
        .as_ref()
        .map(|s| s.id.clone())
        .unwrap_or_default()
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
        Stage::First => call(app, Call::PrepareFirstFactor { sign_in_id, factor }),
        Stage::Second | Stage::ClientTrust => {
            call(app, Call::PrepareSecondFactor { sign_in_id, factor })
        }
    });
    fx
}

/// Send the code or link of a factor the user just arrived at, once, as Clerk's own components
/// do on entering a code screen; a failed send is not repeated automatically.
pub(super) fn auto_prepare(app: &mut App) -> Vec<Effect> {
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

fn submit_code(app: &mut App, code: secrecy::SecretString) -> Vec<Effect> {
    let Some(f) = current_factor(app) else {
        return Vec::new();
    };
    let strategy = f.strategy().clone();
    if !strategy.is_code() || refuse_while_blocked(app) {
        return Vec::new();
    }
    if strategy.needs_prepare() && !f.sent {
        return info(
            app,
            "No code has been sent yet. Ask for one first.".to_string(),
        );
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

fn back(app: &mut App) -> Vec<Effect> {
    if app.signed_in.is_some() {
        return account::back(app);
    }
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
        // Back from the start of a stage: a new sign-in from the identifier screen.
        app.sign_in = None;
        app.choices = Default::default();
        app.auto_sent = None;
        app.resend_at = None;
    }
    fx
}

pub(super) fn stop_polling(app: &mut App) -> Vec<Effect> {
    if app.polling {
        app.polling = false;
        vec![Effect::StopPolling]
    } else {
        Vec::new()
    }
}

fn refuse_while_blocked(app: &mut App) -> bool {
    match app.blocked_secs() {
        Some(secs) => {
            app.notice = Some(Notice {
                kind: NoticeKind::Error,
                message: format!("Too many requests. Try again in {secs} s."),
                param_name: None,
                retryable: false,
            });
            true
        }
        None => false,
    }
}

fn error_on(app: &mut App, param: &str, message: &str) -> Vec<Effect> {
    app.notice = Some(Notice {
        kind: NoticeKind::Error,
        message: message.to_string(),
        param_name: Some(param.to_string()),
        retryable: false,
    });
    Vec::new()
}

pub(super) fn info(app: &mut App, message: String) -> Vec<Effect> {
    app.notice = Some(Notice {
        kind: NoticeKind::Info,
        message,
        param_name: None,
        retryable: false,
    });
    Vec::new()
}
