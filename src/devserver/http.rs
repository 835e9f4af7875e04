//! Request plumbing shared by every route: the `_method` override, client-token auth
//! (header, `__clerk_db_jwt`, `__client` cookie), rate limiting, CORS for loopback origins,
//! and the `Authorization` header on every response. The parsed request lives in `request.rs`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::model::DevBrowserRec;
use super::state::{Emulator, TokenSubject};

pub(super) const BODY_LIMIT: usize = 256 * 1024;

/// Who is calling: the client their token names (if any) and where from.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub client_id: Option<String>,
    /// The token came from a cookie (browser), so answers also set the cookie.
    pub browser: bool,
    /// Set when the request created a client, so even an error answer carries its token.
    pub issued: Arc<std::sync::Mutex<Option<String>>>,
    /// The development browser the request came through (`__clerk_db_jwt`).
    pub dev_browser: Option<String>,
}

/// Response marker: this client's token goes into the `Authorization` header.
#[derive(Debug, Clone)]
pub struct IssuedClient(pub String);

pub(super) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

pub(super) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"))
}

/// The Origin, if it is a loopback one (the only origins CORS lets in).
fn loopback_origin(headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let url = url::Url::parse(origin.to_str().ok()?).ok()?;
    let loopback = match url.host()? {
        url::Host::Domain(d) => d == "localhost" || d.ends_with(".localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    loopback.then(|| origin.clone())
}

fn add_cors(
    resp: &mut Response,
    origin: Option<HeaderValue>,
    request_headers: Option<HeaderValue>,
) {
    let Some(origin) = origin else { return };
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Authorization, Retry-After, X-Clerk-Trace-Id"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        request_headers.unwrap_or_else(|| {
            HeaderValue::from_static("Authorization, Content-Type, clerk-api-version, x-mobile")
        }),
    );
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let token = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .unwrap_or(raw)
        .trim();
    (!token.is_empty() && token != "Bearer").then(|| token.to_string())
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == "__client" && !v.is_empty()).then(|| v.to_string())
            })
        })
}

/// Paths that do not need (or must ignore) a client token.
fn token_exempt(path: &str) -> bool {
    path == "/v1/verify"
        || path == "/v1/jwks"
        || path.starts_with("/.well-known/")
        || path.starts_with("/__dev")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenSource {
    Header,
    DevBrowser,
    Cookie,
}

/// What is refused before routing: a `Host` that is not this server's (DNS rebinding), and on
/// `/__dev/` a peer that is not loopback, a cross-site `Origin`, or a JSON endpoint posted
/// without `application/json` (what a form or a `text/plain` fetch from another site sends).
fn refusal(app: &Emulator, req: &Request, peer: Option<SocketAddr>) -> Option<ApiError> {
    // Browsers always send Host; a request without one is no web page's doing.
    if let Some(host) = req.headers().get(header::HOST)
        && !host.to_str().is_ok_and(|h| app.hosts.allows(h))
    {
        return Some(ApiError::forbidden(
            "host_invalid",
            "This server answers to loopback host names only (localhost, 127.0.0.1, [::1]).",
        ));
    }
    let path = req.uri().path();
    if !path.starts_with("/__dev") {
        return None;
    }
    // IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d.
    if !app.dev_endpoints_public && !peer.is_some_and(|p| p.ip().to_canonical().is_loopback()) {
        return Some(ApiError::forbidden(
            "dev_endpoints_loopback_only",
            "The /__dev/ endpoints answer loopback clients only.",
        ));
    }
    // The consent form posts from its own page; `oauth.rs` checks its Origin or its token.
    if path.starts_with("/__dev/oauth/") {
        return None;
    }
    if req.headers().contains_key(header::ORIGIN) && loopback_origin(req.headers()).is_none() {
        return Some(ApiError::forbidden(
            "origin_invalid",
            "The /__dev/ endpoints answer pages on loopback origins only.",
        ));
    }
    let has_body = [Method::POST, Method::PUT, Method::PATCH].contains(req.method());
    if has_body && !is_json(req.headers()) {
        return Some(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type_invalid",
            "unsupported content type",
            "The /__dev/ endpoints take application/json bodies only.",
        ));
    }
    None
}

