//! Unit tests of the browser hand-off: starting OAuth creates a sign-in with the strategy and a
//! redirect URL, the reply starts the poller, expiry and cancel say so and stop it, Esc stops
//! it and returns to the identifier, and a browser is only launched where there is a display.

use serde_json::json;

use super::*;
use crate::fapi::{SignIn, Strategy};
use crate::flow::Step;

const NOW: i64 = 1_800_000_000_000;

fn app() -> App {
    let mut a = App::new(
        Backend::Embedded {
            base_url: "http://127.0.0.1:4000".into(),
            seed_users: Vec::new(),
        },
        NOW,
    );
    a.environment = Some(serde_json::from_value(json!({})).expect("empty environment parses"));
    a
}

fn oauth_sign_in(verification: &str) -> SignIn {
    serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_o", "status": "needs_identifier",
        "supported_first_factors": null, "supported_second_factors": null, "identifier": null,
        "first_factor_verification": {
            "object": "verification_oauth", "status": verification, "strategy": "oauth_mock",
            "attempts": null, "expire_at": NOW + 600_000,
            "external_verification_redirect_url": "http://127.0.0.1:4000/__dev/oauth/authorize?state=s"
        },
        "second_factor_verification": null, "created_session_id": null,
        "abandon_at": NOW + 86_400_000
    }))
    .expect("oauth sign-in parses")
}

fn reply(app: &mut App, kind: fn(Result<SignInReply, Failure>) -> Reply, s: SignIn) -> Vec<Effect> {
    let epoch = app.epoch;
    let reply = kind(Ok(SignInReply {
        sign_in: Box::new(s),
        client: None,
    }));
    update(app, Action::Api { epoch, reply })
}

fn mock() -> Strategy {
    Strategy::Oauth("mock".into())
}

#[test]
fn starting_oauth_creates_a_sign_in_with_the_strategy_and_a_redirect_url() {
    let mut a = app();
    let fx = update(&mut a, Action::StartOAuth(mock()));
    match fx.as_slice() {
        [
            Effect::Call {
                call:
                    Call::CreateRedirectSignIn {
                        strategy,
                        redirect_url,
                    },
                ..
            },
        ] => {
            assert_eq!(*strategy, mock());
            assert_eq!(redirect_url, "http://127.0.0.1:4000/__dev/oauth/done");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        a.busy.as_ref().map(|b| b.what),
        Some("Asking for the sign-in address")
    );
    // The email link is not a browser hand-off.
    assert!(update(&mut a, Action::StartOAuth(Strategy::EmailLink)).is_empty());
}

#[test]
fn the_reply_opens_the_hand_off_and_polls_until_complete() {
    let mut a = app();
    update(&mut a, Action::StartOAuth(mock()));
    let fx = reply(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    assert!(
        matches!(fx.as_slice(), [Effect::StartPolling { sign_in_id, until_ms, .. }] if sign_in_id == "sia_o" && *until_ms == NOW + 600_000),
        "{fx:?}"
    );
    match a.step() {
        Step::Factor(f) => {
            assert_eq!(*f.strategy(), mock());
            assert!(f.sent);
        }
        other => panic!("{other:?}"),
    }
    assert!(a.polling);
    let done: SignIn = serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_o", "status": "complete",
        "created_session_id": "sess_1", "abandon_at": NOW + 1
    }))
    .expect("complete parses");
    let fx = reply(&mut a, Reply::Poll, done);
    assert!(fx.iter().any(|e| matches!(e, Effect::StopPolling)));
    assert!(fx.iter().any(|e| matches!(e, Effect::Call { call: Call::MintToken { session_id }, .. } if session_id == "sess_1")));
    assert!(!a.polling);
}

#[test]
fn an_expired_or_cancelled_hand_off_says_so_and_stops_polling() {
    for (status, words) in [("expired", "expired"), ("failed", "cancelled or failed")] {
        let mut a = app();
        update(&mut a, Action::StartOAuth(mock()));
        reply(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
        let fx = reply(&mut a, Reply::Poll, oauth_sign_in(status));
        assert!(
            fx.iter().any(|e| matches!(e, Effect::StopPolling)),
            "{fx:?}"
        );
        let notice = a.notice.clone().expect("a notice");
        assert_eq!(notice.kind, NoticeKind::Error);
        assert!(notice.message.contains(words), "{}", notice.message);
        assert!(notice.message.contains("Press r"));
        // Still the hand-off screen (with the way out), not the identifier.
        assert!(matches!(a.step(), Step::Factor(_)));
    }
}

#[test]
fn a_hand_off_the_server_never_ends_stops_after_its_expiry() {
    let mut a = app();
    update(&mut a, Action::StartOAuth(mock()));
    reply(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    assert!(
        update(
            &mut a,
            Action::Tick {
                now_ms: NOW + 600_000
            }
        )
        .is_empty()
    );
    let fx = update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 604_000,
        },
    );
    assert!(matches!(fx.as_slice(), [Effect::StopPolling]), "{fx:?}");
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("expired"))
    );
}

#[test]
fn esc_cancels_polling_and_returns_to_the_identifier() {
    let mut a = app();
    update(&mut a, Action::StartOAuth(mock()));
    reply(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    let epoch = a.epoch;
    let fx = update(&mut a, Action::Back);
    assert!(matches!(fx.as_slice(), [Effect::StopPolling]), "{fx:?}");
    assert_eq!(a.step(), Step::Identifier);
    assert!(!a.polling);
    // A poll that was already on its way is dropped.
    let late = Action::Api {
        epoch,
        reply: Reply::Poll(Ok(SignInReply {
            sign_in: Box::new(oauth_sign_in("unverified")),
            client: None,
        })),
    };
    assert!(update(&mut a, late).is_empty());
    assert_eq!(a.step(), Step::Identifier);
}

#[test]
fn browsers_open_only_when_asked_and_a_failure_says_why() {
    let mut a = app();
    let fx = update(
        &mut a,
        Action::OpenInBrowser("http://127.0.0.1:4000/x".into()),
    );
    assert!(
        matches!(fx.as_slice(), [Effect::OpenBrowser { url }] if url == "http://127.0.0.1:4000/x")
    );
    update(&mut a, Action::BrowserOpened(Some("no display".into())));
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("Could not open a browser"))
    );
}

#[test]
fn a_remote_instance_sends_the_browser_to_its_home_page() {
    let mut a = App::new(
        Backend::Remote {
            base_url: "https://clerk.example.com".into(),
        },
        NOW,
    );
    a.environment = Some(
        serde_json::from_value(json!({"display_config": {"home_url": "https://example.com"}}))
            .expect("environment parses"),
    );
    assert_eq!(handoff::redirect_url(&a), "https://example.com");
    a.environment = Some(serde_json::from_value(json!({})).expect("environment parses"));
    assert_eq!(handoff::redirect_url(&a), "https://clerk.example.com");
}
