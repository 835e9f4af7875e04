//! Browser hand-offs (OAuth providers, SAML, enterprise SSO): starting one, the two roads the
//! nonce comes back by (the loopback callback, or the address pasted), redeeming it, and
//! noticing when the hand-off failed, is `transferable` or ran out of time. A hand-off finishes
//! only by redeeming `rotating_token_nonce`, as every Clerk SDK finishes it (Android
//! `sso/SSOService.kt`, iOS `SignIn.swift`, clerk-js `utils/authenticateWithTransport.ts`):
//! a poll that sees the sign-in complete does not sign this client in.

use secrecy::{ExposeSecret, SecretString};

use crate::fapi::{Factor, SignIn, Strategy, VerificationStatus};
use crate::flow::Step;

use super::callback::{self, Claim, HandOff, Listening, MAX_QUEUED, Returned};
use super::calls::{call, error, error_on, info, refuse_while_blocked, sign_in_id, stop_polling};
use super::{App, Call, CallbackEvent, Effect, Failure, Notice, Redirect, SignInReply};

/// How long after a hand-off's expiry the app stops waiting even if the server never said so.
const EXPIRY_GRACE_MS: i64 = 3_000;

/// How long the loopback listener waits for the browser at most (a Clerk hand-off lives ten
/// minutes; the listener outlives it a little).
const LISTEN_FOR_MS: i64 = 15 * 60_000;

/// Strategies finished in a browser the app hands the user to (not the email link, which
/// arrives in the mail).
pub fn is_hand_off(strategy: &Strategy) -> bool {
    strategy.completes_elsewhere() && *strategy != Strategy::EmailLink
}

/// Where the browser goes when the provider is done: the instance's own page when one was
/// configured (`--redirect-url`), else the loopback callback.
pub fn redirect(app: &App) -> Redirect {
    match &app.handoff_config.redirect_url {
        Some(url) => Redirect::Url(url.clone()),
        None => Redirect::Callback,
    }
}

/// A new hand-off's local state, and the listener it needs.
fn begin(app: &mut App) -> Vec<Effect> {
    let mut fx = stop_listening(app);
    app.handoff = Some(HandOff::new(&app.handoff_config));
    if app.handoff_config.uses_callback() {
        fx.push(Effect::ListenForCallback {
            epoch: app.epoch,
            port: app.handoff_config.callback_port,
            until_ms: app.now_ms.saturating_add(LISTEN_FOR_MS),
        });
    }
    fx
}

/// Ends the local side of a hand-off (back, a new one, finished): the listener stops.
pub(super) fn stop_listening(app: &mut App) -> Vec<Effect> {
    match app.handoff.take() {
        Some(h) if h.listening != Listening::Off => vec![Effect::StopListening],
        _ => Vec::new(),
    }
}

/// `StartOAuth`: a new sign-in with the strategy (`SignInFuture::sso`); the reply opens the
/// hand-off screen and starts the poller.
pub(super) fn start(app: &mut App, strategy: Strategy) -> Vec<Effect> {
    if !is_hand_off(&strategy) {
        return Vec::new();
    }
    if let Err(why) = crate::flow::terminal_support(&strategy) {
        return info(app, format!("{strategy} can't be used here: {why}."));
    }
    if refuse_while_blocked(app) {
        return Vec::new();
    }
    // Whatever was under way is replaced: results of the old sign-in must not land here.
    app.epoch += 1;
    let mut fx = stop_polling(app);
    app.notice = None;
    app.sign_in = None;
    app.choices = Default::default();
    app.auto_sent = None;
    app.resend_at = None;
    app.last_poll_at = None;
    fx.extend(begin(app));
    let redirect = redirect(app);
    fx.extend(call(app, Call::CreateRedirectSignIn { strategy, redirect }));
    fx
}

