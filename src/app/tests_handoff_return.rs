//! Unit tests of how a hand-off comes back: the listener's news (listening, a port in use, an
//! ignored request, the callback itself), a pasted address or nonce (and what is wrong with a
//! bad one), failures and `transferable` said instead of waited out, a refused nonce, and
//! enterprise SSO picked as a first factor preparing with its connection and the callback.

use secrecy::SecretString;
use serde_json::json;

use super::callback::Returned;
use super::*;
use crate::fapi::{SignIn, Strategy};
use crate::flow::Step;

pub(super) const NOW: i64 = 1_800_000_000_000;

pub(super) fn app() -> App {
    let mut a = App::new(
        Backend::Remote {
            base_url: "https://clerk.example.com".into(),
        },
        NOW,
    );
    a.environment = Some(serde_json::from_value(json!({})).expect("empty environment parses"));
    a
}

pub(super) fn oauth_sign_in(status: &str) -> SignIn {
    serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_o", "status": "needs_identifier",
        "first_factor_verification": {
            "object": "verification_oauth", "status": status, "strategy": "oauth_google",
            "expire_at": NOW + 600_000,
            "external_verification_redirect_url": "https://accounts.google.com/o/oauth2/auth?state=s"
        },
        "abandon_at": NOW + 86_400_000
    }))
    .expect("oauth sign-in parses")
}

pub(super) fn send(
    app: &mut App,
    kind: fn(Result<SignInReply, Failure>) -> Reply,
    s: SignIn,
) -> Vec<Effect> {
    let epoch = app.epoch;
    let reply = kind(Ok(SignInReply {
        sign_in: Box::new(s),
        client: None,
    }));
    update(app, Action::Api { epoch, reply })
}

/// A hand-off asked for, its listener up on port 8976, the sign-in not answered yet.
pub(super) fn started() -> App {
    let mut a = app();
    update(&mut a, Action::StartOAuth(Strategy::Oauth("google".into())));
    let epoch = a.epoch;
    update(
        &mut a,
        Action::Callback {
            epoch,
            event: CallbackEvent::Listening { port: 8976 },
        },
    );
    a
}

/// A hand-off waiting for the browser, its listener up on port 8976.
pub(super) fn waiting() -> App {
    let mut a = started();
    send(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    assert!(a.polling);
    a
}

pub(super) fn event(a: &mut App, event: CallbackEvent) -> Vec<Effect> {
    let epoch = a.epoch;
    update(a, Action::Callback { epoch, event })
}

pub(super) fn paste(a: &mut App, text: &str) -> Vec<Effect> {
    update(
        a,
        Action::SubmitReturn(SecretString::from(text.to_string())),
    )
}

/// An error answer of Clerk's, as the effects runner hands it over.
pub(super) fn api_failure(status: u16, code: &str, message: &str) -> Failure {
    Failure {
        kind: FailureKind::Api {
            status,
            code: code.into(),
        },
        message: message.into(),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    }
}

/// The nonce redemption under way comes back refused (or not sent) with `failure`.
pub(super) fn redemption_fails(a: &mut App, failure: Failure) -> Vec<Effect> {
    let epoch = a.epoch;
    let reply = Reply::Redeemed(Err(failure));
    update(a, Action::Api { epoch, reply })
}

pub(super) fn redeems(fx: &[Effect]) -> bool {
    fx.iter().any(|e| {
        matches!(e, Effect::Call { call: Call::RedeemNonce { sign_in_id, .. }, .. } if sign_in_id == "sia_o")
    })
}

#[test]
fn the_callback_redeems_its_nonce_and_stops_the_poller() {
    let mut a = waiting();
    assert_eq!(
        a.handoff.as_ref().map(|h| &h.listening),
        Some(&Listening::On { port: 8976 })
    );
    let fx = event(
        &mut a,
        CallbackEvent::Returned(Returned::Nonce(SecretString::from("rtn_1".to_string()))),
    );
    assert!(redeems(&fx), "{fx:?}");
    assert!(fx.iter().any(|e| matches!(e, Effect::StopPolling)));
    assert_eq!(
        a.handoff.as_ref().and_then(|h| h.returned_by),
        Some("loopback callback")
    );
    assert_eq!(
        a.busy.as_ref().map(|b| b.what),
        Some("Finishing the sign-in")
    );
    // The nonce is not repeated by Retry: it works once.
    assert!(a.last_call.is_none());
    // A paste after the callback changes nothing.
    assert!(paste(&mut a, "rtn_2_pasted_later").is_empty());
}

#[test]
fn a_pasted_address_redeems_and_a_bad_one_says_what_is_wrong() {
    let mut a = waiting();
    assert!(
        paste(
            &mut a,
            "https://accounts.google.com/o/oauth2/auth?state=s&client_id=1"
        )
        .is_empty()
    );
    let n = a.notice.clone().expect("a notice");
    assert_eq!(n.param_name.as_deref(), Some("return"));
    assert!(n.message.contains("the address to open"), "{}", n.message);
    assert!(paste(&mut a, "hello there").is_empty());
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("neither"))
    );
    let fx = paste(
        &mut a,
        "http://127.0.0.1:8976/callback?state=x&rotating_token_nonce=rtn_abc&__clerk_status=verified",
    );
    assert!(redeems(&fx), "{fx:?}");
    assert_eq!(
        a.handoff.as_ref().and_then(|h| h.returned_by),
        Some("pasted address")
    );
}

