use rstest::rstest;

use super::*;

const JANE: &str = "j***@example.com";
const LATER: i64 = 1_800_000_600_000;

fn to(strategy: Strategy, to: &str) -> Factor {
    Factor {
        safe_identifier: Some(to.to_string()),
        ..Factor::new(strategy)
    }
}

fn verification(
    strategy: Strategy,
    status: VerificationStatus,
    expire_at: Option<i64>,
) -> Verification {
    Verification {
        strategy: Some(strategy),
        status,
        expire_at,
        ..Verification::default()
    }
}

/// `needs_first_factor` offering a password, an email code and an email link.
fn first_factor() -> SignIn {
    SignIn {
        status: SignInStatus::NeedsFirstFactor,
        identifier: Some("jane@example.com".to_string()),
        supported_first_factors: vec![
            Factor::new(Strategy::Password),
            to(Strategy::EmailCode, JANE),
            to(Strategy::EmailLink, JANE),
        ],
        ..SignIn::default()
    }
}

/// `status` with a TOTP and a phone code as second factors.
fn second_factor(status: SignInStatus) -> SignIn {
    SignIn {
        status,
        supported_first_factors: vec![Factor::new(Strategy::Password)],
        supported_second_factors: vec![
            to(Strategy::PhoneCode, "+1***0100"),
            Factor::new(Strategy::Totp),
        ],
        ..SignIn::default()
    }
}

fn factor_of(step: Step) -> FactorStep {
    match step {
        Step::Factor(f) => f,
        other => panic!("expected a factor step, got {other:?}"),
    }
}

fn step(sign_in: &SignIn) -> Step {
    derive_step(Some(sign_in), &Choices::default())
}

#[test]
fn no_sign_in_asks_for_the_identifier() {
    assert_eq!(derive_step(None, &Choices::default()), Step::Identifier);
    let mut s = first_factor();
    s.status = SignInStatus::NeedsIdentifier;
    assert_eq!(step(&s), Step::Identifier);
}

#[rstest]
#[case(SignInStatus::NeedsFirstFactor, Stage::First, Strategy::Password)]
#[case(SignInStatus::NeedsSecondFactor, Stage::Second, Strategy::Totp)]
#[case(SignInStatus::NeedsClientTrust, Stage::ClientTrust, Strategy::Totp)]
fn each_verification_status_is_a_stage_on_its_preferred_factor(
    #[case] status: SignInStatus,
    #[case] stage: Stage,
    #[case] strategy: Strategy,
) {
    let mut s = second_factor(status);
    s.supported_first_factors = first_factor().supported_first_factors;
    let f = factor_of(step(&s));
    assert_eq!((f.stage, f.strategy().clone()), (stage, strategy));
    assert!(!f.sent);
}

#[test]
fn new_password_and_complete_are_their_own_steps() {
    let mut s = first_factor();
    s.status = SignInStatus::NeedsNewPassword;
    assert_eq!(step(&s), Step::NewPassword);
    s.status = SignInStatus::Complete;
    s.created_session_id = Some("sess_1".to_string());
    assert_eq!(
        step(&s),
        Step::Complete {
            session_id: Some("sess_1".to_string())
        }
    );
}

#[rstest]
#[case(SignInStatus::NeedsProtectCheck, "needs_protect_check")]
#[case(SignInStatus::Abandoned, "abandoned")]
#[case(SignInStatus::Unknown("needs_magic".to_string()), "needs_magic")]
fn other_statuses_are_unsupported_in_their_own_words(
    #[case] status: SignInStatus,
    #[case] words: &str,
) {
    let mut s = first_factor();
    s.status = status;
    assert_eq!(
        step(&s),
        Step::Unsupported {
            status: words.to_string()
        }
    );
}

#[test]
fn a_stage_with_no_factor_says_so() {
    let mut s = first_factor();
    s.supported_first_factors.clear();
    assert_eq!(step(&s), Step::NoFactor(Stage::First));
    let mut s = second_factor(SignInStatus::NeedsSecondFactor);
    s.supported_second_factors = vec![Factor::new(Strategy::Passkey)];
    assert_eq!(step(&s), Step::NoFactor(Stage::Second));
}

#[test]
fn the_open_list_is_shown_only_for_its_own_stage() {
    let choosing = |stage| Choices {
        choosing: Some(stage),
        ..Choices::default()
    };
    let s = first_factor();
    assert_eq!(
        derive_step(Some(&s), &choosing(Stage::First)),
        Step::ChooseFactor(Stage::First)
    );
    let f = factor_of(derive_step(Some(&s), &choosing(Stage::Second)));
    assert_eq!(f.strategy(), &Strategy::Password);
}

