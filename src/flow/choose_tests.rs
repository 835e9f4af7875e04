use rstest::rstest;

use super::*;

/// A factor sent to `to` (the masked address the server names).
fn to(strategy: Strategy, to: &str) -> Factor {
    Factor {
        safe_identifier: Some(to.to_string()),
        ..Factor::new(strategy)
    }
}

fn primary(mut f: Factor) -> Factor {
    f.primary = Some(true);
    f
}

fn default(mut f: Factor) -> Factor {
    f.default = Some(true);
    f
}

fn plain(strategy: Strategy) -> Factor {
    Factor::new(strategy)
}

const JANE: &str = "jane@example.com";
const JOE: &str = "joe@example.com";

#[rstest]
#[case::passkey(
    Strategy::Passkey,
    "passkeys need a browser or the operating system's authenticator"
)]
#[case::web3(Strategy::Web3("metamask".into()), "wallet signatures need a browser wallet extension")]
#[case::one_tap(Strategy::GoogleOneTap, "Google One Tap only works inside a web page")]
#[case::trusted_device(
    Strategy::TrustedDevice,
    "trusted-device sign-in needs a device key this app does not hold"
)]
#[case::oauth_token(Strategy::OauthToken("apple".into()), "needs a provider token from a native SDK")]
#[case::unknown(Strategy::Unknown("quantum".into()), "this strategy is newer than clerk-tui")]
fn a_terminal_cannot_finish(#[case] strategy: Strategy, #[case] why: &str) {
    assert_eq!(terminal_support(&strategy), Err(why));
    assert_eq!(pick_support(&strategy), Err(why));
}

#[rstest]
#[case(Strategy::Password)]
#[case(Strategy::EmailCode)]
#[case(Strategy::EmailLink)]
#[case(Strategy::PhoneCode)]
#[case(Strategy::ResetPasswordEmailCode)]
#[case(Strategy::ResetPasswordPhoneCode)]
#[case(Strategy::Totp)]
#[case(Strategy::BackupCode)]
#[case(Strategy::Oauth("github".into()))]
#[case(Strategy::OauthCustom("acme".into()))]
#[case(Strategy::Saml)]
#[case(Strategy::EnterpriseSso)]
fn a_terminal_can_finish(#[case] strategy: Strategy) {
    assert_eq!(terminal_support(&strategy), Ok(()));
    assert_eq!(pick_support(&strategy), Ok(()));
}

#[test]
fn a_ticket_is_finished_here_but_not_picked_from_the_list() {
    assert_eq!(terminal_support(&Strategy::Ticket), Ok(()));
    assert_eq!(
        pick_support(&Strategy::Ticket),
        Err("a ticket comes inside an invitation link, not from here")
    );
}

#[rstest]
#[case(Strategy::ResetPasswordEmailCode, true)]
#[case(Strategy::ResetPasswordPhoneCode, true)]
#[case(Strategy::EmailCode, false)]
#[case(Strategy::PhoneCode, false)]
#[case(Strategy::Password, false)]
fn reset_strategies_are_recognised(#[case] strategy: Strategy, #[case] reset: bool) {
    assert_eq!(is_reset(&strategy), reset);
}

#[rstest]
#[case(vec![plain(Strategy::Password), to(Strategy::ResetPasswordEmailCode, "j***")], true)]
#[case(vec![to(Strategy::ResetPasswordPhoneCode, "+1***")], true)]
#[case(vec![plain(Strategy::Password), to(Strategy::EmailCode, "j***")], false)]
#[case(vec![], false)]
fn forgot_password_needs_a_reset_strategy(#[case] factors: Vec<Factor>, #[case] can: bool) {
    let sign_in = SignIn {
        supported_first_factors: factors,
        ..SignIn::default()
    };
    assert_eq!(can_reset_password(&sign_in), can);
}

fn first(factors: &[Factor], identifier: Option<&str>) -> Option<Factor> {
    preferred_first_factor(factors, identifier).cloned()
}

#[test]
fn the_password_comes_first_wherever_the_server_lists_it() {
    let factors = [
        primary(to(Strategy::EmailCode, JANE)),
        plain(Strategy::Password),
    ];
    assert_eq!(first(&factors, Some(JANE)), Some(plain(Strategy::Password)));
}

#[test]
fn a_code_beats_a_link_for_the_typed_address() {
    let factors = [
        to(Strategy::EmailLink, JANE),
        to(Strategy::EmailCode, JOE),
        to(Strategy::EmailCode, JANE),
    ];
    assert_eq!(
        first(&factors, Some("Jane@Example.com")),
        Some(to(Strategy::EmailCode, JANE))
    );
}

