//! The factor endpoints of a sign-in: one `prepare` for the first and the second factor, and
//! the two attempts (a password, a code, a ticket; TOTP, backup or sent code for MFA and client
//! trust). Every answer is `{response: SignIn, client: Client}`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::errors::ApiError;
use super::factors::{self, Stage};
use super::lockout;
use super::model::{Hidden, SignInRec};
use super::oauth;
use super::params::Params;
use super::request::{Caller, PathParam};
use super::sign_in_api::{finish, load, redeem_ticket, reply};
use super::signin::{self, Status};
use super::state::{Db, Emulator};
use super::wire::Strategy;

/// `prepare_first_factor` / `prepare_second_factor`: send a code or link for `strategy`.
#[derive(Deserialize)]
pub struct PrepareFactor {
    strategy: Strategy,
    email_address_id: Option<String>,
    phone_number_id: Option<String>,
    redirect_url: Option<String>,
    /// Enterprise SSO: the connection of the factor picked.
    enterprise_connection_id: Option<String>,
}

/// `attempt_first_factor`: what the strategy needs (a password, a code or a ticket).
#[derive(Deserialize)]
pub struct AttemptFirstFactor {
    strategy: Strategy,
    password: Option<Hidden>,
    code: Option<Hidden>,
    ticket: Option<String>,
}

/// `attempt_second_factor`: a TOTP, backup or sent code.
#[derive(Deserialize)]
pub struct AttemptSecondFactor {
    strategy: Strategy,
    code: Hidden,
}

/// The sign-in must be waiting for this stage's factor.
fn ensure_stage(db: &Db, si: &SignInRec, stage: Stage, now: i64) -> Result<(), ApiError> {
    let status = signin::status_of(db, si, now);
    let ok = match stage {
        Stage::First => status == Status::NeedsFirstFactor,
        Stage::Second => matches!(status, Status::NeedsSecondFactor | Status::NeedsClientTrust),
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::status_invalid(status.as_str()))
    }
}

pub async fn prepare_first_factor(
    app: State<Arc<Emulator>>,
    id: PathParam<String>,
    caller: Caller,
    params: Params<PrepareFactor>,
) -> Result<Response, ApiError> {
    prepare(Stage::First, app, id, caller, params).await
}

pub async fn prepare_second_factor(
    app: State<Arc<Emulator>>,
    id: PathParam<String>,
    caller: Caller,
    params: Params<PrepareFactor>,
) -> Result<Response, ApiError> {
    prepare(Stage::Second, app, id, caller, params).await
}

/// Sends the code (or link) of a strategy the sign-in offers at this stage.
async fn prepare(
    stage: Stage,
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
    Params(p): Params<PrepareFactor>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    if stage == Stage::First && p.strategy == Strategy::OauthMock {
        let redirect_url = p
            .redirect_url
            .ok_or_else(|| ApiError::missing("redirect_url"))?;
        return oauth::prepare(&app, &caller, &id, &redirect_url, now);
    }
    if stage == Stage::First && matches!(p.strategy, Strategy::EnterpriseSso | Strategy::Saml) {
        let redirect_url = p
            .redirect_url
            .ok_or_else(|| ApiError::missing("redirect_url"))?;
        return super::sso::prepare(
            &app,
            &caller,
            &id,
            &redirect_url,
            p.enterprise_connection_id.as_deref(),
            now,
        );
    }
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &caller, &id, now)?;
    ensure_stage(&st, &si, stage, now)?;
    let user = st.user_of(&si)?;
    lockout::ensure_unlocked(&user, now)?;
    let offered = match stage {
        Stage::First => signin::first_factors(&user, si.identifier.as_deref()),
        Stage::Second => signin::second_factors(&si, &user, &st, now),
    };
    let sendable = p.strategy.is_sent_code() || p.strategy == Strategy::EmailLink;
    if !sendable || !offered.iter().any(|f| f.strategy == p.strategy) {
        return Err(ApiError::strategy_invalid());
    }
    let target = if p.strategy.is_email() {
        p.email_address_id.as_deref()
    } else {
        p.phone_number_id.as_deref()
    };
    let outcome = factors::prepare(
        &app,
        &mut st,
        &mut si,
        &user,
        stage,
        p.strategy,
        target,
        p.redirect_url.as_deref(),
        now,
    );
    finish(&app, &mut st, si, &client_id, &caller, outcome)
}

pub async fn attempt_first_factor(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
    Params(p): Params<AttemptFirstFactor>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let client_id = {
        let mut st = app.lock();
        let (mut si, client_id) = load(&st, &caller, &id, now)?;
        ensure_stage(&st, &si, Stage::First, now)?;
        let user = st.user_of(&si)?;
        lockout::ensure_unlocked(&user, now)?;
        match p.strategy {
            Strategy::Password => client_id,
            Strategy::Ticket => {
                let ticket = p.ticket.ok_or_else(|| ApiError::missing("ticket"))?;
                let outcome = redeem_ticket(&app, &mut st, &ticket, now).and_then(|(uid, v)| {
                    if uid != user.id {
                        return Err(ApiError::value_invalid(
                            "ticket",
                            "The ticket belongs to another account.",
                        ));
                    }
                    si.first_factor = Some(v);
                    Ok(())
                });
                return finish(&app, &mut st, si, &client_id, &caller, outcome);
            }
            s if s.is_sent_code() => {
                let code = p.code.ok_or_else(|| ApiError::missing("code"))?;
                let si_id = si.id.clone();
                let outcome = match si.first_factor.as_mut().filter(|v| v.strategy == s) {
                    None => Err(ApiError::verification_missing()),
                    Some(v) => factors::check_code(&app, &si_id, v, code.expose(), now),
                };
                if outcome.is_ok() && s.is_reset_password() {
                    si.needs_new_password = true;
                }
                return finish(&app, &mut st, si, &client_id, &caller, outcome);
            }
            Strategy::EmailLink => {
                return Err(ApiError::value_invalid(
                    "strategy",
                    "Email links are verified by opening the link, not by an attempt.",
                ));
            }
            _ => return Err(ApiError::strategy_invalid()),
        }
    };
    let password = p.password.ok_or_else(|| ApiError::missing("password"))?;
    factors::attempt_password(&app, &id, password).await?;
    let st = app.lock();
    Ok(reply(&app, &st, &id, &client_id, &caller))
}

pub async fn attempt_second_factor(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
    Params(p): Params<AttemptSecondFactor>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let code = p.code.expose();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &caller, &id, now)?;
    ensure_stage(&st, &si, Stage::Second, now)?;
    let user = st.user_of(&si)?;
    lockout::ensure_unlocked(&user, now)?;
    if !signin::second_factors(&si, &user, &st, now)
        .iter()
        .any(|f| f.strategy == p.strategy)
    {
        return Err(ApiError::strategy_invalid());
    }
    let outcome = match p.strategy {
        Strategy::Totp => factors::attempt_totp(&app, &mut st, &mut si, code, now),
        Strategy::BackupCode => factors::attempt_backup_code(&app, &mut st, &mut si, code, now),
        s => {
            let si_id = si.id.clone();
            match si.second_factor.as_mut().filter(|v| v.strategy == s) {
                None => Err(ApiError::verification_missing()),
                Some(v) => factors::check_code(&app, &si_id, v, code, now),
            }
        }
    };
    if outcome.is_ok() && si.client_trust_state.is_some() {
        si.client_trust_state = Some("new".into());
    }
    finish(&app, &mut st, si, &client_id, &caller, outcome)
}
