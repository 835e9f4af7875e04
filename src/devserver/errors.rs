//! Frontend API error responses: `{errors:[{code,message,long_message,meta}], clerk_trace_id}`
//! with the codes and HTTP statuses the real service uses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use std::net::SocketAddr;

/// Why the server could not start or keep going (not an answer to a request: see [`ApiError`]).
#[derive(Debug, thiserror::Error)]
pub enum DevServerError {
    #[error("database: {0}")]
    Database(String),
    #[error("seed: {0}")]
    Seed(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Serve(String),
    #[error("internal: {0}")]
    Internal(String),
}

/// A random id per error answer, as Clerk sends (it names nothing here).
fn trace_id() -> String {
    use rand::Rng;
    format!("{:032x}", rand::rng().random::<u128>())
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub long_message: String,
    pub meta: Map<String, Value>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: &str, long_message: &str) -> Self {
        Self {
            status,
            code,
            message: message.to_string(),
            long_message: long_message.to_string(),
            meta: Map::new(),
            retry_after: None,
        }
    }

    pub fn param(mut self, name: &str) -> Self {
        self.meta
            .insert("param_name".into(), Value::String(name.to_string()));
        self
    }

    pub fn meta(mut self, key: &str, value: Value) -> Self {
        self.meta.insert(key.to_string(), value);
        self
    }

    pub fn body(&self) -> Value {
        json!({
            "errors": [{
                "code": self.code,
                "message": self.message,
                "long_message": self.long_message,
                "meta": self.meta,
            }],
            "clerk_trace_id": trace_id(),
        })
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            &format!("No {what} was found with this identifier."),
        )
    }
    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            "The requested resource does not exist.",
        )
    }
    pub fn body_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_body_too_large",
            "is too large",
            "The request body is too large or could not be read.",
        )
        .param("body")
    }
    pub fn request_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "request timeout",
            "The request body did not arrive in time.",
        )
    }
    pub fn forbidden(code: &'static str, long: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, "forbidden", long)
    }
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
            "This endpoint does not accept this HTTP method.",
        )
    }
    pub fn missing(param: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "is missing",
            &format!("{param} must be included."),
        )
        .param(param)
    }
    pub fn format_invalid(param: &str, long: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "form_param_format_invalid",
            "is invalid",
            long,
        )
        .param(param)
    }
    pub fn value_invalid(param: &str, long: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            long,
        )
        .param(param)
    }
    pub fn identifier_not_found() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_not_found",
            "Couldn't find your account.",
            "Couldn't find your account.",
        )
        .param("identifier")
    }
    pub fn password_incorrect() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_incorrect",
            "Password is incorrect. Try again, or use another method.",
            "Password is incorrect. Try again, or use another method.",
        )
        .param("password")
    }
    pub fn code_incorrect() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_code_incorrect",
            "is incorrect",
            "Incorrect code",
        )
        .param("code")
    }
    pub fn code_replayed() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_code_incorrect",
            "is incorrect",
            "This code has already been used. Wait for the next one.",
        )
        .param("code")
    }
    pub fn verification_expired() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "verification_expired",
            "expired",
            "This verification has expired. You must create a new one.",
        )
        .param("code")
    }
    pub fn verification_failed() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "verification_failed",
            "failed",
            "Too many failed attempts. You have to try again with the same or another method.",
        )
        .param("code")
    }
    pub fn already_verified() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_already_verified",
            "already verified",
            "This verification has already been verified.",
        )
    }
    pub fn verification_missing() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_missing",
            "missing",
            "No verification has been prepared for this strategy. Call prepare first.",
        )
        .param("strategy")
    }
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests",
            "Too many requests, retry later.",
        );
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }
    pub fn authentication_invalid(long: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_invalid",
            "Invalid authentication",
            long,
        )
    }
    pub fn dev_browser_unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "dev_browser_unauthenticated",
            "Browser unauthenticated",
            "Unable to authenticate this browser for your development instance: the dev browser token was not issued by this server.",
        )
    }
    pub fn signed_out() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "signed_out",
            "Signed out",
            "You are signed out.",
        )
    }
    pub fn user_locked(expires_in_secs: Option<i64>) -> Self {
        let long = match expires_in_secs {
            Some(s) => format!(
                "Your account is locked. You will be able to try again in {} minutes.",
                (s + 59) / 60
            ),
            None => {
                "Your account is locked. Please contact support for more information.".to_string()
            }
        };
        Self::new(
            StatusCode::FORBIDDEN,
            "user_locked",
            "Account locked",
            &long,
        )
        .meta(
            "lockout_expires_in_seconds",
            expires_in_secs.map_or(Value::Null, Value::from),
        )
    }
    pub fn strategy_invalid() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "strategy_for_user_invalid",
            "Invalid verification strategy",
            "Verification strategy is not valid for this account",
        )
        .param("strategy")
    }
    pub fn status_invalid(status: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "sign_in_status_invalid",
            "invalid status",
            &format!("This action is not allowed while the sign-in is {status}."),
        )
    }
    pub fn already_signed_in(session_id: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "identifier_already_signed_in",
            "You're already signed in",
            "You're already signed in with this account on this client.",
        )
        .param("identifier")
        .meta("session_id", Value::String(session_id.to_string()))
    }
    /// Clerk's ticket errors (clerk-docs `docs/guides/development/errors/frontend-api.mdx`,
    /// "Ticket" and "Sign In Tokens"): 400, with the codes' `_code` suffix as Clerk spells them.
    pub fn ticket_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ticket_invalid_code",
            "ticket is invalid",
            "This ticket is invalid. Make sure you're using a valid ticket generated by Clerk.",
        )
        .param("ticket")
    }
    pub fn ticket_expired() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ticket_expired_code",
            "ticket has expired",
            "This ticket has expired and cannot be used anymore.",
        )
        .param("ticket")
    }
    pub fn ticket_used() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "sign_in_token_already_used_code",
            "sign in token has already been used",
            "This sign in token has already been used. Each token can only be used once.",
        )
        .param("ticket")
    }
    pub fn internal(e: &DevServerError) -> Self {
        tracing::error!(error = %e, "devserver internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_clerk_error",
            "Oops, an unexpected error occurred",
            "There was an internal error on our servers.",
        )
    }
}

impl From<DevServerError> for ApiError {
    fn from(e: DevServerError) -> Self {
        Self::internal(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}
