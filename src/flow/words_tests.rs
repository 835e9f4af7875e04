use rstest::rstest;

use super::*;

fn factor(strategy: Strategy, to: Option<&str>) -> Factor {
    Factor {
        safe_identifier: to.map(str::to_string),
        ..Factor::new(strategy)
    }
}

fn sso(name: Option<&str>) -> Factor {
    Factor {
        enterprise_connection_name: name.map(str::to_string),
        ..Factor::new(Strategy::EnterpriseSso)
    }
}

#[rstest]
#[case("github", "GitHub")]
#[case("gitlab", "GitLab")]
#[case("linkedin", "LinkedIn")]
#[case("linkedin_oidc", "LinkedIn")]
#[case("x", "X")]
#[case("twitter", "X")]
#[case("tiktok", "TikTok")]
#[case("hubspot", "HubSpot")]
#[case("metamask", "MetaMask")]
#[case("coinbase_wallet", "Coinbase Wallet")]
#[case("okx_wallet", "OKX Wallet")]
#[case("google", "Google")]
#[case(" apple ", "Apple")]
#[case("élan", "Élan")]
#[case("", "the provider")]
#[case("evil\x1b]0;title\x07corp", "Evilcorp")]
fn providers_are_spelled_as_people_write_them(#[case] raw: &str, #[case] name: &str) {
    assert_eq!(provider_name(raw), name);
}

#[rstest]
#[case(Strategy::Password, None, "Password")]
#[case(
    Strategy::EmailCode,
    Some("j***@example.com"),
    "Email a code to j***@example.com"
)]
#[case(Strategy::EmailCode, None, "Email a code")]
#[case(
    Strategy::EmailLink,
    Some("j***@example.com"),
    "Email a sign-in link to j***@example.com"
)]
#[case(Strategy::EmailLink, Some("  "), "Email a sign-in link")]
#[case(
    Strategy::PhoneCode,
    Some("+1******0100"),
    "Text a code to +1******0100"
)]
#[case(Strategy::PhoneCode, None, "Text a code")]
#[case(
    Strategy::ResetPasswordEmailCode,
    Some("j***@example.com"),
    "Reset the password with a code sent to j***@example.com"
)]
#[case(
    Strategy::ResetPasswordEmailCode,
    None,
    "Reset the password with a code by email"
)]
#[case(
    Strategy::ResetPasswordPhoneCode,
    Some("+1******0100"),
    "Reset the password with a code sent to +1******0100"
)]
#[case(
    Strategy::ResetPasswordPhoneCode,
    None,
    "Reset the password with a code by text message"
)]
#[case(Strategy::Passkey, None, "Passkey")]
#[case(Strategy::Ticket, None, "Sign-in ticket")]
#[case(Strategy::Totp, None, "Code from an authenticator app")]
#[case(Strategy::BackupCode, None, "Backup code")]
#[case(Strategy::GoogleOneTap, None, "Google One Tap")]
#[case(Strategy::TrustedDevice, None, "Trusted device")]
#[case(Strategy::Oauth("github".into()), None, "Continue with GitHub")]
#[case(Strategy::OauthCustom("acme".into()), None, "Continue with Acme")]
#[case(Strategy::OauthToken("apple".into()), None, "Apple token")]
#[case(Strategy::Saml, None, "Single sign-on")]
#[case(Strategy::Web3("metamask".into()), None, "Web3 wallet (MetaMask)")]
#[case(Strategy::Unknown("quantum_x".into()), None, "Unknown method (quantum_x)")]
// A factor that carries an address but is not sent anywhere is named without it.
#[case(Strategy::Password, Some("j***@example.com"), "Password")]
#[case(
    Strategy::Totp,
    Some("j***@example.com"),
    "Code from an authenticator app"
)]
fn every_factor_has_a_label(
    #[case] strategy: Strategy,
    #[case] to: Option<&str>,
    #[case] label: &str,
) {
    assert_eq!(factor_label(&factor(strategy, to)), label);
}

#[rstest]
#[case(Strategy::EmailCode, "Email a code")]
#[case(Strategy::EmailLink, "Email a sign-in link")]
#[case(Strategy::PhoneCode, "Text a code")]
#[case(
    Strategy::ResetPasswordEmailCode,
    "Reset the password with a code by email"
)]
fn a_name_never_says_where_it_goes(#[case] strategy: Strategy, #[case] name: &str) {
    assert_eq!(
        factor_name(&factor(strategy, Some("j***@example.com"))),
        name
    );
}

#[rstest]
#[case(None, "Single sign-on")]
#[case(Some(""), "Single sign-on")]
#[case(Some("  "), "Single sign-on")]
#[case(Some("Acme Corp"), "Single sign-on with Acme Corp")]
#[case(Some("Acme\u{202E}pxe"), "Single sign-on with Acme\u{FFFD}pxe")]
fn single_sign_on_names_its_connection(#[case] name: Option<&str>, #[case] label: &str) {
    assert_eq!(factor_label(&sso(name)), label);
}

