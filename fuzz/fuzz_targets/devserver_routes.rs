//! The dev server's request decoding and sign-in routes, driven in-process: arbitrary query
//! strings and bodies (form, JSON or untyped) sent to each sign-in route, on a sign-in of a
//! chosen demo user, from a chosen `Host` and `Origin`. Whatever arrives, the server must answer
//! below 500, in Clerk's error shape when it refuses, and never panic.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use clerk_tui::devserver::{DevServerConfig, Limits, router_for_tests};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

#[path = "common/known.rs"]
mod known;
use known::known;

const USERS: [&str; 8] = [
    "ada@example.com",
    "grace@example.com",
    "alan@example.com",
    "katherine@example.com",
    "hedy@example.com",
    "margaret",
    "barbara@example.com",
    "edsger@example.com",
];
const PASSWORD: &str = "clerk-demo-password";

/// The routes the sign-in uses; `{id}` is the sign-in of this input.
const ROUTES: [(&str, &str); 8] = [
    ("POST", "/v1/client/sign_ins"),
    ("GET", "/v1/client/sign_ins/{id}"),
    ("POST", "/v1/client/sign_ins/{id}/prepare_first_factor"),
    ("POST", "/v1/client/sign_ins/{id}/attempt_first_factor"),
    ("POST", "/v1/client/sign_ins/{id}/prepare_second_factor"),
    ("POST", "/v1/client/sign_ins/{id}/attempt_second_factor"),
    ("POST", "/v1/client/sign_ins/{id}/reset_password"),
    ("POST", "/__dev/users"),
];

/// `Host` headers: none (as in-process), loopback ones the server must serve, and a DNS
/// rebinding one it must refuse.
const HOSTS: [Option<&str>; 4] = [
    None,
    Some("localhost:3000"),
    Some("[::1]:3000"),
    Some("rebind.evil.example:3000"),
];
const ORIGINS: [Option<&str>; 4] = [
    None,
    Some("http://localhost:3000"),
    Some("https://evil.example"),
    Some("null"),
];

struct World {
    rt: tokio::runtime::Runtime,
    router: Router,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let limits = Limits {
            // Fuzzing sends far more than a person could; limits would hide the routes.
            rate_limit_requests: u32::MAX,
            lockout_attempts: u32::MAX,
            resend_cooldown: Duration::ZERO,
            ..Limits::default()
        };
        let config = DevServerConfig {
            limits,
            dev_endpoints_public: true,
            ..DevServerConfig::default()
        };
        let router = router_for_tests(config).expect("dev server state");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        World { rt, router }
    })
}

/// Bytes as a query string: structure characters stay, the rest is percent-encoded so the
/// URI is always valid and the server's own decoding sees every byte.
fn as_query(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"&=%+_-.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, Option<String>, Vec<u8>) {
    let resp: Response<Body> = match router.clone().oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = resp.status();
    let token = resp
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    if json && !body.is_empty() {
        assert!(
            serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
            "a JSON answer that is not JSON: {}",
            String::from_utf8_lossy(&body)
        );
    }
    if status.is_client_error() && !known("error_shape") {
        assert!(
            clerk_error_shape(&body),
            "{status} outside Clerk's error shape: {}",
            String::from_utf8_lossy(&body)
        );
    }
    (status, token, body)
}

/// `{errors:[{code, message, long_message, meta}, …]}` with at least one error.
fn clerk_error_shape(body: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    v["errors"].as_array().is_some_and(|errors| {
        !errors.is_empty()
            && errors
                .iter()
                .all(|e| e["code"].is_string() && e["message"].is_string())
    })
}

fn form(method: &str, uri: &str, token: Option<&str>, body: String) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, t);
    }
    b.body(Body::from(body)).expect("request")
}

/// Starts a sign-in for a demo user (optionally past the password) and returns its client
/// token and id.
async fn start(router: &Router, user: &str, with_password: bool) -> Option<(String, String)> {
    let (status, token, body) = send(
        router,
        form(
            "POST",
            "/v1/client/sign_ins",
            None,
            format!("identifier={}", as_query(user.as_bytes())),
        ),
    )
    .await;
    assert!(status.is_success(), "sign-in for {user}: {status}");
    let token = token?;
    let v: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let id = v["response"]["id"].as_str()?.to_string();
    if with_password {
        let (status, _, _) = send(
            router,
            form(
                "POST",
                &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
                Some(&token),
                format!("strategy=password&password={PASSWORD}"),
            ),
        )
        .await;
        assert!(status.as_u16() < 500);
    }
    Some((token, id))
}

fuzz_target!(|data: &[u8]| {
    let [route, user, flags, rest @ ..] = data else {
        return;
    };
    let w = world();
    let (method, path) = ROUTES[*route as usize % ROUTES.len()];
    let (query, body) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    w.rt.block_on(async {
        let session = if flags & 1 == 1 {
            let user = USERS[*user as usize % USERS.len()];
            start(&w.router, user, flags & 2 == 2).await
        } else {
            None
        };
        let (token, id) = match &session {
            Some((t, id)) => (Some(t.as_str()), id.as_str()),
            None => (None, "sia_2doesnotexist"),
        };
        let mut uri = path.replace("{id}", id);
        if !query.is_empty() {
            uri.push('?');
            uri.push_str(&as_query(query));
        }
        let mut b = Request::builder().method(method).uri(&uri);
        let host = HOSTS[usize::from(flags >> 4) & 3];
        let origin = ORIGINS[usize::from(flags >> 6) & 3];
        if let Some(host) = host {
            b = b.header(header::HOST, host);
        }
        if let Some(origin) = origin {
            b = b.header(header::ORIGIN, origin);
        }
        // DNS rebinding, and another site's page on `/__dev/`, are refused whatever else.
        let refused = host.is_some_and(|h| h.contains("evil"))
            || (path.starts_with("/__dev")
                && origin.is_some_and(|o| !o.starts_with("http://localhost")));
        b = match (flags >> 2) & 3 {
            0 => b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            1 => b.header(header::CONTENT_TYPE, "application/json"),
            2 => b.header(header::CONTENT_TYPE, "multipart/form-data; boundary=x"),
            _ => b,
        };
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, t);
        }
        let Ok(req) = b.body(Body::from(body.to_vec())) else {
            return;
        };
        let (status, _, answer) = send(&w.router, req).await;
        if refused {
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{method} {uri} from {host:?} {origin:?} was not refused: {}",
                String::from_utf8_lossy(&answer)
            );
        }
        assert!(
            status.as_u16() < 500,
            "{method} {uri} -> {status}: {}",
            String::from_utf8_lossy(&answer)
        );
    });
});
