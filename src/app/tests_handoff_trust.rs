//! Unit tests of what the app believes of a hand-off's callback when the state cannot vouch
//! for it (an instance that allowlists only the bare callback address): a nonce counts once
//! Clerk accepts it, a failure once a poll confirms it; anything else is ignored, said, and
//! the hand-off goes on (docs/THREAT_MODEL.md, "The loopback callback").

use secrecy::SecretString;

use super::callback::{MAX_QUEUED, Returned};
use super::tests_handoff_return::{
    api_failure, event, oauth_sign_in, paste, redeems, redemption_fails, send, waiting,
};
use super::*;

fn nonce(text: &str) -> CallbackEvent {
    CallbackEvent::Returned(Returned::Nonce(SecretString::from(text.to_string())))
}

fn refused_nonce(a: &mut App) -> Vec<Effect> {
    let failure = Failure {
        param_name: Some("rotating_token_nonce".into()),
        ..api_failure(
            400,
            "invalid_query_parameter_value",
            "The given value does not match one of the allowed values.",
        )
    };
    redemption_fails(a, failure)
}

/// A hand-off whose callback address went out bare: the create with the state was refused.
fn bare() -> App {
    let mut a = waiting();
    if let Some(h) = a.handoff.as_mut() {
        h.bare = true;
    }
    a
}

fn notice(a: &App) -> String {
    a.notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default()
}

/// The hand-off goes on (polling again), and the screen says `words`.
fn waits_on_saying(a: &App, fx: &[Effect], words: &str) {
    assert!(matches!(fx, [Effect::StartPolling { .. }]), "{fx:?}");
    assert!(notice(a).contains(words), "{}", notice(a));
}

#[test]
fn a_callback_nonce_clerk_refuses_is_ignored_and_the_next_one_is_tried() {
    let mut a = bare();
    assert!(redeems(&event(&mut a, nonce("rtn_forged"))));
    // The real callback arrives while the forged nonce is being redeemed: it waits its turn.
    assert!(event(&mut a, nonce("rtn_real")).is_empty());
    assert_eq!(
        a.handoff.as_ref().map(|h| &h.listening),
        Some(&Listening::On { port: 8976 }),
        "a bare listener goes on listening"
    );
    let fx = refused_nonce(&mut a);
    assert!(redeems(&fx), "the queued nonce is redeemed: {fx:?}");
    // That one refused too, and nothing queued: ignored, said, and the hand-off waits on.
    let fx = refused_nonce(&mut a);
    waits_on_saying(
        &a,
        &fx,
        "Ignored a callback whose nonce Clerk did not accept",
    );
    assert!(a.handoff.as_ref().is_some_and(|h| h.ended.is_none()));
    assert!(a.signed_in.is_none());
    // A paste still finishes it.
    assert!(redeems(&paste(&mut a, "rtn_0123456789")));
}

#[test]
fn the_accepted_nonce_stops_a_bare_listener() {
    let mut a = bare();
    event(&mut a, nonce("rtn_real"));
    let mut done = oauth_sign_in("verified");
    done.status = crate::fapi::SignInStatus::Complete;
    done.created_session_id = Some("sess_1".into());
    let fx = send(&mut a, Reply::Redeemed, done);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::StopListening)),
        "{fx:?}"
    );
    assert!(a.handoff.is_none());
}

#[test]
fn a_failure_the_server_does_not_confirm_is_ignored_and_said() {
    let mut a = bare();
    let forged = Returned::Failed("access_denied".into());
    event(&mut a, CallbackEvent::Returned(forged));
    assert!(
        notice(&a).contains("checking that with Clerk"),
        "{}",
        notice(&a)
    );
    // A poll answered before the browser came back may still show the wait: not judged yet.
    send(&mut a, Reply::Poll, oauth_sign_in("unverified"));
    assert!(a.handoff.as_ref().is_some_and(|h| h.claimed.is_some()));
    send(&mut a, Reply::Poll, oauth_sign_in("unverified"));
    assert!(
        notice(&a).starts_with("Ignored a callback saying the sign-in did not succeed"),
        "{}",
        notice(&a)
    );
    assert!(a.polling, "still waiting for the browser");
    assert!(
        a.handoff
            .as_ref()
            .is_some_and(|h| h.ended.is_none() && h.claimed.is_none())
    );
    // The same claim of `transferable`, not confirmed either: the sign-in goes on.
    paste(
        &mut a,
        "https://x.test/cb?__clerk_status=failed&__clerk_error_code=external_account_not_found",
    );
    send(&mut a, Reply::Poll, oauth_sign_in("unverified"));
    send(&mut a, Reply::Poll, oauth_sign_in("unverified"));
    assert!(notice(&a).starts_with("Ignored"), "{}", notice(&a));
    assert!(redeems(&event(&mut a, nonce("rtn_real"))));
}

