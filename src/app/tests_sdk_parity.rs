//! Where the app now behaves as Clerk's SDKs do (issue 15, item 4), each pinned through
//! `update` with server-shaped JSON: a `pending` session is signed in with its task named, a
//! 401 `authentication_invalid` reloads the client, the client sent with an error is applied,
//! an existing session is switched to, the email link is not offered when it needs the same
//! client, Clerk's trace id reaches the notice, and a ticket is one call.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::tests_signed_in::*;
use super::*;
use crate::fapi::{SignIn, Strategy};
use crate::flow::{Stage, Step};

fn refused(status: u16, code: &str) -> Failure {
    Failure {
        kind: FailureKind::Api {
            status,
            code: code.into(),
        },
        message: "The request was refused.".into(),
        param_name: None,
        trace_id: Some("trace_7f3a".into()),
        session_id: None,
        client: None,
    }
}

fn loads_client(fx: &[Effect]) -> bool {
    fx.iter().any(|e| {
        matches!(
            e,
            Effect::Call {
                call: Call::LoadClient,
                ..
            }
        )
    })
}

fn ready() -> App {
    let mut app = App::new(backend(false), NOW);
    app.environment = Some(parse(json!({})));
    app
}

/// A sign-in that `complete`d into a session Clerk left `pending` with a task (the client
/// shape of a recorded completion, with `tasks` as the OpenAPI description has them).
#[test]
fn a_pending_session_is_signed_in_and_names_its_task() {
    let mut app = ready();
    let mut c = client(&[(
        "sess_p",
        "pending",
        user("user_1", "jane@example.com", false),
    )]);
    c.sessions[0].tasks = vec![crate::fapi::SessionTask {
        key: "choose-organization".into(),
    }];
    let done: SignIn = parse(json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": "complete",
        "supported_first_factors": null, "supported_second_factors": null,
        "created_session_id": "sess_p"
    }));
    let fx = api(
        &mut app,
        Reply::SignIn(Ok(SignInReply {
            sign_in: Box::new(done),
            client: Some(Box::new(c.clone())),
        })),
    );
    assert!(mints(&fx), "a pending session mints its token: {fx:?}");
    assert_eq!(app.session_id().as_deref(), Some("sess_p"));
    // The client reloaded: a pending session is not "ended".
    api(&mut app, Reply::Client(Ok(Some(Box::new(c)))));
    assert!(
        matches!(app.step(), Step::Complete { .. }),
        "{:?}",
        app.notice
    );
    let session = app.session().expect("the pending session");
    assert_eq!(
        crate::flow::session_task(session).as_deref(),
        Some("choose an organization")
    );
    // And a restart with only that session resumes it.
    let mut again = ready();
    let c = client(&[(
        "sess_p",
        "pending",
        user("user_1", "jane@example.com", false),
    )]);
    api(&mut again, Reply::Client(Ok(Some(Box::new(c)))));
    assert_eq!(again.session_id().as_deref(), Some("sess_p"));
}

#[test]
fn an_authentication_invalid_answer_reloads_the_client_and_a_refused_reload_signs_out() {
    let mut app = ready();
    update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: "jane@example.com".into(),
            password: None,
        },
    );
    let fx = api(
        &mut app,
        Reply::SignIn(Err(refused(401, "authentication_invalid"))),
    );
    assert!(loads_client(&fx), "clerk-js reloads the client: {fx:?}");
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(
                e,
                Effect::Call {
                    call: Call::LoadClient,
                    ..
                }
            ))
            .count(),
        1
    );
    // Signed in, the reload is refused too: the client is gone, and so is the session here.
    let mut app = signed_in(false);
    let fx = api(
        &mut app,
        Reply::Client(Err(refused(401, "authentication_invalid"))),
    );
    assert!(!loads_client(&fx), "no reload of a refused reload: {fx:?}");
    assert!(app.signed_in.is_none());
    assert_eq!(app.step(), Step::Identifier);
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("session has ended")),
        "{:?}",
        app.notice
    );
}

/// `{"errors":[…], "meta":{"client":{…}}}`: the sign-in in it is the one under way, moved on.
#[test]
fn the_client_sent_with_an_error_is_applied() {
    let mut app = ready();
    app.sign_in = Some(parse(json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor",
        "supported_first_factors": [{"strategy": "password"}]
    })));
    let moved: crate::fapi::Client = parse(json!({
        "object": "client", "id": "client_9", "sessions": [],
        "sign_in": {"object": "sign_in_attempt", "id": "sia_1", "status": "needs_second_factor",
                    "supported_second_factors": [{"strategy": "totp"}]}
    }));
    let failure = Failure {
        client: Some(Box::new(moved)),
        ..refused(422, "form_code_incorrect")
    };
    api(&mut app, Reply::SignIn(Err(failure)));
    assert_eq!(app.client.as_ref().map(|c| c.id.as_str()), Some("client_9"));
    assert!(
        matches!(app.step(), Step::Factor(f) if f.stage == Stage::Second),
        "{:?}",
        app.step()
    );
}

