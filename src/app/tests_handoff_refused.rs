//! A redirect URL the instance refuses (`resource_missmatch`), on each road a hand-off starts
//! by: an enterprise connection prepared as a first factor is sent once more with the bare
//! callback address and then names it to allowlist, and an address of the instance's own
//! (`--redirect-url`) is never swapped for the callback: the refusal names it.

use serde_json::json;

use super::tests_handoff_return::{NOW, api_failure, app, send};
use super::*;
use crate::fapi::{SignIn, Strategy};

const REFUSED: &str = "The current redirect url passed in the sign in or sign up request does \
                       not match an authorized redirect URI for this instance.";

fn refuse(a: &mut App) -> Vec<Effect> {
    let epoch = a.epoch;
    let failure = api_failure(400, "resource_missmatch", REFUSED);
    update(
        a,
        Action::Api {
            epoch,
            reply: Reply::SignIn(Err(failure)),
        },
    )
}

fn notice(a: &App) -> String {
    a.notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default()
}

fn prepared_with(fx: &[Effect]) -> Option<Redirect> {
    fx.iter().find_map(|e| match e {
        Effect::Call {
            call: Call::PrepareHandOff { redirect, .. },
            ..
        } => Some(redirect.clone()),
        _ => None,
    })
}

fn sso() -> SignIn {
    serde_json::from_value(json!({
        "object": "sign_in_attempt", "id": "sia_e", "status": "needs_first_factor",
        "identifier": "ada@corp.example",
        "supported_first_factors": [
            {"strategy": "enterprise_sso", "enterprise_connection_id": "ent_1",
             "enterprise_connection_name": "Corp SSO", "safe_identifier": "ada@corp.example"}
        ],
        "abandon_at": NOW + 86_400_000
    }))
    .expect("sso sign-in parses")
}

#[test]
fn a_refused_sso_prepare_goes_once_more_bare_then_names_the_address() {
    let mut a = app();
    a.handoff_config.callback_port = 8976;
    let fx = send(&mut a, Reply::SignIn, sso());
    assert_eq!(prepared_with(&fx), Some(Redirect::Callback), "{fx:?}");

    let fx = refuse(&mut a);
    assert_eq!(prepared_with(&fx), Some(Redirect::BareCallback), "{fx:?}");
    assert!(
        notice(&a).contains("trying http://127.0.0.1:8976/callback exactly"),
        "{}",
        notice(&a)
    );

    let fx = refuse(&mut a);
    assert_eq!(prepared_with(&fx), None, "only one retry: {fx:?}");
    assert!(
        notice(&a).contains("Allowlist http://127.0.0.1:8976/callback in the Clerk Dashboard"),
        "{}",
        notice(&a)
    );
}

#[test]
fn an_address_of_the_instances_own_is_named_not_swapped_for_the_callback() {
    let mut a = app();
    a.handoff_config.redirect_url = Some("https://app.example.com/native-done".into());
    let fx = update(&mut a, Action::StartOAuth(Strategy::Oauth("google".into())));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: Call::CreateRedirectSignIn {
                    redirect: Redirect::Url(_),
                    ..
                },
                ..
            }
        )),
        "{fx:?}"
    );
    let fx = refuse(&mut a);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Call { .. })),
        "no retry with another address: {fx:?}"
    );
    let said = notice(&a);
    assert!(said.starts_with(REFUSED), "{said}");
    assert!(
        said.contains("Allowlist https://app.example.com/native-done in the Clerk Dashboard"),
        "{said}"
    );
}

#[test]
fn an_sso_prepare_to_an_address_of_the_instances_own_is_not_retried() {
    let mut a = app();
    a.handoff_config.redirect_url = Some("https://app.example.com/native-done".into());
    let fx = send(&mut a, Reply::SignIn, sso());
    assert!(
        matches!(prepared_with(&fx), Some(Redirect::Url(_))),
        "{fx:?}"
    );
    let fx = refuse(&mut a);
    assert_eq!(prepared_with(&fx), None, "{fx:?}");
    assert!(
        notice(&a).contains("Allowlist https://app.example.com/native-done"),
        "{}",
        notice(&a)
    );
}

fn created_with(fx: &[Effect]) -> Option<Redirect> {
    fx.iter().find_map(|e| match e {
        Effect::Call {
            call: Call::CreateRedirectSignIn { redirect, .. },
            ..
        } => Some(redirect.clone()),
        _ => None,
    })
}

#[test]
fn once_the_state_was_refused_the_next_hand_off_starts_bare() {
    let mut a = app();
    let google = || Action::StartOAuth(Strategy::Oauth("google".into()));
    let fx = update(&mut a, google());
    assert_eq!(created_with(&fx), Some(Redirect::Callback));
    let fx = refuse(&mut a);
    assert_eq!(created_with(&fx), Some(Redirect::BareCallback));

    // Started again (r, or another provider): no second refusal to wait for.
    let fx = update(&mut a, google());
    assert_eq!(created_with(&fx), Some(Redirect::BareCallback), "{fx:?}");
    assert!(a.handoff.as_ref().is_some_and(|h| h.bare));

    // Refused bare too: nothing works as it is, and the next try starts over with the state.
    refuse(&mut a);
    let fx = update(&mut a, google());
    assert_eq!(created_with(&fx), Some(Redirect::Callback), "{fx:?}");
    assert!(a.handoff.as_ref().is_some_and(|h| !h.bare));
}
