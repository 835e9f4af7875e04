//! Small pieces of plain English shared by the sentences: names of factors, where a code went,
//! durations and times. Server text is stripped of control characters before it is printed.

use crate::fapi::{Factor, Strategy};
use crate::flow::Stage;

/// Server text is untrusted: no escape sequences, control or bidi characters reach the
/// terminal (the crate's one cleaner, `flow::clean`).
pub fn clean(text: &str) -> String {
    crate::flow::clean(text).into_owned()
}

/// Where a code or link goes, as the server masked it.
pub fn target(factor: &Factor) -> Option<String> {
    factor
        .safe_identifier
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(clean)
}

/// A factor as one entry of the "use another method" list.
pub fn factor_label(factor: &Factor) -> String {
    let to = |what: &str| match target(factor) {
        Some(t) => format!("{what} {t}"),
        None => what.trim_end_matches(" to").to_string(),
    };
    match &factor.strategy {
        Strategy::Password => "Password".to_string(),
        Strategy::EmailCode => to("Email a code to"),
        Strategy::EmailLink => to("Email a sign-in link to"),
        Strategy::PhoneCode => to("Text a code to"),
        Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode => {
            to("Reset the password with a code sent to")
        }
        Strategy::Totp => "Code from an authenticator app".to_string(),
        Strategy::BackupCode => "Backup code".to_string(),
        Strategy::Passkey => "Passkey".to_string(),
        Strategy::Oauth(p) | Strategy::OauthCustom(p) => format!("Continue with {}", provider(p)),
        Strategy::Saml | Strategy::EnterpriseSso => match &factor.enterprise_connection_name {
            Some(name) => format!("Single sign-on with {}", clean(name)),
            None => "Single sign-on".to_string(),
        },
        other => clean(&other.as_str()),
    }
}

fn provider(p: &str) -> String {
    let p = clean(p);
    let mut chars = p.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => p,
    }
}

/// "A code was sent to …" for each kind of code.
pub fn code_sent(factor: &Factor, stage: Stage) -> String {
    let to = target(factor)
        .map(|t| format!(" to {t}"))
        .unwrap_or_default();
    match (&factor.strategy, stage) {
        (Strategy::PhoneCode, _) => format!("A code was sent by text message{to}."),
        (Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode, _) => {
            format!("To reset your password, a code was sent{to}.")
        }
        (_, Stage::ClientTrust) => {
            format!("This device is new for this account, so a code was sent{to} to confirm it.")
        }
        _ => format!("A code was sent{to}."),
    }
}

/// "10 minutes", "1 minute", "45 seconds".
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    if secs >= 90 {
        let minutes = (secs + 30) / 60;
        format!("{minutes} minutes")
    } else if secs >= 60 {
        "1 minute".to_string()
    } else if secs == 1 {
        "1 second".to_string()
    } else {
        format!("{secs} seconds")
    }
}

/// A time in ms since the epoch as `2026-11-22 01:30 UTC`.
pub fn utc_time(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "an unknown time".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(600), "10 minutes");
        assert_eq!(duration(599), "10 minutes");
        assert_eq!(duration(61), "1 minute");
        assert_eq!(duration(1), "1 second");
        assert_eq!(duration(-5), "0 seconds");
    }

    #[test]
    fn labels_name_the_target_and_strip_control_characters() {
        let mut f = Factor::new(Strategy::EmailCode);
        f.safe_identifier = Some("j***@example.com\x1b[31m".to_string());
        assert_eq!(factor_label(&f), "Email a code to j***@example.com");
        assert_eq!(
            factor_label(&Factor::new(Strategy::Oauth("github".into()))),
            "Continue with Github"
        );
        assert_eq!(
            factor_label(&Factor::new(Strategy::EmailLink)),
            "Email a sign-in link"
        );
    }

    #[test]
    fn utc_times_are_formatted() {
        assert_eq!(utc_time(1_700_000_000_000), "2023-11-14 22:13 UTC");
    }
}
