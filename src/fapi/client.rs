//! `FapiClient`: the one way the app talks to a Clerk Frontend API. It adds what a native
//! client must send on every request, rotates the client token from every answer, keeps the
//! last `Client` it saw, and turns failures into `FapiError`s.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::base_url::{parse_base_url, store_key};
use super::error::FapiError;
use super::form::Form;
use super::key::PublishableKey;
use super::models::Client;
use super::response::{self, Reply};
use super::store::TokenStore;

/// The Frontend API version this client speaks (`clerk-api-version`).
pub const API_VERSION: &str = "2026-05-12";
/// Per-request time limit unless changed with [`FapiClient::with_timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Waits before the 2nd and 3rd try of a GET that failed to connect.
pub const DEFAULT_RETRY_DELAYS: [Duration; 2] =
    [Duration::from_millis(200), Duration::from_millis(600)];

const USER_AGENT: &str = concat!("clerk-tui/", env!("CARGO_PKG_VERSION"));

/// A Clerk Frontend API client for a native app. Cheap to clone: clones share the token,
/// the cached `Client` and the connection pool.
#[derive(Clone)]
pub struct FapiClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    store_key: String,
    store: Arc<dyn TokenStore>,
    device_id: String,
    state: Mutex<State>,
}

struct State {
    token: Option<SecretString>,
    client: Option<Client>,
    active_session_id: Option<String>,
    timeout: Duration,
    retry_delays: Vec<Duration>,
}

/// One request to make.
pub(crate) struct Call {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub form: Option<Form>,
}

impl Call {
    pub(crate) fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path, None)
    }

    pub(crate) fn new(method: Method, path: impl Into<String>, form: Option<Form>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            form,
        }
    }

    pub(crate) fn query(mut self, key: &'static str, value: Option<&str>) -> Self {
        if let Some(v) = value {
            self.query.push((key, v.to_owned()));
        }
        self
    }
}

impl FapiClient {
    /// A client for the Frontend API named by a publishable key (`https://<host>`).
    pub fn new(key: &PublishableKey, store: Arc<dyn TokenStore>) -> Result<Self, FapiError> {
        Self::with_base_url(&key.frontend_api_url(), store)
    }

