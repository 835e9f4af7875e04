//! Realistic app states to inject faults into, reached through `update` with server-shaped
//! JSON as the real flows reach them, and the screen as a person would read it.

use clerk_tui::app::{Action, App, Backend, Effect, Reply, SignInReply, update};
use clerk_tui::fapi::{Client, Environment, SignIn};
use clerk_tui::tui::{Theme, Ui, render};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

pub fn now_ms() -> i64 {
    clerk_tui::app::effects::now_ms()
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, v: Value) -> T {
    match serde_json::from_value(v) {
        Ok(t) => t,
        Err(e) => panic!("{what} fixture: {e}"),
    }
}

fn environment() -> Environment {
    from_json(
        "environment",
        json!({
            "auth_config": {"object": "auth_config", "single_session_mode": true},
            "display_config": {"object": "display_config", "application_name": "Acme",
                "instance_environment_type": "production"},
            "user_settings": {
                "attributes": {
                    "email_address": {"enabled": true, "used_for_first_factor": true},
                    "password": {"enabled": true, "used_for_first_factor": true}
                },
                "password_settings": {"min_length": 8}
            }
        }),
    )
}

fn api(app: &mut App, reply: Reply) -> Vec<Effect> {
    let epoch = app.epoch;
    update(app, Action::Api { epoch, reply })
}

/// A remote instance with its environment loaded: the identifier screen.
pub fn ready() -> App {
    let mut app = App::new(
        Backend::Remote {
            base_url: "https://clerk.acme.test".into(),
        },
        now_ms(),
    );
    api(&mut app, Reply::Environment(Ok(Box::new(environment()))));
    app
}

pub fn sign_in(status: &str, first: Value, second: Value, extra: Value) -> SignIn {
    let mut v = json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": status,
        "identifier": "jane@example.com", "supported_identifiers": ["email_address"],
        "supported_first_factors": first, "supported_second_factors": second,
        "first_factor_verification": null, "second_factor_verification": null,
        "created_session_id": null, "abandon_at": now_ms() + 3_600_000
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    from_json("sign-in", v)
}

/// The identifier was submitted, and the server answered with `s`.
pub fn at(s: SignIn) -> (App, Vec<Effect>) {
    let mut app = ready();
    let _ = update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: "jane@example.com".into(),
            password: None,
        },
    );
    let fx = api(
        &mut app,
        Reply::SignIn(Ok(SignInReply {
            sign_in: Box::new(s),
            client: None,
        })),
    );
    (app, fx)
}

/// The password screen of a password-first account.
pub fn password_step() -> App {
    at(sign_in(
        "needs_first_factor",
        json!([{"strategy": "password"},
               {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}]),
        json!([]),
        json!({}),
    ))
    .0
}

/// Two-step verification with an authenticator app.
pub fn totp_step() -> App {
    at(sign_in(
        "needs_second_factor",
        json!([{"strategy": "password"}]),
        json!([{"strategy": "totp"}, {"strategy": "backup_code"}]),
        json!({}),
    ))
    .0
}

/// Waiting for the emailed link: the link was sent and the poller asked to start.
pub fn email_link_waiting() -> (App, Effect) {
    let (app, fx) = at(sign_in(
        "needs_first_factor",
        json!([{"strategy": "email_link", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}]),
        json!([]),
        json!({"first_factor_verification": {"object": "verification", "status": "unverified",
            "strategy": "email_link", "attempts": 0, "expire_at": now_ms() + 600_000}}),
    ));
    let Some(start) = fx
        .into_iter()
        .find(|e| matches!(e, Effect::StartPolling { .. }))
    else {
        panic!("the link was sent but no poller was started");
    };
    assert!(app.polling);
    (app, start)
}

/// Signed in, with a first token already minted.
pub fn signed_in() -> App {
    let mut app = ready();
    let client: Client = from_json(
        "client",
        json!({
            "object": "client", "id": "client_1", "last_active_session_id": "sess_1",
            "sessions": [{"object": "session", "id": "sess_1", "status": "active",
                "expire_at": now_ms() + 7 * 86_400_000,
                "user": {"object": "user", "id": "user_1", "first_name": "Jane", "last_name": "Doe",
                    "primary_email_address_id": "idn_e",
                    "email_addresses": [{"id": "idn_e", "email_address": "jane@example.com"}]}}]
        }),
    );
    let fx = api(&mut app, Reply::Client(Ok(Some(Box::new(client)))));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Call { .. })),
        "adopting the session mints a token"
    );
    api(
        &mut app,
        Reply::Token(Ok("eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2ln".into())),
    );
    assert!(app.signed_in.is_some());
    app
}

/// The whole screen at 100×30 as text, one line per row; rendering must not panic.
pub fn screen(app: &App) -> String {
    let mut terminal = match Terminal::new(TestBackend::new(100, 30)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    let mut ui = Ui::new();
    if let Err(e) = terminal.draw(|frame| render(frame, app, &mut ui, Theme::Default)) {
        panic!("draw: {e}");
    }
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The screen's words in reading order, without borders or line breaks (a wrapped sentence
/// reads as one).
pub fn words(screen: &str) -> String {
    screen
        .chars()
        .map(|c| {
            if ('\u{2500}'..='\u{257F}').contains(&c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
