//! The attacks that broke the emulator (issue 12, items 1–8), each performed against a real
//! server and shown to fail now: lockout races, tickets for locked users, unbounded hashing,
//! DNS rebinding and cross-site requests, loose file modes, errors outside Clerk's shape,
//! dual-stack peers, and connections that never finish their request.

use std::sync::Arc;
use std::time::Duration;

use clerk_tui::devserver::{DbLocation, DevServerConfig, Limits};
use futures::future::join_all;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Barrier;

use crate::harness::*;

fn limits(f: impl FnOnce(&mut Limits)) -> DevServerConfig {
    let mut limits = Limits {
        rate_limit_requests: 10_000,
        ..Limits::default()
    };
    f(&mut limits);
    DevServerConfig {
        limits,
        ..DevServerConfig::default()
    }
}

/// `n` password sign-ins for `identifier` from `n` fresh clients, released at once.
async fn concurrent_guesses(
    server: &TestServer,
    identifier: &str,
    passwords: &[&str],
) -> Vec<Resp> {
    let barrier = Arc::new(Barrier::new(passwords.len()));
    join_all(passwords.iter().map(|pw| {
        let barrier = barrier.clone();
        async move {
            let mut fapi = Fapi::new(server);
            barrier.wait().await;
            fapi.create_sign_in(&[("identifier", identifier), ("password", pw)])
                .await
        }
    }))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lockout_race_no_guess_is_evaluated_past_the_limit() {
    let server = start_with(limits(|_| {})).await;
    let mut fapi = Fapi::new(&server);
    for _ in 0..4 {
        fapi.create_sign_in(&[
            ("identifier", "ada@example.com"),
            ("password", "wrong-guess"),
        ])
        .await
        .expect_error(422, "form_password_incorrect");
    }
    let before = server.password_hash_count();
    let guesses = vec!["wrong-guess"; 20];
    let answers = concurrent_guesses(&server, "ada@example.com", &guesses).await;
    let evaluated = server.password_hash_count() - before;
    assert!(
        evaluated <= 1,
        "{evaluated} guesses evaluated past 4 failures"
    );
    for r in &answers {
        assert!(
            matches!(r.error_code(), "user_locked" | "too_many_requests"),
            "{}",
            r.text
        );
    }
    // Locked now: even the right password is not evaluated.
    let before = server.password_hash_count();
    Fapi::new(&server)
        .create_sign_in(&[("identifier", "ada@example.com"), ("password", PASSWORD)])
        .await
        .expect_error(403, "user_locked");
    assert_eq!(server.password_hash_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_success_does_not_reopen_the_door_for_guesses_beside_it() {
    // One hash at a time: the five are all admitted before the first outcome is known.
    let server = start_with(limits(|l| l.password_hashes_in_flight = 1)).await;
    let mut guesses = vec!["wrong-guess"; 4];
    guesses.push(PASSWORD);
    concurrent_guesses(&server, "grace@example.com", &guesses).await;
    // However the five landed, the four failures stay counted: one more locks the account.
    Fapi::new(&server)
        .create_sign_in(&[
            ("identifier", "grace@example.com"),
            ("password", "wrong-guess"),
        ])
        .await
        .expect_error(403, "user_locked");
}

#[tokio::test]
async fn a_ticket_does_not_sign_in_a_locked_user() {
    let server = start().await;
    for who in ["locked@example.com", "ada@example.com"] {
        if who == "ada@example.com" {
            let mut fapi = Fapi::new(&server);
            for _ in 0..5 {
                fapi.create_sign_in(&[("identifier", who), ("password", "wrong-guess")])
                    .await;
            }
        }
        let (status, ticket) =
            dev_post(&server, "/__dev/sign_in_tokens", json!({"identifier": who})).await;
        assert_eq!(status, 200);
        let token = ticket["token"].as_str().expect("token");
        let mut fapi = Fapi::new(&server);
        fapi.create_sign_in(&[("strategy", "ticket"), ("ticket", token)])
            .await
            .expect_error(403, "user_locked");
        let si = fapi.create_sign_in(&[("identifier", who)]).await;
        if si.status == 200 {
            fapi.sign_in_action(
                &id(si.response()),
                "attempt_first_factor",
                &[("strategy", "ticket"), ("ticket", token)],
            )
            .await
            .expect_error(403, "user_locked");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_hashing_is_bounded_and_the_overflow_is_told_to_retry() {
    let server = start_with(limits(|l| {
        l.lockout_attempts = 10_000;
        l.password_hashes_in_flight = 2;
        l.password_hash_queue = 2;
    }))
    .await;
    let guesses = vec!["wrong-guess"; 30];
    let answers = concurrent_guesses(&server, "ada@example.com", &guesses).await;
    assert!(
        server.password_hash_peak() <= 2,
        "{}",
        server.password_hash_peak()
    );
    let refused: Vec<_> = answers.iter().filter(|r| r.status == 429).collect();
    assert!(
        !refused.is_empty(),
        "30 guesses at once fit in 2 + 2 slots?"
    );
    for r in &refused {
        r.expect_error(429, "too_many_requests");
        assert!(
            r.header("retry-after")
                .is_some_and(|v| v.parse::<u64>().is_ok())
        );
    }
    for r in answers.iter().filter(|r| r.status != 429) {
        r.expect_error(422, "form_password_incorrect");
    }
}

/// One raw HTTP/1.1 exchange (so Host and Origin are exactly what an attacker sends).
async fn raw(server: &TestServer, head: &str, body: &str) -> (u16, Value) {
    let mut s = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    let req = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn dns_rebinding_hosts_are_refused_everywhere() {
    let server = start().await;
    let port = server.addr().port();
    for path in [
        "/__dev/totp/grace@example.com",
        "/v1/environment",
        "/__dev/users",
    ] {
        let (status, body) = raw(
            &server,
            &format!("GET {path} HTTP/1.1\r\nHost: rebind.evil.example:{port}"),
            "",
        )
        .await;
        assert_eq!(
            (status, body["errors"][0]["code"].as_str()),
            (403, Some("host_invalid"))
        );
        assert!(body["errors"][0]["code"].as_str().is_some());
    }
    for host in [
        "localhost",
        "app.localhost",
        "127.0.0.1",
        "127.1.2.3",
        "[::1]",
    ] {
        let (status, _) = raw(
            &server,
            &format!("GET /__dev/totp/grace@example.com HTTP/1.1\r\nHost: {host}:{port}"),
            "",
        )
        .await;
        assert_eq!(status, 200, "{host}");
    }
}

#[tokio::test]
async fn other_sites_cannot_drive_the_dev_endpoints() {
    let server = start().await;
    let port = server.addr().port();
    let user = r#"{"email_address":"mallory@example.com","password":"forged-password"}"#;
    let cases = [
        (
            "Content-Type: text/plain\r\nOrigin: https://evil.example",
            403,
        ),
        (
            "Content-Type: application/json\r\nOrigin: https://evil.example",
            403,
        ),
        ("Content-Type: text/plain", 415),
        ("Content-Type: application/x-www-form-urlencoded", 415),
    ];
    for (headers, want) in cases {
        let (status, body) = raw(
            &server,
            &format!("POST /__dev/users HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}"),
            user,
        )
        .await;
        assert_eq!(status, want, "{headers}: {body}");
        assert!(body["errors"][0]["long_message"].as_str().is_some());
    }
    let users: Value = reqwest::get(format!("{}/__dev/users", server.base_url()))
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    assert!(
        !users.to_string().contains("mallory"),
        "a forged user was created"
    );
    // The developer's own page on a loopback origin may.
    let (status, _) = raw(
        &server,
        &format!(
            "POST /__dev/users HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nOrigin: http://localhost:3000"
        ),
        user,
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn the_consent_form_takes_posts_from_its_own_page_only() {
    let server = start().await;
    let port = server.addr().port();
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .create_sign_in(&[
            ("strategy", "oauth_mock"),
            ("redirect_url", "http://127.0.0.1:9/callback"),
        ])
        .await;
    let url = si.response()["first_factor_verification"]["external_verification_redirect_url"]
        .as_str()
        .expect("consent url")
        .to_string();
    let path = url
        .strip_prefix(server.base_url())
        .expect("consent address on this server")
        .to_string();
    let users: Value = reqwest::get(format!("{}/__dev/users", server.base_url()))
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    let ada = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["email_address"] == "ada@example.com"))
        .and_then(|u| u["id"].as_str())
        .expect("ada")
        .to_string();
    let form = format!("user_id={ada}");
    for origin in ["https://evil.example", "null"] {
        let (status, _) = raw(
            &server,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nOrigin: {origin}"
            ),
            &form,
        )
        .await;
        assert_eq!(status, 403, "consent forged from {origin}");
    }
    let r = fapi
        .get(&format!("/v1/client/sign_ins/{}", id(si.response())))
        .await;
    assert_ne!(r.status_of_sign_in(), "complete");
    // The page itself (same origin) signs in.
    let (status, _) = raw(
        &server,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nOrigin: http://127.0.0.1:{port}"
        ),
        &form,
    )
    .await;
    assert_eq!(status, 303);
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_and_its_directories_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    let root = tempfile::tempdir().expect("tempdir");
    let nested = root.path().join("config").join("clerk-tui");
    let db = nested.join("devserver.sqlite3");
    let server = start_with(DevServerConfig {
        db: DbLocation::File(db.clone()),
        ..DevServerConfig::default()
    })
    .await;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&root.path().join("config")), 0o700);
    server.shutdown().await.expect("shutdown");
    // A file left world-readable by an older version is tightened on the next start.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let server = start_with(DevServerConfig {
        db: DbLocation::File(db.clone()),
        ..DevServerConfig::default()
    })
    .await;
    assert_eq!(mode(&db), 0o600);
    for side in ["devserver.sqlite3-wal", "devserver.sqlite3-shm"] {
        let p = nested.join(side);
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{side}");
        }
    }
    drop(server);
}

