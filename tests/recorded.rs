//! The models against real Frontend API responses (recorded from a Clerk development instance
//! by Clerk's Flutter SDK harness): every file parses, round-trips, writes back its wire form,
//! and each flow shows the statuses, factors and verifications the sign-in UI relies on.

mod support;

#[path = "recorded/fixtures.rs"]
mod fixtures;
#[path = "recorded/steps.rs"]
mod steps;

use std::collections::BTreeSet;

use clerk_tui::fapi::{Envelope, SignIn, SignInStatus, Strategy, VerificationStatus};
use fixtures::{CLIENT_ID, EMAIL, IDENTIFIER_ID, Parsed, Recording, SIGN_IN_ID, STEP_MS, T0};
use serde_json::Value;
use steps::{assert_identifier_step, assert_signed_in, last_client, sign_ins, statuses};

/// Keys the models write although a recording lacks them. Empty: every key the models write
/// was seen from the real server, so a misspelt field name shows up here.
const WRITTEN_BUT_NOT_RECORDED: &[&str] = &[];

#[test]
fn every_recorded_file_parses_round_trips_and_keeps_its_wire_form() {
    let root = fixtures::recorded_dir();
    let files = fixtures::json_files(&root);
    assert!(!files.is_empty(), "no recordings in {}", root.display());

    let mut parsed_count = 0;
    let mut extra = BTreeSet::new();
    for file in &files {
        let r = fixtures::load(&root, file);
        let ours = match fixtures::parse(&r) {
            Parsed::Environment(env) => fixtures::round_trip(&*env, &r.rel_path),
            Parsed::SignIn(e) => {
                check_sign_in_envelope(&r, &e);
                fixtures::round_trip(&*e, &r.rel_path)
            }
            Parsed::Client(e) => fixtures::round_trip(&*e, &r.rel_path),
            Parsed::Session(e) => fixtures::round_trip(&*e, &r.rel_path),
            Parsed::User(e) => fixtures::round_trip(&*e, &r.rel_path),
            Parsed::Token(t) => fixtures::round_trip(&t, &r.rel_path),
        };
        fixtures::assert_wire_subset(&ours, &r.body, &r.rel_path, &mut extra);
        parsed_count += 1;
    }
    assert_eq!(parsed_count, files.len(), "a recorded file was skipped");
    let expected: BTreeSet<String> = WRITTEN_BUT_NOT_RECORDED
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(
        extra, expected,
        "models write keys the real server never sent"
    );
}

/// Every sign-in mutation answers with the sign-in and the piggy-backed client, which carries
/// the same sign-in until it completes.
fn check_sign_in_envelope(r: &Recording, e: &Envelope<SignIn>) {
    let sign_in = e.response.as_ref().expect("sign-in in response");
    assert_eq!(sign_in.id, SIGN_IN_ID, "{}", r.rel_path);
    assert!(
        !matches!(sign_in.status, SignInStatus::Unknown(_)),
        "{}: status {:?}",
        r.rel_path,
        sign_in.status
    );
    let factors = sign_in
        .supported_first_factors
        .iter()
        .chain(&sign_in.supported_second_factors);
    for factor in factors {
        assert!(
            !matches!(factor.strategy, Strategy::Unknown(_)),
            "{}: real strategy {} not known",
            r.rel_path,
            factor.strategy
        );
    }
    let client = e.piggybacked_client().expect("piggy-backed client");
    assert_eq!(client.id, CLIENT_ID);
    if sign_in.is_complete() {
        assert!(client.sign_in.is_none(), "{}", r.rel_path);
    } else {
        assert_eq!(client.sign_in.as_ref(), Some(sign_in), "{}", r.rel_path);
    }
}

#[test]
fn password_sign_in_completes_in_one_step() {
    let flow = fixtures::flow("clerk_auth/sign_in_test/sign_in_with_password");
    assert_eq!(statuses(&flow), [SignInStatus::Complete]);
    let done = sign_ins(&flow).pop().expect("sign-in");
    let v = done
        .first_factor_verification
        .expect("password verification");
    assert_eq!(v.object.as_deref(), Some("verification_password"));
    assert_eq!(
        (v.status, v.strategy),
        (VerificationStatus::Verified, Some(Strategy::Password))
    );
    assert_eq!((v.attempts, v.expire_at), (Some(1), None));
    assert_signed_in(&flow);
}

