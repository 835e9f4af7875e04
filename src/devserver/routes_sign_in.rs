//! Sign-in endpoints: create, read, reset password (the factor endpoints are in
//! `routes_factors.rs`). Every answer is `{response: SignIn, client: Client}`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::errors::ApiError;
use super::factors::{self, Stage};
use super::lockout;
use super::model::{Hidden, SignInRec};
use super::oauth;
use super::params::{Params, Query};
use super::render;
use super::request::{Caller, PathParam};
use super::seed::{normalize_email, normalize_phone};
use super::sign_in_api::{finish, load, redeem_ticket, reply};
use super::signin::{self, SIGN_IN_ABANDON_MS, Status};
use super::state::Emulator;
use super::wire::{SessionStatus, Strategy};

/// `POST /v1/client/sign_ins` (`createSignIn`): an identifier, and optionally the strategy to
/// start with (a password to check at once, a code or link to send, a ticket, a provider).
#[derive(Deserialize)]
pub struct CreateSignIn {
    strategy: Option<Strategy>,
    identifier: Option<String>,
    password: Option<Hidden>,
    ticket: Option<String>,
    redirect_url: Option<String>,
}

/// The identifier as Clerk echoes it: emails lower-cased, phones in E.164, usernames
/// lower-cased.
fn normalize_identifier(typed: &str) -> String {
    let t = typed.trim();
    if t.contains('@') {
        normalize_email(t)
    } else if t.starts_with('+') {
        normalize_phone(t)
    } else {
        t.to_lowercase()
    }
}

pub async fn create(
    State(app): State<Arc<Emulator>>,
    caller: Caller,
    Params(p): Params<CreateSignIn>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    match p.strategy {
        Some(Strategy::OauthMock) => {
            let redirect_url = p
                .redirect_url
                .ok_or_else(|| ApiError::missing("redirect_url"))?;
            return oauth::create_sign_in(&app, &caller, &redirect_url, now);
        }
        Some(Strategy::EnterpriseSso | Strategy::Saml) => {
            let redirect_url = p
                .redirect_url
                .ok_or_else(|| ApiError::missing("redirect_url"))?;
            let identifier = p
                .identifier
                .ok_or_else(|| ApiError::missing("identifier"))?;
            return super::sso::create_sign_in(&app, &caller, &identifier, &redirect_url, now);
        }
        Some(s @ (Strategy::Totp | Strategy::BackupCode)) => {
            return Err(ApiError::value_invalid(
                "strategy",
                &format!("{s} is not a sign-in strategy this instance supports."),
            ));
        }
        Some(Strategy::Ticket) if p.ticket.is_none() => return Err(ApiError::missing("ticket")),
        _ => {}
    }
    if p.identifier.is_none()
        && p.ticket.is_none()
        && (p.password.is_some() || p.strategy.is_some())
    {
        return Err(ApiError::missing("identifier"));
    }
    if p.strategy == Some(Strategy::Password) && p.password.is_none() {
        return Err(ApiError::missing("password"));
    }
    let (si_id, client_id) = {
        let mut st = app.lock();
        let client_id = caller.ensure_client(&mut st, now)?;
        let mut si = SignInRec::new(&client_id, now, SIGN_IN_ABANDON_MS);
        let user = if let Some(t) = p.ticket.as_deref() {
            let (user_id, verification) = redeem_ticket(&app, &mut st, t, now)?;
            si.first_factor = Some(verification);
            st.users.get(&user_id).cloned()
        } else if let Some(ident) = p.identifier.as_deref() {
            Some(
                st.find_user(ident)
                    .cloned()
                    .ok_or_else(ApiError::identifier_not_found)?,
            )
        } else {
            None
        };
        if let Some(u) = &user {
            let client = st.clients.get(&client_id);
            if let Some(sid) = client
                .into_iter()
                .flat_map(|c| c.session_ids.iter())
                .find(|sid| {
                    st.sessions.get(*sid).is_some_and(|s| {
                        s.user_id == u.id && render::session_status(s, now) == SessionStatus::Active
                    })
                })
            {
                return Err(ApiError::already_signed_in(sid));
            }
            si.identifier = Some(
                p.identifier
                    .as_deref()
                    .map_or_else(|| u.display_identifier(), normalize_identifier),
            );
            si.user_id = Some(u.id.clone());
        }
        let mut outcome = Ok(());
        if let (Some(u), Some(s)) = (&user, p.strategy)
            && p.password.is_none()
            && s != Strategy::Ticket
        {
            outcome = lockout::ensure_unlocked(u, now).and_then(|()| {
                if s == Strategy::Password {
                    Ok(())
                } else {
                    factors::prepare(
                        &app,
                        &mut st,
                        &mut si,
                        u,
                        Stage::First,
                        s,
                        None,
                        p.redirect_url.as_deref(),
                        now,
                    )
                }
            });
        }
        let id = si.id.clone();
        let mut client = st
            .clients
            .get(&client_id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("client"))?;
        client.sign_in_id = Some(id.clone());
        client.updated_at = now;
        st.save_client(client)?;
        st.save_sign_in(si)?;
        outcome?;
        signin::advance(&mut st, &id, now, false)?;
        (id, client_id)
    };
    if let Some(pw) = p.password {
        factors::attempt_password(&app, &si_id, pw).await?;
    }
    let st = app.lock();
    Ok(reply(&app, &st, &si_id, &client_id, &caller))
}