#[tokio::test]
async fn every_error_is_in_clerks_shape() {
    let server = start().await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    let big = "x".repeat(300 * 1024);
    let answers = [
        http.post(format!("{base}/__dev/users"))
            .header("content-type", "application/json")
            .body(format!(r#"{{"email_address":"{big}"}}"#)),
        http.post(format!("{base}/v1/client/sign_ins?_is_native=true"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("identifier={big}")),
        http.get(format!("{base}/v1/no/such/route")),
        http.delete(format!("{base}/v1/client/sign_ins")),
        http.post(format!("{base}/__dev/clock"))
            .header("content-type", "application/json")
            .body("{not json"),
    ];
    let want = [413, 413, 404, 405, 400];
    for (req, want) in answers.into_iter().zip(want) {
        let resp = req.send().await.expect("send");
        assert_eq!(resp.status().as_u16(), want);
        let body: Value = resp.json().await.expect("a JSON body");
        let e = &body["errors"][0];
        for field in ["code", "message", "long_message"] {
            assert!(
                e[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field}: {body}"
            );
        }
        assert!(e["meta"].is_object(), "{body}");
    }
}

#[tokio::test]
async fn ipv4_clients_of_a_dual_stack_server_are_loopback() {
    let server = match clerk_tui::devserver::DevServer::start(DevServerConfig {
        addr: "[::]:0".parse().expect("addr"),
        ..DevServerConfig::default()
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            println!("skipped: this machine cannot listen on [::] ({e})");
            return;
        }
    };
    let url = format!("http://127.0.0.1:{}/__dev/users", server.addr().port());
    let resp = reqwest::get(&url)
        .await
        .expect("IPv4 reaches the [::] socket");
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn half_sent_and_idle_connections_are_closed() {
    let server = start_with(limits(|l| {
        l.header_read_timeout = Duration::from_millis(300)
    }))
    .await;
    let read_until_closed = |mut s: tokio::net::TcpStream| async move {
        let mut buf = Vec::new();
        tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut buf))
            .await
            .map(|_| buf)
    };
    // A slow client stops after half a request...
    let mut half = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    half.write_all(b"GET /v1/environment HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("write");
    // ...and does not hold up anyone else meanwhile.
    Fapi::new(&server).get("/v1/environment").await.ok();
    let got = read_until_closed(half).await.expect("closed within 3 s");
    assert!(!String::from_utf8_lossy(&got).contains("200 OK"));
    // A body announced but never finished is answered 408 in Clerk's shape.
    let mut slow = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    slow.write_all(
        b"POST /v1/client/sign_ins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nidentifier=",
    )
    .await
    .expect("write");
    let got = read_until_closed(slow).await.expect("answered within 3 s");
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("\"request_timeout\""), "{got}");
    // A kept-alive connection that goes quiet after one answer is closed too.
    let mut idle = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    idle.write_all(b"GET /v1/environment HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("write");
    let got = read_until_closed(idle).await.expect("closed within 3 s");
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
}