#[test]
fn a_picked_factor_is_worked_on_in_its_own_stage_only() {
    let picked = Choices {
        first: Some(Strategy::EmailLink),
        second: Some(Strategy::PhoneCode),
        choosing: None,
        ..Choices::default()
    };
    let f = factor_of(derive_step(Some(&first_factor()), &picked));
    assert_eq!(f.factor, to(Strategy::EmailLink, JANE));
    for status in [
        SignInStatus::NeedsSecondFactor,
        SignInStatus::NeedsClientTrust,
    ] {
        let f = factor_of(derive_step(Some(&second_factor(status)), &picked));
        assert_eq!(f.factor, to(Strategy::PhoneCode, "+1***0100"));
    }
    // A pick the server no longer offers falls back to the preferred factor.
    let gone = Choices {
        first: Some(Strategy::Passkey),
        ..Choices::default()
    };
    let f = factor_of(derive_step(Some(&first_factor()), &gone));
    assert_eq!(f.strategy(), &Strategy::Password);
}

#[test]
fn a_code_under_way_is_resumed_and_counts_as_sent() {
    let mut s = first_factor();
    s.first_factor_verification = Some(verification(
        Strategy::EmailCode,
        VerificationStatus::Unverified,
        Some(LATER),
    ));
    let f = factor_of(step(&s));
    assert_eq!(f.factor, to(Strategy::EmailCode, JANE));
    assert!(f.sent);
    assert_eq!(f.expire_at, Some(LATER));
    assert_eq!(f.ended, None);
}

#[test]
fn a_second_factor_code_under_way_is_resumed() {
    let mut s = second_factor(SignInStatus::NeedsSecondFactor);
    s.first_factor_verification = Some(verification(
        Strategy::Password,
        VerificationStatus::Verified,
        None,
    ));
    s.second_factor_verification = Some(verification(
        Strategy::PhoneCode,
        VerificationStatus::Unverified,
        Some(LATER),
    ));
    let f = factor_of(step(&s));
    assert_eq!(f.strategy(), &Strategy::PhoneCode);
    assert!(f.sent);
}

#[rstest]
#[case::never_sent(VerificationStatus::Unverified, None)]
#[case::failed(VerificationStatus::Failed, Some(LATER))]
#[case::expired(VerificationStatus::Expired, Some(LATER))]
#[case::verified(VerificationStatus::Verified, Some(LATER))]
fn only_an_unverified_code_with_an_expiry_is_resumed(
    #[case] status: VerificationStatus,
    #[case] expire_at: Option<i64>,
) {
    let mut s = first_factor();
    s.first_factor_verification = Some(verification(Strategy::EmailCode, status, expire_at));
    assert_eq!(factor_of(step(&s)).strategy(), &Strategy::Password);
}

#[rstest]
#[case(VerificationStatus::Unverified, Some(LATER), true, None)]
#[case(VerificationStatus::Unverified, None, false, None)]
#[case(
    VerificationStatus::Failed,
    Some(LATER),
    false,
    Some(VerificationStatus::Failed)
)]
#[case(
    VerificationStatus::Expired,
    Some(LATER),
    false,
    Some(VerificationStatus::Expired)
)]
#[case(VerificationStatus::Verified, Some(LATER), false, None)]
#[case(VerificationStatus::Transferable, Some(LATER), false, None)]
fn the_picked_factors_verification_says_whether_it_was_sent(
    #[case] status: VerificationStatus,
    #[case] expire_at: Option<i64>,
    #[case] sent: bool,
    #[case] ended: Option<VerificationStatus>,
) {
    let mut s = first_factor();
    s.first_factor_verification = Some(verification(Strategy::EmailLink, status, expire_at));
    let picked = Choices {
        first: Some(Strategy::EmailLink),
        ..Choices::default()
    };
    let f = factor_of(derive_step(Some(&s), &picked));
    assert_eq!((f.sent, f.expire_at, f.ended), (sent, expire_at, ended));
}

#[test]
fn another_factors_verification_is_not_this_ones() {
    let mut s = first_factor();
    s.first_factor_verification = Some(verification(
        Strategy::EmailCode,
        VerificationStatus::Failed,
        Some(LATER),
    ));
    let picked = Choices {
        first: Some(Strategy::EmailLink),
        ..Choices::default()
    };
    let f = factor_of(derive_step(Some(&s), &picked));
    assert_eq!((f.sent, f.expire_at, f.ended), (false, None, None));
}

/// `needs_identifier` after an OAuth or SSO start: the verification is the hand-off.
fn handing_off(strategy: Strategy, status: VerificationStatus, url: Option<&str>) -> SignIn {
    SignIn {
        status: SignInStatus::NeedsIdentifier,
        first_factor_verification: Some(Verification {
            external_verification_redirect_url: url.map(str::to_string),
            ..verification(strategy, status, Some(LATER))
        }),
        ..SignIn::default()
    }
}

const URL: Option<&str> = Some("https://accounts.example.com/o/oauth2/auth");

#[rstest]
#[case(Strategy::Oauth("github".into()))]
#[case(Strategy::OauthCustom("acme".into()))]
#[case(Strategy::EnterpriseSso)]
#[case(Strategy::Saml)]
fn a_browser_sign_in_under_way_is_its_hand_off(#[case] strategy: Strategy) {
    let s = handing_off(strategy.clone(), VerificationStatus::Unverified, URL);
    let f = factor_of(step(&s));
    assert_eq!(f.stage, Stage::First);
    assert_eq!(f.factor, Factor::new(strategy));
    assert!(f.sent);
}

