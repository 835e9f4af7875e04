//! Unit tests of `update`: each sign-in status gives its step, stale results are dropped, the
//! poller starts and stops as a user would expect, and secrets leave the app with the call.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::*;
use crate::fapi::{SignIn, Strategy};
use crate::flow::{Stage, Step};

const NOW: i64 = 1_800_000_000_000;

fn app() -> App {
    let mut a = App::new(
        Backend::Remote {
            base_url: "http://127.0.0.1:1".into(),
        },
        NOW,
    );
    a.environment = Some(serde_json::from_value(json!({})).expect("empty environment parses"));
    a
}

fn sign_in(status: &str, extra: Value) -> SignIn {
    let mut v = json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": status, "identifier": "jane@example.com",
        "supported_first_factors": [
            {"strategy": "password"},
            {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e", "primary": true},
            {"strategy": "email_link", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"},
            {"strategy": "reset_password_email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"},
            {"strategy": "passkey"}
        ],
        "supported_second_factors": [
            {"strategy": "phone_code", "safe_identifier": "+1******0100", "phone_number_id": "idn_p", "default": true},
            {"strategy": "totp"},
            {"strategy": "backup_code"}
        ],
        "first_factor_verification": null, "second_factor_verification": null,
        "created_session_id": null, "abandon_at": NOW + 3_600_000
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    serde_json::from_value(v).expect("sign-in fixture parses")
}

fn reply(app: &mut App, s: SignIn) -> Vec<Effect> {
    let epoch = app.epoch;
    update(
        app,
        Action::Api {
            epoch,
            reply: Reply::SignIn(Ok(SignInReply {
                sign_in: Box::new(s),
                client: None,
            })),
        },
    )
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

#[test]
fn each_status_gives_its_step() {
    let mut a = app();
    assert_eq!(a.step(), Step::Identifier);
    reply(&mut a, sign_in("needs_first_factor", json!({})));
    match a.step() {
        Step::Factor(f) => {
            assert_eq!(f.stage, Stage::First);
            assert_eq!(
                *f.strategy(),
                Strategy::Password,
                "password is preferred when offered"
            );
        }
        other => panic!("expected a first factor, got {other:?}"),
    }
    reply(&mut a, sign_in("needs_second_factor", json!({})));
    match a.step() {
        Step::Factor(f) => assert_eq!(*f.strategy(), Strategy::Totp, "TOTP first for MFA"),
        other => panic!("expected a second factor, got {other:?}"),
    }
    reply(
        &mut a,
        sign_in(
            "needs_client_trust",
            json!({"supported_second_factors": [
        {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}]}),
        ),
    );
    match a.step() {
        Step::Factor(f) => {
            assert_eq!(f.stage, Stage::ClientTrust);
            assert_eq!(*f.strategy(), Strategy::EmailCode);
        }
        other => panic!("expected client trust, got {other:?}"),
    }
    reply(&mut a, sign_in("needs_new_password", json!({})));
    assert_eq!(a.step(), Step::NewPassword);
    reply(&mut a, sign_in("needs_protect_check", json!({})));
    assert_eq!(
        a.step(),
        Step::Unsupported {
            status: "needs_protect_check".into()
        }
    );
    reply(&mut a, sign_in("some_future_status", json!({})));
    assert_eq!(
        a.step(),
        Step::Unsupported {
            status: "some_future_status".into()
        }
    );
    let fx = reply(
        &mut a,
        sign_in("complete", json!({"created_session_id": "sess_1"})),
    );
    assert_eq!(
        a.step(),
        Step::Complete {
            session_id: Some("sess_1".into())
        }
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Call { call: Call::MintToken { session_id }, .. } if session_id == "sess_1")),
        "a session token is minted on completion: {fx:?}"
    );
}

#[test]
fn second_factor_sends_the_sms_on_entry_when_no_authenticator() {
    let mut a = app();
    let fx = reply(
        &mut a,
        sign_in(
            "needs_second_factor",
            json!({"supported_second_factors": [
        {"strategy": "phone_code", "safe_identifier": "+1******0100", "phone_number_id": "idn_p", "default": true},
        {"strategy": "backup_code"}]}),
        ),
    );
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Call { call: Call::PrepareSecondFactor { factor, .. }, .. }
            if factor.strategy == Strategy::PhoneCode)
        ),
        "the SMS is sent on entry: {fx:?}"
    );
}