#[test]
fn a_link_for_the_typed_address_beats_a_code_for_another() {
    let factors = [
        primary(to(Strategy::EmailCode, JOE)),
        to(Strategy::EmailLink, JANE),
    ];
    assert_eq!(
        first(&factors, Some(JANE)),
        Some(to(Strategy::EmailLink, JANE))
    );
}

#[rstest]
#[case::no_identifier(None)]
#[case::identifier_not_offered(Some("someone@else.com"))]
fn without_a_match_the_primary_factor_is_used(#[case] identifier: Option<&str>) {
    let factors = [
        to(Strategy::EmailCode, JOE),
        primary(to(Strategy::PhoneCode, "+1***")),
        to(Strategy::EmailCode, JANE),
    ];
    assert_eq!(
        first(&factors, identifier),
        Some(primary(to(Strategy::PhoneCode, "+1***")))
    );
}

#[test]
fn without_a_primary_the_first_usable_factor_is_used() {
    let factors = [
        plain(Strategy::Passkey),
        to(Strategy::EmailLink, JOE),
        to(Strategy::EmailCode, JOE),
    ];
    assert_eq!(first(&factors, None), Some(to(Strategy::EmailLink, JOE)));
}

#[test]
fn reset_and_unusable_factors_are_never_the_start() {
    let factors = [
        primary(to(Strategy::ResetPasswordEmailCode, JANE)),
        primary(plain(Strategy::Passkey)),
        to(Strategy::ResetPasswordPhoneCode, JANE),
        to(Strategy::EmailCode, JOE),
    ];
    assert_eq!(
        first(&factors, Some(JANE)),
        Some(to(Strategy::EmailCode, JOE))
    );
    assert_eq!(first(&factors[..3], Some(JANE)), None);
    assert_eq!(first(&[], None), None);
}

fn second(factors: &[Factor]) -> Option<Factor> {
    preferred_second_factor(factors).cloned()
}

#[test]
fn an_authenticator_app_comes_before_a_text_message() {
    let factors = [
        default(to(Strategy::PhoneCode, "+1***0100")),
        plain(Strategy::Totp),
        plain(Strategy::BackupCode),
    ];
    assert_eq!(second(&factors), Some(plain(Strategy::Totp)));
}

#[test]
fn the_default_phone_comes_before_another_phone() {
    let factors = [
        plain(Strategy::BackupCode),
        to(Strategy::PhoneCode, "+1***0100"),
        default(to(Strategy::PhoneCode, "+1***0199")),
    ];
    assert_eq!(
        second(&factors),
        Some(default(to(Strategy::PhoneCode, "+1***0199")))
    );
}

#[test]
fn any_phone_comes_before_the_rest() {
    let factors = [
        default(to(Strategy::EmailCode, JANE)),
        plain(Strategy::BackupCode),
        to(Strategy::PhoneCode, "+1***0100"),
    ];
    assert_eq!(second(&factors), Some(to(Strategy::PhoneCode, "+1***0100")));
}

#[test]
fn backup_codes_come_last() {
    let factors = [plain(Strategy::BackupCode), to(Strategy::EmailCode, JANE)];
    assert_eq!(second(&factors), Some(to(Strategy::EmailCode, JANE)));
    assert_eq!(
        second(&[plain(Strategy::Passkey), plain(Strategy::BackupCode)]),
        Some(plain(Strategy::BackupCode))
    );
}

#[test]
fn an_unusable_second_factor_is_never_the_start() {
    assert_eq!(second(&[plain(Strategy::Passkey)]), None);
    assert_eq!(second(&[]), None);
}

fn listed(factors: &[Factor]) -> Vec<(String, bool)> {
    other_methods(factors)
        .into_iter()
        .map(|m| (m.factor.strategy.as_str().into_owned(), m.support.is_ok()))
        .collect()
}

#[test]
fn other_methods_list_each_strategy_once_usable_first_without_resets() {
    let factors = [
        plain(Strategy::Passkey),
        plain(Strategy::Password),
        to(Strategy::ResetPasswordEmailCode, JANE),
        to(Strategy::EmailCode, JANE),
        to(Strategy::EmailCode, JOE),
        plain(Strategy::Ticket),
        to(Strategy::EmailLink, JANE),
    ];
    assert_eq!(
        listed(&factors),
        [
            ("password".to_string(), true),
            ("email_code".to_string(), true),
            ("email_link".to_string(), true),
            ("passkey".to_string(), false),
            ("ticket".to_string(), false),
        ]
    );
    // The first factor of a strategy is the one offered (its address is the one shown).
    assert_eq!(
        other_methods(&factors)[1].factor,
        &to(Strategy::EmailCode, JANE)
    );
    assert_eq!(
        other_methods(&factors)[3].support,
        Err("passkeys need a browser or the operating system's authenticator")
    );
    assert!(other_methods(&[]).is_empty());
}
