//! Test fixtures: `App`s driven into each state through `update` with server-shaped JSON (as
//! the real flows get there), and drawing the whole UI on a `TestBackend`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Position;
use serde_json::{Value, json};

use super::{Ui, on_key, render};
use crate::app::{Action, App, Backend, Failure, FailureKind, Reply, SeedUserInfo, SignInReply};
use crate::fapi::{Client, Environment, SignIn, Strategy, User};
use crate::tui::Theme;
use crate::tui::widgets::testing;

pub const NOW: i64 = 1_800_000_000_000;
pub const PORT_URL: &str = "http://127.0.0.1:40123";

pub fn environment() -> Environment {
    let env = json!({
        "auth_config": {"object": "auth_config", "single_session_mode": true},
        "display_config": {"object": "display_config", "application_name": "Clerk Demo",
            "instance_environment_type": "development"},
        "user_settings": {
            "attributes": {
                "email_address": {"enabled": true, "used_for_first_factor": true},
                "phone_number": {"enabled": true, "used_for_first_factor": true,
                    "used_for_second_factor": true, "second_factors": ["phone_code"]},
                "username": {"enabled": true, "used_for_first_factor": true},
                "password": {"enabled": true, "used_for_first_factor": true}
            },
            "password_settings": {"min_length": 8, "require_numbers": true,
                "require_uppercase": true, "require_special_char": true,
                "allowed_special_characters": "!@#$%"},
            "social": {"oauth_github": {"enabled": true, "authenticatable": true,
                "strategy": "oauth_github", "name": "GitHub"}}
        }
    });
    match serde_json::from_value(env) {
        Ok(e) => e,
        Err(e) => panic!("environment fixture: {e}"),
    }
}

fn seed_users() -> Vec<SeedUserInfo> {
    let user = |id: &str, pw: Option<&str>, what: &str| SeedUserInfo {
        identifier: id.into(),
        password: pw.map(str::to_string),
        demonstrates: what.into(),
    };
    vec![
        user("alice@example.com", Some("demo-Alice-1"), "password only"),
        user(
            "bob@example.com",
            Some("demo-Bob-1"),
            "password + authenticator app (TOTP)",
        ),
        user("carol@example.com", None, "email code or email link"),
        user(
            "dave@example.com",
            Some("demo-Dave-1"),
            "new-device check (client trust)",
        ),
    ]
}

/// The embedded backend before the environment arrives.
pub fn embedded() -> App {
    App::new(
        Backend::Embedded {
            base_url: PORT_URL.into(),
            seed_users: seed_users(),
        },
        NOW,
    )
}

/// The embedded backend with its environment loaded: the identifier screen.
pub fn ready() -> App {
    let mut app = embedded();
    api(&mut app, Reply::Environment(Ok(Box::new(environment()))));
    app
}

pub fn remote() -> App {
    App::new(
        Backend::Remote {
            base_url: "https://clerk.example.com".into(),
        },
        NOW,
    )
}

pub fn api(app: &mut App, reply: Reply) {
    let epoch = app.epoch;
    let _ = crate::app::update(app, Action::Api { epoch, reply });
}

pub fn sign_in(status: &str, extra: Value) -> SignIn {
    let mut v = json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": status, "identifier": "jane@example.com",
        "supported_first_factors": [
            {"strategy": "password"},
            {"strategy": "email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e", "primary": true},
            {"strategy": "email_link", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"},
            {"strategy": "reset_password_email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"},
            {"strategy": "oauth_github"},
            {"strategy": "passkey"}
        ],
        "supported_second_factors": [
            {"strategy": "totp"},
            {"strategy": "phone_code", "safe_identifier": "+1******0100", "phone_number_id": "idn_p", "default": true},
            {"strategy": "backup_code"}
        ],
        "first_factor_verification": null, "second_factor_verification": null,
        "created_session_id": null, "abandon_at": NOW + 3_600_000
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    match serde_json::from_value(v) {
        Ok(s) => s,
        Err(e) => panic!("sign-in fixture: {e}"),
    }
}

/// A verification that was just prepared (code or link sent), expiring in ten minutes.
pub fn sent(strategy: &str) -> Value {
    json!({"object": "verification", "status": "unverified", "strategy": strategy,
        "attempts": 0, "expire_at": NOW + 600_000})
}

/// A verification the server accepted (Clerk keeps it on the sign-in after the code worked).
pub fn verified(strategy: &str) -> Value {
    json!({"object": "verification", "status": "verified", "strategy": strategy,
        "attempts": 1, "expire_at": NOW + 600_000})
}

pub fn reply(app: &mut App, s: SignIn) {
    api(
        app,
        Reply::SignIn(Ok(SignInReply {
            sign_in: Box::new(s),
            client: None,
        })),
    );
}

/// The signed-in user as `change` leaves it (what they have set up).
pub fn with_user(app: &mut App, change: impl FnOnce(&mut User)) {
    if let Some(user) = app
        .client
        .as_mut()
        .and_then(|c| c.sessions.first_mut())
        .and_then(|s| s.user.as_mut())
    {
        change(user);
    }
}

/// `strategy` picked from "use another method" at the first factor, and its code or link
/// sent (`wire`: the strategy as the server writes it).
pub fn picked_and_sent(strategy: Strategy, wire: &str) -> App {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = crate::app::update(&mut app, Action::ChooseAnotherMethod);
    let _ = crate::app::update(&mut app, Action::PickFactor(strategy));
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": sent(wire)}),
        ),
    );
    app
}

