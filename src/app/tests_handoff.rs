//! Unit tests of the browser hand-off: starting OAuth listens on the loopback callback and
//! creates a sign-in with the strategy and the redirect, the reply starts the poller, only the
//! redeemed nonce finishes (a poll that sees the sign-in complete does not), expiry and cancel
//! say so and stop it, Esc stops it and returns to the identifier, and a browser is only
//! launched where there is a display. Pasting and the callback: `tests_handoff_return.rs`.

use secrecy::SecretString;
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
fn starting_oauth_listens_and_creates_a_sign_in_with_the_strategy_and_the_callback() {
    let mut a = app();
    let fx = update(&mut a, Action::StartOAuth(mock()));
    match fx.as_slice() {
        [
            Effect::ListenForCallback {
                port,
                until_ms,
                epoch,
            },
            Effect::Call {
                call: Call::CreateRedirectSignIn { strategy, redirect },
                ..
            },
        ] => {
            assert_eq!(*port, a.handoff_config.callback_port);
            assert_eq!(*epoch, a.epoch);
            assert!(*until_ms > NOW + 600_000, "outlives the hand-off");
            assert_eq!(*strategy, mock());
            assert_eq!(*redirect, Redirect::Callback);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        a.handoff.as_ref().map(|h| &h.listening),
        Some(&Listening::Starting)
    );
    assert_eq!(
        a.busy.as_ref().map(|b| b.what),
        Some("Asking for the sign-in address")
    );
    // The email link is not a browser hand-off.
    assert!(update(&mut a, Action::StartOAuth(Strategy::EmailLink)).is_empty());
}

#[test]
fn a_poll_that_sees_the_sign_in_complete_does_not_sign_in_only_the_nonce_does() {
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
    let fx = reply(&mut a, Reply::Poll, done.clone());
    assert!(matches!(fx.as_slice(), [Effect::StopPolling]), "{fx:?}");
    assert!(a.signed_in.is_none() && !a.polling);
    assert!(matches!(a.step(), Step::Factor(_)), "still the hand-off");
    assert!(a.handoff.as_ref().is_some_and(|h| h.browser_done));
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("Paste the address")),
        "{:?}",
        a.notice
    );
    let fx = update(
        &mut a,
        Action::SubmitReturn(SecretString::from("rtn_0123456789".to_string())),
    );
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::RedeemNonce { sign_in_id, .. }, .. }] if sign_in_id == "sia_o"),
        "{fx:?}"
    );
    let fx = reply(&mut a, Reply::Redeemed, done);
    assert!(fx.iter().any(|e| matches!(e, Effect::Call { call: Call::MintToken { session_id }, .. } if session_id == "sess_1")), "{fx:?}");
    assert!(a.handoff.is_none());
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
    assert!(
        matches!(fx.as_slice(), [Effect::StopPolling, Effect::StopListening]),
        "{fx:?}"
    );
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
    assert!(
        matches!(fx.as_slice(), [Effect::StopListening, Effect::StopPolling]),
        "{fx:?}"
    );
    assert_eq!(a.step(), Step::Identifier);
    assert!(!a.polling && a.handoff.is_none());
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
fn a_configured_redirect_url_replaces_the_listener() {
    let mut a = App::new(
        Backend::Remote {
            base_url: "https://clerk.example.com".into(),
        },
        NOW,
    );
    a.environment = Some(serde_json::from_value(json!({})).expect("environment parses"));
    assert_eq!(handoff::redirect(&a), Redirect::Callback);
    a.handoff_config.redirect_url = Some("https://example.com/native-callback".into());
    let fx = update(&mut a, Action::StartOAuth(mock()));
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::CreateRedirectSignIn { redirect: Redirect::Url(u), .. }, .. }] if u == "https://example.com/native-callback"),
        "{fx:?}"
    );
    assert_eq!(
        a.handoff.as_ref().map(|h| &h.listening),
        Some(&Listening::Off)
    );
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
        [Effect::StopPolling, Effect::StopListening]
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
    assert!(
        matches!(
            fx.as_slice(),
            [
                Effect::StopPolling,
                Effect::StopListening,
                Effect::ListenForCallback { .. },
                Effect::Call { .. }
            ]
        ),
        "{fx:?}"
    );
    assert!(a.epoch > epoch && a.sign_in.is_none() && !a.polling);
    assert_eq!((a.last_poll_at, a.resend_at), (None, None));
    a.blocked_until = Some(NOW + 2_000);
    assert!(update(&mut a, Action::StartOAuth(mock())).is_empty());
    assert_eq!(
        a.notice.as_ref().map(|n| n.message.as_str()),
        Some("Too many requests. Try again in 2 s.")
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
