//! The factor endpoints of a sign-in: prepare/attempt first factor, prepare/attempt second
//! factor (MFA and client trust). Every answer is `{response: SignIn, client: Client}`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::errors::ApiError;
use super::factors::{self, Slot};
use super::model::{Hidden, SignInRec};
use super::request::{PathParam, Req};
use super::routes_sign_in::{
    FIRST_FACTOR_CODES, finish, load, redeem_ticket, reply, ticket_verification,
};
use super::signin::{self, Status};
use super::state::{App, State as Store};

pub async fn prepare_first_factor(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let strategy = req.required("strategy")?.to_string();
    if strategy == super::oauth::MOCK {
        return super::oauth::prepare(&app, &req, &id, now);
    }
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &req, &id, now)?;
    if signin::status_of(&st, &si, now) != Status::NeedsFirstFactor {
        return Err(ApiError::status_invalid(
            signin::status_of(&st, &si, now).as_str(),
        ));
    }
    let user = st.user_of(&si)?;
    factors::ensure_unlocked(&user, now)?;
    let supported = signin::first_factors(&user, si.identifier.as_deref());
    if !supported.iter().any(|f| f.strategy == strategy) || strategy == "password" {
        return Err(ApiError::strategy_invalid());
    }
    let target = if strategy.contains("email") {
        req.field("email_address_id")
    } else {
        req.field("phone_number_id")
    };
    let outcome = factors::prepare(
        &app,
        &mut st,
        &mut si,
        &user,
        Slot::First,
        &strategy,
        target,
        req.field("redirect_url"),
        now,
    );
    finish(&app, &mut st, si, &client_id, &req, outcome)
}

pub async fn attempt_first_factor(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let strategy = req.required("strategy")?.to_string();
    let client_id = {
        let mut st = app.lock();
        let (mut si, client_id) = load(&st, &req, &id, now)?;
        let status = signin::status_of(&st, &si, now);
        if status != Status::NeedsFirstFactor {
            return Err(ApiError::status_invalid(status.as_str()));
        }
        let user = st.user_of(&si)?;
        factors::ensure_unlocked(&user, now)?;
        match strategy.as_str() {
            "password" => {
                req.required("password")?;
                client_id
            }
            "ticket" => {
                let ticket = req.required("ticket")?.to_string();
                let outcome = redeem_ticket(&app, &mut st, &ticket, now).and_then(|(uid, exp)| {
                    if uid != user.id {
                        return Err(ApiError::value_invalid(
                            "ticket",
                            "The ticket belongs to another account.",
                        ));
                    }
                    si.first_factor = Some(ticket_verification(exp, now));
                    Ok(())
                });
                return finish(&app, &mut st, si, &client_id, &req, outcome);
            }
            s if FIRST_FACTOR_CODES.contains(&s) => {
                let code = req.required("code")?.to_string();
                let si_id = si.id.clone();
                let outcome = match si.first_factor.as_mut().filter(|v| v.strategy == s) {
                    None => Err(ApiError::verification_missing()),
                    Some(v) => factors::check_code(&app, &si_id, v, &code, now),
                };
                if outcome.is_ok() && s.starts_with("reset_password") {
                    si.needs_new_password = true;
                }
                return finish(&app, &mut st, si, &client_id, &req, outcome);
            }
            "email_link" => {
                return Err(ApiError::value_invalid(
                    "strategy",
                    "Email links are verified by opening the link, not by an attempt.",
                ));
            }
            _ => return Err(ApiError::strategy_invalid()),
        }
    };
    let password = Hidden::new(req.required("password")?);
    factors::attempt_password(&app, &id, password).await?;
    let st = app.lock();
    Ok(reply(&app, &st, &id, &client_id, &req))
}

fn second_factor_stage(st: &Store, si: &SignInRec, now: i64) -> Result<Status, ApiError> {
    match signin::status_of(st, si, now) {
        s @ (Status::NeedsSecondFactor | Status::NeedsClientTrust) => Ok(s),
        other => Err(ApiError::status_invalid(other.as_str())),
    }
}

pub async fn prepare_second_factor(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let strategy = req.required("strategy")?.to_string();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &req, &id, now)?;
    second_factor_stage(&st, &si, now)?;
    let user = st.user_of(&si)?;
    let supported = signin::second_factors(&si, &user, &st, now);
    if !matches!(strategy.as_str(), "phone_code" | "email_code")
        || !supported.iter().any(|f| f.strategy == strategy)
    {
        return Err(ApiError::strategy_invalid());
    }
    let target = if strategy == "email_code" {
        req.field("email_address_id")
    } else {
        req.field("phone_number_id")
    };
    let outcome = factors::prepare(
        &app,
        &mut st,
        &mut si,
        &user,
        Slot::Second,
        &strategy,
        target,
        None,
        now,
    );
    finish(&app, &mut st, si, &client_id, &req, outcome)
}

pub async fn attempt_second_factor(
    State(app): State<Arc<App>>,
    PathParam(id): PathParam<String>,
    req: Req,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    let strategy = req.required("strategy")?.to_string();
    let code = req.required("code")?.to_string();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &req, &id, now)?;
    second_factor_stage(&st, &si, now)?;
    let user = st.user_of(&si)?;
    factors::ensure_unlocked(&user, now)?;
    if !signin::second_factors(&si, &user, &st, now)
        .iter()
        .any(|f| f.strategy == strategy)
    {
        return Err(ApiError::strategy_invalid());
    }
    let outcome = match strategy.as_str() {
        "totp" => factors::attempt_totp(&app, &mut st, &mut si, &code, now),
        "backup_code" => factors::attempt_backup_code(&app, &mut st, &mut si, &code, now),
        s => {
            let si_id = si.id.clone();
            match si.second_factor.as_mut().filter(|v| v.strategy == s) {
                None => Err(ApiError::verification_missing()),
                Some(v) => factors::check_code(&app, &si_id, v, &code, now),
            }
        }
    };
    if outcome.is_ok() && si.client_trust_state.is_some() {
        si.client_trust_state = Some("new".into());
    }
    finish(&app, &mut st, si, &client_id, &req, outcome)
}