/// A browser factor picked on a sign-in that exists (SAML or enterprise SSO offered as a
/// first factor): `prepare_first_factor` with the redirect and the factor's connection.
pub(super) fn prepare(app: &mut App, sign_in_id: String, factor: Factor) -> Vec<Effect> {
    let mut fx = begin(app);
    let redirect = redirect(app);
    fx.extend(call(
        app,
        Call::PrepareHandOff {
            sign_in_id,
            factor,
            redirect,
        },
    ));
    fx
}

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
            let mut fx = resume_polling(app);
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
            if by == Some("loopback callback") {
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
            let retry = if failure.retryable() {
                "Press Enter on the pasted address to try again, or r to start again."
            } else {
                "A nonce works once and for a few minutes: press r to start again, or paste \
                 the address of a newer attempt."
            };
            app.notice = Some(Notice {
                param_name: Some("return".to_string()),
                retryable: false,
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
    match claimed {
        // Confirmed: the browser's own words say why.
        Some((Claim::Failed(why), _)) if failed => {
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
        Some((claim, 0)) if !failed => {
            if let Some(h) = app.handoff.as_mut() {
                h.claimed = Some((claim, 1));
            }
        }
        Some(_) if !failed => {
            info(
                app,
                "Ignored a callback saying the sign-in did not succeed: Clerk says it is still \
                 waiting for the browser. Still waiting."
                    .to_string(),
            );
        }
        _ => {}
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

/// The instance refused the hand-off's redirect URL (`resource_missmatch`). The callback
/// address went with its `?state=` query, which an allowlist matching the whole URL refuses:
/// it is sent once more bare. Otherwise there is no address to open, and the one thing that
/// fixes it, the allowlist, is named with the exact address.
pub(super) fn not_allowed(app: &mut App, failure: Failure) -> Vec<Effect> {
    let bare = callback::callback_url(callback_port(app));
    let retry = match (&app.last_call, app.handoff.as_ref()) {
        (Some(Call::CreateRedirectSignIn { strategy, redirect }), Some(h))
            if *redirect == Redirect::Callback && !h.bare =>
        {
            Some(Call::CreateRedirectSignIn {
                strategy: strategy.clone(),
                redirect: Redirect::BareCallback,
            })
        }
        (
            Some(Call::PrepareHandOff {
                sign_in_id,
                factor,
                redirect,
            }),
            Some(h),
        ) if *redirect == Redirect::Callback && !h.bare => Some(Call::PrepareHandOff {
            sign_in_id: sign_in_id.clone(),
            factor: factor.clone(),
            redirect: Redirect::BareCallback,
        }),
        _ => None,
    };
    if let Some(retry) = retry {
        if let Some(h) = app.handoff.as_mut() {
            h.bare = true;
        }
        let fx = call(app, retry);
        info(
            app,
            format!(
                "The instance refused the callback address with its state query; trying \
                 {bare} exactly. If that is refused too, allowlist {bare} in the Clerk Dashboard."
            ),
        );
        return fx;
    }
    let fx = stop_listening(app);
    let address = match &app.handoff_config.redirect_url {
        Some(url) => crate::flow::clean(url).into_owned(),
        None => bare,
    };
    app.notice = Some(error(format!(
        "{} Allowlist {address} in the Clerk Dashboard (Native applications, redirect URLs \
         for native SSO), or pass an address it allows with --redirect-url.",
        failure.message.trim_end()
    )));
    fx
}

/// The listener's port as bound (the configured one until it says).
fn callback_port(app: &App) -> u16 {
    match app.handoff.as_ref().map(|h| &h.listening) {
        Some(Listening::On { port } | Listening::Failed { port, .. }) => *port,
        _ => app.handoff_config.callback_port,
    }
}

/// The hand-off's address is out; when it went bare, say which address the instance allows
/// and what that changes (the reply that opened the screen cleared the retry's notice).
pub(super) fn on_started(app: &mut App) -> Vec<Effect> {
    if !app.handoff.as_ref().is_some_and(|h| h.bare) || app.notice.is_some() {
        return Vec::new();
    }
    let bare = callback::callback_url(callback_port(app));
    info(
        app,
        format!(
            "This instance allows only {bare} exactly, so the callback carries no state of this \
             sign-in: whatever arrives there counts only once Clerk accepts its nonce."
        ),
    )
}

/// The sign-in is at a browser hand-off (whether or not this run started it).
fn on_hand_off(app: &App) -> bool {
    matches!(app.step(), Step::Factor(f) if is_hand_off(f.strategy()))
}

/// What the hand-off screen says once the verification ended without a sign-in.
pub(super) fn ended_notice(ended: Option<&VerificationStatus>) -> Notice {
    let message = match ended {
        Some(VerificationStatus::Expired) => {
            "The browser sign-in expired before it was finished. Press r to start it again, or Esc to go back."
        }
        _ => {
            "The browser sign-in was cancelled or failed. Press r to start it again, or Esc to go back."
        }
    };
    error(message.to_string())
}

/// The clock passed a hand-off's expiry and the server never reported it (the poller gives
/// up at the deadline): stop waiting and say so.
pub(super) fn on_tick(app: &mut App) -> Vec<Effect> {
    if !app.polling {
        return Vec::new();
    }
    let Step::Factor(f) = app.step() else {
        return Vec::new();
    };
    let overdue = f
        .expire_at
        .is_some_and(|at| app.now_ms >= at + EXPIRY_GRACE_MS);
    if !is_hand_off(f.strategy()) || !overdue {
        return Vec::new();
    }
    let mut fx = stop_polling(app);
    if let Some(h) = app.handoff.as_mut()
        && h.listening != Listening::Off
    {
        h.listening = Listening::Off;
        fx.push(Effect::StopListening);
    }
    app.notice = Some(ended_notice(Some(&VerificationStatus::Expired)));
    fx
}

/// `w`: ask the effects runner to open the address (it refuses where there is no display).
pub(super) fn open_in_browser(url: String) -> Vec<Effect> {
    vec![Effect::OpenBrowser { url }]
}

pub(super) fn browser_opened(app: &mut App, error: Option<String>) -> Vec<Effect> {
    let message = match error {
        None => "Asked the system to open the address in your browser. Finish there; this screen moves on when the browser comes back.".to_string(),
        Some(why) => format!("Could not open a browser: {why}. Open the address yourself."),
    };
    info(app, message)
}

/// The instance's social providers a person can start from the identifier screen, in a stable
/// order, with the names to show (numbered from 1 by both front ends).
pub fn providers(app: &App) -> Vec<(Strategy, String)> {
    let Some(env) = app.environment.as_ref() else {
        return Vec::new();
    };
    env.enabled_social_providers()
        .into_iter()
        .filter(|p| is_hand_off(&p.strategy) && crate::flow::terminal_support(&p.strategy).is_ok())
        .map(|p| {
            let name = if p.name.trim().is_empty() {
                let raw = p.strategy.provider().unwrap_or("OAuth");
                let mut chars = raw.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                p.name.trim().to_string()
            };
            (p.strategy.clone(), name)
        })
        .collect()
}
