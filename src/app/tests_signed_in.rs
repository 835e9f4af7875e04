//! Unit tests of `update` on the signed-in screen, over time: the token refreshed before it
//! expires (in server time, also with the emulator's clock shifted), failures backing off,
//! stale results dropped, session switching, sign-out outcomes and resume.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use serde_json::{Value, json};

use super::*;
use crate::fapi::Client;

pub(super) const NOW: i64 = 1_800_000_000_000;
pub(super) const BASE: &str = "http://127.0.0.1:40123";
pub(super) const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub(super) fn parse<T: serde::de::DeserializeOwned>(v: Value) -> T {
    match serde_json::from_value(v) {
        Ok(t) => t,
        Err(e) => panic!("fixture: {e}"),
    }
}

pub(super) fn user(id: &str, email: &str, totp: bool) -> Value {
    json!({"object": "user", "id": id, "first_name": "Jane", "last_name": "Doe",
        "primary_email_address_id": format!("idn_{id}"),
        "email_addresses": [{"id": format!("idn_{id}"), "email_address": email}],
        "totp_enabled": totp, "two_factor_enabled": totp, "backup_code_enabled": totp})
}

pub(super) fn client(sessions: &[(&str, &str, Value)]) -> Client {
    let sessions: Vec<Value> = sessions
        .iter()
        .map(|(id, status, user)| {
            json!({"object": "session", "id": id, "status": status,
            "expire_at": NOW + 7 * 86_400_000, "user": user})
        })
        .collect();
    let last = sessions.first().map(|s| s["id"].clone());
    parse(
        json!({"object": "client", "id": "client_1", "sessions": sessions,
        "last_active_session_id": last}),
    )
}

pub(super) fn backend(embedded: bool) -> Backend {
    if embedded {
        Backend::Embedded {
            base_url: BASE.into(),
            seed_users: Vec::new(),
        }
    } else {
        Backend::Remote {
            base_url: BASE.into(),
        }
    }
}

pub(super) fn api(app: &mut App, reply: Reply) -> Vec<Effect> {
    let epoch = app.epoch;
    update(app, Action::Api { epoch, reply })
}

pub(super) fn jwt(sid: &str, iat_ms: i64) -> String {
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let iat = iat_ms / 1000;
    format!(
        "{}.{}.sig-{sid}-{iat}",
        part(json!({"alg": "RS256", "kid": "ins_test", "typ": "JWT"})),
        part(json!({"sid": sid, "sub": "user_1", "iat": iat, "exp": iat + 60, "iss": BASE}))
    )
}

/// Signed in on `sess_1` (plus any other sessions), a token minted at `NOW`.
pub(super) fn signed_in_with(embedded: bool, totp: bool, others: &[(&str, &str, Value)]) -> App {
    let mut app = App::new(backend(embedded), NOW);
    let mut sessions = vec![("sess_1", "active", user("user_1", "jane@example.com", totp))];
    sessions.extend(others.iter().cloned());
    let fx = api(
        &mut app,
        Reply::Client(Ok(Some(Box::new(client(&sessions))))),
    );
    assert!(mints(&fx), "signing in mints a token: {fx:?}");
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW))));
    app
}

pub(super) fn signed_in(totp: bool) -> App {
    signed_in_with(true, totp, &[])
}

pub(super) fn mints(fx: &[Effect]) -> bool {
    fx.iter().any(|e| {
        matches!(
            e,
            Effect::Call {
                call: Call::MintToken { .. },
                ..
            }
        )
    })
}

pub(super) fn tick(app: &mut App, at: i64) -> Vec<Effect> {
    update(app, Action::Tick { now_ms: at })
}

pub(super) fn first_mint_tick(app: &mut App, from: i64, to: i64) -> Option<i64> {
    (from..=to).step_by(1000).find(|&at| mints(&tick(app, at)))
}

