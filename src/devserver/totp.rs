//! RFC 6238 TOTP (SHA1, 6 digits, 30 s, ±1 step) against the injectable clock, with replay
//! rejection: a code is accepted at most once per step.

use totp_rs::{Algorithm, Builder, Secret, Totp};

fn build(secret_b32: &str, account: Option<&str>) -> Option<Totp> {
    let bytes = Secret::try_from_base32(secret_b32.trim())
        .ok()?
        .as_bytes()
        .to_vec();
    let mut b = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(bytes);
    if let Some(a) = account {
        b = b
            .with_account_name(a.replace(':', ""))
            .with_issuer(Some("clerk-tui dev server"));
    }
    Some(b.build_noncompliant())
}

fn secs(now_secs: i64) -> u64 {
    u64::try_from(now_secs).unwrap_or(0)
}

#[derive(Debug, PartialEq, Eq)]
pub enum TotpCheck {
    Accepted(u64),
    Incorrect,
    Replayed,
}

/// Checks `code`; a step at or before `last_used_step` is a replay.
pub fn check(
    secret_b32: &str,
    code: &str,
    now_secs: i64,
    last_used_step: Option<u64>,
) -> TotpCheck {
    let Some(totp) = build(secret_b32, None) else {
        return TotpCheck::Incorrect;
    };
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return TotpCheck::Incorrect;
    }
    match totp.check(code, secs(now_secs)) {
        Some(step) if last_used_step.is_some_and(|last| step <= last) => TotpCheck::Replayed,
        Some(step) => TotpCheck::Accepted(step),
        None => TotpCheck::Incorrect,
    }
}

/// The code for now and how many seconds it stays current.
pub fn current(secret_b32: &str, now_secs: i64) -> Option<(String, u64)> {
    let totp = build(secret_b32, None)?;
    let t = secs(now_secs);
    Some((totp.generate(t).to_string(), 30 - t % 30))
}

/// The `otpauth://` URI an authenticator app scans.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> Option<String> {
    build(secret_b32, Some(account))?.to_url().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn accepts_neighbouring_steps_and_rejects_replay() {
        let now = 1_700_000_000;
        let (code, left) = current(SECRET, now).expect("code");
        assert!((1..=30).contains(&left));
        let TotpCheck::Accepted(step) = check(SECRET, &code, now, None) else {
            panic!("not accepted")
        };
        assert_eq!(check(SECRET, &code, now, Some(step)), TotpCheck::Replayed);
        let (prev, _) = current(SECRET, now - 30).expect("code");
        assert!(matches!(
            check(SECRET, &prev, now, None),
            TotpCheck::Accepted(_)
        ));
        let (old, _) = current(SECRET, now - 90).expect("code");
        if old != code && old != prev {
            assert_eq!(check(SECRET, &old, now, None), TotpCheck::Incorrect);
        }
        assert_eq!(check(SECRET, "12a456", now, None), TotpCheck::Incorrect);
        assert_eq!(check("!!", "123456", now, None), TotpCheck::Incorrect);
    }

    #[test]
    fn uri_names_the_account() {
        let uri = otpauth_uri(SECRET, "ada@example.com").expect("uri");
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains("secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
    }
}