#[test]
fn stale_results_are_dropped() {
    let mut a = app();
    let old = a.epoch;
    update(
        &mut a,
        Action::SubmitIdentifier {
            identifier: "jane@example.com".into(),
            password: None,
        },
    );
    update(&mut a, Action::Back);
    assert!(a.epoch > old, "back bumps the epoch");
    let fx = update(
        &mut a,
        Action::Api {
            epoch: old,
            reply: Reply::SignIn(Ok(SignInReply {
                sign_in: Box::new(sign_in("needs_first_factor", json!({}))),
                client: None,
            })),
        },
    );
    assert!(fx.is_empty());
    assert!(
        a.sign_in.is_none(),
        "a late response does not flip the screen"
    );
    assert_eq!(a.step(), Step::Identifier);
}

#[test]
fn email_link_starts_the_poller_and_esc_cancels_it() {
    let mut a = app();
    reply(&mut a, sign_in("needs_first_factor", json!({})));
    update(&mut a, Action::ChooseAnotherMethod);
    assert_eq!(a.step(), Step::ChooseFactor(Stage::First));
    let fx = update(&mut a, Action::PickFactor(Strategy::EmailLink));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Call { call: Call::PrepareFirstFactor { factor, .. }, .. }
        if factor.strategy == Strategy::EmailLink)
    ));
    let fx = reply(
        &mut a,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": {
        "object": "verification_email_link", "status": "unverified", "strategy": "email_link",
        "attempts": null, "expire_at": NOW + 600_000}}),
        ),
    );
    assert!(a.polling);
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::StartPolling { sign_in_id, until_ms, .. }
        if sign_in_id == "sia_1" && *until_ms == NOW + 600_000)
        ),
        "{fx:?}"
    );
    let fx = update(&mut a, Action::Back);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::StopPolling)),
        "Esc stops the poller: {fx:?}"
    );
    assert!(!a.polling);
}

#[test]
fn a_verified_link_seen_by_the_poller_completes_the_sign_in() {
    let mut a = app();
    a.choices.first = Some(Strategy::EmailLink);
    reply(
        &mut a,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": {
        "status": "unverified", "strategy": "email_link", "expire_at": NOW + 600_000}}),
        ),
    );
    assert!(a.polling);
    let epoch = a.epoch;
    let done = sign_in(
        "complete",
        json!({"created_session_id": "sess_9", "first_factor_verification": {
        "status": "verified", "strategy": "email_link", "expire_at": NOW + 600_000}}),
    );
    let fx = update(
        &mut a,
        Action::Api {
            epoch,
            reply: Reply::Poll(Ok(SignInReply {
                sign_in: Box::new(done),
                client: None,
            })),
        },
    );
    assert!(!a.polling);
    assert!(fx.iter().any(|e| matches!(e, Effect::StopPolling)));
    assert_eq!(
        a.step(),
        Step::Complete {
            session_id: Some("sess_9".into())
        }
    );
}

#[test]
fn the_password_leaves_with_the_call_and_is_not_kept() {
    let mut a = app();
    reply(&mut a, sign_in("needs_first_factor", json!({})));
    let fx = update(&mut a, Action::SubmitPassword(secret("hunter2-correct")));
    let sent = fx.iter().find_map(|e| match e {
        Effect::Call {
            call:
                Call::AttemptFirstFactor {
                    secret,
                    strategy: Strategy::Password,
                    ..
                },
            ..
        } => Some(secret.expose_secret().to_string()),
        _ => None,
    });
    assert_eq!(sent.as_deref(), Some("hunter2-correct"));
    assert!(
        a.last_call.is_none(),
        "a call with a secret is never kept for retry"
    );
    let dump = format!("{a:?} {fx:?}");
    assert!(
        !dump.contains("hunter2"),
        "no secret in Debug output: {dump}"
    );
}

