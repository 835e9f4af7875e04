//! `interpret` and `describe` on hand-built states: what a typed line means at each step, and
//! the sentences a person reads there.

use secrecy::ExposeSecret;

use crate::app::{Action, App, Backend};
use crate::fapi::{Environment, SignIn, Strategy};

use super::{describe, interpret, normalize_code, wants_secret};

const NOW: i64 = 1_700_000_000_000;

fn app_with(sign_in: Option<serde_json::Value>) -> App {
    let mut app = App::new(
        Backend::Remote {
            base_url: "https://clerk.example.com".into(),
        },
        NOW,
    );
    app.environment = Some(Environment::default());
    app.sign_in = sign_in.map(|v| serde_json::from_value::<SignIn>(v).expect("a sign-in"));
    app
}

fn first_factor(verification: serde_json::Value) -> App {
    app_with(Some(serde_json::json!({
        "object": "sign_in_attempt",
        "id": "sia_1",
        "status": "needs_first_factor",
        "identifier": "jane@example.com",
        "supported_first_factors": [
            {"strategy": "passkey"},
            {"strategy": "password"},
            {"strategy": "email_code", "safe_identifier": "j***@example.com"},
            {"strategy": "reset_password_email_code", "safe_identifier": "j***@example.com"}
        ],
        "first_factor_verification": verification,
    })))
}

#[test]
fn identifier_lines_are_trimmed_and_q_quits_anywhere() {
    let app = app_with(None);
    match interpret(&app, "  jane@example.com ").as_slice() {
        [
            Action::SubmitIdentifier {
                identifier,
                password: None,
            },
        ] => {
            assert_eq!(identifier, "jane@example.com")
        }
        other => panic!("{other:?}"),
    }
    assert!(interpret(&app, "").is_empty());
    assert!(matches!(interpret(&app, "q").as_slice(), [Action::Quit]));
    assert!(!wants_secret(&app));
}

#[test]
fn password_step_keys_and_secret() {
    let app = first_factor(serde_json::Value::Null);
    assert!(wants_secret(&app));
    assert!(matches!(
        interpret(&app, "m").as_slice(),
        [Action::ChooseAnotherMethod]
    ));
    assert!(matches!(
        interpret(&app, "f").as_slice(),
        [Action::ForgotPassword]
    ));
    assert!(matches!(interpret(&app, "b").as_slice(), [Action::Back]));
    match interpret(&app, " spaced secret ").as_slice() {
        [Action::SubmitPassword(p)] => assert_eq!(p.expose_secret(), " spaced secret "),
        other => panic!("{other:?}"),
    }
    let text = describe(&app).join("\n");
    assert!(
        text.contains("Enter the password for j***@example.com."),
        "{text}"
    );
    assert!(text.contains("'f' if you forgot it"), "{text}");
}

#[test]
fn a_locked_account_says_how_long_and_offers_no_password_reset() {
    let mut app = first_factor(serde_json::Value::Null);
    app.locked_until = Some(Some(NOW + 90_000));
    app.notice = Some(crate::app::Notice {
        kind: crate::app::NoticeKind::Error,
        message: "Your account is locked.".into(),
        param_name: None,
        retryable: false,
    });
    let text = describe(&app).join("\n");
    assert!(!text.contains("forgot"), "{text}");
    assert!(
        !matches!(interpret(&app, "f").as_slice(), [Action::ForgotPassword]),
        "no reset is started while locked"
    );
    let said = super::describe::notice(&app).unwrap_or_default();
    assert!(said.starts_with("Error: This account is locked"), "{said}");
    assert!(said.contains("try again in 2 minutes"), "{said}");
}

#[test]
fn another_method_is_numbered_with_unusable_ones_last() {
    let mut app = first_factor(serde_json::Value::Null);
    app.choices.choosing = Some(crate::flow::Stage::First);
    let text = describe(&app).join("\n");
    assert!(text.contains("1. Password"), "{text}");
    assert!(
        text.contains("2. Email a code to j***@example.com"),
        "{text}"
    );
    assert!(text.contains("3. Passkey (not possible here:"), "{text}");
    assert!(
        !text.contains("Reset"),
        "reset is 'forgot password', not a method: {text}"
    );
    match interpret(&app, "2").as_slice() {
        [Action::PickFactor(s)] => assert_eq!(*s, Strategy::EmailCode),
        other => panic!("{other:?}"),
    }
    assert!(interpret(&app, "9").is_empty());
    assert!(interpret(&app, "0").is_empty());
}