#[rstest]
#[case(VerificationStatus::Failed)]
#[case(VerificationStatus::Expired)]
fn an_ended_hand_off_stays_on_screen_without_its_address(#[case] status: VerificationStatus) {
    let s = handing_off(Strategy::Oauth("github".into()), status.clone(), None);
    let f = factor_of(step(&s));
    assert_eq!(f.ended, Some(status));
}

#[rstest]
#[case::no_address_yet(Strategy::Oauth("github".into()), VerificationStatus::Unverified, None)]
#[case::email_link(Strategy::EmailLink, VerificationStatus::Unverified, URL)]
#[case::not_a_browser_strategy(Strategy::Password, VerificationStatus::Unverified, URL)]
#[case::failed_code(Strategy::EmailCode, VerificationStatus::Failed, None)]
fn otherwise_needs_identifier_asks_for_the_identifier(
    #[case] strategy: Strategy,
    #[case] status: VerificationStatus,
    #[case] url: Option<&str>,
) {
    assert_eq!(step(&handing_off(strategy, status, url)), Step::Identifier);
}

#[test]
fn each_stage_reads_its_own_factors_and_verification() {
    let mut s = second_factor(SignInStatus::NeedsSecondFactor);
    let first = verification(Strategy::Password, VerificationStatus::Verified, None);
    let second = verification(Strategy::Totp, VerificationStatus::Unverified, None);
    s.first_factor_verification = Some(first.clone());
    s.second_factor_verification = Some(second.clone());
    assert_eq!(Stage::First.verification(&s), Some(&first));
    assert_eq!(Stage::Second.verification(&s), Some(&second));
    assert_eq!(Stage::ClientTrust.verification(&s), Some(&second));
    assert_eq!(
        Stage::First.factors(&s),
        s.supported_first_factors.as_slice()
    );
    assert_eq!(
        Stage::Second.factors(&s),
        s.supported_second_factors.as_slice()
    );
    assert_eq!(
        Stage::ClientTrust.factors(&s),
        s.supported_second_factors.as_slice()
    );
}

#[rstest]
#[case(true, Some(LATER), LATER - 1, false)]
#[case(true, Some(LATER), LATER, true)]
#[case(true, Some(LATER), LATER + 1, true)]
#[case(false, Some(LATER), LATER + 1, false)]
#[case(true, None, LATER, false)]
fn a_sent_code_expires_at_its_time(
    #[case] sent: bool,
    #[case] expire_at: Option<i64>,
    #[case] now: i64,
    #[case] expired: bool,
) {
    let f = FactorStep {
        stage: Stage::First,
        factor: Factor::new(Strategy::EmailCode),
        sent,
        expire_at,
        ended: None,
    };
    assert_eq!(f.is_expired(now), expired);
}

/// `attack_protection.email_link.require_same_client`: a link opened in a browser ends in
/// `client_mismatch`, so an account whose only way is an email link has no way here, and one
/// with a code starts on the code.
#[test]
fn email_links_that_need_the_same_client_are_never_started_on_here() {
    let only_link = serde_json::from_value::<SignIn>(serde_json::json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor",
        "identifier": "jane@example.com",
        "supported_first_factors": [
            {"strategy": "email_link", "safe_identifier": "jane@example.com", "email_address_id": "idn_1", "primary": true}
        ]
    }))
    .expect("sign-in");
    let same_client = Choices {
        email_link_same_client: true,
        ..Choices::default()
    };
    assert!(matches!(
        derive_step(Some(&only_link), &Choices::default()),
        Step::Factor(_)
    ));
    assert_eq!(
        derive_step(Some(&only_link), &same_client),
        Step::NoFactor(Stage::First)
    );
    let methods = crate::flow::other_methods_here(&only_link.supported_first_factors, true);
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0].support, Err(crate::flow::SAME_CLIENT_LINK));
    assert!(crate::flow::SAME_CLIENT_LINK.contains("require_same_client"));
}

#[test]
fn an_enterprise_connection_verifies_as_its_protocol_but_a_code_is_not_sso() {
    let mut s = first_factor();
    s.supported_first_factors
        .push(to(Strategy::EnterpriseSso, JANE));
    let picked = Choices {
        first: Some(Strategy::EnterpriseSso),
        ..Choices::default()
    };
    for (verified_as, sent) in [
        (Strategy::Saml, true),
        (Strategy::Oauth("okta".into()), true),
        (Strategy::EnterpriseSso, true),
        (Strategy::EmailCode, false),
    ] {
        s.first_factor_verification = Some(verification(
            verified_as.clone(),
            VerificationStatus::Unverified,
            Some(LATER),
        ));
        let f = factor_of(derive_step(Some(&s), &picked));
        assert_eq!(f.sent, sent, "{verified_as}");
    }
}
