//! The session's rules, each pinned through `update` with server-shaped JSON: which session is
//! active after a load, a touch, a switch and a sign-out; how a refused or failed token mint
//! backs off; what `r` does mid-backoff; and what a failed sign-out still forgets.

use serde_json::json;

use super::tests_signed_in::*;
use super::*;
use crate::flow::Step;

fn refused(status: u16, code: &str) -> Failure {
    Failure {
        kind: FailureKind::Api {
            status,
            code: code.into(),
        },
        message: "The request was refused.".into(),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    }
}

fn network() -> Failure {
    Failure {
        kind: FailureKind::Network,
        message: "Could not reach the server.".into(),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    }
}

fn message(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default()
}

fn loads_client(fx: &[Effect]) -> bool {
    matches!(
        fx,
        [Effect::Call {
            call: Call::LoadClient,
            ..
        }]
    )
}

#[test]
fn a_refused_mint_says_so_and_waits_longer_than_a_network_failure() {
    let mut app = signed_in(false);
    assert!(mints(&tick(&mut app, NOW + 45_000)));
    let fx = api(
        &mut app,
        Reply::Token(Err(refused(422, "form_param_invalid"))),
    );
    assert!(fx.is_empty(), "a refusal is not a reason to reload: {fx:?}");
    assert!(
        message(&app).starts_with("Could not mint a session token: "),
        "{}",
        message(&app)
    );
    assert!(!mints(&tick(&mut app, NOW + 50_000)), "5 s is not enough");
    assert!(!mints(&tick(&mut app, NOW + 74_000)));
    assert!(mints(&tick(&mut app, NOW + 75_000)), "30 s after a refusal");
}

#[test]
fn an_unauthorized_mint_asks_the_client_and_shows_nothing_yet() {
    let mut app = signed_in(false);
    tick(&mut app, NOW + 45_000);
    let fx = api(
        &mut app,
        Reply::Token(Err(refused(401, "authentication_invalid"))),
    );
    assert!(loads_client(&fx), "{fx:?}");
    assert!(
        app.notice.is_none(),
        "the client's answer says what happened"
    );
    assert!(app.signed_in.as_ref().is_some_and(|s| !s.minting));
}

#[test]
fn r_mints_at_once_even_while_backing_off_but_never_twice() {
    let mut app = signed_in(false);
    tick(&mut app, NOW + 45_000);
    api(&mut app, Reply::Token(Err(network())));
    assert!(!mints(&tick(&mut app, NOW + 46_000)), "backing off");
    assert!(mints(&update(&mut app, Action::RefreshToken)), "r skips it");
    assert!(
        update(&mut app, Action::RefreshToken).is_empty(),
        "one mint in flight at a time"
    );
    let mut out = App::new(backend(true), NOW);
    assert!(
        update(&mut out, Action::RefreshToken).is_empty(),
        "signed out"
    );
}

#[test]
fn a_token_without_an_expiry_is_not_refreshed_in_a_loop() {
    let mut app = signed_in(false);
    api(&mut app, Reply::Token(Ok("not.a-jwt.sig".into())));
    assert_eq!(app.token_secs_left(), None);
    assert!(!mints(&tick(&mut app, NOW + 600_000)), "kept until r");
}

#[test]
fn a_small_clock_difference_is_not_taken_for_skew() {
    let mut app = signed_in_with(false, false, &[]);
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW + 4_000))));
    assert_eq!(app.server_offset_ms, 0, "within 5 s: the clocks agree");
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW + 6_000))));
    assert_eq!(app.server_offset_ms, 6_000);
}

#[test]
fn skew_is_measured_from_the_offset_already_known() {
    let mut app = signed_in_with(false, false, &[]);
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW + 60_000))));
    assert_eq!(app.server_offset_ms, 60_000);
    // 4 s, then exactly 5 s, from the known offset: the same skew, kept.
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW + 64_000))));
    assert_eq!(app.server_offset_ms, 60_000, "4 s from the known skew");
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW + 65_000))));
    assert_eq!(
        app.server_offset_ms, 60_000,
        "5 s is still within tolerance"
    );
}

#[test]
fn a_touch_replaces_the_client_and_a_failed_one_asks_again() {
    let grace = user("user_2", "grace@example.com", false);
    let mut app = signed_in_with(true, false, &[("sess_2", "active", grace.clone())]);
    update(&mut app, Action::SwitchSession("sess_2".into()));
    assert_eq!(app.session_id().as_deref(), Some("sess_2"));
    let touched = client(&[
        ("sess_2", "active", grace),
        (
            "sess_1",
            "active",
            user("user_1", "jane@example.com", false),
        ),
    ]);
    api(&mut app, Reply::Touched(Ok(Some(Box::new(touched)))));
    assert_eq!(
        app.active_sessions().first().map(|s| s.id.as_str()),
        Some("sess_2"),
        "the client as the server sent it"
    );
    assert!(app.busy.is_none(), "the switch is done");
    api(&mut app, Reply::Touched(Ok(None)));
    assert_eq!(
        app.active_sessions().len(),
        2,
        "no client: the old one stays"
    );
    let fx = api(
        &mut app,
        Reply::Touched(Err(refused(404, "resource_not_found"))),
    );
    assert!(loads_client(&fx), "{fx:?}");
    assert_eq!(message(&app), "The request was refused.");
    assert_eq!(app.notice.as_ref().map(|n| n.kind), Some(NoticeKind::Error));
}

