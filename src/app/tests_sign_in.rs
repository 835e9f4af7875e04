//! The sign-in's and the router's rules, pinned through `update`: what a vanished sign-in or an
//! existing session does to the flow, how the poller's failures are told apart, the resend
//! cooldown, which answers clear the busy state and the notice, the rate-limit countdown, retry
//! after a failed start, and the emulator clock's wording.

use serde_json::{Value, json};

use super::tests_signed_in::{api, backend, parse, signed_in};
use super::*;
use crate::fapi::{SignIn, Strategy};
use crate::flow::{Stage, Step};

pub(super) const NOW: i64 = 1_800_000_000_000;

pub(super) fn app() -> App {
    let mut a = App::new(backend(false), NOW);
    a.environment = Some(parse(json!({})));
    a
}

pub(super) fn sign_in(status: &str, extra: Value) -> SignIn {
    let mut v = json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": status,
        "identifier": "jane@example.com",
        "supported_first_factors": [
            {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"},
            {"strategy": "email_link", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}
        ],
        "supported_second_factors": null, "first_factor_verification": null,
        "second_factor_verification": null, "created_session_id": null
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    parse(v)
}

pub(super) fn ok(s: SignIn) -> Result<SignInReply, Failure> {
    Ok(SignInReply {
        sign_in: Box::new(s),
        client: None,
    })
}

pub(super) fn failure(kind: FailureKind, message: &str) -> Failure {
    Failure {
        kind,
        message: message.into(),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    }
}

fn not_found() -> Failure {
    let kind = FailureKind::Api {
        status: 404,
        code: "resource_not_found".into(),
    };
    failure(kind, "Not found.")
}

pub(super) fn message(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default()
}

/// Waiting for an email link, the poller running.
fn waiting_for_link() -> App {
    let mut a = app();
    a.choices.first = Some(Strategy::EmailLink);
    let sent = json!({"first_factor_verification": {"status": "unverified",
        "strategy": "email_link", "expire_at": NOW + 600_000}});
    api(
        &mut a,
        Reply::SignIn(ok(sign_in("needs_first_factor", sent))),
    );
    assert!(a.polling);
    a
}

#[test]
fn a_vanished_sign_in_starts_again_from_the_identifier() {
    for poll in [false, true] {
        let mut a = waiting_for_link();
        let epoch = a.epoch;
        let reply = if poll {
            Reply::Poll(Err(not_found()))
        } else {
            Reply::SignIn(Err(not_found()))
        };
        let fx = api(&mut a, reply);
        assert!(
            fx.iter().any(|e| matches!(e, Effect::StopPolling)),
            "{fx:?}"
        );
        assert!(!a.polling && a.sign_in.is_none() && a.epoch > epoch);
        assert_eq!(a.step(), Step::Identifier);
        assert_eq!(
            message(&a),
            "This sign-in attempt is no longer valid. Start again."
        );
        assert_eq!(
            a.notice.as_ref().and_then(|n| n.param_name.as_deref()),
            Some("identifier")
        );
    }
}

#[test]
fn an_existing_session_is_shown_instead_of_a_new_sign_in() {
    for code in ["session_exists", "identifier_already_signed_in"] {
        let mut a = app();
        let kind = FailureKind::Api {
            status: 400,
            code: code.into(),
        };
        let fx = api(
            &mut a,
            Reply::SignIn(Err(failure(kind, "Already signed in."))),
        );
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
        assert!(a.busy.is_some(), "the user waits for the client");
        assert!(
            a.notice
                .as_ref()
                .is_some_and(|n| n.message.contains("already signed in")),
            "the screen says why no new sign-in starts: {:?}",
            a.notice
        );
    }
}

#[test]
fn a_refused_poll_stops_waiting_and_a_passing_failure_keeps_waiting() {
    let mut a = waiting_for_link();
    api(
        &mut a,
        Reply::Poll(Err(failure(FailureKind::Timeout, "Timed out."))),
    );
    assert!(a.polling, "the poller backs off and goes on");
    assert_eq!(message(&a), "Timed out. Still trying.");
    assert!(a.notice.as_ref().is_some_and(|n| n.retryable));
    // The next answer takes the passing failure's notice away, and says when it was heard.
    let sent = json!({"first_factor_verification": {"status": "unverified",
        "strategy": "email_link", "expire_at": NOW + 600_000}});
    a.now_ms = NOW + 5_000;
    api(&mut a, Reply::Poll(ok(sign_in("needs_first_factor", sent))));
    assert!(a.notice.is_none() && a.polling);
    assert_eq!(a.last_poll_at, Some(NOW + 5_000));

    let kind = FailureKind::Api {
        status: 422,
        code: "verification_failed".into(),
    };
    let fx = api(
        &mut a,
        Reply::Poll(Err(failure(kind, "Verification failed."))),
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::StopPolling)),
        "{fx:?}"
    );
    assert!(!a.polling);
    // Clerk's sentence, then what to do next.
    assert_eq!(
        message(&a),
        "Verification failed. Ask for a new code, or use another method."
    );
    assert!(a.notice.as_ref().is_some_and(|n| !n.retryable));
}