#[test]
fn an_ignored_request_is_said_and_the_hand_off_goes_on() {
    let mut a = waiting();
    let fx = event(
        &mut a,
        CallbackEvent::Ignored("a callback without this sign-in's state".into()),
    );
    assert!(fx.is_empty(), "{fx:?}");
    assert!(a.polling, "still waiting");
    assert!(
        a.notice.as_ref().is_some_and(|n| n.message.starts_with(
            "Ignored a callback without this sign-in's state on the callback address."
        ))
    );
    assert!(matches!(a.step(), Step::Factor(_)));
    assert!(a.handoff.as_ref().is_some_and(|h| h.ended.is_none()));
}

/// The browser's word that it failed ends the hand-off at the first poll that confirms it
/// (the next second), not at the deadline; the words are the provider's.
#[test]
fn a_failure_or_transferable_ends_the_hand_off_with_words_not_a_wait() {
    let mut a = waiting();
    event(
        &mut a,
        CallbackEvent::Returned(Returned::Failed("access_denied".into())),
    );
    assert!(a.handoff.as_ref().is_some_and(|h| h.ended.is_none()));
    let fx = send(&mut a, Reply::Poll, oauth_sign_in("failed"));
    // The poller stops; the listener already closed after the one callback it took.
    assert!(matches!(fx.as_slice(), [Effect::StopPolling]), "{fx:?}");
    let n = a.notice.clone().expect("notice");
    assert_eq!(n.kind, NoticeKind::Error);
    assert!(
        n.message.contains("failed: access_denied. Press r"),
        "{}",
        n.message
    );

    let mut a = waiting();
    paste(
        &mut a,
        "https://x.test/cb?__clerk_status=failed&__clerk_error_code=external_account_not_found",
    );
    send(&mut a, Reply::Poll, oauth_sign_in("transferable"));
    assert!(!a.polling);
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("transferable"))
    );
    assert!(a.handoff.as_ref().is_some_and(|h| h.ended.is_some()));

    // The poller seeing `transferable` says so at once, too.
    let mut a = waiting();
    let fx = send(&mut a, Reply::Poll, oauth_sign_in("transferable"));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::StopPolling)),
        "{fx:?}"
    );
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("No user of this application"))
    );

    // And so does a redeemed sign-in that is transferable.
    let mut a = waiting();
    paste(&mut a, "rtn_0123456789");
    send(&mut a, Reply::Redeemed, oauth_sign_in("transferable"));
    assert!(a.signed_in.is_none());
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("transferable"))
    );
}

#[test]
fn a_refused_nonce_says_why_and_a_new_paste_may_follow() {
    let mut a = waiting();
    paste(&mut a, "rtn_0123456789");
    let failure = api_failure(404, "resource_not_found", "Sign in not found.");
    let fx = redemption_fails(&mut a, failure);
    // Not sent back to the identifier: the hand-off waits on (polling again) for another try.
    assert!(
        matches!(fx.as_slice(), [Effect::StartPolling { .. }]),
        "{fx:?}"
    );
    assert!(matches!(a.step(), Step::Factor(_)));
    let n = a.notice.clone().expect("notice");
    assert_eq!(n.param_name.as_deref(), Some("return"));
    assert!(n.message.contains("Sign in not found."), "{}", n.message);
    assert!(redeems(&paste(&mut a, "rtn_9876543210")));
}

#[test]
fn a_port_in_use_leaves_paste_back_and_an_old_hand_offs_news_is_dropped() {
    let mut a = app();
    update(&mut a, Action::StartOAuth(Strategy::Oauth("google".into())));
    let old = a.epoch;
    event(
        &mut a,
        CallbackEvent::NotListening {
            port: 8976,
            why: "another program is already listening on it".into(),
        },
    );
    assert!(matches!(
        a.handoff.as_ref().map(|h| &h.listening),
        Some(Listening::Failed { port: 8976, .. })
    ));
    update(&mut a, Action::StartOAuth(Strategy::Oauth("google".into())));
    let fx = update(
        &mut a,
        Action::Callback {
            epoch: old,
            event: CallbackEvent::Returned(Returned::Nonce(SecretString::from(
                "rtn_old".to_string(),
            ))),
        },
    );
    assert!(fx.is_empty());
    assert!(a.handoff.as_ref().is_some_and(|h| h.returned_by.is_none()));
}