#[test]
fn identifier_then_password_completes() {
    let flow = fixtures::flow("clerk_api/sign_in_test/email_and_password");
    assert_eq!(
        statuses(&flow),
        [SignInStatus::NeedsFirstFactor, SignInStatus::Complete]
    );
    assert_identifier_step(&sign_ins(&flow)[0]);
    assert_signed_in(&flow);
}

#[test]
fn email_code_goes_from_needs_first_factor_to_complete() {
    for name in [
        "clerk_api/sign_in_test/email_code",
        "clerk_auth/sign_in_test/sign_in_with_email_code",
    ] {
        let flow = fixtures::flow(name);
        let steps = sign_ins(&flow);
        assert_eq!(
            statuses(&flow),
            [
                SignInStatus::NeedsFirstFactor,
                SignInStatus::NeedsFirstFactor,
                SignInStatus::Complete
            ],
            "{name}"
        );
        assert_identifier_step(&steps[0]);

        let sent = steps[1]
            .first_factor_verification
            .as_ref()
            .expect("prepared");
        assert_eq!(sent.object.as_deref(), Some("verification_otp"));
        assert_eq!(sent.status, VerificationStatus::Unverified);
        assert_eq!(sent.strategy, Some(Strategy::EmailCode));
        assert_eq!(
            (sent.attempts, sent.expire_at),
            (Some(0), Some(T0 + STEP_MS))
        );
        assert_eq!(steps[1].current_verification(), Some(sent));

        let verified = steps[2]
            .first_factor_verification
            .as_ref()
            .expect("attempted");
        assert_eq!(verified.status, VerificationStatus::Verified);
        assert_eq!(verified.attempts, Some(1));
        assert_signed_in(&flow);
    }
}

#[test]
fn email_link_verification_turns_verified_while_polling() {
    let flow = fixtures::flow("clerk_auth/sign_in_test/sign_in_with_email_link");
    let kinds: Vec<&str> = flow.iter().map(|(r, _)| r.method.as_str()).collect();
    assert_eq!(kinds, ["POST", "GET", "POST", "POST", "GET", "GET", "GET"]);
    assert_eq!(
        statuses(&flow),
        [
            SignInStatus::NeedsFirstFactor,
            SignInStatus::NeedsFirstFactor,
            SignInStatus::NeedsFirstFactor,
            SignInStatus::NeedsFirstFactor,
            SignInStatus::Complete
        ]
    );
    let steps = sign_ins(&flow);
    assert_identifier_step(&steps[0]);
    let link_status: Vec<_> = steps[1..]
        .iter()
        .map(|s| {
            let v = s
                .first_factor_verification
                .as_ref()
                .expect("link verification");
            assert_eq!(v.object.as_deref(), Some("verification_email_link"));
            assert_eq!(v.strategy, Some(Strategy::EmailLink));
            assert_eq!((v.attempts, v.expire_at), (None, Some(T0 + STEP_MS)));
            v.status.clone()
        })
        .collect();
    use VerificationStatus::{Unverified, Verified};
    assert_eq!(link_status, [Unverified, Unverified, Unverified, Verified]);
    let verified = steps[4]
        .first_factor_verification
        .as_ref()
        .expect("verified");
    assert_eq!(verified.verified_at_client.as_deref(), Some(CLIENT_ID));
    assert!(
        verified.status.is_terminal()
            && !steps[3]
                .first_factor_verification
                .as_ref()
                .is_some_and(|v| v.status.is_terminal())
    );
    assert_signed_in(&flow);
}

#[test]
fn email_link_prepare_in_the_api_suite() {
    let flow = fixtures::flow("clerk_api/sign_in_test/email_link");
    let steps = sign_ins(&flow);
    assert_identifier_step(&steps[0]);
    let v = steps[1]
        .first_factor_verification
        .as_ref()
        .expect("prepared link");
    assert_eq!(v.status, VerificationStatus::Unverified);
    assert_eq!(v.strategy, Some(Strategy::EmailLink));
    assert!(v.verified_at_client.is_none());
}