#[test]
fn server_text_in_a_label_is_cleaned() {
    let f = factor(Strategy::EmailCode, Some("j***@example.com\x1b[31m"));
    assert_eq!(factor_label(&f), "Email a code to j***@example.com");
    assert_eq!(factor_target(&f).as_deref(), Some("j***@example.com"));
    let unknown = factor(Strategy::Unknown("new\x07thing".into()), None);
    assert_eq!(factor_label(&unknown), "Unknown method (new\u{FFFD}thing)");
}

#[rstest]
#[case(None, None)]
#[case(Some(""), None)]
#[case(Some(" \t"), None)]
#[case(Some(" j***@example.com "), Some("j***@example.com"))]
fn a_target_is_the_masked_address_or_nothing(
    #[case] safe: Option<&str>,
    #[case] want: Option<&str>,
) {
    let f = factor(Strategy::EmailCode, safe);
    assert_eq!(factor_target(&f).as_deref(), want);
}

/// The error codes Clerk documents for the calls this app makes: clerk-js's `ERROR_CODES`
/// (`packages/clerk-js/src/core/constants.ts`), the examples in the vendored OpenAPI file
/// (`tests/data/clerk/fapi-2026-05-12.yml`), and those the emulator answers with as Clerk does.
const CLERK_CODES: &[&str] = &[
    "form_identifier_not_found",
    "form_password_incorrect",
    "strategy_for_user_invalid",
    "not_allowed_to_sign_up",
    "oauth_access_denied",
    "not_allowed_access",
    "user_locked",
    "external_account_not_found",
    "form_param_format_invalid",
    "resource_not_found",
    "form_code_incorrect",
    "verification_failed",
    "verification_expired",
    "verification_missing",
    "verification_already_verified",
    "form_password_pwned",
    "too_many_requests",
    "authentication_invalid",
    "sign_in_status_invalid",
    "ticket_invalid_code",
    "ticket_expired_code",
    "sign_in_token_already_used_code",
    "internal_clerk_error",
    "native_api_disabled",
];

/// Codes whose advice comes from the form field the server named (`meta.param_name`).
const BY_FIELD: &[&str] = &["form_param_format_invalid"];

#[test]
fn every_documented_error_code_names_a_next_step_of_its_own() {
    let fallback = next_step("no_such_code", None);
    for code in CLERK_CODES {
        let next = next_step(code, None);
        assert!(
            next.ends_with('.') && next.len() > 10,
            "{code}: {next:?} is a sentence"
        );
        if !BY_FIELD.contains(code) {
            assert_ne!(next, fallback, "{code} has advice of its own");
        }
    }
    assert_ne!(
        next_step("form_param_format_invalid", Some("identifier")),
        fallback,
        "a refused identifier says to check it"
    );
}

#[rstest]
// The emulator's (and Clerk's) bare sentences get a way on.
#[case(
    "Incorrect code",
    "form_code_incorrect",
    "Incorrect code. Check the code and type it again, or ask for a new one."
)]
#[case(
    "Couldn't find your account.",
    "form_identifier_not_found",
    "Couldn't find your account. Check the address for typos, or use another email address, phone number or username."
)]
// A sentence that already names one is left as Clerk wrote it.
#[case(
    "Password is incorrect. Try again, or use another method.",
    "form_password_incorrect",
    "Password is incorrect. Try again, or use another method."
)]
#[case(
    "Too many failed attempts. You have to try again with the same or another method.",
    "verification_failed",
    "Too many failed attempts. You have to try again with the same or another method."
)]
#[case("", "some_new_code", "Try again, or start again.")]
fn a_refusal_reads_as_what_went_wrong_then_what_to_do(
    #[case] message: &str,
    #[case] code: &str,
    #[case] said: &str,
) {
    assert_eq!(with_next_step(message, code, None), said);
}

#[test]
fn a_locked_account_says_how_long_and_offers_only_what_can_work() {
    let with_time = locked(Some("29:10 min"));
    assert!(with_time.contains("try again in 29:10 min"), "{with_time}");
    assert!(with_time.contains("another account"), "{with_time}");
    assert!(!with_time.to_lowercase().contains("reset"), "{with_time}");
    assert!(locked(None).contains("support to unlock it"));
}

#[test]
fn a_wrong_authenticator_or_backup_code_is_not_asked_for_again() {
    let totp = with_next_step_for(
        "Incorrect code",
        "form_code_incorrect",
        Some("code"),
        Some(&Strategy::Totp),
    );
    assert!(totp.contains("new one every 30 seconds"), "{totp}");
    assert!(!totp.contains("ask for"), "{totp}");
    let backup = with_next_step_for(
        "Incorrect code",
        "form_code_incorrect",
        Some("code"),
        Some(&Strategy::BackupCode),
    );
    assert!(backup.contains("another of your backup codes"), "{backup}");
}