/// The identifier was submitted as a user would, then the server answered with `s`.
pub fn at(s: SignIn) -> App {
    let mut app = ready();
    let _ = crate::app::update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: "jane@example.com".into(),
            password: None,
        },
    );
    reply(&mut app, s);
    app
}

pub fn failure(kind: FailureKind, message: &str, param: Option<&str>) -> Failure {
    Failure {
        kind,
        message: message.into(),
        param_name: param.map(str::to_string),
        trace_id: None,
        session_id: None,
        client: None,
    }
}

pub fn jwt() -> String {
    let secs = NOW / 1000;
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        part(json!({"alg": "RS256", "kid": "ins_demo", "typ": "JWT"})),
        part(
            json!({"azp": "http://localhost", "exp": secs + 60, "iat": secs, "iss": PORT_URL,
            "nbf": secs - 10, "sid": "sess_1", "sub": "user_1", "v": 2})
        )
    )
}

/// Signed in: the client shows an active session, and a token was minted.
pub fn signed_in() -> App {
    let mut app = ready();
    let client: Client = match serde_json::from_value(json!({
        "object": "client", "id": "client_1", "last_active_session_id": "sess_1",
        "sessions": [{"object": "session", "id": "sess_1", "status": "active",
            "expire_at": NOW + 7 * 86_400_000,
            "user": {"object": "user", "id": "user_1", "first_name": "Jane", "last_name": "Doe",
                "primary_email_address_id": "idn_e",
                "email_addresses": [{"id": "idn_e", "email_address": "jane@example.com"}]}}]
    })) {
        Ok(c) => c,
        Err(e) => panic!("client fixture: {e}"),
    };
    api(&mut app, Reply::Client(Ok(Some(Box::new(client)))));
    api(&mut app, Reply::Token(Ok(jwt())));
    app
}

/// Draws the whole UI and returns the terminal and where the hardware cursor ended up.
pub fn draw(
    app: &App,
    ui: &mut Ui,
    theme: Theme,
    width: u16,
    height: u16,
) -> (Terminal<TestBackend>, Position) {
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    if let Err(e) = terminal.draw(|frame| render(frame, app, ui, theme)) {
        panic!("draw: {e}");
    }
    let cursor = match terminal.get_cursor_position() {
        Ok(p) => p,
        Err(e) => panic!("cursor: {e}"),
    };
    (terminal, cursor)
}

/// The 80×24 snapshot text (rows, cursor, styles) of the current screen.
pub fn shot(app: &App, ui: &mut Ui, theme: Theme) -> String {
    let (terminal, cursor) = draw(app, ui, theme, 80, 24);
    testing::snapshot(&terminal, Some(cursor))
}

pub fn screen(app: &App, ui: &mut Ui) -> String {
    let (terminal, _) = draw(app, ui, Theme::Default, 80, 24);
    testing::screen(&terminal)
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Types `text` key by key; returns every action the keys produced.
pub fn type_text(app: &App, ui: &mut Ui, text: &str) -> Vec<Action> {
    text.chars()
        .flat_map(|c| on_key(app, ui, key(KeyCode::Char(c))))
        .collect()
}

/// An earlier run left a sign-in at the password step on this client: the app asks first.
pub fn unfinished() -> App {
    let mut app = ready();
    let pending = sign_in("needs_first_factor", json!({}));
    let client: Client = match serde_json::from_value(json!({
        "object": "client", "id": "client_1", "sessions": [],
        "sign_in": serde_json::to_value(&pending).unwrap_or_default()
    })) {
        Ok(c) => c,
        Err(e) => panic!("client fixture: {e}"),
    };
    api(&mut app, Reply::Client(Ok(Some(Box::new(client)))));
    assert!(app.unfinished.is_some() && app.sign_in.is_none());
    app
}
