//! Browser hand-offs (OAuth providers, SAML, enterprise SSO): starting one from the identifier
//! screen, noticing when it ended or ran out of time, and asking for its address to be opened
//! locally (the effects runner opens it, only where there is a display). Nothing here ever
//! waits silently.

use crate::fapi::{Strategy, VerificationStatus};
use crate::flow::Step;

use super::calls::{call, error, info, refuse_while_blocked, stop_polling};
use super::{App, Backend, Call, Effect, Notice};

/// How long after a hand-off's expiry the app stops waiting even if the server never said so.
const EXPIRY_GRACE_MS: i64 = 3_000;

/// Strategies finished in a browser the app hands the user to (not the email link, which
/// arrives in the mail).
pub fn is_hand_off(strategy: &Strategy) -> bool {
    strategy.completes_elsewhere() && *strategy != Strategy::EmailLink
}

/// Where the browser goes when the provider is done. The embedded server has a page that
/// says the terminal continues; a real instance gets its own home page (the app polls, so
/// the page only has to exist). A redirect URL given to the `EffectRunner` wins over both.
pub fn redirect_url(app: &App) -> String {
    match &app.backend {
        Backend::Embedded { base_url, .. } => {
            format!("{}/__dev/oauth/done", base_url.trim_end_matches('/'))
        }
        Backend::Remote { base_url } => app
            .environment
            .as_ref()
            .and_then(|e| {
                e.display_config
                    .home_url
                    .clone()
                    .or_else(|| e.display_config.sign_in_url.clone())
            })
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .unwrap_or_else(|| base_url.clone()),
    }
}

/// `StartOAuth`: a new sign-in with the strategy; the reply opens the hand-off screen and
/// starts the poller.
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
    let redirect_url = redirect_url(app);
    fx.extend(call(
        app,
        Call::CreateRedirectSignIn {
            strategy,
            redirect_url,
        },
    ));
    fx
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
    let fx = stop_polling(app);
    app.notice = Some(ended_notice(Some(&VerificationStatus::Expired)));
    fx
}

/// `w`: ask the effects runner to open the address (it refuses where there is no display).
pub(super) fn open_in_browser(url: String) -> Vec<Effect> {
    vec![Effect::OpenBrowser { url }]
}

pub(super) fn browser_opened(app: &mut App, error: Option<String>) -> Vec<Effect> {
    let message = match error {
        None => "Asked the system to open the address in your browser. Finish there; this screen moves on by itself.".to_string(),
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
