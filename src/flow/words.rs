//! What the sign-in's things are called: a factor's name, its entry in "use another method"
//! with the masked address it goes to, and providers as people spell them. Both front ends
//! print these words, so the full screen and the line mode never disagree; server text in
//! them is cleaned here.

use crate::fapi::{Factor, Strategy};

use super::clean::clean;

/// Why a sign-in status cannot be continued here, and the way on, for both front ends.
/// `needs_protect_check`: Clerk Protect wants a proof token only its browser script makes
/// (clerk-js `SignIn.ts`, `protectCheck`/`submitProtectCheck`); a new attempt may not be asked.
pub fn unsupported_status(status: &str) -> String {
    match status {
        "needs_protect_check" => {
            "Clerk asks for a bot-protection check (needs_protect_check), which \
             only a browser can pass. Start again: the check is not asked on every attempt; if it \
             keeps coming back, sign in once on the application's website from this network."
                .to_string()
        }
        "abandoned" => {
            "This sign-in attempt was abandoned (it timed out). Start again.".to_string()
        }
        other => format!(
            "The server says the sign-in is \"{}\", a status clerk-tui does not know how to \
             continue. Start again, or use another method.",
            clean(other)
        ),
    }
}

/// An OAuth provider or web3 wallet as people write it (`github` -> "GitHub").
pub fn provider_name(provider: &str) -> String {
    let provider = clean(provider.trim());
    let known = match provider.as_ref() {
        "github" => "GitHub",
        "gitlab" => "GitLab",
        "linkedin" | "linkedin_oidc" => "LinkedIn",
        "x" | "twitter" => "X",
        "tiktok" => "TikTok",
        "hubspot" => "HubSpot",
        "metamask" => "MetaMask",
        "coinbase_wallet" => "Coinbase Wallet",
        "okx_wallet" => "OKX Wallet",
        "" => "the provider",
        other => return capitalized(other),
    };
    known.to_string()
}

/// Where a factor's code or link goes, as the server masked it (`j***@example.com`).
pub fn factor_target(factor: &Factor) -> Option<String> {
    factor
        .safe_identifier
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| clean(s).into_owned())
}

/// A factor in a few words, without where it goes ("Email a code", "Continue with GitHub").
pub fn factor_name(factor: &Factor) -> String {
    let fixed = match &factor.strategy {
        Strategy::Password => "Password",
        Strategy::EmailCode => "Email a code",
        Strategy::EmailLink => "Email a sign-in link",
        Strategy::PhoneCode => "Text a code",
        Strategy::ResetPasswordEmailCode => "Reset the password with a code by email",
        Strategy::ResetPasswordPhoneCode => "Reset the password with a code by text message",
        Strategy::Passkey => "Passkey",
        Strategy::Ticket => "Sign-in ticket",
        Strategy::Totp => "Code from an authenticator app",
        Strategy::BackupCode => "Backup code",
        Strategy::GoogleOneTap => "Google One Tap",
        Strategy::TrustedDevice => "Trusted device",
        Strategy::Oauth(p) | Strategy::OauthCustom(p) => {
            return format!("Continue with {}", provider_name(p));
        }
        Strategy::OauthToken(p) => return format!("{} token", provider_name(p)),
        Strategy::Saml | Strategy::EnterpriseSso => {
            return match factor.enterprise_connection_name.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => format!("Single sign-on with {}", clean(name)),
                _ => "Single sign-on".to_string(),
            };
        }
        Strategy::Web3(wallet) => return format!("Web3 wallet ({})", provider_name(wallet)),
        Strategy::Unknown(raw) => return format!("Unknown method ({})", clean(raw)),
    };
    fixed.to_string()
}

/// A factor as one entry of "use another method", naming where a code or link goes
/// ("Email a code to j***@example.com"). The same choice of words as Clerk's own list
/// (clerk/javascript `packages/clerk-js/src/ui/components/SignIn/AlternativeMethods.tsx`,
/// `getButtonLabel`), written out in full for screen readers.
pub fn factor_label(factor: &Factor) -> String {
    let Some(to) = factor_target(factor) else {
        return factor_name(factor);
    };
    match &factor.strategy {
        Strategy::EmailCode => format!("Email a code to {to}"),
        Strategy::EmailLink => format!("Email a sign-in link to {to}"),
        Strategy::PhoneCode => format!("Text a code to {to}"),
        Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode => {
            format!("Reset the password with a code sent to {to}")
        }
        _ => factor_name(factor),
    }
}

