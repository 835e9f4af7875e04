//! Who is calling (`Caller`: the client their token names, their page origin) and the helpers
//! every route uses to find or create that client and answer in Clerk's envelope. Request
//! parameters are typed per endpoint (`params.rs`).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::ApiError;
use super::http::{Auth, IssuedClient};
use super::state::Db;

/// The caller of a Frontend API request: its auth (set by the middleware) and the origin of
/// the page it came from (Origin or Referer), for the session token's `azp`.
#[derive(Debug, Clone)]
pub struct Caller {
    pub auth: Auth,
    pub origin: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let auth = parts.extensions.get::<Auth>().cloned().unwrap_or_default();
        let origin = parts
            .headers
            .get(header::ORIGIN)
            .or_else(|| parts.headers.get(header::REFERER))
            .and_then(|v| v.to_str().ok())
            .and_then(|s| url::Url::parse(s).ok())
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null");
        Ok(Self { auth, origin })
    }
}

impl Caller {
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The client this request acts for, created if it has none (or its client is gone).
    pub fn ensure_client(&self, db: &mut Db, now: i64) -> Result<String, ApiError> {
        if let Some(id) = self.existing_client(db) {
            return Ok(id);
        }
        let id = db.new_client(now)?;
        *self.auth.issued.lock().unwrap_or_else(|e| e.into_inner()) = Some(id.clone());
        Ok(id)
    }

    /// The client named by the request's token, if it still exists.
    pub fn existing_client(&self, db: &Db) -> Option<String> {
        self.auth
            .client_id
            .clone()
            .filter(|id| db.clients.contains_key(id))
    }
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

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PathParam(v))
            .map_err(|_| ApiError::route_not_found())
    }
}