#[test]
fn a_hand_off_that_went_bare_says_which_address_the_instance_allows() {
    let mut a = app_started_bare();
    assert!(
        notice(&a).contains("allows only http://127.0.0.1:8976/callback exactly"),
        "{}",
        notice(&a)
    );
    // It does not push aside what the screen says meanwhile.
    event(
        &mut a,
        CallbackEvent::Ignored("a request for another path".into()),
    );
    super::handoff::on_started(&mut a);
    assert!(
        notice(&a).starts_with("Ignored a request"),
        "{}",
        notice(&a)
    );
}

/// Started, refused with the state, and answered for the bare address.
fn app_started_bare() -> App {
    let mut a = super::tests_handoff_return::started();
    let epoch = a.epoch;
    let failure = Failure {
        param_name: Some("redirect_url".into()),
        ..api_failure(400, "resource_missmatch", "Redirect url mismatch")
    };
    update(
        &mut a,
        Action::Api {
            epoch,
            reply: Reply::SignIn(Err(failure)),
        },
    );
    assert!(a.handoff.as_ref().is_some_and(|h| h.bare));
    send(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    a
}

#[test]
fn a_claim_during_a_redemption_waits_for_its_answer_and_a_network_failure_is_not_a_refusal() {
    let mut a = bare();
    event(&mut a, nonce("rtn_real"));
    assert!(!a.polling, "no poll while the token rotates");
    let fx = paste(&mut a, "https://x.test/cb?__clerk_status=failed");
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::StartPolling { .. })),
        "{fx:?}"
    );
    assert!(!a.polling);
    // The redemption could not reach Clerk: not said as a forged callback.
    let failure = Failure {
        kind: FailureKind::Network,
        ..api_failure(0, "", "Could not reach the server.")
    };
    let fx = redemption_fails(&mut a, failure.clone());
    waits_on_saying(
        &a,
        &fx,
        "Paste the address the browser ended on to try again",
    );
    assert!(a.handoff.as_ref().is_some_and(|h| h.claimed.is_some()));
    // A pasted nonce that could not reach Clerk is tried again from the field itself.
    paste(&mut a, "rtn_0123456789");
    let fx = redemption_fails(&mut a, failure);
    waits_on_saying(&a, &fx, "Press Enter on the pasted address to try again");
}

#[test]
fn a_confirmed_transfer_names_the_provider_stops_a_bare_listener_and_holds_its_words() {
    let mut a = bare();
    let social = serde_json::json!({"oauth_google": {"enabled": true, "authenticatable": true,
        "strategy": "oauth_google", "name": "Google"}});
    a.environment = Some(
        serde_json::from_value(serde_json::json!({"user_settings": {"social": social}}))
            .expect("environment parses"),
    );
    let fx = event(&mut a, CallbackEvent::Returned(Returned::Transferable));
    assert!(fx.is_empty(), "the poller already runs: {fx:?}");
    let fx = send(&mut a, Reply::Poll, oauth_sign_in("transferable"));
    for wanted in ["StopPolling", "StopListening"] {
        assert!(fx.iter().any(|e| format!("{e:?}") == wanted), "{fx:?}");
    }
    let words = notice(&a);
    assert!(words.contains("has that Google account"), "{words}");
    // Once ended, what the listener ignores no longer replaces why it ended.
    event(
        &mut a,
        CallbackEvent::Ignored("a request for another path".into()),
    );
    assert_eq!(notice(&a), words);
}

#[test]
fn at_most_a_few_nonces_wait_behind_the_one_being_redeemed() {
    let mut a = bare();
    event(&mut a, nonce("rtn_first"));
    for i in 0..MAX_QUEUED + 4 {
        assert!(event(&mut a, nonce(&format!("rtn_{i:02}"))).is_empty());
    }
    assert_eq!(a.handoff.as_ref().map(|h| h.queued.len()), Some(MAX_QUEUED));
}
