//! A small native Frontend API client for the tests: sends what Clerk's native SDKs send,
//! keeps the rotating client token, and validates every `/v1` JSON body against the OpenAPI.

use std::sync::atomic::{AtomicUsize, Ordering};

use clerk_tui::devserver::{DevServerConfig, DevServerHandle};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::support::openapi::{Failure, OpenApi};

static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// A test's server; when it goes away it reports how many bodies were schema-checked so far
/// in this test process (see the last line with `--nocapture`).
pub struct TestServer(Option<DevServerHandle>);

impl std::ops::Deref for TestServer {
    type Target = DevServerHandle;
    fn deref(&self) -> &DevServerHandle {
        self.0.as_ref().expect("server running")
    }
}

impl TestServer {
    pub async fn shutdown(mut self) -> Result<(), clerk_tui::devserver::DevServerError> {
        match self.0.take() {
            Some(h) => h.shutdown().await,
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        println!(
            "[openapi] {} response bodies validated against fapi-2026-05-12.yml so far ({} not described by the spec)",
            OpenApi::validated_count(),
            SKIPPED.load(Ordering::Relaxed)
        );
    }
}

pub async fn start() -> TestServer {
    start_with(DevServerConfig::default()).await
}

pub async fn start_with(config: DevServerConfig) -> TestServer {
    TestServer(Some(crate::support::server::start_with(config).await))
}

/// Checks a body against the operation's schema. A mismatch fails the test; operations or
/// statuses the spec does not describe (e.g. `/__dev`, a 429 the spec omits) are skipped.
pub fn validate(method: &str, path: &str, status: u16, body: &Value) {
    if !path.starts_with("/v1/") && !path.starts_with("/.well-known/") {
        return;
    }
    if let Err(e) = OpenApi::load().validate(method, path, status, body) {
        if e.failure != Failure::Mismatch {
            SKIPPED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        panic!("schema mismatch: {e}\n{:#?}\nbody: {body:#}", e.errors);
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn response(&self) -> &Value {
        &self.body["response"]
    }
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.status, 200, "unexpected status, body: {}", self.text);
        self
    }
    #[track_caller]
    pub fn status_of_sign_in(&self) -> &str {
        self.ok();
        self.response()["status"].as_str().unwrap_or("")
    }
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(
            (self.status, self.error_code()),
            (status, code),
            "body: {}",
            self.text
        );
        self
    }
}

/// One device: a client token and the requests a native SDK makes.
pub struct Fapi {
    pub base: String,
    http: reqwest::Client,
    pub token: Option<String>,
    pub origin: Option<String>,
}

impl Fapi {
    pub fn new(server: &DevServerHandle) -> Self {
        Self {
            base: server.base_url().to_string(),
            http: reqwest::Client::new(),
            token: None,
            origin: None,
        }
    }

    pub async fn send(&mut self, method: Method, path: &str, form: &[(&str, &str)]) -> Resp {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = format!("{}{path}{sep}_is_native=true", self.base);
        let mut req = self
            .http
            .request(method.clone(), &url)
            .header("clerk-api-version", "2026-05-12")
            .header("x-mobile", "1");
        if let Some(t) = &self.token {
            req = req.header("Authorization", t);
        }
        if let Some(o) = &self.origin {
            req = req.header("Origin", o);
        }
        if method != Method::GET {
            req = req.form(form);
        }
        let resp = req.send().await.expect("request reaches the dev server");
        self.finish(method.as_str(), path, resp).await
    }

    pub async fn finish(&mut self, method: &str, path: &str, resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
            self.token = Some(auth.to_string());
        }
        let text = resp.text().await.expect("body");
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        validate(
            method,
            path.split('?').next().unwrap_or(path),
            status,
            &body,
        );
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Method::GET, path, &[]).await
    }
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(Method::POST, path, form).await
    }
    pub async fn delete(&mut self, path: &str) -> Resp {
        self.send(Method::DELETE, path, &[]).await
    }

    pub async fn create_sign_in(&mut self, form: &[(&str, &str)]) -> Resp {
        self.post("/v1/client/sign_ins", form).await
    }
    pub async fn sign_in_action(&mut self, id: &str, action: &str, form: &[(&str, &str)]) -> Resp {
        self.post(&format!("/v1/client/sign_ins/{id}/{action}"), form)
            .await
    }
    /// identifier + password in one request; returns the sign-in JSON.
    pub async fn password_sign_in(&mut self, identifier: &str, password: &str) -> Value {
        let r = self
            .create_sign_in(&[
                ("strategy", "password"),
                ("identifier", identifier),
                ("password", password),
            ])
            .await;
        r.ok();
        r.response().clone()
    }
}

/// The factor of `strategy` in a sign-in's first or second factor list.
pub fn factor<'a>(sign_in: &'a Value, list: &str, strategy: &str) -> &'a Value {
    sign_in[list]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["strategy"] == strategy))
        .unwrap_or_else(|| panic!("no {strategy} in {list}: {sign_in:#}"))
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// The newest outbox message to `to`, waiting up to 5 s for one to arrive.
pub async fn outbox_latest(server: &DevServerHandle, to: &str) -> Value {
    let url = format!(
        "{}/__dev/outbox?wait=5&to={}",
        server.base_url(),
        urlencode(to)
    );
    let msgs: Value = reqwest::get(&url)
        .await
        .expect("outbox")
        .json()
        .await
        .expect("outbox json");
    msgs[0].clone()
}

pub async fn outbox_count(server: &DevServerHandle, to: &str) -> usize {
    let url = format!("{}/__dev/outbox?to={}", server.base_url(), urlencode(to));
    let msgs: Value = reqwest::get(&url)
        .await
        .expect("outbox")
        .json()
        .await
        .expect("outbox json");
    msgs.as_array().map_or(0, Vec::len)
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub async fn dev_post(server: &DevServerHandle, path: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url()))
        .json(&body)
        .send()
        .await
        .expect("dev endpoint");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Moves the server clock forward.
pub async fn shift_clock(server: &DevServerHandle, seconds: i64) {
    let (status, _) = dev_post(
        server,
        "/__dev/clock",
        serde_json::json!({"shift_seconds": seconds}),
    )
    .await;
    assert_eq!(status, 200);
}

#[allow(unused_imports)] // not every binary including this file uses them
pub use crate::support::{server::PASSWORD, totp::totp_now};