    /// A client for an explicit Frontend API URL: `https://…`, or `http://…` on a loopback
    /// host (the embedded development server).
    pub fn with_base_url(base_url: &str, store: Arc<dyn TokenStore>) -> Result<Self, FapiError> {
        let base_url = parse_base_url(base_url)?;
        let store_key = store_key(&base_url);
        let token = store.load_token(&store_key)?;
        let device_id = store.device_id()?;
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            // A native client is never redirected by Clerk; following one could carry the
            // token somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(DEFAULT_TIMEOUT);
        if base_url.scheme() == "http" {
            // Plain http on loopback (the emulator) makes no TLS connection, so it needs no CA
            // store: the system's would be read, and its absence (a bare server, a container)
            // would refuse to build the client at all (tests/ca_store.rs).
            builder = builder.tls_certs_only(Vec::new());
        }
        let http = builder.build().map_err(|e| FapiError::InvalidBaseUrl {
            url: base_url.to_string(),
            reason: format!("cannot set up HTTP: {e}"),
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                store_key,
                store,
                device_id,
                state: Mutex::new(State {
                    token,
                    client: None,
                    active_session_id: None,
                    timeout: DEFAULT_TIMEOUT,
                    retry_delays: DEFAULT_RETRY_DELAYS.to_vec(),
                }),
            }),
        })
    }

    /// Changes the per-request time limit (for every clone of this client).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.state().timeout = timeout;
        self
    }

    /// Changes the waits between tries of a GET that could not connect; the number of
    /// delays is the number of retries (for every clone of this client).
    pub fn with_retry_delays(self, delays: Vec<Duration>) -> Self {
        self.state().retry_delays = delays;
        self
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    pub fn timeout(&self) -> Duration {
        self.state().timeout
    }

    /// The `x-native-device-id` sent with every request.
    pub fn device_id(&self) -> &str {
        &self.inner.device_id
    }

    /// The last `Client` any answer carried, `None` before the first or after sign-out.
    pub fn cached_client(&self) -> Option<Client> {
        self.state().client.clone()
    }

    /// Whether a client token is held (something to send in `Authorization`).
    pub fn has_client_token(&self) -> bool {
        self.state().token.is_some()
    }

    /// The session `/v1/me` calls act for; defaults to the client's last active session.
    pub fn set_active_session_id(&self, session_id: Option<String>) {
        self.state().active_session_id = session_id;
    }

    pub fn active_session_id(&self) -> Option<String> {
        let state = self.state();
        state.active_session_id.clone().or_else(|| {
            state
                .client
                .as_ref()
                .and_then(|c| c.last_active_session_id.clone())
        })
    }

    /// Forgets the client token (memory and store) and the cached client, without asking
    /// Clerk: used after sign-out even when the network call failed.
    pub fn forget_client(&self) -> Result<(), FapiError> {
        {
            let mut state = self.state();
            state.token = None;
            state.client = None;
            state.active_session_id = None;
        }
        self.inner.store.clear_token(&self.inner.store_key)?;
        Ok(())
    }

    /// What an error answer changes here. Its piggy-backed client is applied as clerk-js does
    /// for any call but a GET (`Base.ts`: `_updateClient` before the status is looked at); its
    /// `clerk_trace_id` goes to the log. A 401 `authentication_invalid` on most calls only says
    /// this request was not accepted: clerk-js reloads the client (`handleUnauthenticated`)
    /// and keeps it when the reload works. Only a refused reload (`GET /v1/client`) means the
    /// client is gone, and then the token that names it is forgotten.
    fn on_error_answer(
        &self,
        call: &Call,
        e: &super::error::ClerkError,
        sent: Option<&SecretString>,
    ) -> Result<(), FapiError> {
        tracing::info!(
            method = %call.method,
            path = %call.path,
            status = e.status,
            code = %crate::flow::clean(e.first_code().unwrap_or("")),
            clerk_trace_id = %crate::flow::clean(e.clerk_trace_id.as_deref().unwrap_or("")),
            "clerk refused the request"
        );
        if call.method != Method::GET
            && let Some(client) = &e.client
        {
            self.set_cached_client(Some((**client).clone()));
        }
        let client_reload = call.method == Method::GET && call.path == "/v1/client";
        if client_reload && e.status == 401 && e.has_code("authentication_invalid") {
            self.drop_rejected_token(sent)?;
        }
        Ok(())
    }

    /// Clerk said the token we sent names no client any more: keeping it would fail every
    /// later call the same way, so forget it and let the next call start a fresh client.
    fn drop_rejected_token(&self, sent: Option<&SecretString>) -> Result<(), FapiError> {
        let Some(sent) = sent else { return Ok(()) };
        {
            let mut state = self.state();
            // A token that changed since (rotated by another answer) is not the rejected one.
            if state.token.as_ref().map(|t| t.expose_secret()) != Some(sent.expose_secret()) {
                return Ok(());
            }
            state.token = None;
            state.client = None;
            state.active_session_id = None;
        }
        tracing::debug!("client token rejected (authentication_invalid); forgotten");
        self.inner.store.clear_token(&self.inner.store_key)?;
        Ok(())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_cached_client(&self, client: Option<Client>) {
        self.state().client = client;
    }

    /// Sends `call`, retrying a GET that could not connect, and decodes the JSON answer.
    /// Clerk error answers come back as `Err(FapiError::Api)`.
    pub(crate) async fn execute(&self, call: Call) -> Result<Reply, FapiError> {
        let url = self.url_for(&call)?;
        let body = call.form.as_ref().map(Form::encode);
        let (timeout, retry_delays) = {
            let state = self.state();
            (state.timeout, state.retry_delays.clone())
        };
        let retries = if call.method == Method::GET {
            retry_delays.len()
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            let sent_token = self.state().token.clone();
            let mut request = self
                .inner
                .http
                .request(call.method.clone(), url.clone())
                .headers(self.headers(sent_token.as_ref()))
                .timeout(timeout);
            if call.method != Method::GET {
                request = request
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(
                        body.as_ref()
                            .map(|b| b.as_str().to_owned())
                            .unwrap_or_default(),
                    );
            }
            let started = Instant::now();
            match request.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    tracing::debug!(
                        method = %call.method,
                        path = %call.path,
                        status = status.as_u16(),
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "fapi request"
                    );
                    self.rotate_token(sent_token.as_ref(), resp.headers())?;
                    let reply = self.read_reply(status, resp, timeout).await;
                    if let Err(FapiError::Api(e)) = &reply {
                        self.on_error_answer(&call, e, sent_token.as_ref())?;
                    }
                    return reply;
                }
                Err(err) => {
                    let failure = self.transport_error(&err, timeout);
                    tracing::debug!(
                        method = %call.method,
                        path = %call.path,
                        attempt = attempt + 1,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        error = %failure,
                        "fapi request failed"
                    );
                    let retryable = matches!(failure, FapiError::Network { .. });
                    if retryable && attempt < retries {
                        tokio::time::sleep(retry_delays[attempt]).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(failure);
                }
            }
        }
    }

    fn url_for(&self, call: &Call) -> Result<Url, FapiError> {
        let base = self.inner.base_url.as_str().trim_end_matches('/');
        let mut url =
            Url::parse(&format!("{base}{}", call.path)).map_err(|e| FapiError::InvalidBaseUrl {
                url: base.to_owned(),
                reason: format!("cannot add the path {}: {e}", call.path),
            })?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("_is_native", "true");
            for (key, value) in &call.query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }

    fn headers(&self, token: Option<&SecretString>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("clerk-api-version", HeaderValue::from_static(API_VERSION));
        headers.insert("x-mobile", HeaderValue::from_static("1"));
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if let Ok(v) = HeaderValue::from_str(&self.inner.device_id) {
            headers.insert("x-native-device-id", v);
        }
        if let Some(token) = token {
            match HeaderValue::from_str(token.expose_secret()) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    headers.insert(header::AUTHORIZATION, v);
                }
                Err(_) => {
                    tracing::warn!("stored client token is not a valid header value; not sent")
                }
            }
        }
        let client_id = self.state().client.as_ref().map(|c| c.id.clone());
        if let Some(v) = client_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
            headers.insert("x-clerk-client-id", v);
        }
        headers
    }

    /// Every answer may carry a new client token in `Authorization`; empty or a bare
    /// `Bearer` means the client was signed out. An answer to a request sent with a token
    /// that has since changed is stale and must not roll the token back.
    fn rotate_token(
        &self,
        sent: Option<&SecretString>,
        headers: &HeaderMap,
    ) -> Result<(), FapiError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(());
        };
        let Ok(value) = value.to_str() else {
            tracing::warn!("ignoring an Authorization answer header that is not text");
            return Ok(());
        };
        let value = value.trim();
        let new_token = if value.is_empty() || value.eq_ignore_ascii_case("bearer") {
            None
        } else {
            Some(SecretString::from(value.to_owned()))
        };
        {
            let mut state = self.state();
            let current = state.token.as_ref().map(|t| t.expose_secret());
            if current != sent.map(|t| t.expose_secret()) {
                tracing::debug!("ignoring a client token from a stale answer");
                return Ok(());
            }
            if current == new_token.as_ref().map(|t| t.expose_secret()) {
                return Ok(());
            }
            state.token = new_token.clone();
        }
        match new_token {
            Some(token) => {
                tracing::debug!("client token rotated");
                self.inner.store.save_token(&self.inner.store_key, &token)?;
            }
            None => {
                tracing::debug!("client token cleared by the server");
                self.inner.store.clear_token(&self.inner.store_key)?;
            }
        }
        Ok(())
    }

    async fn read_reply(
        &self,
        status: StatusCode,
        resp: reqwest::Response,
        timeout: Duration,
    ) -> Result<Reply, FapiError> {
        let headers = resp.headers().clone();
        let bytes = match response::read_capped(resp, response::MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(response::BodyError::TooLarge { limit }) => {
                return Err(FapiError::TooLarge {
                    status: status.as_u16(),
                    limit,
                });
            }
            Err(response::BodyError::Transport(e)) => return Err(self.transport_error(&e, timeout)),
        };
        response::decode(status, &headers, &bytes)
    }

    fn transport_error(&self, err: &reqwest::Error, timeout: Duration) -> FapiError {
        let url = self
            .inner
            .base_url
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        if err.is_timeout() {
            return FapiError::Timeout {
                url,
                after: timeout,
            };
        }
        FapiError::Network {
            url,
            detail: response::describe_transport_error(err),
        }
    }
}

impl std::fmt::Debug for FapiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FapiClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("has_client_token", &self.has_client_token())
            .finish_non_exhaustive()
    }
}