#[test]
fn a_poll_answer_leaves_a_notice_the_user_must_read() {
    let mut a = waiting_for_link();
    a.notice = Some(Notice {
        kind: NoticeKind::Info,
        message: "Keep this window open.".into(),
        param_name: None,
        retryable: false,
    });
    let sent = json!({"first_factor_verification": {"status": "unverified",
        "strategy": "email_link", "expire_at": NOW + 600_000}});
    api(&mut a, Reply::Poll(ok(sign_in("needs_first_factor", sent))));
    assert_eq!(message(&a), "Keep this window open.");
}

#[test]
fn an_expired_or_failed_link_stops_the_wait_and_says_which() {
    for (status, said) in [
        (
            "expired",
            "The link expired. Send a new one, or use another method.",
        ),
        (
            "failed",
            "The link could not be verified. Send a new one, or use another method.",
        ),
    ] {
        let mut a = waiting_for_link();
        let ended = json!({"first_factor_verification": {"status": status,
            "strategy": "email_link", "expire_at": NOW + 600_000}});
        let fx = api(
            &mut a,
            Reply::Poll(ok(sign_in("needs_first_factor", ended))),
        );
        assert!(
            fx.iter().any(|e| matches!(e, Effect::StopPolling)),
            "{fx:?}"
        );
        assert_eq!(message(&a), said);
    }
}

#[test]
fn the_client_sent_with_a_sign_in_replaces_the_one_held() {
    let mut a = app();
    let c: crate::fapi::Client =
        parse(json!({"object": "client", "id": "client_7", "sessions": []}));
    api(
        &mut a,
        Reply::SignIn(Ok(SignInReply {
            sign_in: Box::new(sign_in("needs_first_factor", json!({}))),
            client: Some(Box::new(c)),
        })),
    );
    assert_eq!(a.client.as_ref().map(|c| c.id.as_str()), Some("client_7"));
}

#[test]
fn a_code_is_sent_again_only_after_the_cooldown() {
    let mut a = app();
    let fx = api(
        &mut a,
        Reply::SignIn(ok(sign_in("needs_first_factor", json!({})))),
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: Call::PrepareFirstFactor { .. },
                ..
            }
        )),
        "sent on arrival: {fx:?}"
    );
    let sent = json!({"first_factor_verification": {"status": "unverified",
        "strategy": "email_code", "expire_at": NOW + 600_000}});
    api(
        &mut a,
        Reply::SignIn(ok(sign_in("needs_first_factor", sent))),
    );
    a.now_ms = NOW + 29_001;
    assert!(update(&mut a, Action::SendCode).is_empty());
    assert_eq!(message(&a), "You can ask for a new one in 1 s.");
    a.now_ms = NOW + 30_000;
    let fx = update(&mut a, Action::SendCode);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Call {
                call: Call::PrepareFirstFactor { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
    assert_eq!(a.resend_at, Some(NOW + 60_000));
}

#[test]
fn a_code_is_not_checked_before_one_was_sent() {
    let mut a = app();
    a.auto_sent = Some(("sia_1".into(), Stage::First, Strategy::EmailCode));
    api(
        &mut a,
        Reply::SignIn(ok(sign_in("needs_first_factor", json!({})))),
    );
    let code = secrecy::SecretString::from("424242".to_string());
    assert!(update(&mut a, Action::SubmitCode(code)).is_empty());
    assert_eq!(message(&a), "No code has been sent yet. Ask for one first.");
}

#[test]
fn only_the_users_own_calls_clear_the_busy_state_and_the_notice() {
    let mut a = signed_in(false);
    update(&mut a, Action::SetUpTotp);
    a.notice = Some(Notice {
        kind: NoticeKind::Info,
        message: "Kept.".into(),
        param_name: None,
        retryable: false,
    });
    api(&mut a, Reply::Token(Ok("not.a-jwt.sig".into())));
    let user = super::tests_signed_in::user("user_1", "jane@example.com", false);
    api(&mut a, Reply::User(Ok(Box::new(parse(user)))));
    assert!(a.busy.is_some(), "background answers leave the busy state");
    assert_eq!(message(&a), "Kept.");
    let same = a.client.clone().map(Box::new);
    api(&mut a, Reply::Client(Ok(same)));
    assert!(a.busy.is_none(), "the user's own call ended");
    assert!(a.notice.is_none());
}

#[test]
fn a_rate_limit_blocks_with_a_countdown_that_ends_on_the_clock() {
    let mut a = app();
    let limited = failure(
        FailureKind::RateLimited {
            retry_after_secs: 3,
        },
        "Slow down.",
    );
    api(&mut a, Reply::Client(Err(limited)));
    assert_eq!(a.blocked_until, Some(NOW + 3_000));
    assert_eq!(a.blocked_secs(), Some(3));
    let submit = || Action::SubmitIdentifier {
        identifier: "jane@example.com".into(),
        password: None,
    };
    assert!(update(&mut a, submit()).is_empty());
    assert_eq!(message(&a), "Too many attempts. You can try again in 3 s.");
    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 2_999,
        },
    );
    assert_eq!(a.blocked_secs(), Some(1));
    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 3_000,
        },
    );
    assert_eq!(a.blocked_until, None, "lifted when it runs out");
    assert!(!update(&mut a, submit()).is_empty());
}