/// What to do after Clerk refused a call with `code` (on the form field `param`), in words
/// both front ends print after the server's own sentence: "Incorrect code" alone leaves a
/// person guessing. The codes are Clerk's (clerk-js `packages/clerk-js/src/core/constants.ts`
/// `ERROR_CODES`, the Frontend API's error bodies); an unknown code falls back on the field.
pub fn next_step(code: &str, param: Option<&str>) -> &'static str {
    match code {
        "form_code_incorrect" => "Check the code and type it again, or ask for a new one.",
        "verification_failed" => "Ask for a new code, or use another method.",
        "verification_expired" => "Ask for a new code or link.",
        "form_identifier_not_found" | "sign_in_identification_or_user_deleted" => {
            "Check the address for typos, or use another email address, phone number or username."
        }
        "form_password_incorrect" => "Type it again, or use another method.",
        "form_password_pwned"
        | "form_password_length_too_short"
        | "form_password_not_strong_enough"
        | "form_password_size_in_bytes_exceeded"
        | "form_password_validation_failed" => "Choose a different password.",
        "strategy_for_user_invalid" | "no_second_factors" => "Use another method.",
        "user_locked" => "Wait until then, or sign in with another account.",
        "too_many_requests" => "Wait a moment, then try again.",
        "ticket_invalid_code" | "ticket_expired_code" | "sign_in_token_already_used_code" => {
            "Ask for a new sign-in ticket, or sign in another way."
        }
        "not_allowed_access" | "not_allowed_to_sign_up" => {
            "Ask the application's administrators for access, or sign in with another account."
        }
        "oauth_access_denied" => "Try the provider again and allow access, or use another method.",
        "external_account_not_found" => {
            "Sign in another way; this provider account is not linked to a user of this application."
        }
        "authentication_invalid" | "signed_out" => "Sign in again.",
        "native_api_disabled" => {
            "Ask the application's owner to enable the Native API in the Clerk dashboard."
        }
        "internal_clerk_error" | "service_unavailable" => "Try again in a moment.",
        "resource_not_found"
        | "sign_in_status_invalid"
        | "verification_missing"
        | "verification_already_verified"
        | "client_state_invalid" => "Start again.",
        _ => match param {
            Some("code") => "Check the code and type it again, or ask for a new one.",
            Some("identifier" | "email_address" | "phone_number" | "username") => {
                "Check it for typos and enter it again."
            }
            Some("password" | "new_password") => "Check it and enter it again.",
            Some(_) => "Check what you entered and try again.",
            None => "Try again, or start again.",
        },
    }
}

/// The server's sentence followed by what to do next, unless the sentence already names a
/// way on (Clerk's own "Password is incorrect. Try again, or use another method.").
pub fn with_next_step(message: &str, code: &str, param: Option<&str>) -> String {
    with_next_step_for(message, code, param, None)
}

/// [`with_next_step`] on the step of `strategy`: an authenticator's code or a backup code is
/// not asked for again, so a wrong one says what can be done with it.
pub fn with_next_step_for(
    message: &str,
    code: &str,
    param: Option<&str>,
    strategy: Option<&Strategy>,
) -> String {
    let message = message.trim_end();
    let lower = message.to_lowercase();
    let names_one = [
        "try again",
        "start again",
        "another method",
        "wait ",
        "ask for",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if names_one {
        return message.to_string();
    }
    let stop = if message.ends_with(['.', '!', '?']) || message.is_empty() {
        ""
    } else {
        "."
    };
    let next = match (code, strategy) {
        ("form_code_incorrect", Some(Strategy::Totp)) => {
            "Check the code and type it again; the app shows a new one every 30 seconds."
        }
        ("form_code_incorrect", Some(Strategy::BackupCode)) => {
            "Check it and type it again, or use another of your backup codes."
        }
        _ => next_step(code, param),
    };
    format!("{message}{stop} {next}").trim_start().to_string()
}

/// A locked account (`user_locked`) with the time left, and the one way on that can work.
pub fn locked(left: Option<&str>) -> String {
    match left {
        Some(left) => format!(
            "This account is locked after too many failed attempts. You can try again in \
             {left}, or sign in with another account."
        ),
        // Clerk names no end: an administrator's lock, not one that runs out by itself.
        None => "This account is locked. Ask the application's support to unlock it, or sign \
                 in with another account."
            .to_string(),
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "words_tests.rs"]
mod tests;