#[test]
fn enterprise_sso_picked_as_a_first_factor_prepares_with_its_connection_and_the_callback() {
    let mut a = app();
    let sso: SignIn = serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_e", "status": "needs_first_factor",
        "identifier": "ada@corp.example",
        "supported_first_factors": [
            {"strategy": "enterprise_sso", "enterprise_connection_id": "ent_1",
             "enterprise_connection_name": "Corp SSO", "safe_identifier": "ada@corp.example"}
        ],
        "abandon_at": NOW + 86_400_000
    }))
    .expect("sso sign-in parses");
    let fx = send(&mut a, Reply::SignIn, sso);
    let prepared = fx.iter().find_map(|e| match e {
        Effect::Call {
            call:
                Call::PrepareHandOff {
                    sign_in_id,
                    factor,
                    redirect,
                },
            ..
        } => Some((sign_in_id.clone(), factor.clone(), redirect.clone())),
        _ => None,
    });
    let (id, factor, redirect) = prepared.unwrap_or_else(|| panic!("{fx:?}"));
    assert_eq!(id, "sia_e");
    assert_eq!(factor.strategy, Strategy::EnterpriseSso);
    assert_eq!(factor.enterprise_connection_id.as_deref(), Some("ent_1"));
    assert_eq!(redirect, Redirect::Callback);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::ListenForCallback { .. })),
        "{fx:?}"
    );
}

#[test]
fn enterprise_sso_picked_from_the_list_after_a_code_prepares_the_hand_off() {
    let mut a = app();
    let si: SignIn = serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_e", "status": "needs_first_factor",
        "identifier": "lin@sso.example.com",
        "supported_first_factors": [
            {"strategy": "email_code", "email_address_id": "idn_e", "safe_identifier": "lin@sso.example.com"},
            {"strategy": "enterprise_sso", "enterprise_connection_id": "ent_1",
             "enterprise_connection_name": "Mock SSO", "safe_identifier": "lin@sso.example.com"}
        ],
        "first_factor_verification": {"status": "unverified", "strategy": "email_code",
            "expire_at": NOW + 600_000},
        "abandon_at": NOW + 86_400_000
    }))
    .expect("sign-in parses");
    send(&mut a, Reply::SignIn, si);
    update(&mut a, Action::ChooseAnotherMethod);
    let fx = update(&mut a, Action::PickFactor(Strategy::EnterpriseSso));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: Call::PrepareHandOff { .. },
                ..
            }
        )),
        "{fx:?}"
    );
}

#[test]
fn a_hand_off_resumed_from_an_earlier_run_is_not_finished_by_a_poll_but_by_a_paste() {
    let mut a = app();
    // The client's sign-in, as a new run finds it: no listener, no local hand-off state.
    send(&mut a, Reply::SignIn, oauth_sign_in("unverified"));
    assert!(a.handoff.is_none() && a.polling);
    let mut done = oauth_sign_in("verified");
    done.status = crate::fapi::SignInStatus::Complete;
    done.created_session_id = Some("sess_1".into());
    send(&mut a, Reply::Poll, done);
    assert!(a.signed_in.is_none(), "a poll never signs in");
    let fx = paste(&mut a, "rtn_0123456789");
    assert!(redeems(&fx), "{fx:?}");
    assert_eq!(
        a.handoff.as_ref().map(|h| &h.listening),
        Some(&Listening::Off)
    );
}

/// The callback address went with its `?state=`: refused, it is sent once more bare, and only
/// a refusal of that names what to allowlist.
#[test]
fn a_redirect_url_the_instance_refuses_names_what_to_allowlist() {
    let mut a = app();
    a.handoff_config.callback_port = 8976;
    update(&mut a, Action::StartOAuth(Strategy::Oauth("google".into())));
    let refused = |a: &mut App| {
        let epoch = a.epoch;
        let failure = api_failure(
            400,
            "resource_missmatch",
            "The current redirect url passed in the sign in or sign up request does not match an authorized redirect URI for this instance.",
        );
        update(
            a,
            Action::Api {
                epoch,
                reply: Reply::SignIn(Err(failure)),
            },
        )
    };
    let fx = refused(&mut a);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Call {
                call: Call::CreateRedirectSignIn {
                    redirect: Redirect::BareCallback,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(
        a.notice.as_ref().is_some_and(|n| n
            .message
            .contains("trying http://127.0.0.1:8976/callback exactly")),
        "{:?}",
        a.notice
    );
    let fx = refused(&mut a);
    assert!(matches!(fx.as_slice(), [Effect::StopListening]), "{fx:?}");
    let n = a.notice.clone().expect("notice");
    assert!(
        n.message
            .contains("Allowlist http://127.0.0.1:8976/callback in the Clerk Dashboard"),
        "{}",
        n.message
    );
}
