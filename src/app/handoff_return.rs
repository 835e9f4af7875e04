//! What comes back from a browser hand-off, by the loopback callback or the address pasted:
//! a nonce is redeemed and counts only once Clerk accepts it; a failure or `transferable` is
//! believed only once a poll of the sign-in confirms it (docs/THREAT_MODEL.md).

use secrecy::{ExposeSecret, SecretString};

use crate::fapi::{SignIn, VerificationStatus};
use crate::flow::Step;

use super::callback::{self, Claim, HandOff, Listening, MAX_QUEUED, Returned};
use super::calls::{call, error, error_on, info, refuse_while_blocked, sign_in_id, stop_polling};
use super::handoff::{is_hand_off, on_hand_off, providers, stop_listening};
use super::{App, Call, CallbackEvent, Effect, Failure, Notice, SignInReply};

/// The listener's news, for the hand-off of the app's epoch (older ones were dropped).
pub(super) fn on_callback(app: &mut App, event: CallbackEvent) -> Vec<Effect> {
    let Some(h) = app.handoff.as_mut() else {
        return Vec::new();
    };
    match event {
        CallbackEvent::Listening { port } => h.listening = Listening::On { port },
        CallbackEvent::NotListening { port, why } => {
            h.listening = Listening::Failed { port, why };
        }
        CallbackEvent::Ignored(why) => {
            if h.returned_by.is_none() && h.ended.is_none() {
                h.ignored = Some(why.clone());
                return info(
                    app,
                    format!(
                        "Ignored {why} on the callback address. Still waiting for the browser."
                    ),
                );
            }
        }
        CallbackEvent::Returned(returned) => {
            // With the state the listener closes after the one callback it accepts; bare, it
            // goes on until Clerk accepts a nonce.
            if !h.bare {
                h.listening = Listening::Off;
            }
            return on_returned(app, returned, "loopback callback");
        }
    }
    Vec::new()
}

/// What the user pasted on the hand-off screen.
pub(super) fn submit_return(app: &mut App, text: SecretString) -> Vec<Effect> {
    if !on_hand_off(app) {
        return Vec::new();
    }
    // A hand-off resumed from an earlier run has no listener here; pasting still finishes it.
    if app.handoff.is_none() {
        let mut h = HandOff::new(&app.handoff_config);
        h.listening = Listening::Off;
        app.handoff = Some(h);
    }
    // The address to open, pasted back by mistake (whatever shape the provider gives it).
    let opened = app
        .sign_in
        .as_ref()
        .and_then(|s| s.first_factor_verification.as_ref())
        .and_then(|v| v.external_verification_redirect_url.as_deref())
        .is_some_and(|u| u.trim() == text.expose_secret().trim());
    if opened {
        return error_on(
            app,
            "return",
            &callback::PasteProblem::ProviderPage.to_string(),
        );
    }
    match callback::from_paste(text.expose_secret()) {
        Ok(returned) => on_returned(app, returned, "pasted address"),
        Err(problem) => error_on(app, "return", &problem.to_string()),
    }
}

/// The browser came back, by either road. A nonce is redeemed (only Clerk's answer makes it
/// count); a failure or `transferable` is only a claim until a poll of the sign-in confirms it,
/// so a page that sends the browser to the callback cannot end the sign-in.
fn on_returned(app: &mut App, returned: Returned, by: &'static str) -> Vec<Effect> {
    let Some(h) = app.handoff.as_mut() else {
        return Vec::new();
    };
    if h.ended.is_some() {
        return Vec::new();
    }
    match returned {
        Returned::Nonce(nonce) => {
            if h.returned_by.is_some() {
                if h.queued.len() < MAX_QUEUED {
                    h.queued.push((nonce, by));
                }
                return Vec::new();
            }
            redeem(app, nonce, by)
        }
        Returned::Transferable | Returned::Failed(_) => {
            let claim = match returned {
                Returned::Failed(why) => Claim::Failed(why),
                _ => Claim::Transferable,
            };
            h.claimed = Some((claim, 0));
            // While a nonce is being redeemed no poll may run (the token is rotating); its
            // answer decides first, and a refusal resumes the polls that judge the claim.
            let mut fx = if h.returned_by.is_some() {
                Vec::new()
            } else {
                resume_polling(app)
            };
            fx.extend(info(
                app,
                "The browser came back saying the sign-in did not succeed; checking that with \
                 Clerk…"
                    .to_string(),
            ));
            fx
        }
    }
}

