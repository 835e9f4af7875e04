//! The parsed Frontend API request (`Req`: query, form or JSON body, auth, origin) and the
//! helpers every route uses to find or create the caller's client and answer in an envelope.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::ApiError;
use super::http::{Auth, BODY_LIMIT, IssuedClient, is_json, query_pairs};
use super::state::{App, State as Store};

/// A parsed Frontend API request: query, form (or JSON) body, auth and origin. The body can
/// hold passwords and codes: Debug shows only the field names, and the values are wiped on drop.
#[derive(Clone)]
pub struct Req {
    pub auth: Auth,
    pub query: HashMap<String, String>,
    pub form: HashMap<String, String>,
    /// Origin or Referer origin, for the session token's `azp`.
    pub origin: Option<String>,
}

impl std::fmt::Debug for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Req")
            .field("auth", &self.auth)
            .field("query", &self.query.keys().collect::<Vec<_>>())
            .field("form", &self.form.keys().collect::<Vec<_>>())
            .field("origin", &self.origin)
            .finish()
    }
}

impl Drop for Req {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for v in self.form.values_mut() {
            v.zeroize();
        }
    }
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
            issued: Arc::default(),
            dev_browser: None,
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
    let id = st.new_client(now)?;
    *req.auth.issued.lock().unwrap_or_else(|e| e.into_inner()) = Some(id.clone());
    Ok(id)
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

/// A path parameter. A malformed one (bad percent-encoding) names nothing that exists, so it
/// is answered like an unknown id instead of with axum's plain-text rejection.
pub struct PathParam<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for PathParam<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PathParam(v))
            .map_err(|_| ApiError::route_not_found())
    }
}

/// The query string as a map (first value wins); never rejects.
pub struct QueryMap(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for QueryMap {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let mut map = HashMap::new();
        for (k, v) in query_pairs(parts.uri.query()) {
            map.entry(k).or_insert(v);
        }
        Ok(QueryMap(map))
    }
}