#[test]
fn the_token_is_refreshed_before_it_expires_and_only_once() {
    let mut app = signed_in(false);
    assert_eq!(app.token_secs_left(), Some(60));
    let fx = api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW))));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: Call::VerifyToken { .. },
                ..
            }
        )),
        "each token is checked against the JWKS: {fx:?}"
    );
    let at = first_mint_tick(&mut app, NOW + 1000, NOW + 70_000);
    assert_eq!(
        at,
        Some(NOW + 60_000 - REFRESH_BEFORE_MS),
        "minted 15 s before exp"
    );
    assert!(
        app.busy.is_none(),
        "a background refresh is not a busy state"
    );
    assert!(
        !mints(&tick(&mut app, NOW + 46_000)),
        "no second mint while one is in flight"
    );
}

#[test]
fn with_the_emulators_clock_shifted_the_refresh_comes_before_exp_in_server_time() {
    let mut app = signed_in(false);
    let fx = update(&mut app, Action::ShiftClock { seconds: 300 });
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::ShiftClock { base_url, seconds: 300 }, .. }] if base_url == BASE),
        "{fx:?}"
    );
    let fx = api(&mut app, Reply::Clock(Ok(300_000)));
    assert!(app.token_secs_left().is_some_and(|s| s < 0), "expired");
    assert!(mints(&fx), "an expired token is replaced at once: {fx:?}");
    let said = app
        .notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default();
    assert!(
        said.contains("5 min ahead") && said.contains("expired"),
        "{said}"
    );
    // The new token is stamped with the server's (shifted) time.
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW + 300_000))));
    assert_eq!(app.token_secs_left(), Some(60));
    let exp_local = NOW + 60_000;
    let at = first_mint_tick(&mut app, NOW + 1000, NOW + 70_000);
    assert_eq!(at, Some(exp_local - REFRESH_BEFORE_MS));
    assert!(at.is_some_and(|t| t < exp_local), "before exp, not after");
}

#[test]
fn a_real_servers_clock_skew_is_read_from_iat() {
    let mut app = signed_in_with(false, false, &[]);
    api(&mut app, Reply::Token(Ok(jwt("sess_1", NOW - 120_000))));
    assert_eq!(app.server_offset_ms, -120_000);
    assert_eq!(app.token_secs_left(), Some(60), "not seen as expired");
    assert!(!mints(&tick(&mut app, NOW + 30_000)));
}

#[test]
fn a_failed_refresh_backs_off_and_an_ended_session_reloads_the_client() {
    let mut app = signed_in(false);
    mints(&tick(&mut app, NOW + 45_000));
    let network = Failure {
        kind: FailureKind::Network,
        message: "cannot reach".into(),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    };
    api(&mut app, Reply::Token(Err(network)));
    assert!(
        !mints(&tick(&mut app, NOW + 46_000)),
        "waits after a failure"
    );
    assert!(mints(&tick(&mut app, NOW + 50_000)), "then tries again");
    let gone = Failure {
        kind: FailureKind::Api {
            status: 404,
            code: "resource_not_found".into(),
        },
        message: "No active session was found.".into(),
        param_name: None,
        trace_id: None,
        session_id: None,
        client: None,
    };
    let fx = api(&mut app, Reply::Token(Err(gone)));
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
    let ended = client(&[(
        "sess_1",
        "expired",
        user("user_1", "jane@example.com", false),
    )]);
    api(&mut app, Reply::Client(Ok(Some(Box::new(ended)))));
    assert!(app.signed_in.is_none());
    assert_eq!(app.step(), crate::flow::Step::Identifier);
    assert_eq!(
        app.notice.as_ref().map(|n| n.message.as_str()),
        Some("Your session has ended; sign in again.")
    );
}

#[test]
fn a_resumed_run_says_why_it_is_not_signed_in() {
    let mut app = App::new(backend(true), NOW);
    update(&mut app, Action::StoredClientToken(true));
    let ended = client(&[("sess_1", "ended", user("user_1", "jane@example.com", false))]);
    api(&mut app, Reply::Client(Ok(Some(Box::new(ended)))));
    assert_eq!(
        app.notice.as_ref().map(|n| n.message.as_str()),
        Some("Your previous session has ended; sign in again.")
    );
    let env = parse(json!({}));
    api(&mut app, Reply::Environment(Ok(Box::new(env))));
    assert!(
        app.notice.is_some(),
        "the environment arriving later keeps it"
    );

    let mut app = App::new(backend(true), NOW);
    update(&mut app, Action::StoredClientToken(true));
    let fx = api(
        &mut app,
        Reply::Client(Ok(Some(Box::new(client(&[(
            "sess_1",
            "active",
            user("user_1", "jane@example.com", false),
        )]))))),
    );
    assert!(app.signed_in.is_some() && mints(&fx), "resumed");
    assert!(app.notice.is_none());

    let mut app = App::new(backend(true), NOW);
    api(&mut app, Reply::Client(Ok(None)));
    assert!(app.notice.is_none(), "a first run says nothing");
}