/// Redeems `nonce`; polling stops first, as a poll in flight with the old token would come
/// back 401 once the redemption rotated it (docs/EMULATOR.md, rule 8).
fn redeem(app: &mut App, nonce: SecretString, by: &'static str) -> Vec<Effect> {
    if let Some(h) = app.handoff.as_mut() {
        h.returned_by = Some(by);
        h.ignored = None;
    }
    let mut fx = stop_polling(app);
    if refuse_while_blocked(app) {
        return fx;
    }
    let sign_in_id = sign_in_id(app);
    fx.extend(call(app, Call::RedeemNonce { sign_in_id, nonce }));
    fx
}

/// Polls the hand-off's sign-in again (after a refused nonce, or to confirm a claim), until
/// the verification's expiry as the first poller did.
fn resume_polling(app: &mut App) -> Vec<Effect> {
    let Step::Factor(f) = app.step() else {
        return Vec::new();
    };
    if app.polling || !is_hand_off(f.strategy()) {
        return Vec::new();
    }
    app.polling = true;
    vec![Effect::StartPolling {
        epoch: app.epoch,
        sign_in_id: sign_in_id(app),
        until_ms: f.expire_at.unwrap_or(app.now_ms),
    }]
}

/// The hand-off cannot finish: stop listening and say why, on the hand-off screen.
fn end(app: &mut App, words: String) -> Vec<Effect> {
    let fx = match app.handoff.as_mut() {
        Some(h) if h.listening != Listening::Off => {
            h.listening = Listening::Off;
            vec![Effect::StopListening]
        }
        _ => Vec::new(),
    };
    if let Some(h) = app.handoff.as_mut() {
        h.ended = Some(words.clone());
    }
    app.notice = Some(error(words));
    fx
}

fn transferable_words(provider: &str) -> String {
    format!(
        "No user of this application has that {provider} account, so there is no one to sign in \
         (Clerk calls the sign-in transferable). Sign up for the application with it first, or \
         press r to try another account."
    )
}

fn provider_words(app: &App) -> String {
    let strategy = match app.step() {
        Step::Factor(f) => f.strategy().clone(),
        _ => return "provider".to_string(),
    };
    providers(app)
        .into_iter()
        .find(|(s, _)| *s == strategy)
        .map(|(_, name)| crate::flow::clean(&name).into_owned())
        .unwrap_or_else(|| "provider".to_string())
}

