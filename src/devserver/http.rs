//! Request plumbing shared by every route: the `_method` override, client-token auth
//! (header, `__clerk_db_jwt`, `__client` cookie), rate limiting, CORS for loopback origins,
//! and the `Authorization` header on every response.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::ApiError;
use super::state::{App, State as Store};

const BODY_LIMIT: usize = 256 * 1024;

/// Who is calling: the client their token names (if any) and where from.
#[derive(Debug, Clone)]
pub struct Auth {
    pub client_id: Option<String>,
    /// The token came from a cookie (browser), so answers also set the cookie.
    pub browser: bool,
}

/// Response marker: this client's token goes into the `Authorization` header.
#[derive(Debug, Clone)]
pub struct IssuedClient(pub String);

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
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

fn is_json(headers: &HeaderMap) -> bool {
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

pub async fn layer(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let origin = loopback_origin(req.headers());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
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
    if path.starts_with("/__dev")
        && !app.dev_endpoints_public
        && !peer.is_some_and(|p| p.ip().is_loopback())
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "dev_endpoints_loopback_only",
            "forbidden",
            "The /__dev/ endpoints answer loopback clients only.",
        )
        .into_response();
    }
    let query = query_pairs(req.uri().query());
    let mut override_method = if req.method() == Method::POST {
        query
            .iter()
            .find(|(k, _)| k == "_method")
            .map(|(_, v)| v.clone())
    } else {
        None
    };
    if req.method() == Method::POST && is_form(req.headers()) {
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                let mut resp = ApiError::format_invalid(
                    "body",
                    "The request body is too large or could not be read.",
                )
                .into_response();
                add_cors(&mut resp, origin, None);
                return resp;
            }
        };
        if let Some(m) = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "_method") {
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
    let token = header_token.or(query_token).or(cookie);
    let mut auth = Auth {
        client_id: None,
        browser,
    };
    if is_fapi && let Some(token) = token {
        match app.client_id_from_token(&token) {
            Some(id) => auth.client_id = Some(id),
            None => {
                let mut resp = ApiError::authentication_invalid("The client token in the request is invalid or was not issued by this instance.").into_response();
                add_cors(&mut resp, origin, None);
                return resp;
            }
        }
    }
    if is_fapi && path != "/v1/environment" {
        let key = auth
            .client_id
            .clone()
            .or_else(|| peer.map(|p| p.ip().to_string()))
            .unwrap_or_default();
        if let Err(retry) = app.rate_check(&key) {
            let mut resp = ApiError::too_many_requests(retry).into_response();
            add_cors(&mut resp, origin, None);
            return resp;
        }
    }
    req.extensions_mut().insert(auth.clone());
    let mut resp = next.run(req).await;
    let client_id = resp
        .extensions()
        .get::<IssuedClient>()
        .map(|c| c.0.clone())
        .or(auth.client_id);
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

/// A parsed Frontend API request: query, form (or JSON) body, auth and origin.
#[derive(Debug, Clone)]
pub struct Req {
    pub auth: Auth,
    pub query: HashMap<String, String>,
    pub form: HashMap<String, String>,
    /// Origin or Referer origin, for the session token's `azp`.
    pub origin: Option<String>,
}

impl Req {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .get(name)
            .map(String::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.field(name).ok_or_else(|| ApiError::missing(name))
    }
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.field(name) {
            None => Ok(false),
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(_) => Err(ApiError::format_invalid(
                name,
                &format!("{name} must be true or false."),
            )),
        }
    }
}

fn json_to_form(v: Value) -> Result<HashMap<String, String>, ApiError> {
    let Value::Object(map) = v else {
        return Err(ApiError::format_invalid(
            "body",
            "The JSON body must be an object.",
        ));
    };
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::Null => None,
            Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}

fn parse_body(headers: &HeaderMap, bytes: &Bytes) -> Result<HashMap<String, String>, ApiError> {
    if bytes.is_empty() {
        return Ok(HashMap::new());
    }
    if is_json(headers) {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|_| ApiError::format_invalid("body", "The request body is not valid JSON."))?;
        return json_to_form(v);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::format_invalid("body", "The request body is not valid UTF-8."))?;
    let mut form = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
        if k.is_empty() {
            return Err(ApiError::format_invalid(
                "body",
                "The form body has a field without a name.",
            ));
        }
        if v.contains('\u{FFFD}') {
            return Err(ApiError::format_invalid(
                &k,
                "The form field is not valid percent-encoded UTF-8.",
            ));
        }
        form.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    Ok(form)
}

impl FromRequest<Arc<App>> for Req {
    type Rejection = ApiError;

    async fn from_request(req: Request, _app: &Arc<App>) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let auth = parts.extensions.get::<Auth>().cloned().unwrap_or(Auth {
            client_id: None,
            browser: false,
        });
        let query = query_pairs(parts.uri.query()).into_iter().collect();
        let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            ApiError::format_invalid(
                "body",
                "The request body is too large or could not be read.",
            )
        })?;
        let form = parse_body(&parts.headers, &bytes)?;
        let origin = parts
            .headers
            .get(header::ORIGIN)
            .or_else(|| parts.headers.get(header::REFERER))
            .and_then(|v| v.to_str().ok())
            .and_then(|s| url::Url::parse(s).ok())
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null");
        Ok(Self {
            auth,
            query,
            form,
            origin,
        })
    }
}

/// The client this request acts for, created if it has none (or its client is gone).
pub fn ensure_client(st: &mut Store, req: &Req, now: i64) -> Result<String, ApiError> {
    if let Some(id) = req
        .auth
        .client_id
        .as_ref()
        .filter(|id| st.clients.contains_key(*id))
    {
        return Ok(id.clone());
    }
    Ok(st.new_client(now)?)
}

/// The client named by the request's token, if it still exists.
pub fn existing_client(st: &Store, req: &Req) -> Option<String> {
    req.auth
        .client_id
        .clone()
        .filter(|id| st.clients.contains_key(id))
}

/// `{response, client}` with the client's token in the `Authorization` header.
pub fn envelope(response: Value, client: Value, client_id: Option<&str>) -> Response {
    let mut resp = axum::Json(json!({"response": response, "client": client})).into_response();
    if let Some(id) = client_id {
        resp.extensions_mut().insert(IssuedClient(id.to_string()));
    }
    resp
}

pub fn with_client(mut resp: Response, client_id: &str) -> Response {
    resp.extensions_mut()
        .insert(IssuedClient(client_id.to_string()));
    resp
}