#[test]
fn switching_sessions_touches_mints_and_drops_the_old_sessions_results() {
    let grace = user("user_2", "grace@example.com", false);
    let mut app = signed_in_with(true, false, &[("sess_2", "active", grace)]);
    assert_eq!(app.active_sessions().len(), 2);
    let old = app.epoch;
    let fx = update(&mut app, Action::SwitchSession("sess_2".into()));
    assert!(app.epoch > old);
    assert!(fx.iter().any(|e| matches!(e, Effect::Call { call: Call::TouchSession { session_id }, .. } if session_id == "sess_2")));
    assert!(fx.iter().any(|e| matches!(e, Effect::Call { call: Call::MintToken { session_id }, .. } if session_id == "sess_2")));
    let late = update(
        &mut app,
        Action::Api {
            epoch: old,
            reply: Reply::Token(Ok(jwt("sess_1", NOW))),
        },
    );
    assert!(late.is_empty());
    assert_eq!(app.signed_in.as_ref().and_then(|s| s.jwt.clone()), None);
    assert!(update(&mut app, Action::SwitchSession("sess_9".into())).is_empty());
}

#[test]
fn sign_out_says_what_happened() {
    let grace = user("user_2", "grace@example.com", false);
    let mut app = signed_in_with(true, false, &[("sess_2", "active", grace.clone())]);
    update(&mut app, Action::SignOut { all: false });
    let after = client(&[
        (
            "sess_1",
            "removed",
            user("user_1", "jane@example.com", false),
        ),
        ("sess_2", "active", grace),
    ]);
    api(&mut app, Reply::SignOut(Ok(Some(Box::new(after)))));
    assert_eq!(
        app.notice.as_ref().map(|n| n.message.as_str()),
        Some(
            "Signed out. jane@example.com is no longer signed in on this device. Now signed in as grace@example.com."
        )
    );
    assert_eq!(app.session_id().as_deref(), Some("sess_2"));

    let mut app = signed_in(false);
    update(&mut app, Action::SignOut { all: true });
    api(&mut app, Reply::SignOut(Ok(None)));
    assert_eq!(
        app.notice.as_ref().map(|n| n.message.as_str()),
        Some("Signed out. Every session on this device has ended.")
    );

    let mut app = signed_in(false);
    update(&mut app, Action::SignOut { all: false });
    api(
        &mut app,
        Reply::SignOut(Err(Failure {
            kind: FailureKind::Network,
            message: "Could not reach the server.".into(),
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        })),
    );
    assert!(app.signed_in.is_none() && app.client.is_none());
    let said = app
        .notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default();
    assert!(
        said.contains("Could not reach the server") && said.contains("forgotten"),
        "{said}"
    );
    assert!(
        !said.contains("other sessions"),
        "the only session has no others to forget: {said}"
    );
    assert!(app.last_call.is_none(), "nothing to retry");
}

#[test]
fn a_token_check_lands_only_on_the_token_it_checked() {
    let mut app = signed_in(false);
    let current = app
        .signed_in
        .as_ref()
        .and_then(|s| s.jwt.clone())
        .unwrap_or_default();
    let sig = current.rsplit('.').next().unwrap_or_default().to_string();
    let check = |signature: &str| TokenCheck {
        signature: signature.into(),
        kid: Some("ins_test".into()),
        outcome: Ok(()),
    };
    api(&mut app, Reply::TokenCheck(check("other")));
    assert!(app.signed_in.as_ref().is_some_and(|s| s.check.is_none()));
    api(&mut app, Reply::TokenCheck(check(&sig)));
    assert!(app.signed_in.as_ref().is_some_and(|s| s.check.is_some()));
}
