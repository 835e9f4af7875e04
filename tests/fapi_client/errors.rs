//! Each kind of failure as its own readable error, timeouts, and retries of GETs only.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clerk_tui::fapi::*;
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn form_error_422_names_the_field() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(422, json!({
        "errors": [{"code": "form_code_incorrect", "message": "is incorrect",
                    "long_message": "The verification code is incorrect.", "meta": {"param_name": "code"}}],
        "clerk_trace_id": "trace_abc"
    }));
    let err = client
        .attempt_first_factor(
            "sia_1",
            &AttemptFirstFactorParams::email_code(secret("000000")),
        )
        .await
        .unwrap_err();
    let FapiError::Api(clerk) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(clerk.status, 422);
    assert_eq!(clerk.first_code(), Some("form_code_incorrect"));
    assert_eq!(clerk.param_name(), Some("code"));
    assert_eq!(clerk.user_message(), "The verification code is incorrect.");
    assert_eq!(clerk.clerk_trace_id.as_deref(), Some("trace_abc"));
    assert_eq!(err.code(), Some("form_code_incorrect"));
    assert_eq!(
        err.to_string(),
        "The verification code is incorrect. (form_code_incorrect, HTTP 422)"
    );
}

#[tokio::test]
async fn rate_limit_429_carries_retry_after() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply_with(
        429,
        &[("retry-after", "12")],
        json!({"errors": [{"code": "too_many_requests", "message": "Too many requests", "meta": {}}]}).to_string(),
    );
    let err = client
        .prepare_first_factor("sia_1", &PrepareFirstFactorParams::email_code("idn_1"))
        .await
        .unwrap_err();
    let clerk = err.clerk().unwrap();
    assert!(clerk.is_rate_limited());
    assert_eq!(clerk.retry_after, Some(Duration::from_secs(12)));
    assert!(err.to_string().contains("try again in 12 s"), "{err}");
    assert_eq!(srv.requests().len(), 1, "a 429 on a POST is not retried");

    // An HTTP date works too (one in the past means "now").
    srv.reply_with(
        429,
        &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")],
        json!({"errors": [{"code": "too_many_requests", "message": "Too many requests"}]})
            .to_string(),
    );
    let err = client.get_client().await.unwrap_err();
    assert_eq!(err.clerk().unwrap().retry_after, Some(Duration::ZERO));
    assert_eq!(
        srv.requests().len(),
        2,
        "a 429 on a GET is not retried either"
    );
}

#[tokio::test]
async fn authentication_invalid_401() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(401, json!({"errors": [{"code": "authentication_invalid", "message": "Invalid authentication",
                                       "long_message": "Unable to authenticate the request, you need to supply an active session", "meta": {}}]}));
    let err = client.get_me().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("authentication_invalid"));
    assert!(
        err.to_string()
            .starts_with("Unable to authenticate the request"),
        "{err}"
    );
}

#[tokio::test]
async fn html_error_page_is_not_json() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply_with(
        502,
        &[("content-type", "text/html; charset=utf-8")],
        "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>".into(),
    );
    let err = client.environment().await.unwrap_err();
    match &err {
        FapiError::NotJson {
            status,
            content_type,
            snippet,
        } => {
            assert_eq!(*status, 502);
            assert!(content_type.starts_with("text/html"));
            assert!(snippet.contains("502 Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("HTTP 502") && text.contains("instead of JSON"),
        "{text}"
    );

    // A 200 HTML page (a captive portal) is just as wrong.
    srv.reply_with(
        200,
        &[("content-type", "text/html")],
        "<!doctype html><p>Log in to Wi-Fi</p>".into(),
    );
    assert!(matches!(
        client.get_client().await.unwrap_err(),
        FapiError::NotJson { status: 200, .. }
    ));
}

#[tokio::test]
async fn truncated_or_mismatched_json_is_a_shape_error() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply_with(
        200,
        &[],
        r#"{"response": {"object": "sign_in_attempt", "id": "sia_"#.into(),
    );
    let err = client.reload_sign_in("sia_1").await.unwrap_err();
    match &err {
        FapiError::Shape { status, detail } => {
            assert_eq!(*status, 200);
            assert!(detail.contains("not valid JSON"), "{detail}");
        }
        other => panic!("{other:?}"),
    }

    srv.reply(200, json!({"response": 42, "client": null}));
    let err = client.reload_sign_in("sia_1").await.unwrap_err();
    assert!(
        matches!(&err, FapiError::Shape { detail, .. } if detail.contains("sign-in")),
        "{err:?}"
    );

    srv.reply(500, json!({"message": "internal"}));
    let err = client.reload_sign_in("sia_1").await.unwrap_err();
    assert!(
        matches!(err, FapiError::Shape { status: 500, .. }),
        "{err:?}"
    );
}

/// A listener that accepts connections and closes them at once, counting them.
async fn slamming_listener() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (addr, count)
}

