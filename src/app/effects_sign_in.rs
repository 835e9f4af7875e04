//! The sign-in calls, made through [`SignInFuture`] (the app's twin of clerk-js's sign-in
//! surface) rather than hand-built requests. The screen already chose the factor, so a prepare
//! goes through the API's `prepare_*_factor`; a code goes to the strategy's `verify_*` method.

use secrecy::SecretString;

use crate::fapi::{
    AttemptFirstFactorParams, AttemptSecondFactorParams, CreateSignInParams, Factor, FapiClient,
    PrepareFirstFactorParams, PrepareSecondFactorParams, SignIn, Strategy,
};
use crate::sign_in::{SignInError, SignInFuture, SsoParams};

use super::{Failure, FailureKind, Reply, SignInReply};

/// The sign-in a call acts on: the app carries only its id, which is all the requests below
/// read (none of them selects a factor from the sign-in's lists).
fn future(client: &FapiClient, sign_in_id: Option<String>) -> SignInFuture {
    let sign_in = SignIn {
        id: sign_in_id.unwrap_or_default(),
        ..SignIn::default()
    };
    SignInFuture::from_sign_in(client.clone(), sign_in)
}

/// The answer as `Reply::SignIn`: the sign-in and the client it now belongs to.
fn reply(client: &FapiClient, answer: Result<&SignIn, SignInError>) -> Reply {
    Reply::SignIn(
        answer
            .map(|s| SignInReply {
                sign_in: Box::new(s.clone()),
                client: client.cached_client().map(Box::new),
            })
            .map_err(|e| failure(&e)),
    )
}

/// A request's failure as the screen knows it; any other `SignInError` is the app asking for
/// something the sign-in cannot do (no id), said as a setup mistake rather than a panic.
pub(super) fn failure(e: &SignInError) -> Failure {
    match e.fapi() {
        Some(fapi) => Failure::from(fapi),
        None => Failure {
            kind: FailureKind::Setup,
            message: e.to_string(),
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        },
    }
}

/// `POST /v1/client/sign_ins` with the identifier, and the password when one was typed.
/// `SignInFuture::password()` sends no `strategy`; the app has always sent `strategy=password`
/// with it, so the params are built as before and go through the lower-level `create`.
pub(super) async fn create(
    client: &FapiClient,
    identifier: String,
    password: Option<SecretString>,
) -> Reply {
    let params = match password {
        Some(p) => CreateSignInParams::password(identifier, p),
        None => CreateSignInParams::identifier(identifier),
    };
    let mut future = future(client, None);
    reply(client, future.create(&params).await)
}

/// `ticket()`: a sign-in token in one request. A refusal that is not about the network or a
/// rate limit is about the ticket itself (Clerk sends it for an unknown, used or expired
/// token), so it is said in those words, under the field it was pasted into.
pub(super) async fn ticket(client: &FapiClient, ticket: SecretString) -> Reply {
    let mut future = future(client, None);
    match reply(client, future.ticket(ticket).await) {
        Reply::SignIn(Err(mut f)) if about_the_ticket(&f) => {
            f.message = format!(
                "This sign-in ticket cannot be used: it has expired, was already used, or is not \
                 valid ({}). Ask for a new one.",
                f.message.trim_end_matches('.')
            );
            f.param_name = Some("identifier".to_string());
            Reply::SignIn(Err(f))
        }
        other => other,
    }
}

fn about_the_ticket(f: &Failure) -> bool {
    match &f.kind {
        FailureKind::Api { status, code } => {
            *status < 500
                && !matches!(
                    code.as_str(),
                    "session_exists" | "identifier_already_signed_in"
                )
        }
        _ => false,
    }
}

/// A new sign-in for a browser strategy (OAuth/SSO): `sso()`, which for `enterprise_sso` also
/// prepares the first factor.
pub(super) async fn create_redirect(
    client: &FapiClient,
    strategy: Strategy,
    redirect_url: String,
) -> Reply {
    let mut future = future(client, None);
    let answer = future.sso(&SsoParams::new(strategy, redirect_url)).await;
    reply(client, answer)
}

/// A browser factor picked on a sign-in under way: `prepare_first_factor` with the redirect and
/// the factor's own ids (`enterprise_connection_id` for enterprise SSO), as clerk-js's
/// `SignInFuture.sso` prepares it.
pub(super) async fn prepare_hand_off(
    client: &FapiClient,
    sign_in_id: String,
    factor: &Factor,
    redirect_url: String,
) -> Reply {
    let mut params = PrepareFirstFactorParams::from_factor(factor);
    params.redirect_url = Some(redirect_url);
    let mut future = future(client, Some(sign_in_id));
    reply(client, future.prepare_first_factor(&params).await)
}