#[test]
fn client_trust_is_resolved_by_an_email_code_second_factor() {
    let flow = fixtures::flow("clerk_auth/sign_in_test/sign_in_with_client_trust");

    let Parsed::Client(created) = &flow[0].1 else {
        panic!("first step is POST /v1/client");
    };
    let client = created.response.as_ref().expect("new client");
    assert_eq!(client.id, CLIENT_ID);
    assert!(client.sessions.is_empty() && client.sign_in.is_none());
    assert!(created.client.is_none());
    assert_eq!(client.created_at, Some(T0 - 4 * STEP_MS));

    let Parsed::Environment(env) = &flow[1].1 else {
        panic!("second step is GET /v1/environment");
    };
    assert!(env.auth_config.single_session_mode && env.auth_config.test_mode);
    assert_eq!(env.first_factor_identifiers(), ["email_address"]);
    assert!(env.second_factor_strategies().is_empty() && !env.mfa_required());
    assert!(env.password_enabled());

    assert_eq!(
        statuses(&flow),
        [
            SignInStatus::NeedsClientTrust,
            SignInStatus::NeedsClientTrust,
            SignInStatus::Complete
        ]
    );
    let steps = sign_ins(&flow);
    let trust = &steps[0];
    assert!(trust.status.is_second_factor_stage());
    let password = trust.first_factor_verification.as_ref().expect("password");
    assert_eq!(password.status, VerificationStatus::Verified);
    assert_eq!(password.strategy, Some(Strategy::Password));
    assert_eq!(trust.supported_second_factors.len(), 1);
    let email = trust
        .second_factor(&Strategy::EmailCode)
        .expect("email_code");
    assert_eq!(email.email_address_id.as_deref(), Some(IDENTIFIER_ID));
    assert_eq!(email.safe_identifier.as_deref(), Some(EMAIL));
    assert!(trust.second_factor_verification.is_none() && trust.created_session_id.is_none());

    let sent = steps[1]
        .current_verification()
        .expect("second factor prepared");
    assert_eq!(
        (sent.status.clone(), sent.strategy.clone(), sent.attempts),
        (
            VerificationStatus::Unverified,
            Some(Strategy::EmailCode),
            Some(0)
        )
    );
    let done = steps[2]
        .second_factor_verification
        .as_ref()
        .expect("attempted");
    assert_eq!(
        (done.status.clone(), done.attempts),
        (VerificationStatus::Verified, Some(1))
    );
    assert_signed_in(&flow);
    assert_eq!(
        last_client(&flow).last_authentication_strategy,
        Some(Strategy::Password)
    );
}

#[test]
fn environment_of_a_development_instance() {
    let flow = fixtures::flow("clerk_api/environment_test/can_fetch_env");
    let Parsed::Environment(env) = &flow[0].1 else {
        panic!("GET /v1/environment parses as Environment");
    };
    assert!(env.is_development());
    assert!(env.auth_config.test_mode && !env.auth_config.single_session_mode);
    assert_eq!(env.auth_config.id, "AUTH_CONFIG_ID");
    assert_eq!(env.application_name(), Some("APPLICATION_NAME"));
    assert_eq!(
        env.first_factor_identifiers(),
        ["email_address", "phone_number", "username"]
    );
    let second: BTreeSet<String> = env
        .second_factor_strategies()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        second,
        BTreeSet::from(["backup_code".into(), "phone_code".into(), "totp".into()])
    );
    assert!(env.mfa_enabled() && !env.mfa_required());
    assert!(env.password_enabled());
    assert!(
        env.auth_config
            .first_factors
            .contains(&Strategy::OauthToken("apple".into()))
    );
    assert!(
        env.auth_config
            .first_factors
            .contains(&Strategy::GoogleOneTap)
    );
    assert!(
        env.auth_config
            .first_factors
            .iter()
            .all(|s| !matches!(s, Strategy::Unknown(_)))
    );

    let social = &env.user_settings.social;
    assert_eq!(
        social["oauth_google"].strategy,
        Strategy::Oauth("google".into())
    );
    assert_eq!(social["oauth_google"].name, "Google");
    assert_eq!(
        social["oauth_custom_spung"].strategy,
        Strategy::OauthCustom("spung".into())
    );
    let offered = env.enabled_social_providers();
    assert!(!offered.is_empty() && offered.iter().all(|p| p.enabled && p.strategy.is_oauth()));

    let password = &env.user_settings.password_settings;
    assert_eq!(password.effective_min_length(), 8);
    assert_eq!(password.effective_max_length(), 72);
    assert!(!password.allowed_special_characters.is_empty());
    assert_eq!(env.user_settings.sign_up.mode.as_deref(), Some("public"));
}

