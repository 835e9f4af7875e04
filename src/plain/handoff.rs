//! The browser hand-off as sentences: the providers numbered on the identifier prompt, the
//! address on a line of its own (open it on any device), the ways the sign-in comes back
//! (the loopback callback, or pasting the address the browser ended on), and how it ended.

use crate::app::callback::{callback_url, ssh_forward_line};
use crate::app::handoff::providers;
use crate::app::{App, Listening};
use crate::fapi::VerificationStatus;
use crate::flow::FactorStep;

use super::words::clean;

/// "Or continue with: 1. Mock OAuth" under the sign-in sentence, when the instance has any.
pub fn provider_lines(app: &App) -> Vec<String> {
    let list = providers(app);
    if list.is_empty() {
        return Vec::new();
    }
    let mut lines = vec!["Or continue in a browser with:".to_string()];
    for (i, (_, name)) in list.iter().enumerate() {
        lines.push(format!("{}. {}", i + 1, clean(name)));
    }
    lines
}

pub fn identifier_instruction(app: &App, kinds: String) -> String {
    if providers(app).is_empty() {
        format!("Type your {kinds}.")
    } else {
        format!("Type your {kinds}, or a number to continue with a provider.")
    }
}

/// Where a hand-off stands: the address to open (alone on its line, so it can be selected
/// whole), or why there is nothing to open any more.
pub fn hand_off_sentences(app: &App, f: &FactorStep) -> Vec<String> {
    let came_back_failed = app.handoff.as_ref().is_some_and(|h| h.ended.is_some());
    if came_back_failed {
        return vec!["The sign-in in the browser was cancelled or failed.".to_string()];
    }
    if f.ended.is_some() || f.is_expired(app.now_ms) {
        let why = match f.ended {
            Some(VerificationStatus::Failed) => "was cancelled or failed",
            _ => "expired before it was finished",
        };
        return vec![format!("The sign-in in the browser {why}.")];
    }
    let url = app
        .sign_in
        .as_ref()
        .and_then(|si| f.stage.verification(si))
        .and_then(|v| v.external_verification_redirect_url.as_deref());
    match url {
        Some(url) => {
            let mut lines = vec![
                "Open this address in a browser to continue. It can be opened on any device, \
                 such as your phone or another computer:"
                    .to_string(),
                clean(url),
            ];
            lines.extend(return_ways(app));
            lines
        }
        None => vec!["The server gave no address to open in a browser.".to_string()],
    }
}

/// How the sign-in comes back here, each way named where it can work.
pub fn return_ways(app: &App) -> Vec<String> {
    let config = &app.handoff_config;
    let listening = app.handoff.as_ref().map(|h| &h.listening);
    let paste = "If the browser is on another device, finish there, then paste the address it \
                 ends on here (the page may not load; copy it from the address bar), or just \
                 the rotating_token_nonce from it.";
    match (listening, &config.redirect_url) {
        (_, Some(redirect)) => vec![format!(
            "When you finish, the browser ends on {}: paste that address here (or just the \
             rotating_token_nonce from it).",
            clean(redirect)
        )],
        (Some(Listening::On { port }), None) => vec![
            format!(
                "A browser on this computer comes back by itself to {} and the sign-in \
                 finishes here. Over SSH, forward the port from your computer first: {}.",
                callback_url(*port),
                ssh_forward_line(*port, config.ssh_host.as_deref())
            ),
            paste.to_string(),
        ],
        (Some(Listening::Failed { port, why }), None) => vec![
            format!(
                "Nothing can listen on {} ({}), so the browser cannot come back by itself.",
                callback_url(*port),
                clean(why)
            ),
            paste.to_string(),
        ],
        _ => vec![paste.to_string()],
    }
}