#[test]
fn an_existing_session_is_switched_to_not_a_dead_end() {
    let mut app = ready();
    app.client = Some(client(&[(
        "sess_2",
        "active",
        user("user_2", "ada@example.com", false),
    )]));
    update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: "ada@example.com".into(),
            password: None,
        },
    );
    let failure = Failure {
        session_id: Some("sess_2".into()),
        ..refused(400, "identifier_already_signed_in")
    };
    let fx = api(&mut app, Reply::SignIn(Err(failure)));
    assert_eq!(app.session_id().as_deref(), Some("sess_2"));
    assert!(mints(&fx), "{fx:?}");
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Call { call: Call::TouchSession { session_id }, .. } if session_id == "sess_2"
    )));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.message.contains("already signed in")),
        "{:?}",
        app.notice
    );
    // The same through the sign-in itself (`existingSession` of clerk-js).
    let mut app = ready();
    app.client = Some(client(&[(
        "sess_2",
        "active",
        user("user_2", "ada@example.com", false),
    )]));
    let failed: SignIn = parse(json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor",
        "supported_first_factors": [{"strategy": "password"}],
        "first_factor_verification": {"object": "verification_password", "status": "failed",
            "strategy": "password", "attempts": 1, "expire_at": null,
            "error": {"code": "identifier_already_signed_in", "message": "already signed in",
                      "meta": {"session_id": "sess_2"}}}
    }));
    api(
        &mut app,
        Reply::SignIn(Ok(SignInReply {
            sign_in: Box::new(failed),
            client: None,
        })),
    );
    assert_eq!(app.session_id().as_deref(), Some("sess_2"));
    // Unknown here: the client is reloaded, and its active session shown.
    let mut app = ready();
    let fx = api(&mut app, Reply::SignIn(Err(refused(400, "session_exists"))));
    assert!(loads_client(&fx), "{fx:?}");
    // Named but not held yet: once the reloaded client has it, that session, not the last active.
    let mut app = ready();
    let failure = Failure {
        session_id: Some("sess_2".into()),
        ..refused(400, "identifier_already_signed_in")
    };
    assert!(loads_client(&api(&mut app, Reply::SignIn(Err(failure)))));
    let both = client(&[
        (
            "sess_1",
            "active",
            user("user_1", "jane@example.com", false),
        ),
        ("sess_2", "active", user("user_2", "ada@example.com", false)),
    ]);
    api(&mut app, Reply::Client(Ok(Some(Box::new(both)))));
    assert_eq!(app.session_id().as_deref(), Some("sess_2"));
}

#[test]
fn an_email_link_that_needs_the_same_client_is_not_offered_and_says_why() {
    let mut app = ready();
    app.environment = Some(parse(json!({"user_settings": {
        "attack_protection": {"email_link": {"require_same_client": true}}}})));
    assert!(app.email_link_same_client());
    app.sign_in = Some(parse(json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor",
        "identifier": "jane@example.com",
        "supported_first_factors": [
            {"strategy": "email_link", "safe_identifier": "jane@example.com", "email_address_id": "idn_e"},
            {"strategy": "email_code", "safe_identifier": "jane@example.com", "email_address_id": "idn_e"}
        ]
    })));
    assert!(
        matches!(app.step(), Step::Factor(f) if *f.strategy() == Strategy::EmailCode),
        "{:?}",
        app.step()
    );
    update(&mut app, Action::ChooseAnotherMethod);
    update(&mut app, Action::PickFactor(Strategy::EmailLink));
    let said = app
        .notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_default();
    assert!(said.contains("require_same_client"), "{said}");
    assert_eq!(app.step(), Step::ChooseFactor(Stage::First));
}

#[test]
fn clerks_trace_id_goes_with_the_notice_it_belongs_to() {
    let mut app = ready();
    update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: "jane@example.com".into(),
            password: None,
        },
    );
    api(
        &mut app,
        Reply::SignIn(Err(refused(422, "form_identifier_not_found"))),
    );
    assert_eq!(app.notice_trace_id(), Some("trace_7f3a"));
    update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: String::new(),
            password: None,
        },
    );
    assert_eq!(
        app.notice_trace_id(),
        None,
        "another notice, not that failure"
    );
}

#[test]
fn a_ticket_is_one_call_that_carries_it_and_forgets_the_typed_identifier() {
    let mut app = ready();
    app.identifier = Some("someone@example.com".into());
    let fx = update(
        &mut app,
        Action::SubmitTicket(SecretString::from("eyJ.ticket.value".to_string())),
    );
    match fx.as_slice() {
        [
            Effect::Call {
                call: Call::CreateTicketSignIn { ticket },
                ..
            },
        ] => assert_eq!(ticket.expose_secret(), "eyJ.ticket.value"),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.identifier, None);
    assert!(
        !format!("{fx:?}").contains("ticket.value"),
        "Debug hides the ticket"
    );
}
