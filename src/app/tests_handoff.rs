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

#[test]
fn the_hand_off_waits_three_seconds_past_its_expiry_for_the_server_to_say_so() {
    let mut a = app();
    update(&mut a, Action::StartOAuth(mock()));
    reply(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    let tick = |a: &mut App, at: i64| update(a, Action::Tick { now_ms: at });
    assert!(tick(&mut a, NOW + 602_999).is_empty());
    assert!(a.notice.is_none());
    assert!(matches!(
        tick(&mut a, NOW + 603_000).as_slice(),
        [Effect::StopPolling]
    ));
    assert!(tick(&mut a, NOW + 604_000).is_empty(), "said once");
}

#[test]
fn an_email_link_past_its_expiry_is_left_to_the_poller() {
    let mut a = app();
    a.choices.first = Some(Strategy::EmailLink);
    let link: SignIn = serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_l", "status": "needs_first_factor",
        "supported_first_factors": [{"strategy": "email_link", "email_address_id": "idn_e"}],
        "first_factor_verification": {"status": "unverified", "strategy": "email_link",
            "expire_at": NOW + 600_000}
    }))
    .expect("email link sign-in parses");
    reply(&mut a, Reply::SignIn, link);
    assert!(a.polling);
    let fx = update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 700_000,
        },
    );
    assert!(fx.is_empty() && a.polling, "{fx:?}");
}

#[test]
fn a_new_hand_off_replaces_the_flow_under_way_unless_rate_limited() {
    let mut a = app();
    update(&mut a, Action::StartOAuth(mock()));
    reply(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    a.last_poll_at = Some(NOW);
    a.resend_at = Some(NOW + 1);
    let epoch = a.epoch;
    let fx = update(&mut a, Action::StartOAuth(mock()));
    assert!(matches!(fx.first(), Some(Effect::StopPolling)), "{fx:?}");
    assert!(a.epoch > epoch && a.sign_in.is_none() && !a.polling);
    assert_eq!((a.last_poll_at, a.resend_at), (None, None));
    a.blocked_until = Some(NOW + 2_000);
    assert!(update(&mut a, Action::StartOAuth(mock())).is_empty());
    assert_eq!(
        a.notice.as_ref().map(|n| n.message.as_str()),
        Some("Too many attempts. You can try again in 2 s.")
    );
}

#[test]
fn a_started_browser_says_to_finish_there() {
    let mut a = app();
    update(&mut a, Action::BrowserOpened(None));
    assert!(a.notice.as_ref().is_some_and(|n| {
        n.kind == NoticeKind::Info
            && n.message
                .starts_with("Asked the system to open the address")
    }));
}

#[test]
fn a_remote_instance_without_a_home_page_uses_its_sign_in_page_if_it_is_a_web_address() {
    let mut a = App::new(
        Backend::Remote {
            base_url: "https://clerk.example.com".into(),
        },
        NOW,
    );
    let with = |config: serde_json::Value| {
        serde_json::from_value(json!({"display_config": config})).expect("environment parses")
    };
    a.environment = Some(with(json!({"sign_in_url": "https://example.com/sign-in"})));
    assert_eq!(handoff::redirect_url(&a), "https://example.com/sign-in");
    a.environment = Some(with(json!({"home_url": "http://localhost:3000"})));
    assert_eq!(handoff::redirect_url(&a), "http://localhost:3000");
    a.environment = Some(with(json!({"home_url": "javascript:alert(1)"})));
    assert_eq!(handoff::redirect_url(&a), "https://clerk.example.com");
}

#[test]
fn providers_are_listed_with_their_names_or_a_capitalised_provider() {
    let mut a = app();
    assert!(handoff::providers(&a).is_empty(), "no environment yet");
    let social = json!({
        "oauth_github": {"enabled": true, "authenticatable": true,
            "strategy": "oauth_github", "name": " GitHub "},
        "oauth_gitlab": {"enabled": true, "authenticatable": true,
            "strategy": "oauth_gitlab", "name": ""},
        "oauth_off": {"enabled": false, "authenticatable": true,
            "strategy": "oauth_off", "name": "Off"}
    });
    a.environment = Some(
        serde_json::from_value(json!({"user_settings": {"social": social}}))
            .expect("environment parses"),
    );
    let names: Vec<String> = handoff::providers(&a).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, vec!["GitHub".to_string(), "Gitlab".to_string()]);
    assert!(handoff::is_hand_off(&Strategy::Oauth("github".into())));
    assert!(!handoff::is_hand_off(&Strategy::EmailLink));
    assert!(!handoff::is_hand_off(&Strategy::Password));
}
