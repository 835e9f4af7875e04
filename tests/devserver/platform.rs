//! The server as a platform: persistence across restarts, browser-client plumbing (method
//! override, CORS, dev-browser token), the `/__dev/` endpoints, and robustness to garbage.

use clerk_tui::devserver::{DbLocation, DevServerConfig};
use serde_json::{Value, json};

use crate::harness::*;

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "clerk-tui-devserver-{}-{name}-{}",
        std::process::id(),
        rand_suffix()
    ));
    dir.join("devserver.sqlite3")
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

#[tokio::test]
async fn restart_on_the_same_file_keeps_users_clients_and_sessions() {
    let path = temp_db("restart");
    let config = || DevServerConfig {
        db: DbLocation::File(path.clone()),
        ..DevServerConfig::default()
    };
    let server = start_with(config()).await;
    let (status, _) = dev_post(
        &server,
        "/__dev/users",
        json!({"email_address": "new@example.com", "password": "persisted-password"}),
    )
    .await;
    assert_eq!(status, 201);
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .password_sign_in("new@example.com", "persisted-password")
        .await;
    let sid = si["created_session_id"]
        .as_str()
        .expect("session")
        .to_string();
    let pending = fapi
        .create_sign_in(&[
            ("strategy", "email_code"),
            ("identifier", "katherine@example.com"),
        ])
        .await
        .response()
        .clone();
    let code = outbox_latest(&server, "katherine@example.com").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    let kid = reqwest::get(format!("{}/.well-known/jwks.json", server.base_url()))
        .await
        .expect("jwks")
        .json::<Value>()
        .await
        .expect("json")["keys"][0]["kid"]
        .clone();
    let token = fapi.token.clone();
    server.shutdown().await.expect("clean shutdown");

    let server = start_with(config()).await;
    let mut fapi = Fapi::new(&server);
    fapi.token = token;
    let client = fapi.get("/v1/client").await;
    assert_eq!(
        client.ok().response()["last_active_session_id"],
        sid.as_str()
    );
    assert_eq!(
        client.response()["sessions"][0]["user"]["email_addresses"][0]["email_address"],
        "new@example.com"
    );
    // The pending code survives too.
    let r = fapi
        .sign_in_action(
            &id(&pending),
            "attempt_first_factor",
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    let kid_after = reqwest::get(format!("{}/.well-known/jwks.json", server.base_url()))
        .await
        .expect("jwks")
        .json::<Value>()
        .await
        .expect("json")["keys"][0]["kid"]
        .clone();
    assert_eq!(kid, kid_after, "the signing key is stable across restarts");
    server.shutdown().await.expect("clean shutdown");
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn browser_style_requests_method_override_cors_and_dev_browser() {
    let server = start().await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    let db: Value = http
        .post(format!("{base}/v1/dev_browser"))
        .send()
        .await
        .expect("dev browser")
        .json()
        .await
        .expect("json");
    let db_jwt = db["token"].as_str().expect("token").to_string();

    // clerk-js: query-string API version with a newer date, dev-browser JWT, _method override.
    let q =
        format!("__clerk_api_version=2026-08-20&_clerk_js_version=6.0.0&__clerk_db_jwt={db_jwt}");
    let resp = http
        .post(format!("{base}/v1/client/sign_ins?{q}"))
        .header("Origin", "http://localhost:5173")
        .form(&[("identifier", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert_eq!(resp.headers()["access-control-allow-credentials"], "true");
    assert!(
        resp.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap_or("")
            .contains("Authorization")
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["response"]["status"], "complete");
    assert_eq!(
        db["id"], db["token"],
        "clerk-js keeps `id` as the dev-browser JWT"
    );
    // The same dev-browser JWT keeps naming the client that signed in.
    let client: Value = http
        .get(format!("{base}/v1/client?{q}"))
        .send()
        .await
        .expect("client")
        .json()
        .await
        .expect("json");
    assert_eq!(client["response"]["id"], body["client"]["id"]);

    let out = http
        .post(format!("{base}/v1/client/sessions?{q}&_method=DELETE"))
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status().as_u16(), 200);
    let out: Value = out.json().await.expect("json");
    validate("DELETE", "/v1/client/sessions", 200, &out);
    assert_eq!(
        out["response"]["sessions"].as_array().map(Vec::len),
        Some(0)
    );

    let form_override = http
        .post(format!("{base}/v1/client?{q}"))
        .form(&[("_method", "DELETE")])
        .send()
        .await
        .expect("delete client");
    assert_eq!(form_override.status().as_u16(), 200);
    // After the client is gone, the dev browser gets a new one and keeps using it.
    let si: Value = http
        .post(format!("{base}/v1/client/sign_ins?{q}"))
        .form(&[("identifier", "ada@example.com")])
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("json");
    let si_id = si["response"]["id"]
        .as_str()
        .expect("sign-in id")
        .to_string();
    let polled = http
        .get(format!("{base}/v1/client/sign_ins/{si_id}?{q}"))
        .send()
        .await
        .expect("poll");
    assert_eq!(
        polled.status().as_u16(),
        200,
        "the new client sticks to the dev browser"
    );

    let preflight = http
        .request(reqwest::Method::OPTIONS, format!("{base}/v1/client"))
        .header("Origin", "http://127.0.0.1:3000")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status().as_u16(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-headers"],
        "authorization, content-type"
    );
    let foreign = http
        .request(reqwest::Method::OPTIONS, format!("{base}/v1/client"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("preflight");
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn dev_endpoints_users_outbox_clock_and_reset() {
    let server = start().await;
    let base = server.base_url();
    let users: Value = reqwest::get(format!("{base}/__dev/users"))
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    assert_eq!(
        users.as_array().map(Vec::len),
        Some(server.seeded_users().len())
    );
    assert!(
        server
            .seeded_users()
            .iter()
            .any(|u| u.demonstrates.contains("TOTP") && u.totp_secret.is_some())
    );

    let (status, body) = dev_post(
        &server,
        "/__dev/users",
        json!({"password": "no identifier here"}),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("form_param_value_invalid"))
    );
    let (status, _) = dev_post(
        &server,
        "/__dev/users",
        json!({"email_address": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 422, "duplicate identifiers are refused");
    let (status, _) = dev_post(
        &server,
        "/__dev/users",
        json!({"username": "someone", "unknown_field": 1}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, user) = dev_post(
        &server,
        "/__dev/users",
        json!({"email_address": "mfa@example.com", "password": "mfa-password-1", "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "backup_codes": ["one-code"]}),
    )
    .await;
    assert_eq!(status, 201);
    let totp: Value = reqwest::get(format!(
        "{base}/__dev/totp/{}",
        user["id"].as_str().unwrap_or("")
    ))
    .await
    .expect("totp")
    .json()
    .await
    .expect("json");
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .password_sign_in("mfa@example.com", "mfa-password-1")
        .await;
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[
                ("strategy", "totp"),
                ("code", totp["code"].as_str().unwrap_or("")),
            ],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");

    // Long-poll: a waiting outbox read returns as soon as the code is sent.
    let waiter = tokio::spawn({
        let url = format!("{base}/__dev/outbox?to=katherine@example.com&wait=10");
        async move {
            reqwest::get(url)
                .await
                .expect("outbox")
                .json::<Value>()
                .await
                .expect("json")
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    Fapi::new(&server)
        .create_sign_in(&[
            ("strategy", "email_code"),
            ("identifier", "katherine@example.com"),
        ])
        .await
        .ok();
    let msgs = tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
        .await
        .expect("woke up")
        .expect("task");
    assert_eq!(msgs[0]["to"], "katherine@example.com");
    assert_eq!(server.outbox()[0].to, "katherine@example.com");

    let (_, frozen) = dev_post(&server, "/__dev/clock", json!({"freeze": true})).await;
    assert_eq!(frozen["frozen"], true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let (_, later) = dev_post(&server, "/__dev/clock", json!({})).await;
    assert_eq!(frozen["now"], later["now"]);
    dev_post(&server, "/__dev/clock", json!({"freeze": false})).await;

    let html = reqwest::get(format!("{base}/__dev/"))
        .await
        .expect("index")
        .text()
        .await
        .expect("html");
    assert!(html.contains("katherine@example.com") && html.contains("Outbox"));

    let (status, reset) = dev_post(&server, "/__dev/reset", json!({})).await;
    assert_eq!(
        (status, reset["users"].as_u64()),
        (200, Some(server.seeded_users().len() as u64))
    );
    assert!(server.outbox().is_empty());
    Fapi::new(&server)
        .create_sign_in(&[("identifier", "mfa@example.com")])
        .await
        .expect_error(422, "form_identifier_not_found");
    // The old client token is still ours (same key) but its client is gone: a fresh one.
    let c = fapi
        .post("/v1/client/sign_ins", &[("identifier", "ada@example.com")])
        .await;
    assert_eq!(c.status_of_sign_in(), "needs_first_factor");
}

#[tokio::test]
async fn garbage_never_breaks_the_server() {
    let server = start().await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    let paths = [
        "/v1/client/sign_ins/%00/attempt_first_factor",
        "/v1/client/sign_ins/sia_x/prepare_second_factor",
        "/v1/client/sessions/%ff/tokens",
        "/v1/me/totp/attempt_verification",
        "/v1/client/sign_ins?_method=%00",
        "/__dev/totp/%20",
        "/__dev/outbox?wait=abc",
        "/v1/verify?token=a.b.c",
        "/v1/verify",
    ];
    let bodies: [&[u8]; 4] = [
        b"",
        b"strategy=&code=&&&==",
        b"\xff\xfe\xfd",
        b"strategy=password&password=\xe2\x82",
    ];
    for p in paths {
        for b in bodies {
            for method in [
                reqwest::Method::POST,
                reqwest::Method::GET,
                reqwest::Method::DELETE,
            ] {
                let resp = http
                    .request(method.clone(), format!("{base}{p}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Bearer garbage.!!.%%")
                    .body(b.to_vec())
                    .send()
                    .await
                    .expect("server answers");
                let status = resp.status().as_u16();
                assert!(status < 500, "{method} {p}: {status}");
                if !p.starts_with("/v1/verify") {
                    let body: Value = resp.json().await.unwrap_or(Value::Null);
                    assert!(
                        body["errors"][0]["code"].is_string(),
                        "{method} {p}: {status} {body}"
                    );
                }
            }
        }
    }
    assert_eq!(
        reqwest::get(format!("{base}/v1/environment"))
            .await
            .expect("still up")
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn handle_reports_outbox_changes_and_dropping_it_stops_the_server() {
    let server = start().await;
    assert!(server.publishable_key().starts_with("pk_test_"));
    let mut watch = server.outbox_watch();
    Fapi::new(&server)
        .create_sign_in(&[
            ("strategy", "email_code"),
            ("identifier", "katherine@example.com"),
        ])
        .await
        .ok();
    tokio::time::timeout(std::time::Duration::from_secs(5), watch.changed())
        .await
        .expect("outbox changed in time")
        .expect("server alive");
    let latest = &server.outbox()[0];
    assert_eq!(
        (latest.kind.as_str(), latest.channel.as_str()),
        ("code", "email")
    );
    assert!(
        !format!("{latest:?}").contains(latest.code.as_deref().unwrap_or("-")),
        "Debug hides the code"
    );

    let base = server.base_url().to_string();
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    assert!(
        fresh
            .get(format!("{base}/v1/environment"))
            .send()
            .await
            .is_err(),
        "the server stopped"
    );
}