#[test]
fn a_form_error_lands_on_its_field_and_429_blocks_with_a_countdown() {
    let mut a = app();
    reply(&mut a, sign_in("needs_first_factor", json!({})));
    let epoch = a.epoch;
    update(
        &mut a,
        Action::Api {
            epoch,
            reply: Reply::SignIn(Err(Failure {
                kind: FailureKind::Api {
                    status: 422,
                    code: "form_password_incorrect".into(),
                },
                message: "Password is incorrect. Try again, or use another method.".into(),
                param_name: Some("password".into()),
                trace_id: None,
                session_id: None,
                client: None,
            })),
        },
    );
    let n = a.notice.clone().expect("an error is shown");
    assert_eq!(n.param_name.as_deref(), Some("password"));
    assert!(n.message.contains("incorrect"));
    update(
        &mut a,
        Action::Api {
            epoch,
            reply: Reply::SignIn(Err(Failure {
                kind: FailureKind::RateLimited {
                    retry_after_secs: 7,
                },
                message: "Too many requests".into(),
                param_name: None,
                trace_id: None,
                session_id: None,
                client: None,
            })),
        },
    );
    assert_eq!(a.blocked_secs(), Some(7));
    let fx = update(&mut a, Action::SubmitPassword(secret("again")));
    assert!(fx.is_empty(), "nothing is sent while blocked");
    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 7_001,
        },
    );
    assert_eq!(a.blocked_secs(), None);
    assert_eq!(
        update(&mut a, Action::SubmitPassword(secret("again"))).len(),
        1
    );
}

#[test]
fn network_failures_offer_retry_of_calls_without_secrets() {
    let mut a = app();
    let fx = update(&mut a, Action::Start);
    assert_eq!(fx.len(), 2);
    update(
        &mut a,
        Action::Api {
            epoch: 0,
            reply: Reply::Client(Err(Failure {
                kind: FailureKind::Network,
                message: "cannot reach".into(),
                param_name: None,
                trace_id: None,
                session_id: None,
                client: None,
            })),
        },
    );
    assert!(a.notice.as_ref().is_some_and(|n| n.retryable));
    let fx = update(&mut a, Action::Retry);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Call {
                call: Call::LoadClient,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn forgot_password_switches_to_the_reset_code_and_sends_it() {
    let mut a = app();
    reply(&mut a, sign_in("needs_first_factor", json!({})));
    let fx = update(&mut a, Action::ForgotPassword);
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Call { call: Call::PrepareFirstFactor { factor, .. }, .. }
        if factor.strategy == Strategy::ResetPasswordEmailCode)
        ),
        "{fx:?}"
    );
}

#[test]
fn unusable_strategies_are_refused_with_a_reason() {
    let mut a = app();
    reply(&mut a, sign_in("needs_first_factor", json!({})));
    update(&mut a, Action::ChooseAnotherMethod);
    let fx = update(&mut a, Action::PickFactor(Strategy::Passkey));
    assert!(fx.is_empty());
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("browser"))
    );
    assert_eq!(
        a.step(),
        Step::ChooseFactor(Stage::First),
        "still on the list, not a dead end"
    );
}

#[test]
fn a_rate_limited_poll_keeps_waiting_for_the_link() {
    let mut a = app();
    a.choices.first = Some(Strategy::EmailLink);
    reply(
        &mut a,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": {
        "status": "unverified", "strategy": "email_link", "expire_at": NOW + 600_000}}),
        ),
    );
    assert!(a.polling);
    let epoch = a.epoch;
    let fx = update(
        &mut a,
        Action::Api {
            epoch,
            reply: Reply::Poll(Err(Failure {
                kind: FailureKind::RateLimited {
                    retry_after_secs: 5,
                },
                message: "Too many requests.".into(),
                param_name: None,
                trace_id: None,
                session_id: None,
                client: None,
            })),
        },
    );
    assert!(
        a.polling,
        "still waiting: the link may be opened any moment"
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::StopPolling)),
        "{fx:?}"
    );
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.ends_with("Still trying."))
    );
    assert_eq!(a.blocked_secs(), Some(5));
}