pub async fn layer(State(app): State<Arc<Emulator>>, mut req: Request, next: Next) -> Response {
    let origin = loopback_origin(req.headers());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if let Some(err) = refusal(&app, &req, peer) {
        return err.into_response();
    }
    if req.method() == Method::OPTIONS {
        let acrh = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned();
        let mut resp = StatusCode::NO_CONTENT.into_response();
        add_cors(&mut resp, origin, acrh);
        return resp;
    }
    let path = req.uri().path().to_string();
    let query = query_pairs(req.uri().query());
    let mut override_method = if req.method() == Method::POST {
        query
            .iter()
            .find(|(k, _)| k == "_method")
            .map(|(_, v)| v.clone())
    } else {
        None
    };
    // Every body is read here, whole and in time: a client that trickles one in (or never
    // finishes it) is answered 408 instead of holding a handler; the handlers then read it
    // from memory.
    if [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(req.method()) {
        let (parts, body) = req.into_parts();
        let read = tokio::time::timeout(app.limits.header_read_timeout, to_bytes(body, BODY_LIMIT));
        let bytes = match read.await {
            Ok(Ok(b)) => b,
            Ok(Err(_)) => {
                let mut resp = ApiError::body_too_large().into_response();
                add_cors(&mut resp, origin, None);
                return resp;
            }
            Err(_) => {
                let mut resp = ApiError::request_timeout().into_response();
                add_cors(&mut resp, origin, None);
                return resp;
            }
        };
        if is_form(&parts.headers)
            && let Some(m) = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "_method")
        {
            override_method.get_or_insert_with(|| m.1.into_owned());
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    if let Some(m) = override_method
        && let Ok(method) = Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
    {
        *req.method_mut() = method;
    }

    let is_fapi = path.starts_with("/v1/") && !token_exempt(&path);
    let header_token = bearer_token(req.headers());
    let query_token = query
        .iter()
        .find(|(k, _)| k == "__clerk_db_jwt")
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty());
    let cookie = cookie_token(req.headers());
    let browser = header_token.is_none();
    let mut auth = Auth {
        client_id: None,
        browser,
        issued: Arc::default(),
        dev_browser: None,
    };
    // A stale cookie (another instance on this port) is dropped, not fatal: the browser could
    // never recover. A bad dev-browser JWT gets the code clerk-js answers with a new one.
    let token = match (header_token, query_token, cookie) {
        (Some(t), _, _) => Some((t, TokenSource::Header)),
        (None, Some(t), _) => Some((t, TokenSource::DevBrowser)),
        (None, None, Some(t)) => Some((t, TokenSource::Cookie)),
        _ => None,
    };
    if is_fapi && let Some((token, source)) = token {
        match (app.token_subject(&token), source) {
            (Some(TokenSubject::Client(id, rotating)), source) => {
                match stale_token(&app, &id, &rotating) {
                    // A browser's stale cookie is dropped, as an unknown one is.
                    Some(_) if source == TokenSource::Cookie => {}
                    Some(err) => {
                        let mut resp = err.into_response();
                        add_cors(&mut resp, origin, None);
                        return resp;
                    }
                    None => auth.client_id = Some(id),
                }
            }
            (Some(TokenSubject::DevBrowser(dvb)), _) => {
                auth.client_id = app
                    .lock()
                    .dev_browsers
                    .get(&dvb)
                    .and_then(|d| d.client_id.clone());
                auth.dev_browser = Some(dvb);
            }
            (None, TokenSource::Cookie) => {}
            (None, source) => {
                let err = match source {
                    TokenSource::DevBrowser => ApiError::dev_browser_unauthenticated(),
                    _ => ApiError::authentication_invalid(
                        "The client token in the request is invalid or was not issued by this instance.",
                    ),
                };
                let mut resp = err.into_response();
                add_cors(&mut resp, origin, None);
                return resp;
            }
        }
    }
    if is_fapi && path != "/v1/environment" {
        let key = auth
            .client_id
            .clone()
            .or_else(|| peer.map(|p| p.ip().to_canonical().to_string()))
            .unwrap_or_default();
        if let Err(retry) = app.rate_check(&key) {
            let mut resp = ApiError::too_many_requests(retry).into_response();
            add_cors(&mut resp, origin, None);
            return resp;
        }
    }
    req.extensions_mut().insert(auth.clone());
    let mut resp = next.run(req).await;
    let created = auth
        .issued
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let client_id = resp
        .extensions()
        .get::<IssuedClient>()
        .map(|c| c.0.clone())
        .or(created)
        .or(auth.client_id);
    if let (Some(dvb), Some(cid)) = (&auth.dev_browser, &client_id) {
        remember_dev_browser_client(&app, dvb, cid);
    }
    if let Some(cid) = client_id.filter(|_| is_fapi) {
        let token = app.client_token(&cid);
        if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
            resp.headers_mut().insert(header::AUTHORIZATION, v);
        }
        if auth.browser
            && let Ok(v) =
                HeaderValue::from_str(&format!("__client={token}; Path=/; HttpOnly; SameSite=Lax"))
        {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    add_cors(&mut resp, origin, None);
    resp
}

/// A token whose rotating part is not its client's current one was replaced by a redeemed
/// nonce: Clerk invalidates the old token when a sign-in resets it (clerk-docs
/// `guides/secure/best-practices/fixation-protection`), so it authenticates nothing (401
/// `authentication_invalid`, which Clerk's SDKs answer by reloading the client).
fn stale_token(app: &Emulator, client_id: &str, rotating: &str) -> Option<ApiError> {
    let st = app.lock();
    let client = st.clients.get(client_id)?;
    if super::crypto::ct_eq(&client.rotating_token, rotating) {
        return None;
    }
    Some(ApiError::authentication_invalid(
        "This client token was replaced: a sign-in finished with rotating_token_nonce rotated it. Use the token from that answer's Authorization header.",
    ))
}

/// Points a development browser at the client its latest request used (or created).
fn remember_dev_browser_client(app: &Emulator, dev_browser_id: &str, client_id: &str) {
    let mut st = app.lock();
    let current = st.dev_browsers.get(dev_browser_id);
    if current.and_then(|d| d.client_id.as_deref()) == Some(client_id) {
        return;
    }
    let rec = DevBrowserRec {
        id: dev_browser_id.to_string(),
        client_id: Some(client_id.to_string()),
        created_at: current.map_or_else(|| app.clock.now_ms(), |d| d.created_at),
    };
    if let Err(e) = st.save_dev_browser(rec) {
        tracing::warn!(error = %e, "could not record the dev browser's client");
    }
}
