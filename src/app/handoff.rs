//! Browser hand-offs (OAuth providers, SAML, enterprise SSO): starting one (and retrying a
//! refused callback address bare), and noticing when it ran out of time; what comes back, by
//! the loopback callback or the address pasted, is `handoff_return.rs`. A hand-off finishes
//! only by redeeming `rotating_token_nonce`, as every Clerk SDK finishes it (Android
//! `sso/SSOService.kt`, iOS `SignIn.swift`, clerk-js `utils/authenticateWithTransport.ts`):
//! a poll that sees the sign-in complete does not sign this client in.

use crate::fapi::{Factor, Strategy, VerificationStatus};
use crate::flow::Step;

use super::callback::{self, HandOff, Listening};
use super::calls::{call, error, info, refuse_while_blocked, stop_polling};
use super::{App, Call, Effect, Failure, Notice, Redirect};

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
/// configured (`--redirect-url`), else the loopback callback (bare once the instance refused
/// its state query in this run).
pub fn redirect(app: &App) -> Redirect {
    match &app.handoff_config.redirect_url {
        Some(url) => Redirect::Url(url.clone()),
        None if app.callback_bare => Redirect::BareCallback,
        None => Redirect::Callback,
    }
}

/// A new hand-off's local state, and the listener it needs.
fn begin(app: &mut App) -> Vec<Effect> {
    let mut fx = stop_listening(app);
    app.handoff = Some(HandOff {
        bare: app.callback_bare,
        ..HandOff::new(&app.handoff_config)
    });
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
        app.callback_bare = true;
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
    // Refused bare too: the next hand-off starts over with the state.
    app.callback_bare = false;
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
pub(super) fn on_hand_off(app: &App) -> bool {
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
