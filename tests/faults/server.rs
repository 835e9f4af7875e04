//! A Frontend API stand-in that answers every request with one chosen fault: too slow, a
//! connection cut mid-answer, 5xx, an HTML proxy page, cut-off or wrongly shaped JSON, a rate
//! limit, a rejected client token, or a sign-in this client does not know how to continue.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers only after the client's time limit.
    Slow,
    /// Starts a 200 answer, then drops the connection.
    Reset,
    Status500,
    /// A load balancer's HTML error page.
    BadGatewayHtml,
    /// JSON cut off in the middle.
    TruncatedJson,
    /// Valid JSON, but not what Clerk sends.
    WrongShape,
    /// 429 with `Retry-After: 7`.
    RateLimited,
    /// 401 `authentication_invalid`.
    AuthInvalid,
    /// A sign-in in a status this client does not know.
    UnknownStatus,
    /// A sign-in whose only factors use a strategy this client does not know.
    UnknownStrategy,
}

pub const FAULTS: [Fault; 10] = [
    Fault::Slow,
    Fault::Reset,
    Fault::Status500,
    Fault::BadGatewayHtml,
    Fault::TruncatedJson,
    Fault::WrongShape,
    Fault::RateLimited,
    Fault::AuthInvalid,
    Fault::UnknownStatus,
    Fault::UnknownStrategy,
];

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Slow => "delay > timeout",
            Fault::Reset => "reset mid-answer",
            Fault::Status500 => "500",
            Fault::BadGatewayHtml => "502 HTML",
            Fault::TruncatedJson => "truncated JSON",
            Fault::WrongShape => "wrong-shape JSON",
            Fault::RateLimited => "429 Retry-After",
            Fault::AuthInvalid => "401 auth invalid",
            Fault::UnknownStatus => "unknown status",
            Fault::UnknownStrategy => "unknown strategy",
        }
    }
}

/// The client's time limit in these tests; `Slow` answers well after it.
pub const TIMEOUT: Duration = Duration::from_millis(1500);

pub struct FaultServer {
    pub base_url: String,
    pub hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn json_response(status: u16, body: serde_json::Value) -> Response {
    respond(status, "application/json", body.to_string())
}

fn respond(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = content_type.parse() {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp
}

fn clerk_error(status: u16, code: &str, message: &str, long: &str) -> Response {
    json_response(
        status,
        json!({"errors": [{"code": code, "message": message, "long_message": long, "meta": {}}],
               "clerk_trace_id": "trace_fault"}),
    )
}

/// A sign-in envelope as Clerk sends it, with `status` and the factors given.
pub fn sign_in_envelope(
    status: &str,
    first: serde_json::Value,
    second: serde_json::Value,
) -> serde_json::Value {
    json!({
        "response": {
            "object": "sign_in_attempt", "id": "sia_fault", "status": status,
            "identifier": "jane@example.com", "supported_identifiers": ["email_address"],
            "supported_first_factors": first, "supported_second_factors": second,
            "first_factor_verification": null, "second_factor_verification": null,
            "user_data": null, "created_session_id": null, "abandon_at": null
        },
        "client": null
    })
}

async fn answer(fault: Fault, path: String) -> Response {
    match fault {
        Fault::Slow => {
            tokio::time::sleep(TIMEOUT * 3).await;
            json_response(200, json!({"response": null, "client": null}))
        }
        Fault::Reset => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(
                    b"{\"response\":{\"object\":\"sign_in_attempt\",\"id\":",
                )),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "cut",
                )),
            ];
            let mut resp = respond(
                200,
                "application/json",
                Body::from_stream(futures::stream::iter(chunks)),
            );
            resp.headers_mut().insert(
                header::CONTENT_LENGTH,
                header::HeaderValue::from_static("4096"),
            );
            resp
        }
        Fault::Status500 => clerk_error(
            500,
            "internal_clerk_error",
            "Oops, an unexpected error occurred",
            "There was an internal error on our servers. We've been notified and are working on fixing it.",
        ),
        Fault::BadGatewayHtml => respond(
            502,
            "text/html",
            "<html lang=\"en\">\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        ),
        Fault::TruncatedJson => respond(
            200,
            "application/json",
            "{\"response\":{\"object\":\"sign_in_attempt\",\"id\":\"sia_fault\",\"status\":\"needs_fi",
        ),
        Fault::WrongShape => json_response(
            200,
            json!({"response": {"id": 42, "status": ["complete"], "jwt": {"value": 1}},
                   "client": "not-a-client"}),
        ),
        Fault::RateLimited => {
            let mut resp = clerk_error(
                429,
                "too_many_requests",
                "Too many requests",
                "Too many requests, please try again later.",
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("7"));
            resp
        }
        Fault::AuthInvalid => clerk_error(
            401,
            "authentication_invalid",
            "Invalid authentication",
            "Unable to authenticate the request, you need to supply an active session",
        ),
        Fault::UnknownStatus => json_response(
            200,
            sign_in_envelope(
                "needs_quantum_check",
                json!([{"strategy": "password"}]),
                json!([]),
            ),
        ),
        Fault::UnknownStrategy => {
            // The stage the call belongs to decides where the unknown strategy appears.
            let second = path.contains("second_factor");
            let unknown = json!([{"strategy": "quantum_entanglement", "safe_identifier": "j***"}]);
            let body = if second {
                sign_in_envelope("needs_second_factor", json!([]), unknown)
            } else {
                sign_in_envelope("needs_first_factor", unknown, json!([]))
            };
            json_response(200, body)
        }
    }
}

impl FaultServer {
    pub async fn start(fault: Fault) -> FaultServer {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let app = Router::new().fallback(move |uri: axum::http::Uri| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                answer(fault, uri.path().to_string()).await
            }
        });
        let listener =
            match tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await {
                Ok(l) => l,
                Err(e) => panic!("bind: {e}"),
            };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("addr: {e}"),
        };
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FaultServer {
            base_url: format!("http://{addr}"),
            hits,
            task,
        }
    }
}
