//! The browser hand-off as sentences: the providers numbered on the identifier prompt, the
//! address on a line of its own (open it on any device), and how the hand-off ended.

use crate::app::App;
use crate::app::handoff::providers;
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
        Some(url) => vec![
            "Open this address in a browser to continue. It can be opened on any device, \
             such as your phone or another computer:"
                .to_string(),
            clean(url),
        ],
        None => vec!["The server gave no address to open in a browser.".to_string()],
    }
}
