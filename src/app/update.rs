//! `update`: the one place the app changes, and only a router: each `Action` and each `Reply`
//! goes to the topic that owns it (sign-in, session, account, hand-off, demo, start). Pure: it
//! reads no clock (time arrives in `Tick`), does no I/O, and answers with `Effect`s to run.

use super::{Action, App, Call, Effect, FailureKind, Reply};
use super::{account, demo, handoff, handoff_return, session, sign_in, start};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Tick { now_ms } => {
            start::clock(app, now_ms);
            let mut fx = session::maybe_refresh(app);
            fx.extend(demo::on_tick(app));
            fx.extend(handoff::on_tick(app));
            fx
        }
        Action::Start => start::start(app),
        Action::Retry => start::retry(app),
        Action::Outbox(entries) => {
            app.outbox = entries;
            Vec::new()
        }
        Action::StoredClientToken(had) => {
            app.had_stored_token = had;
            Vec::new()
        }
        Action::Quit => start::quit(app),
        Action::SubmitIdentifier {
            identifier,
            password,
        } => sign_in::submit_identifier(app, identifier, password),
        Action::SubmitTicket(ticket) => sign_in::submit_ticket(app, ticket),
        Action::SubmitPassword(secret) => sign_in::submit_password(app, secret),
        Action::SubmitCode(code) => sign_in::submit_code(app, code),
        Action::SendCode => sign_in::send_code(app),
        Action::ChooseAnotherMethod => sign_in::choose_another_method(app),
        Action::PickFactor(strategy) => sign_in::pick_factor(app, strategy),
        Action::ForgotPassword => sign_in::forgot_password(app),
        Action::SubmitNewPassword {
            password,
            sign_out_of_other_sessions,
        } => sign_in::submit_new_password(app, password, sign_out_of_other_sessions),
        Action::Back if app.signed_in.is_some() => account::back(app),
        Action::Back => {
            // Leaving the hand-off screen ends its listener; closing a list over it does not.
            let on_hand_off = app.choices.choosing.is_none()
                && matches!(app.step(), crate::flow::Step::Factor(f) if handoff::is_hand_off(f.strategy()));
            let mut fx = if on_hand_off {
                handoff::stop_listening(app)
            } else {
                Vec::new()
            };
            fx.extend(sign_in::back(app));
            fx
        }
        Action::RefreshToken => session::refresh_now(app),
        Action::SwitchSession(id) => session::switch(app, id),
        Action::SignOut { all } => session::sign_out(app, all),
        Action::SetUpTotp
        | Action::VerifyTotp(_)
        | Action::AskRemoveTotp
        | Action::AskRegenerateBackupCodes
        | Action::Confirm
        | Action::BackupCodesSaved => account::on_action(app, action),
        Action::ToggleDemoTotp => demo::toggle_demo_code(app),
        Action::ResumeSignIn(resume) => start::resume_sign_in(app, resume),
        Action::ShiftClock { seconds } => demo::shift_clock(app, seconds),
        Action::StartOAuth(strategy) => handoff::start(app, strategy),
        Action::OpenInBrowser(url) => handoff::open_in_browser(url),
        Action::BrowserOpened(error) => handoff::browser_opened(app, error),
        Action::SubmitReturn(text) => handoff_return::submit_return(app, text),
        Action::Callback { epoch, event } if epoch == app.epoch => {
            handoff_return::on_callback(app, event)
        }
        Action::Callback { .. } => Vec::new(),
        Action::Api { epoch, reply } => on_reply(app, epoch, reply),
    }
}