/// The query of `GET /v1/client/sign_ins/{id}`: an OAuth hand-off's single-use nonce.
#[derive(Deserialize)]
pub struct GetSignIn {
    rotating_token_nonce: Option<String>,
}

/// `GET /v1/client/sign_ins/{id}` (the email-link polling target; with `rotating_token_nonce`,
/// how an OAuth hand-off finishes).
pub async fn get(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
    Query(q): Query<GetSignIn>,
) -> Result<Response, ApiError> {
    if let Some(nonce) = q.rotating_token_nonce.as_deref() {
        return super::oauth_redeem::redeem_nonce(&app, &caller, &id, nonce);
    }
    let now = app.clock.now_ms();
    let st = app.lock();
    let (si, client_id) = load(&st, &caller, &id, now)?;
    Ok(reply(&app, &st, &si.id, &client_id, &caller))
}

/// `POST /v1/client/sign_ins/{id}/reset_password` (`resetPassword`).
#[derive(Deserialize)]
pub struct ResetPassword {
    password: Hidden,
    #[serde(default)]
    sign_out_of_other_sessions: bool,
}

pub async fn reset_password(
    State(app): State<Arc<Emulator>>,
    PathParam(id): PathParam<String>,
    caller: Caller,
    Params(p): Params<ResetPassword>,
) -> Result<Response, ApiError> {
    let now = app.clock.now_ms();
    {
        let st = app.lock();
        let (si, _) = load(&st, &caller, &id, now)?;
        let status = signin::status_of(&st, &si, now);
        if status != Status::NeedsNewPassword {
            return Err(ApiError::status_invalid(status.as_str()));
        }
    }
    if p.password.expose().chars().count() < 8 {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_short",
            "is too short",
            "Passwords must be 8 characters or more.",
        )
        .param("password"));
    }
    if p.password.expose().len() > 72 {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_long",
            "is too long",
            "Passwords must be 72 characters or less.",
        )
        .param("password"));
    }
    let hash = app.hasher.hash(p.password).await?;
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let (mut si, client_id) = load(&st, &caller, &id, now)?;
    let mut user = st.user_of(&si)?;
    user.password_hash = Some(hash);
    user.password_updated_at = Some(now);
    user.needs_password_reset = false;
    user.updated_at = now;
    if p.sign_out_of_other_sessions {
        let others: Vec<_> = st
            .sessions
            .values()
            .filter(|s| s.user_id == user.id && s.status == SessionStatus::Active)
            .cloned()
            .collect();
        for mut s in others {
            s.status = SessionStatus::Revoked;
            s.updated_at = now;
            st.save_session(s)?;
        }
    }
    si.needs_new_password = false;
    st.save_user(user)?;
    finish(&app, &mut st, si, &client_id, &caller, Ok(()))
}
