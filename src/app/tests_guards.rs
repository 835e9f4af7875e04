//! The sign-in's guards, each pinned through `update`: an action that does not belong to the
//! step on screen does nothing (a password on a code step, a code on a password step, `r` on an
//! authenticator step), going back leaves only the method picked in the stage on screen, a
//! forgotten password is offered only where the account can reset it, and a code is sent on
//! arrival only when nothing is in flight and nothing has ended.

use secrecy::SecretString;
use serde_json::json;

use super::tests_sign_in::{NOW, app, failure, message, ok, sign_in};
use super::*;
use crate::fapi::Strategy;
use crate::flow::{Stage, Step};

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn reply(app: &mut App, s: crate::fapi::SignIn) -> Vec<Effect> {
    let epoch = app.epoch;
    update(
        app,
        Action::Api {
            epoch,
            reply: Reply::SignIn(ok(s)),
        },
    )
}

fn calls(fx: &[Effect]) -> Vec<&Call> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Call { call, .. } => Some(call),
            _ => None,
        })
        .collect()
}

/// At the password of the first factor (the account also offers an email code).
fn at_password() -> App {
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [
            {"strategy": "password"},
            {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"},
            {"strategy": "reset_password_email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}
        ]}),
    );
    reply(&mut a, s);
    a.choices.first = Some(Strategy::Password);
    assert!(
        matches!(a.step(), Step::Factor(f) if *f.strategy() == Strategy::Password),
        "{:?}",
        a.step()
    );
    a
}

/// At an email code that was sent (the verification is under way).
fn at_sent_email_code() -> App {
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"first_factor_verification": {"status": "unverified",
            "strategy": "email_code", "expire_at": NOW + 600_000}}),
    );
    reply(&mut a, s);
    a
}

/// At the authenticator app of the second factor (it sends nothing).
fn at_totp() -> App {
    let mut a = app();
    let s = sign_in(
        "needs_second_factor",
        json!({"supported_second_factors": [{"strategy": "totp"},
            {"strategy": "backup_code"}]}),
    );
    let fx = reply(&mut a, s);
    assert!(calls(&fx).is_empty(), "an authenticator sends nothing");
    assert!(
        matches!(a.step(), Step::Factor(f) if *f.strategy() == Strategy::Totp && f.stage == Stage::Second),
        "{:?}",
        a.step()
    );
    a
}

