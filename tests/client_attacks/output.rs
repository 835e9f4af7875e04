//! Item 9: server strings never reach the terminal raw. A hostile server hides escape
//! sequences (OSC 52, clear screen, title), BEL, NUL, C1 and bidi characters in the jwt,
//! error messages, provider names and ids; every command's stdout and stderr stay clean.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::hostile::*;

fn environment() -> Value {
    json!({"object": "environment",
      "auth_config": {"object": "auth_config", "first_factors": ["password"], "second_factors": [],
                      "identification_strategies": ["email_address"], "single_session_mode": true},
      "display_config": {"object": "display_config", "application_name": format!("Evil{PAYLOAD}"),
                         "instance_environment_type": "development"},
      "user_settings": {
        "attributes": {"email_address": {"enabled": true, "used_for_first_factor": true,
                                         "first_factors": ["email_code"]},
                       "password": {"enabled": true, "required": true}},
        "social": {"oauth_github": {"enabled": true, "authenticatable": true,
                                    "strategy": "oauth_github", "name": format!("Git{PAYLOAD}Hub")},
                   "oauth_custom_x": {"enabled": true, "authenticatable": true,
                                      "strategy": format!("oauth_custom_{PAYLOAD}"), "name": ""}}},
      "maintenance_mode": false})
}

fn hostile_error(status: u16) -> axum::http::Response<axum::body::Body> {
    json_reply(
        status,
        &json!({"errors": [{"code": format!("form_{PAYLOAD}"), "message": format!("no{PAYLOAD}"),
                            "long_message": format!("Password{PAYLOAD} is incorrect"),
                            "meta": {"param_name": format!("password{PAYLOAD}")}}],
                "clerk_trace_id": format!("trace{PAYLOAD}")}),
    )
}

/// A server where the user is signed in, whose session tokens are `jwt`.
fn signed_in_with_token(jwt: String) -> Script {
    Arc::new(move |method, path| match (method.as_str(), path) {
        ("GET", "/v1/environment") => json_reply(200, &environment()),
        ("GET", "/v1/client") => json_reply(
            200,
            &signed_in_client(session(
                &format!("sess_1{PAYLOAD}"),
                &format!("user_{PAYLOAD}"),
                &format!("eve{PAYLOAD}@example.com"),
            )),
        ),
        ("POST", p) if p.contains("/tokens") => {
            json_reply(200, &json!({"object": "token", "jwt": jwt}))
        }
        _ => hostile_error(422),
    })
}

/// Every way a "token" can carry a terminal attack; each must be refused, not printed.
fn hostile_tokens() -> Vec<(&'static str, String)> {
    vec![
        (
            "OSC 52 after a token",
            format!("{}\u{1b}]52;c;ZXZpbA==\u{7}", jwt_shaped("c2ln")),
        ),
        (
            "clear screen before",
            format!("\u{1b}[2J{}", jwt_shaped("c2ln")),
        ),
        ("BEL and NUL inside", jwt_shaped("c2\u{7}ln\u{0}")),
        ("bidi override", format!("{}\u{202e}", jwt_shaped("c2ln"))),
        ("C1 CSI", format!("{}\u{9b}2J", jwt_shaped("c2ln"))),
        (
            "a second line",
            format!("{}\nexport EVIL=1", jwt_shaped("c2ln")),
        ),
        ("not a JWT at all", PAYLOAD.to_string()),
        ("a header without alg", "e30.e30.c2ln".to_string()),
    ]
}

#[tokio::test]
async fn token_refuses_a_jwt_carrying_escape_sequences() {
    for (name, jwt) in hostile_tokens() {
        let server = Hostile::start(signed_in_with_token(jwt)).await;
        let dir = tempfile::tempdir().expect("temp dir");
        config_with_token(dir.path(), &server.store_key());
        let ran = run_bin(
            dir.path(),
            &["--frontend-api", &server.url, "token"],
            &[],
            "",
        )
        .await;
        assert_ne!(
            ran.code, 0,
            "{name}: refused, not printed: {:?}",
            ran.stdout
        );
        assert_eq!(ran.stdout, "", "{name}: nothing on stdout");
        assert!(ran.stderr.contains("not a JWT"), "{name}: {}", ran.stderr);
        assert_clean(name, &ran.stderr);
    }
}

#[tokio::test]
async fn a_real_shaped_token_is_still_printed() {
    let server = Hostile::start(signed_in_with_token(jwt_shaped("c2ln"))).await;
    let dir = tempfile::tempdir().expect("temp dir");
    config_with_token(dir.path(), &server.store_key());
    let ran = run_bin(
        dir.path(),
        &["--frontend-api", &server.url, "token"],
        &[],
        "",
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, format!("{}\n", jwt_shaped("c2ln")));
}