#[test]
fn switching_to_the_same_session_or_while_signed_out_does_nothing() {
    let mut app = signed_in(false);
    let epoch = app.epoch;
    assert!(update(&mut app, Action::SwitchSession("sess_1".into())).is_empty());
    assert_eq!(app.epoch, epoch, "the current flow goes on");
    let mut out = App::new(backend(true), NOW);
    assert!(update(&mut out, Action::SignOut { all: false }).is_empty());
}

#[test]
fn signing_out_of_one_session_names_it_and_of_all_names_none() {
    let mut app = signed_in(false);
    let fx = update(&mut app, Action::SignOut { all: false });
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::SignOut { session_id: Some(id) }, .. }] if id == "sess_1"),
        "{fx:?}"
    );
    assert!(app.busy.is_some(), "the user waits for it");
    let fx = update(&mut app, Action::SignOut { all: true });
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Call {
                call: Call::SignOut { session_id: None },
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn a_sign_out_of_a_session_without_a_user_still_says_it_ended() {
    let mut app = App::new(backend(true), NOW);
    let anonymous = client(&[("sess_1", "active", serde_json::Value::Null)]);
    api(&mut app, Reply::Client(Ok(Some(Box::new(anonymous)))));
    assert_eq!(app.session_id().as_deref(), Some("sess_1"));
    update(&mut app, Action::SignOut { all: false });
    let after = client(&[]);
    api(&mut app, Reply::SignOut(Ok(Some(Box::new(after)))));
    assert_eq!(message(&app), "Signed out. This session has ended.");
    assert!(app.signed_in.is_none());
}

#[test]
fn a_failed_sign_out_with_other_sessions_says_they_are_forgotten_too() {
    let grace = user("user_2", "grace@example.com", false);
    let mut app = signed_in_with(true, false, &[("sess_2", "active", grace)]);
    let epoch = app.epoch;
    update(&mut app, Action::SignOut { all: true });
    api(&mut app, Reply::SignOut(Err(network())));
    assert!(app.signed_in.is_none() && app.client.is_none());
    assert!(app.epoch > epoch, "late answers of the session are dropped");
    assert_eq!(
        message(&app),
        "The server did not confirm the sign-out (Could not reach the server). This device \
         has forgotten the session and its other sessions anyway; on the server it stays \
         valid until it expires."
    );
    assert!(app.busy.is_none());
    assert_eq!(app.step(), Step::Identifier);
}

#[test]
fn the_last_active_session_is_adopted_and_else_the_first_active_one() {
    let jane = user("user_1", "jane@example.com", false);
    let grace = user("user_2", "grace@example.com", false);
    let mut both = client(&[
        ("sess_1", "active", jane.clone()),
        ("sess_2", "active", grace.clone()),
    ]);
    both.last_active_session_id = Some("sess_2".into());
    let mut app = App::new(backend(true), NOW);
    api(&mut app, Reply::Client(Ok(Some(Box::new(both)))));
    assert_eq!(
        app.session_id().as_deref(),
        Some("sess_2"),
        "the last active"
    );

    let mut ended = client(&[("sess_1", "ended", jane), ("sess_2", "active", grace)]);
    ended.last_active_session_id = Some("sess_1".into());
    let mut app = App::new(backend(true), NOW);
    api(&mut app, Reply::Client(Ok(Some(Box::new(ended)))));
    assert_eq!(
        app.session_id().as_deref(),
        Some("sess_2"),
        "the one active"
    );
}

#[test]
fn a_sign_in_under_way_on_the_client_is_offered_unless_it_is_over_and_resumed_when_asked() {
    let sign_in = |status: &str| {
        json!({"object": "sign_in_attempt", "id": "sia_r", "status": status,
            "identifier": "jane@example.com",
            "supported_first_factors": [{"strategy": "password"}],
            "supported_second_factors": null, "first_factor_verification": null,
            "second_factor_verification": null, "created_session_id": null})
    };
    let loaded = |status: &str| {
        let mut app = App::new(backend(true), NOW);
        update(&mut app, Action::StoredClientToken(true));
        let c: crate::fapi::Client = parse(json!({"object": "client", "id": "client_1",
            "sessions": [], "sign_in": sign_in(status)}));
        api(&mut app, Reply::Client(Ok(Some(Box::new(c)))));
        app
    };
    for (status, resumed) in [
        ("needs_first_factor", true),
        ("abandoned", false),
        ("complete", false),
    ] {
        let mut app = loaded(status);
        // Never resumed silently: set aside until the person answers.
        assert!(app.sign_in.is_none(), "{status}");
        assert_eq!(app.unfinished.is_some(), resumed, "{status}");
        assert!(app.notice.is_none(), "no session had ended: {status}");
        let mut again = loaded(status);
        update(&mut again, Action::ResumeSignIn(false));
        assert!(again.sign_in.is_none() && again.unfinished.is_none());
        update(&mut app, Action::ResumeSignIn(true));
        assert_eq!(app.sign_in.is_some(), resumed, "{status}");
        assert!(app.unfinished.is_none());
    }
}

#[test]
fn entering_a_session_closes_what_the_last_one_had_open() {
    let grace = user("user_2", "grace@example.com", false);
    let mut app2 = signed_in_with(true, true, &[("sess_2", "active", grace)]);
    update(&mut app2, Action::AskRemoveTotp);
    update(&mut app2, Action::ToggleDemoTotp);
    assert!(app2.account.is_some() && app2.demo_totp.is_some());
    update(&mut app2, Action::SwitchSession("sess_2".into()));
    assert!(app2.account.is_none() && app2.demo_totp.is_none());
    assert!(app2.notice.is_none());
}