#[test]
fn a_password_is_taken_only_at_the_password_step() {
    let mut a = at_sent_email_code();
    let fx = update(&mut a, Action::SubmitPassword(secret("hunter2")));
    assert!(fx.is_empty(), "no password call at a code step: {fx:?}");

    let mut a = at_password();
    let fx = update(&mut a, Action::SubmitPassword(secret("hunter2")));
    assert!(
        matches!(
            calls(&fx).as_slice(),
            [Call::AttemptFirstFactor {
                strategy: Strategy::Password,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn a_code_is_taken_only_at_a_code_step_and_not_while_rate_limited() {
    let mut a = at_password();
    let fx = update(&mut a, Action::SubmitCode(secret("424242")));
    assert!(fx.is_empty(), "no code call at the password step: {fx:?}");

    let mut a = at_sent_email_code();
    a.blocked_until = Some(NOW + 30_000);
    let fx = update(&mut a, Action::SubmitCode(secret("424242")));
    assert!(calls(&fx).is_empty(), "rate limited: nothing sent: {fx:?}");

    let mut a = at_sent_email_code();
    let fx = update(&mut a, Action::SubmitCode(secret("424242")));
    assert!(
        matches!(
            calls(&fx).as_slice(),
            [Call::AttemptFirstFactor {
                strategy: Strategy::EmailCode,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn an_authenticator_code_needs_nothing_sent_first() {
    let mut a = at_totp();
    let fx = update(&mut a, Action::SubmitCode(secret("123456")));
    assert!(
        matches!(
            calls(&fx).as_slice(),
            [Call::AttemptSecondFactor {
                strategy: Strategy::Totp,
                ..
            }]
        ),
        "{fx:?} {}",
        message(&a)
    );
}

#[test]
fn r_sends_nothing_for_an_authenticator() {
    let mut a = at_totp();
    let fx = update(&mut a, Action::SendCode);
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn another_method_is_offered_when_no_factor_here_can_be_used() {
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [{"strategy": "passkey"}]}),
    );
    reply(&mut a, s);
    assert_eq!(a.step(), Step::NoFactor(Stage::First));
    update(&mut a, Action::ChooseAnotherMethod);
    assert_eq!(a.step(), Step::ChooseFactor(Stage::First));
}

#[test]
fn forgot_password_needs_a_reset_strategy_and_the_first_factor() {
    // The account offers codes but no reset: nothing is switched or sent.
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [{"strategy": "password"},
            {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}]}),
    );
    reply(&mut a, s);
    a.choices.first = Some(Strategy::Password);
    let fx = update(&mut a, Action::ForgotPassword);
    assert!(calls(&fx).is_empty(), "{fx:?}");
    assert_eq!(message(&a), "This account cannot reset its password here.");
    assert_eq!(a.choices.first, Some(Strategy::Password));

    // At the second factor the password is already proven: no reset from there.
    let mut a = app();
    let s = sign_in(
        "needs_second_factor",
        json!({"supported_first_factors": [{"strategy": "reset_password_email_code",
            "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}],
            "supported_second_factors": [{"strategy": "totp"}]}),
    );
    reply(&mut a, s);
    let fx = update(&mut a, Action::ForgotPassword);
    assert!(calls(&fx).is_empty(), "{fx:?}");
    assert_eq!(message(&a), "This account cannot reset its password here.");

    // Where it can: the reset code is sent.
    let mut a = at_password();
    let fx = update(&mut a, Action::ForgotPassword);
    assert!(
        matches!(calls(&fx).as_slice(), [Call::PrepareFirstFactor { factor, .. }] if factor.strategy == Strategy::ResetPasswordEmailCode),
        "{fx:?}"
    );
}

#[test]
fn a_new_password_is_sent_only_when_one_is_asked_for() {
    let mut a = at_password();
    let fx = update(
        &mut a,
        Action::SubmitNewPassword {
            password: secret("correct horse battery staple"),
            sign_out_of_other_sessions: true,
        },
    );
    assert!(fx.is_empty(), "{fx:?}");

    let mut a = app();
    reply(&mut a, sign_in("needs_new_password", json!({})));
    assert_eq!(a.step(), Step::NewPassword);
    let fx = update(
        &mut a,
        Action::SubmitNewPassword {
            password: secret("correct horse battery staple"),
            sign_out_of_other_sessions: true,
        },
    );
    assert!(
        matches!(
            calls(&fx).as_slice(),
            [Call::ResetPassword {
                sign_out_of_other_sessions: true,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn back_leaves_the_method_picked_in_the_stage_on_screen_and_keeps_the_sign_in() {
    let mut a = at_password();
    update(&mut a, Action::Back);
    assert!(
        a.sign_in.is_some(),
        "back from a picked method keeps the sign-in"
    );
    assert_eq!(a.choices.first, None);
    assert!(matches!(a.step(), Step::Factor(f) if f.stage == Stage::First));

    let mut a = at_totp();
    a.choices.second = Some(Strategy::BackupCode);
    a.choices.first = Some(Strategy::Password);
    update(&mut a, Action::Back);
    assert!(
        a.sign_in.is_some(),
        "back from a picked method keeps the sign-in"
    );
    assert_eq!(a.choices.second, None);
    assert_eq!(
        a.choices.first,
        Some(Strategy::Password),
        "the first stage's choice is not the one on screen"
    );

    // Nothing picked: back starts again at the identifier.
    update(&mut a, Action::Back);
    assert!(a.sign_in.is_none());
    assert_eq!(a.step(), Step::Identifier);
}

#[test]
fn no_code_is_sent_on_arrival_while_a_call_is_in_flight_or_after_it_ended() {
    // A call in flight: picking the email code waits for it instead of sending alongside.
    let mut a = at_password();
    a.busy = Some(Busy { what: "Signing in" });
    let fx = update(&mut a, Action::PickFactor(Strategy::EmailCode));
    assert!(calls(&fx).is_empty(), "{fx:?}");

    // A code that expired is not sent again by itself (the user asks with `r`).
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"first_factor_verification": {"status": "expired",
            "strategy": "email_code", "expire_at": NOW - 1}}),
    );
    let fx = reply(&mut a, s);
    assert!(calls(&fx).is_empty(), "{fx:?}");
}

#[test]
fn a_redirect_refusal_outside_a_hand_off_is_said_as_the_server_said_it() {
    let mut a = at_password();
    let kind = FailureKind::Api {
        status: 400,
        code: "resource_missmatch".into(),
    };
    let epoch = a.epoch;
    update(
        &mut a,
        Action::Api {
            epoch,
            reply: Reply::SignIn(Err(failure(kind, "The redirect URL does not match."))),
        },
    );
    let said = message(&a);
    assert!(
        said.starts_with("The redirect URL does not match."),
        "{said}"
    );
    assert!(!said.contains("Allowlist"), "no hand-off advice: {said}");
}

/// Closing the list of methods over a hand-off leaves its listener up; leaving the hand-off
/// (Esc on it) stops it.
#[test]
fn esc_over_the_list_keeps_the_hand_offs_listener_and_esc_on_it_stops_it() {
    let mut a = super::tests_handoff_return::waiting();
    update(&mut a, Action::ChooseAnotherMethod);
    assert!(a.choices.choosing.is_some(), "the list is open");
    let fx = update(&mut a, Action::Back);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::StopListening)),
        "{fx:?}"
    );
    assert!(a.handoff.is_some(), "the hand-off goes on under the list");
    let fx = update(&mut a, Action::Back);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::StopListening)),
        "{fx:?}"
    );
    assert!(a.handoff.is_none());
}

/// A server's social list is taken at its word only for what a browser finishes: an entry
/// naming a strategy that is no browser hand-off (a hostile or broken environment) is not
/// offered as a provider to continue with.
#[test]
fn only_browser_hand_offs_are_offered_as_providers() {
    let mut a = app();
    let social = json!({
        "oauth_github": {"enabled": true, "authenticatable": true,
            "strategy": "oauth_github", "name": "GitHub"},
        "odd": {"enabled": true, "authenticatable": true,
            "strategy": "email_code", "name": "Not a provider"}
    });
    a.environment = Some(
        serde_json::from_value(json!({"user_settings": {"social": social}}))
            .expect("environment parses"),
    );
    let names: Vec<String> = handoff::providers(&a).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, vec!["GitHub".to_string()]);
}

/// With `--redirect-url` there is no listener: leaving the hand-off has none to stop.
#[test]
fn leaving_a_hand_off_without_a_listener_stops_nothing() {
    let mut a = super::tests_handoff_return::app();
    a.handoff_config.redirect_url = Some("https://app.example.com/native-done".into());
    update(&mut a, Action::StartOAuth(Strategy::Oauth("google".into())));
    super::tests_handoff_return::send(
        &mut a,
        Reply::SignIn,
        super::tests_handoff_return::oauth_sign_in("unverified"),
    );
    assert!(a.handoff.is_some());
    let fx = update(&mut a, Action::Back);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::StopListening)),
        "{fx:?}"
    );
    assert!(a.handoff.is_none());
}
