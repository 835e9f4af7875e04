//! The recording HTTP listener and the JSON fixtures the client tests share.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use clerk_tui::fapi::*;
use secrecy::SecretString;
use serde_json::{Value, json};

// ---------------------------------------------------------------- recording server

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub form: Vec<(String, String)>,
    pub content_type: Option<String>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

#[derive(Clone, Default)]
pub struct Shared {
    pub recorded: Arc<Mutex<Vec<Recorded>>>,
    pub replies: Arc<Mutex<VecDeque<Canned>>>,
}

pub struct Server {
    pub addr: SocketAddr,
    pub shared: Shared,
}

impl Server {
    pub async fn start() -> Self {
        let shared = Shared::default();
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub fn reply(&self, status: u16, body: Value) -> &Self {
        self.reply_with(status, &[], body.to_string())
    }

    pub fn reply_with(&self, status: u16, headers: &[(&'static str, &str)], body: String) -> &Self {
        let mut headers: Vec<(&'static str, String)> =
            headers.iter().map(|(k, v)| (*k, v.to_string())).collect();
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("content-type", "application/json".into()));
        }
        self.shared.replies.lock().unwrap().push_back(Canned {
            status,
            headers,
            body,
        });
        self
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.recorded.lock().unwrap().clone()
    }

    pub fn last(&self) -> Recorded {
        self.requests()
            .pop()
            .expect("no request reached the server")
    }

    pub fn client(&self) -> (FapiClient, Arc<MemoryTokenStore>) {
        let store = Arc::new(MemoryTokenStore::new());
        let client = FapiClient::with_base_url(&self.url(), store.clone()).unwrap();
        (client, store)
    }
}

pub async fn handle(State(shared): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let query = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let form = url::form_urlencoded::parse(&bytes).into_owned().collect();
    shared.recorded.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query,
        content_type: parts
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        headers: parts.headers,
        form,
    });
    let canned = shared.replies.lock().unwrap().pop_front();
    let Some(canned) = canned else {
        return (StatusCode::IM_A_TEAPOT, "no canned reply").into_response();
    };
    let mut resp = Response::builder().status(canned.status);
    for (k, v) in canned.headers {
        resp = resp.header(k, v);
    }
    resp.body(axum::body::Body::from(canned.body)).unwrap()
}

// ---------------------------------------------------------------- fixtures

pub fn sign_in_json(status: &str) -> Value {
    json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": status,
        "supported_identifiers": ["email_address"], "identifier": "jane@example.com",
        "supported_first_factors": [{"strategy": "email_code", "safe_identifier": "j***@example.com",
                                      "email_address_id": "idn_1", "primary": true}],
        "supported_second_factors": null, "first_factor_verification": null,
        "second_factor_verification": null, "user_data": null, "created_session_id": null,
        "abandon_at": 1700000000000u64
    })
}

pub fn client_json(id: &str, last_active_session_id: Option<&str>) -> Value {
    json!({
        "object": "client", "id": id, "sessions": [], "sign_in": null, "sign_up": null,
        "last_active_session_id": last_active_session_id, "created_at": 1, "updated_at": 2
    })
}

pub fn session_json(status: &str) -> Value {
    json!({"object": "session", "id": "sess_1", "status": status, "expire_at": 1, "abandon_at": 2,
           "last_active_at": 3, "last_active_token": null, "user": null, "public_user_data": null})
}

pub fn user_json() -> Value {
    json!({"object": "user", "id": "user_1", "username": null, "first_name": "Jane", "last_name": null,
           "primary_email_address_id": null, "primary_phone_number_id": null, "email_addresses": [],
           "phone_numbers": [], "password_enabled": true, "totp_enabled": false,
           "backup_code_enabled": false, "two_factor_enabled": false})
}

pub fn totp_json(verified: bool) -> Value {
    json!({"object": "totp", "id": "totp_1", "secret": "JBSWY3DPEHPK3PXP",
           "uri": "otpauth://totp/App:jane?secret=JBSWY3DPEHPK3PXP", "verified": verified,
           "backup_codes": if verified { json!(["aaaa1111", "bbbb2222"]) } else { Value::Null },
           "created_at": 1, "updated_at": 1})
}

pub fn wrap(response: Value) -> Value {
    json!({"response": response, "client": client_json("client_1", Some("sess_1"))})
}

/// A real recorded body with the harness's placeholders filled in.
pub fn recorded(path: &str) -> Value {
    let full = crate::support::data::recorded_dir().join(path);
    let mut text =
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    while let Some(start) = text.find("\"%%DATETIME") {
        let end = text[start + 1..]
            .find("%%\"")
            .map(|i| start + 1 + i + 3)
            .unwrap();
        text.replace_range(start..end, "1700000000000");
    }
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["body"].clone()
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

pub fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What every request must carry.
pub fn assert_native_request(r: &Recorded, device_id: &str) {
    assert_eq!(
        r.query_value("_is_native"),
        Some("true"),
        "{} {}",
        r.method,
        r.path
    );
    assert_eq!(r.header("clerk-api-version"), Some("2026-05-12"));
    assert_eq!(r.header("x-mobile"), Some("1"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("x-native-device-id"), Some(device_id));
    let ua = r.header("user-agent").unwrap();
    assert!(ua.starts_with("clerk-tui/"), "{ua}");
    if r.method != "GET" {
        assert_eq!(
            r.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
    }
}