/// The nonce the browser brought back: `reload` with it (the client adopts the rotated token
/// from the answer's `Authorization` header), answered as `Reply::Redeemed`.
pub(super) async fn redeem_nonce(
    client: &FapiClient,
    sign_in_id: String,
    nonce: &SecretString,
) -> Reply {
    let mut future = future(client, Some(sign_in_id));
    let answer = future
        .reload(Some(secrecy::ExposeSecret::expose_secret(nonce)))
        .await
        .map(|_| ());
    if answer.is_ok() && future.is_transferable() {
        tracing::info!("the hand-off came back transferable: no user for that account");
    }
    match reply(client, answer.map(|()| future.resource())) {
        Reply::SignIn(r) => Reply::Redeemed(r),
        other => other,
    }
}

/// Sends the code or link for the factor the screen chose. The `send_code` methods would pick
/// the factor again from the sign-in's lists; the app already holds it (with its ids), so the
/// request goes through `prepare_first_factor`, as `send_link` builds it for email links.
pub(super) async fn prepare_first(
    client: &FapiClient,
    sign_in_id: String,
    factor: &Factor,
    redirect_url: Option<&str>,
) -> Reply {
    let mut params = PrepareFirstFactorParams::from_factor(factor);
    if factor.strategy.completes_elsewhere() {
        params.redirect_url = redirect_url.map(str::to_string);
    }
    let mut future = future(client, Some(sign_in_id));
    reply(client, future.prepare_first_factor(&params).await)
}

/// A code (or password) for the first factor, through the strategy's `verify_code`. A password
/// on an existing sign-in is `attempt_first_factor`: `password()` would start a new sign-in.
pub(super) async fn attempt_first(
    client: &FapiClient,
    sign_in_id: String,
    strategy: Strategy,
    secret: SecretString,
) -> Reply {
    let mut future = future(client, Some(sign_in_id));
    let answer = match strategy {
        Strategy::EmailCode => future.email_code().verify_code(secret).await,
        Strategy::PhoneCode => future.phone_code().verify_code(secret).await,
        Strategy::ResetPasswordEmailCode => {
            future.reset_password_email_code().verify_code(secret).await
        }
        Strategy::ResetPasswordPhoneCode => {
            future.reset_password_phone_code().verify_code(secret).await
        }
        Strategy::Password => {
            let params = AttemptFirstFactorParams::password(secret);
            future.attempt_first_factor(&params).await
        }
        other => {
            let params = AttemptFirstFactorParams::code(other, secret);
            future.attempt_first_factor(&params).await
        }
    };
    reply(client, answer)
}

/// Sends the second-factor code for the factor the screen chose (`mfa().send_*_code` would pick
/// it again from the sign-in's lists, which the app does not carry).
pub(super) async fn prepare_second(
    client: &FapiClient,
    sign_in_id: String,
    factor: &Factor,
    redirect_url: Option<&str>,
) -> Reply {
    let mut params = PrepareSecondFactorParams::from_factor(factor);
    if factor.strategy.completes_elsewhere() {
        params.redirect_url = redirect_url.map(str::to_string);
    }
    let mut future = future(client, Some(sign_in_id));
    reply(client, future.prepare_second_factor(&params).await)
}

/// A second-factor code, through `mfa()`'s method for its strategy.
pub(super) async fn attempt_second(
    client: &FapiClient,
    sign_in_id: String,
    strategy: Strategy,
    code: SecretString,
) -> Reply {
    let mut future = future(client, Some(sign_in_id));
    let answer = match strategy {
        Strategy::Totp => future.mfa().verify_totp(code).await,
        Strategy::BackupCode => future.mfa().verify_backup_code(code).await,
        Strategy::PhoneCode => future.mfa().verify_phone_code(code).await,
        Strategy::EmailCode => future.mfa().verify_email_code(code).await,
        other => {
            let params = AttemptSecondFactorParams::new(other, code);
            future.attempt_second_factor(&params).await
        }
    };
    reply(client, answer)
}

/// The new password after a reset code: `submit_password` (the email and phone resets share
/// the one request).
pub(super) async fn reset_password(
    client: &FapiClient,
    sign_in_id: String,
    password: SecretString,
    sign_out_of_other_sessions: bool,
) -> Reply {
    let mut future = future(client, Some(sign_in_id));
    let answer = future
        .reset_password_email_code()
        .submit_password(password, sign_out_of_other_sessions)
        .await;
    reply(client, answer)
}
