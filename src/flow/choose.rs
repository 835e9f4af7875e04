//! Which factor a stage starts on, which others "use another method" offers, and which
//! strategies a terminal can complete at all. Mirrors the order Clerk's own components use:
//! password first when offered, the factor that matches the typed identifier next; TOTP first
//! for the second factor, then SMS.

use crate::fapi::{Factor, SignIn, Strategy};

/// Strategies a user starts "forgot password" with: never a starting factor, and not in
/// "use another method" (Clerk's components reach them through "forgot password?").
pub fn is_reset(strategy: &Strategy) -> bool {
    matches!(
        strategy,
        Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode
    )
}

/// Whether a terminal can complete a strategy, and if not, a one-line reason.
pub fn terminal_support(strategy: &Strategy) -> Result<(), &'static str> {
    match strategy {
        Strategy::Passkey => Err("passkeys need a browser or the operating system's authenticator"),
        Strategy::Web3(_) => Err("wallet signatures need a browser wallet extension"),
        Strategy::GoogleOneTap => Err("Google One Tap only works inside a web page"),
        Strategy::TrustedDevice => {
            Err("trusted-device sign-in needs a device key this app does not hold")
        }
        Strategy::OauthToken(_) => Err("needs a provider token from a native SDK"),
        Strategy::Unknown(_) => Err("this strategy is newer than clerk-tui"),
        _ => Ok(()),
    }
}

/// Why an email link cannot finish here when the instance requires the same client.
pub const SAME_CLIENT_LINK: &str = "this instance requires an email link to be opened on the device that \
     asked for it (require_same_client), and a terminal cannot open one; use a code instead";

/// [`terminal_support`] under the instance's rules: with `email_link_same_client`
/// (`attack_protection.email_link.require_same_client`) an email link opened in a browser
/// ends in `client_mismatch`, so it cannot finish a terminal's sign-in.
pub fn support_here(strategy: &Strategy, email_link_same_client: bool) -> Result<(), &'static str> {
    match strategy {
        Strategy::EmailLink if email_link_same_client => Err(SAME_CLIENT_LINK),
        s => terminal_support(s),
    }
}

/// The first factor to start on, as Clerk's sign-in components choose it.
pub fn preferred_first_factor<'a>(
    factors: &'a [Factor],
    identifier: Option<&str>,
) -> Option<&'a Factor> {
    let usable = || {
        factors
            .iter()
            .filter(|f| !is_reset(&f.strategy) && terminal_support(&f.strategy).is_ok())
    };
    if let Some(f) = usable().find(|f| f.strategy == Strategy::Password) {
        return Some(f);
    }
    if let Some(id) = identifier {
        let matches = |f: &&Factor| {
            f.safe_identifier
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(id))
        };
        // A code is quicker to finish in a terminal than a link, so prefer it for the same address.
        if let Some(f) = usable()
            .filter(matches)
            .find(|f| f.strategy != Strategy::EmailLink)
        {
            return Some(f);
        }
        if let Some(f) = usable().find(matches) {
            return Some(f);
        }
    }
    usable()
        .find(|f| f.primary == Some(true))
        .or_else(|| usable().next())
}

/// The second factor to start on: an authenticator app, then the default phone, then the rest.
pub fn preferred_second_factor(factors: &[Factor]) -> Option<&Factor> {
    let usable = || {
        factors
            .iter()
            .filter(|f| terminal_support(&f.strategy).is_ok())
    };
    usable()
        .find(|f| f.strategy == Strategy::Totp)
        .or_else(|| usable().find(|f| f.strategy == Strategy::PhoneCode && f.default == Some(true)))
        .or_else(|| usable().find(|f| f.strategy == Strategy::PhoneCode))
        .or_else(|| usable().find(|f| f.strategy != Strategy::BackupCode))
        .or_else(|| usable().next())
}

/// Whether "forgot password?" can be offered: the sign-in has a reset strategy.
pub fn can_reset_password(sign_in: &SignIn) -> bool {
    sign_in
        .supported_first_factors
        .iter()
        .any(|f| is_reset(&f.strategy))
}

/// Whether a factor picked from "use another method" can be finished here, and if not, why.
/// A ticket is usable, but only as it comes inside an invitation link.
pub fn pick_support(strategy: &Strategy) -> Result<(), &'static str> {
    match strategy {
        Strategy::Ticket => Err("a ticket comes inside an invitation link, not from here"),
        s => terminal_support(s),
    }
}

/// One entry of "use another method".
#[derive(Debug, Clone, PartialEq)]
pub struct Method<'a> {
    pub factor: &'a Factor,
    /// Whether it can be finished here ([`pick_support`]); the rest are listed, disabled, so
    /// nobody wonders where their passkey went.
    pub support: Result<(), &'static str>,
}

/// "Use another method" over a stage's factors: one entry per strategy (a pick is by strategy), the
/// reset strategies left to "forgot password?", and the usable ones first so the numbers a
/// person types are small. The server's order is kept otherwise.
pub fn other_methods(factors: &[Factor]) -> Vec<Method<'_>> {
    other_methods_here(factors, false)
}

/// [`other_methods`] under the instance's rules ([`support_here`]).
pub fn other_methods_here(factors: &[Factor], email_link_same_client: bool) -> Vec<Method<'_>> {
    let mut out: Vec<Method<'_>> = Vec::new();
    for factor in factors {
        if is_reset(&factor.strategy) || out.iter().any(|m| m.factor.strategy == factor.strategy) {
            continue;
        }
        let support = match pick_support(&factor.strategy) {
            Ok(()) => support_here(&factor.strategy, email_link_same_client),
            refused => refused,
        };
        out.push(Method { factor, support });
    }
    out.sort_by_key(|m| m.support.is_err());
    out
}

#[cfg(test)]
#[path = "choose_tests.rs"]
mod tests;
