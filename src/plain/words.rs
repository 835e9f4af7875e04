//! Small pieces of plain English shared by the sentences: where a code went, durations and
//! times (what factors are called is `flow`'s answer, shared with the full screen). Server text
//! is stripped of control characters before it is printed.

use crate::fapi::{Factor, Strategy};
use crate::flow::{Stage, factor_target};

/// Server text is untrusted: no escape sequences, control or bidi characters reach the
/// terminal (the crate's one cleaner, `flow::clean`).
pub fn clean(text: &str) -> String {
    crate::flow::clean(text).into_owned()
}

/// "A code was sent to …" for each kind of code.
pub fn code_sent(factor: &Factor, stage: Stage) -> String {
    let to = factor_target(factor)
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
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case(600, "10 minutes")]
    #[case(599, "10 minutes")]
    #[case(90, "2 minutes")]
    #[case(89, "1 minute")]
    #[case(61, "1 minute")]
    #[case(60, "1 minute")]
    #[case(59, "59 seconds")]
    #[case(2, "2 seconds")]
    #[case(1, "1 second")]
    #[case(0, "0 seconds")]
    #[case(-5, "0 seconds")]
    fn durations_read_naturally(#[case] secs: i64, #[case] words: &str) {
        assert_eq!(duration(secs), words);
    }

    #[test]
    fn utc_times_are_formatted() {
        assert_eq!(utc_time(1_700_000_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc_time(i64::MAX), "an unknown time");
    }

    #[test]
    fn server_text_is_cleaned() {
        assert_eq!(clean("\x1b[31mAcme\x1b[0m\u{202E}"), "Acme\u{FFFD}");
        assert_eq!(clean("Acme"), "Acme");
    }

    fn sent(strategy: Strategy, to: Option<&str>) -> Factor {
        Factor {
            safe_identifier: to.map(str::to_string),
            ..Factor::new(strategy)
        }
    }

    #[rstest]
    #[case(
        Strategy::EmailCode,
        Some("j***@example.com"),
        Stage::First,
        "A code was sent to j***@example.com."
    )]
    #[case(Strategy::EmailCode, None, Stage::Second, "A code was sent.")]
    #[case(
        Strategy::PhoneCode,
        Some("+1***0100"),
        Stage::Second,
        "A code was sent by text message to +1***0100."
    )]
    #[case(
        Strategy::PhoneCode,
        None,
        Stage::ClientTrust,
        "A code was sent by text message."
    )]
    #[case(
        Strategy::ResetPasswordEmailCode,
        Some("j***@example.com"),
        Stage::First,
        "To reset your password, a code was sent to j***@example.com."
    )]
    #[case(
        Strategy::ResetPasswordPhoneCode,
        None,
        Stage::First,
        "To reset your password, a code was sent."
    )]
    #[case(
        Strategy::EmailCode,
        Some("j***@example.com"),
        Stage::ClientTrust,
        "This device is new for this account, so a code was sent to j***@example.com to confirm it."
    )]
    fn each_kind_of_code_says_where_it_went(
        #[case] strategy: Strategy,
        #[case] to: Option<&str>,
        #[case] stage: Stage,
        #[case] sentence: &str,
    ) {
        assert_eq!(code_sent(&sent(strategy, to), stage), sentence);
    }
}