/// The answer to the nonce redemption. `Ok` is the sign-in to adopt as any answer is (complete,
/// or a second factor still to do), with the listener stopped; a transferable sign-in or a
/// refused nonce is said here, and the hand-off goes on waiting.
pub(super) fn on_redeemed(
    app: &mut App,
    result: Result<SignInReply, Failure>,
) -> Result<(SignInReply, Vec<Effect>), Vec<Effect>> {
    match result {
        Ok(reply) if reply.sign_in.is_transferable() => {
            let provider = provider_words(app);
            Err(end(app, transferable_words(&provider)))
        }
        Ok(reply) => Ok((reply, stop_listening(app))),
        Err(failure) => {
            let Some(h) = app.handoff.as_mut() else {
                return Err(Vec::new());
            };
            let by = h.returned_by.take();
            if !h.queued.is_empty() {
                let (next, next_by) = h.queued.remove(0);
                return Err(redeem(app, next, next_by));
            }
            let fx = resume_polling(app);
            if by == Some("loopback callback") && !failure.retryable() {
                // Whoever sent the browser here, Clerk did not take its nonce: ignore it.
                info(
                    app,
                    format!(
                        "Ignored a callback whose nonce Clerk did not accept ({}). Still waiting \
                         for the browser; or paste the address it ended on.",
                        failure.message.trim_end().trim_end_matches('.')
                    ),
                );
                return Err(fx);
            }
            let retry = if failure.retryable() && by == Some("loopback callback") {
                "Paste the address the browser ended on to try again, or press r to start again."
            } else if failure.retryable() {
                "Press Enter on the pasted address to try again, or r to start again."
            } else {
                "A nonce works once and for a few minutes: press r to start again, or paste \
                 the address of a newer attempt."
            };
            app.notice = Some(Notice {
                param_name: Some("return".to_string()),
                ..error(format!(
                    "The sign-in could not be finished with what the browser brought back: {} {retry}",
                    failure.message.trim_end()
                ))
            });
            Err(fx)
        }
    }
}

/// A poll during a hand-off: a sign-in the server shows as finished is not this client's
/// until the nonce is redeemed (`Some`: handled here, not adopted).
pub(super) fn on_poll(app: &mut App, sign_in: &SignIn) -> Option<Vec<Effect>> {
    if app.handoff.is_none() && !on_hand_off(app) {
        return None;
    }
    if app
        .handoff
        .as_ref()
        .is_some_and(|h| h.returned_by.is_some())
    {
        // The redemption's answer decides; a poll in between changes nothing.
        return Some(Vec::new());
    }
    let claimed = app.handoff.as_mut().and_then(|h| h.claimed.take());
    if sign_in.is_transferable() {
        let provider = provider_words(app);
        let mut fx = stop_polling(app);
        fx.extend(end(app, transferable_words(&provider)));
        return Some(fx);
    }
    let v = sign_in.first_factor_verification.as_ref();
    let failed = v.is_some_and(|v| {
        matches!(
            v.status,
            VerificationStatus::Failed | VerificationStatus::Expired
        ) || v.error.is_some()
    });
    match (claimed, failed) {
        // Confirmed: the browser's own words say why.
        (Some((Claim::Failed(why), _)), true) => {
            let mut fx = stop_polling(app);
            fx.extend(end(
                app,
                format!(
                    "The browser sign-in failed: {why}. Press r to start it again, or Esc to go back."
                ),
            ));
            return Some(fx);
        }
        // A poll sent before the browser came back may still show the hand-off waiting: the
        // claim is judged by the second poll after it.
        (Some((claim, 0)), false) => {
            if let Some(h) = app.handoff.as_mut() {
                h.claimed = Some((claim, 1));
            }
        }
        (Some(_), false) => {
            info(
                app,
                "Ignored a callback saying the sign-in did not succeed: Clerk says it is still \
                 waiting for the browser. Still waiting."
                    .to_string(),
            );
        }
        // No claim, or one the sign-in's own end answers (said when it is adopted).
        (None, _) | (Some(_), true) => {}
    }
    let verified = sign_in
        .first_factor_verification
        .as_ref()
        .is_some_and(|v| v.status == VerificationStatus::Verified);
    if sign_in.created_session_id.is_some() || verified {
        let mut fx = stop_polling(app);
        if let Some(h) = app.handoff.as_mut() {
            h.browser_done = true;
        }
        let words = match &app.handoff_config.redirect_url {
            Some(_) => {
                "The browser's side is done. Paste the address it ended on (or its nonce) to finish here."
            }
            None => {
                "The browser's side is done, but its callback has not come back here. Paste the address it ended on (or its nonce) to finish."
            }
        };
        fx.extend(info(app, words.to_string()));
        return Some(fx);
    }
    None
}