#[test]
fn placeholders_become_wire_values() {
    let text = fixtures::substitute(
        r#"{"a":"%%DATETIME -4%%","b":"CLIENT_ID","c":"GOOGLE_ONE_TAP_CLIENT_ID","d":"URL"}"#,
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["a"], T0 - 4 * STEP_MS);
    assert_eq!(v["b"], CLIENT_ID);
    assert_eq!(v["c"], "GOOGLE_ONE_TAP_CLIENT_ID");
    assert!(v["d"].as_str().unwrap().starts_with("https://"));
}

/// Adds an unknown field to every object, recursively.
fn sprinkle_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(sprinkle_unknown_fields);
            map.insert("zz_future".into(), serde_json::json!({"nested": [1, "x"]}));
        }
        Value::Array(items) => items.iter_mut().for_each(sprinkle_unknown_fields),
        _ => {}
    }
}

#[test]
fn a_newer_server_does_not_break_a_recorded_sign_in() {
    let flow = fixtures::flow("clerk_auth/sign_in_test/sign_in_with_client_trust");
    let (recording, _) = flow
        .iter()
        .find(|(r, _)| r.rel_path.ends_with("003.json"))
        .expect("needs_client_trust step");
    let mut body = recording.body.clone();
    sprinkle_unknown_fields(&mut body);
    let response = &mut body["response"];
    response["status"] = "needs_retina_scan".into();
    response["abandon_at"] = serde_json::json!(1.7e12);
    response["supported_identifiers"] = Value::Null;
    response["supported_first_factors"][0]["strategy"] = "oauth_token_zoom".into();
    response["supported_first_factors"][1]["primary"] = "yes".into();
    response["first_factor_verification"]["status"] = "pending_review".into();
    response["first_factor_verification"]["attempts"] = "3".into();
    if let Some(factors) = response["supported_first_factors"].as_array_mut() {
        factors.push("not-a-factor".into());
    }
    body["client"]["sessions"] = Value::Null;

    let e: Envelope<SignIn> = serde_json::from_value(body).expect("still parses");
    let s = e.response.as_ref().expect("sign-in");
    assert_eq!(s.id, SIGN_IN_ID);
    assert_eq!(s.status, SignInStatus::Unknown("needs_retina_scan".into()));
    assert_eq!(s.status.as_str(), "needs_retina_scan");
    assert_eq!(s.abandon_at, Some(1_700_000_000_000));
    assert!(s.supported_identifiers.is_empty());
    assert_eq!(
        s.supported_first_factors.len(),
        3,
        "only the odd factor is dropped"
    );
    assert_eq!(
        s.supported_first_factors[0].strategy,
        Strategy::OauthToken("zoom".into())
    );
    let email = &s.supported_first_factors[1];
    assert_eq!(
        (email.strategy.clone(), email.primary),
        (Strategy::EmailCode, None)
    );
    assert_eq!(email.email_address_id.as_deref(), Some(IDENTIFIER_ID));
    let v = s.first_factor_verification.as_ref().expect("verification");
    assert_eq!(
        v.status,
        VerificationStatus::Unknown("pending_review".into())
    );
    assert_eq!(v.attempts, Some(3));
    let client = e.piggybacked_client().expect("client");
    assert!(client.sessions.is_empty());
    assert_eq!(
        client.sign_in.as_ref().map(|s| s.status.clone()),
        Some(SignInStatus::NeedsClientTrust)
    );
    let second = s.second_factor(&Strategy::EmailCode).expect("email_code");
    assert_eq!(second.safe_identifier.as_deref(), Some(EMAIL));
}