#[test]
fn sent_code_says_where_and_until_when() {
    let mut app = first_factor(serde_json::json!({
        "status": "unverified",
        "strategy": "email_code",
        "expire_at": NOW + 600_000,
    }));
    app.choices.first = Some(Strategy::EmailCode);
    let text = describe(&app).join("\n");
    assert!(
        text.contains("A code was sent to j***@example.com. It expires in 10 minutes."),
        "{text}"
    );
    assert!(
        text.contains("Type the code, 'r' to send a new code"),
        "{text}"
    );
    match interpret(&app, "123 456").as_slice() {
        [Action::SubmitCode(c)] => assert_eq!(c.expose_secret(), "123456"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        interpret(&app, "r").as_slice(),
        [Action::SendCode]
    ));
    app.now_ms = NOW + 601_000;
    assert!(describe(&app).join("\n").contains("The code expired."));
}

#[test]
fn codes_lose_spaces_and_dashes_only() {
    assert_eq!(normalize_code(" 123-456 "), "123456");
    assert_eq!(normalize_code("backup01"), "backup01");
}

#[test]
fn server_text_cannot_carry_escape_sequences() {
    let mut app = app_with(None);
    app.notice = Some(crate::app::Notice {
        kind: crate::app::NoticeKind::Error,
        message: "bad\x1b[2Jthing".into(),
        param_name: None,
        retryable: false,
    });
    let text = describe(&app).join("\n");
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("Error: badthing."), "{text}");
}

/// A pasted `__clerk_ticket` link (or bare ticket) at the identifier prompt is a ticket
/// sign-in; a link whose ticket is missing is not sent on as someone's identifier.
#[test]
fn a_ticket_at_the_identifier_prompt_is_a_ticket_sign_in() {
    let app = app_with(None);
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJrIjoidGlja2V0IiwiaWQiOiJzaXRfMSJ9.c2lnbmF0dXJlLXBhcnQ";
    for line in [
        jwt.to_string(),
        format!("https://example.com/sign-in?__clerk_ticket={jwt}"),
    ] {
        match interpret(&app, &line).as_slice() {
            [Action::SubmitTicket(t)] => assert_eq!(t.expose_secret(), jwt),
            other => panic!("{other:?}"),
        }
    }
    assert!(interpret(&app, "https://example.com/?__clerk_ticket=").is_empty());
}

/// Clerk's trace id follows the error it belongs to, on a line of its own.
#[test]
fn an_error_with_a_trace_id_names_it_on_its_own_line() {
    let mut app = app_with(None);
    app.notice = Some(crate::app::Notice {
        kind: crate::app::NoticeKind::Error,
        message: "Couldn't find your account.".into(),
        param_name: None,
        retryable: false,
    });
    app.failure_trace = Some(("Couldn't find your account.".into(), "trace_1a2b".into()));
    assert_eq!(
        describe::notice(&app).as_deref(),
        Some("Error: Couldn't find your account.\nClerk's trace id for this error is trace_1a2b.")
    );
}

/// `sign-in`'s `complete` event names a pending session's task, in JSON and in words.
#[test]
fn a_pending_session_completes_with_its_task_named() {
    let mut app = app_with(None);
    app.client = Some(
        serde_json::from_value(serde_json::json!({
            "object": "client", "id": "client_1", "last_active_session_id": "sess_1",
            "sessions": [{"object": "session", "id": "sess_1", "status": "pending",
                          "tasks": [{"key": "setup-mfa"}]}]
        }))
        .expect("a client"),
    );
    app.signed_in = Some(crate::app::SignedIn {
        session_id: "sess_1".into(),
        ..Default::default()
    });
    let event = super::events::complete(&app, false);
    assert_eq!(event["task"], "set up two-step verification");
    assert!(
        super::events::sentence(&event).ends_with("A task is left: set up two-step verification."),
        "{event}"
    );
}