#[test]
fn a_failed_start_retries_the_whole_start_and_a_late_environment_still_counts() {
    let mut a = App::new(backend(true), NOW);
    let fx = update(&mut a, Action::Start);
    assert!(
        matches!(fx.last(), Some(Effect::WatchOutbox { base_url }) if base_url == a.backend.base_url()),
        "{fx:?}"
    );
    a.epoch += 1;
    api(
        &mut a,
        Reply::Environment(Err(failure(FailureKind::Network, "Offline."))),
    );
    assert!(a.load_failed && a.busy.is_none());
    assert!(a.notice.as_ref().is_some_and(|n| n.retryable));
    let fx = update(&mut a, Action::Retry);
    assert!(a.notice.is_none());
    assert!(
        matches!(
            fx.as_slice(),
            [
                Effect::Call {
                    call: Call::LoadEnvironment,
                    ..
                },
                Effect::Call {
                    call: Call::LoadClient,
                    ..
                }
            ]
        ),
        "{fx:?}"
    );
    let env = Box::new(parse(json!({})));
    update(
        &mut a,
        Action::Api {
            epoch: 0,
            reply: Reply::Environment(Ok(env)),
        },
    );
    assert!(!a.load_failed && !a.loading(), "no epoch makes it stale");
    let fx = update(&mut a, Action::Quit);
    assert!(
        a.should_quit && matches!(fx.as_slice(), [Effect::Quit]),
        "{fx:?}"
    );
}

#[test]
fn the_emulators_clock_is_described_in_minutes_and_hours() {
    let mut a = signed_in(false);
    for (offset, said) in [
        (
            0,
            "The emulator's clock is back in step with this computer.",
        ),
        (
            45_000,
            "The emulator's clock now runs 45 s ahead of this computer's.",
        ),
        (
            -90_000,
            "The emulator's clock now runs 1 min 30 s behind this computer's.",
        ),
        (
            120_000,
            "The emulator's clock now runs 2 min ahead of this computer's.",
        ),
        (
            3_900_000,
            "The emulator's clock now runs 1 h 5 min ahead of this computer's.",
        ),
    ] {
        api(&mut a, Reply::Clock(Ok(offset)));
        assert!(message(&a).starts_with(said), "{offset}: {}", message(&a));
        assert_eq!(a.server_offset_ms, offset);
    }
    let fx = api(
        &mut a,
        Reply::Clock(Err(failure(FailureKind::Network, "Offline."))),
    );
    assert!(fx.is_empty());
    assert_eq!(message(&a), "Offline.");
    let remote = &mut super::tests_signed_in::signed_in_with(false, false, &[]);
    assert!(
        update(remote, Action::ShiftClock { seconds: 60 }).is_empty(),
        "emulator only"
    );
    assert!(update(remote, Action::ToggleDemoTotp).is_empty());
}