#[tokio::test]
async fn connection_refused_is_a_network_error() {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let client =
        FapiClient::with_base_url(&format!("http://{addr}"), Arc::new(MemoryTokenStore::new()))
            .unwrap()
            .with_retry_delays(vec![Duration::from_millis(10)]);
    let err = client.get_client().await.unwrap_err();
    match &err {
        FapiError::Network { url, detail } => {
            assert_eq!(url, &format!("http://{addr}"));
            assert!(detail.contains("connection refused"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("cannot reach the Frontend API at http://127.0.0.1:"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unanswered_request_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            keep.lock().unwrap().push(socket); // never answer, never close
        }
    });
    let client =
        FapiClient::with_base_url(&format!("http://{addr}"), Arc::new(MemoryTokenStore::new()))
            .unwrap()
            .with_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let err = client.get_client().await.unwrap_err();
    assert!(
        matches!(err, FapiError::Timeout { after, .. } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "timeouts are not retried"
    );
    assert!(
        err.to_string().contains("did not answer within 0.3 s"),
        "{err}"
    );
    assert_eq!(held.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn only_gets_are_retried_on_network_errors() {
    let (addr, attempts) = slamming_listener().await;
    let client =
        FapiClient::with_base_url(&format!("http://{addr}"), Arc::new(MemoryTokenStore::new()))
            .unwrap()
            .with_retry_delays(vec![Duration::from_millis(20), Duration::from_millis(60)]);

    let err = client.get_client().await.unwrap_err();
    assert!(matches!(err, FapiError::Network { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("closed the connection without answering"),
        "{err}"
    );
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "GET: first try + 2 retries"
    );

    attempts.store(0, Ordering::SeqCst);
    let err = client
        .create_sign_in(&CreateSignInParams::identifier("jane@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, FapiError::Network { .. }), "{err:?}");
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "POST is never retried");

    attempts.store(0, Ordering::SeqCst);
    let _ = client.destroy_client().await.unwrap_err();
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        1,
        "DELETE is never retried"
    );
}

#[tokio::test]
async fn a_get_that_reaches_the_server_is_not_retried_on_5xx() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(
        503,
        json!({"errors": [{"code": "service_unavailable", "message": "down"}]}),
    );
    let err = client.get_client().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(srv.requests().len(), 1);
}

/// clerk-js answers a 401 `authentication_invalid` by reloading the client
/// (`Base.ts` → `handleUnauthenticated`); the token goes only when that reload is refused too.
#[tokio::test]
async fn authentication_invalid_keeps_the_token_until_the_client_reload_is_refused() {
    let srv = Server::start().await;
    let (client, store) = srv.client();
    srv.reply_with(
        200,
        &[("authorization", "tok.en.1")],
        wrap(sign_in_json("needs_first_factor")).to_string(),
    );
    client
        .create_sign_in(&CreateSignInParams::identifier("jane@example.com"))
        .await
        .unwrap();
    let invalid = json!({"errors": [{"code": "authentication_invalid", "message": "Invalid authentication",
        "long_message": "Unable to authenticate the request, you need to supply an active session",
        "meta": {}}], "clerk_trace_id": "trace_401"});
    srv.reply(401, invalid.clone());
    let err = client.get_me().await.unwrap_err();
    assert_eq!(
        err.clerk().and_then(|e| e.clerk_trace_id.as_deref()),
        Some("trace_401")
    );
    assert!(
        client.has_client_token(),
        "one refused call does not end the client"
    );
    assert!(store.load_token(&srv.host()).unwrap().is_some());
    srv.reply(401, invalid);
    client.get_client().await.unwrap_err();
    assert!(
        !client.has_client_token(),
        "the client reload was refused: it is gone"
    );
    assert!(store.load_token(&srv.host()).unwrap().is_none());
}

/// `{"errors": […], "meta": {"client": {…}}}`: the client is applied as from any answer.
#[tokio::test]
async fn the_client_piggy_backed_on_an_error_is_applied() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let mut piggy = client_json("client_err", Some("sess_9"));
    piggy["sign_in"] = sign_in_json("needs_second_factor");
    srv.reply(
        422,
        json!({"errors": [{"code": "form_code_incorrect", "message": "is incorrect",
                           "long_message": "Incorrect code", "meta": {"param_name": "code"}}],
               "meta": {"client": piggy}, "clerk_trace_id": "trace_422"}),
    );
    let err = client
        .attempt_first_factor("sia_1", &AttemptFirstFactorParams::email_code(secret("1")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("form_code_incorrect"));
    let cached = client
        .cached_client()
        .expect("the error's client is cached");
    assert_eq!(cached.id, "client_err");
    assert_eq!(
        cached.sign_in.map(|s| s.status),
        Some(SignInStatus::NeedsSecondFactor)
    );
    assert_eq!(
        err.clerk()
            .and_then(|e| e.client.as_ref())
            .map(|c| c.id.as_str()),
        Some("client_err")
    );
}