#[tokio::test]
async fn plain_modes_t_never_prints_a_hostile_token() {
    let jwt = format!("{}\u{1b}]52;c;ZXZpbA==\u{7}", jwt_shaped("c2ln"));
    let server = Hostile::start(signed_in_with_token(jwt)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    config_with_token(dir.path(), &server.store_key());
    let ran = run_bin(
        dir.path(),
        &["--plain", "--frontend-api", &server.url],
        &[],
        "t\nq\n",
    )
    .await;
    assert_clean("plain stdout", &ran.stdout);
    assert_clean("plain stderr", &ran.stderr);
    assert!(!ran.stdout.contains("ZXZpbA=="), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("There is no session token yet"),
        "'t' was answered: {}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("Eve") || ran.stdout.contains("eve"),
        "{}",
        ran.stdout
    );
}

#[tokio::test]
async fn status_text_and_json_clean_the_servers_ids() {
    let server = Hostile::start(signed_in_with_token(jwt_shaped("c2ln"))).await;
    let dir = tempfile::tempdir().expect("temp dir");
    config_with_token(dir.path(), &server.store_key());
    let text = run_bin(
        dir.path(),
        &["--frontend-api", &server.url, "status"],
        &[],
        "",
    )
    .await;
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("Session sess_1"), "{}", text.stdout);
    assert_clean("status", &text.stdout);
    let json = run_bin(
        dir.path(),
        &["--frontend-api", &server.url, "status", "--json"],
        &[],
        "",
    )
    .await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    for key in ["session_id", "user_id", "identifier"] {
        let s = value[key].as_str().unwrap_or_default();
        assert_clean(key, s);
        assert!(!s.is_empty(), "{key}: {value}");
    }
}

#[tokio::test]
async fn sign_in_json_cleans_the_servers_error_text_on_stdout_and_stderr() {
    let script: Script = Arc::new(|method, path| match (method.as_str(), path) {
        ("GET", "/v1/environment") => json_reply(200, &environment()),
        ("GET", "/v1/client") => json_reply(200, &json!({"response": null, "client": null})),
        _ => hostile_error(422),
    });
    let server = Hostile::start(script).await;
    let dir = tempfile::tempdir().expect("temp dir");
    for json in [true, false] {
        let mut args = vec![
            "--frontend-api",
            &server.url,
            "sign-in",
            "--identifier",
            "eve@example.com",
            "--password-env",
            "EVE_PW",
        ];
        if json {
            args.push("--json");
        }
        let ran = run_bin(dir.path(), &args, &[("EVE_PW", "pw")], "").await;
        assert_ne!(ran.code, 0, "the server refused: {}", ran.stderr);
        assert!(ran.stderr.contains("is incorrect"), "{}", ran.stderr);
        assert_clean("sign-in stderr", &ran.stderr);
        assert_clean("sign-in stdout", &ran.stdout);
        if json {
            let last: Value = ran
                .stdout
                .lines()
                .last()
                .and_then(|l| serde_json::from_str(l).ok())
                .expect("NDJSON events");
            assert_eq!(last["event"], "error", "{}", ran.stdout);
            // The JSON text itself must not escape them either (\u001b would decode back).
            let decoded = last.to_string();
            assert_clean("decoded error event", &decoded);
        }
    }
}

#[tokio::test]
async fn doctor_text_and_json_clean_provider_and_application_names() {
    let script: Script = Arc::new(|method, path| match (method.as_str(), path) {
        ("GET", "/v1/environment") => json_reply(200, &environment()),
        _ => hostile_error(500),
    });
    let server = Hostile::start(script).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let text = run_bin(
        dir.path(),
        &["--frontend-api", &server.url, "doctor"],
        &[],
        "",
    )
    .await;
    assert!(
        text.stdout.contains("GitHub") || text.stdout.contains("Git"),
        "{}",
        text.stdout
    );
    assert_clean("doctor", &text.stdout);
    assert_clean("doctor stderr", &text.stderr);
    let json = run_bin(
        dir.path(),
        &["--frontend-api", &server.url, "doctor", "--json"],
        &[],
        "",
    )
    .await;
    let value: Value = serde_json::from_str(&json.stdout).expect("one JSON report");
    assert!(value["checks"].is_array(), "{value}");
    assert_clean("doctor --json (decoded)", &value.to_string());
    assert!(
        value.to_string().contains("Git\u{fffd}"),
        "named, with a mark where the attack was: {value}"
    );
}