/// A call's answer: dropped when its flow is over, else to the topic that made the call.
fn on_reply(app: &mut App, epoch: u64, reply: Reply) -> Vec<Effect> {
    // The environment is not part of any flow; everything else must still be current.
    if !reply.is_environment() && epoch != app.epoch {
        return Vec::new();
    }
    if !reply.is_background() {
        app.busy = None;
    }
    // A refused client token reloads the client, as clerk-js does; the reload itself answers
    // whether the client (and the token) is really gone (`session::on_client`).
    let reload = reply
        .failure()
        .is_some_and(|f| f.is_authentication_invalid())
        && !matches!(reply, Reply::Client(_));
    if let Some(client) = reply.failure().and_then(|f| f.client.clone()) {
        adopt_error_client(app, *client);
    }
    match reply.failure() {
        Some(f) => {
            if let Some(trace_id) = &f.trace_id {
                app.failure_trace = Some((f.message.clone(), trace_id.to_string()));
            }
            if let FailureKind::RateLimited { retry_after_secs } = f.kind {
                app.blocked_until = Some(app.now_ms + retry_after_secs as i64 * 1000);
            }
            if f.code() == Some("verification_failed") {
                mark_failed(app);
            }
            if let FailureKind::Locked { lockout_secs } = f.kind {
                app.locked_until =
                    Some(lockout_secs.map(|s| app.now_ms.saturating_add(s as i64 * 1000)));
            }
        }
        // A user's call that worked clears what the screen said about the last one.
        None if !reply.is_background() && !reply.is_environment() => app.notice = None,
        None => {}
    }
    let mut fx = route(app, reply);
    let reloading = fx.iter().any(|e| {
        matches!(
            e,
            Effect::Call {
                call: Call::LoadClient,
                ..
            }
        )
    });
    if reload && !reloading {
        fx.push(Effect::Call {
            epoch: app.epoch,
            call: Call::LoadClient,
        });
    }
    fx
}

/// The client Clerk sent with an error (`meta.client`) is the client as it now is: keep it,
/// and the sign-in under way when it is the same one (clerk-js `updateClient`).
fn adopt_error_client(app: &mut App, client: crate::fapi::Client) {
    if let (Some(current), Some(sent)) = (app.sign_in.as_mut(), client.sign_in.as_ref())
        && current.id == sent.id
    {
        *current = sent.clone();
    }
    app.client = Some(client);
}

fn route(app: &mut App, reply: Reply) -> Vec<Effect> {
    match reply {
        Reply::Environment(r) => start::on_environment(app, r),
        Reply::Client(r) => session::on_client(app, r),
        Reply::SignIn(r) => sign_in::on_sign_in(app, r),
        Reply::Poll(r) => sign_in::on_poll(app, r),
        Reply::Redeemed(r) => match handoff_return::on_redeemed(app, r) {
            Ok((reply, mut fx)) => {
                fx.extend(sign_in::on_sign_in(app, Ok(reply)));
                fx
            }
            Err(fx) => fx,
        },
        Reply::Token(r) => session::on_token(app, r),
        Reply::TokenCheck(check) => {
            session::on_token_check(app, check);
            Vec::new()
        }
        Reply::SignOut(r) => session::on_sign_out(app, r),
        Reply::Touched(r) => session::on_touched(app, r),
        Reply::Totp(r) => account::on_totp(app, r),
        Reply::TotpRemoved(r) => account::on_totp_removed(app, r),
        Reply::BackupCodes(r) => account::on_backup_codes(app, r),
        Reply::User(r) => {
            account::on_user(app, r);
            Vec::new()
        }
        Reply::DemoTotp(r) => {
            demo::on_demo_code(app, r);
            Vec::new()
        }
        Reply::Clock(r) => demo::on_clock(app, r),
    }
}

/// Too many wrong codes (`verification_failed`): Clerk has failed the verification, though the
/// refusal does not carry the sign-in, so it is marked here. The screen then offers a new code
/// instead of counting down to an expiry that no longer matters.
fn mark_failed(app: &mut App) {
    let stage = match app.step() {
        crate::flow::Step::Factor(f) => f.stage,
        _ => return,
    };
    let verification = app.sign_in.as_mut().and_then(|s| match stage {
        crate::flow::Stage::First => s.first_factor_verification.as_mut(),
        crate::flow::Stage::Second | crate::flow::Stage::ClientTrust => {
            s.second_factor_verification.as_mut()
        }
    });
    if let Some(v) = verification {
        v.status = crate::fapi::VerificationStatus::Failed;
    }
}
