//! What can go wrong talking to the Frontend API, as values a screen can show: Clerk's own
//! `{errors:[…]}` answers (`ClerkError`), and transport failures kept apart by cause.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::key::KeyError;
use super::models::{ApiError, Client};
use super::store::StoreError;

/// An error answer from Clerk: HTTP status plus the `errors` list of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct ClerkError {
    pub status: u16,
    pub errors: Vec<ApiError>,
    pub clerk_trace_id: Option<String>,
    /// From `Retry-After` (seconds or an HTTP date), sent with 429.
    pub retry_after: Option<Duration>,
    /// The client piggy-backed on the error body (`meta.client`, or `client`), if any.
    pub client: Option<Box<Client>>,
}

impl ClerkError {
    pub fn first(&self) -> Option<&ApiError> {
        self.errors.first()
    }

    /// The machine-readable code of the first error, e.g. `form_password_incorrect`.
    pub fn first_code(&self) -> Option<&str> {
        self.first().map(|e| e.code.as_str())
    }

    /// The form field the first error is about (`meta.param_name`), e.g. `code`.
    pub fn param_name(&self) -> Option<&str> {
        self.errors
            .iter()
            .find_map(|e| e.meta.param_name.as_deref())
    }

    /// Whether any of the errors carries `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }

    /// The sentence to show a person: `long_message`, else `message`, else a fallback by status.
    /// Cleaned of escape sequences, control and bidi characters: it goes to screens, stderr,
    /// `--json` and logs.
    pub fn user_message(&self) -> String {
        if let Some(e) = self.first() {
            if let Some(long) = e.long_message.as_deref().filter(|m| !m.trim().is_empty()) {
                return crate::flow::clean(long).into_owned();
            }
            if !e.message.trim().is_empty() {
                return crate::flow::clean(&e.message).into_owned();
            }
        }
        match self.status {
            401 => "You are not signed in, or your sign-in has expired.".to_owned(),
            403 => "This action is not allowed.".to_owned(),
            404 => "Clerk could not find what was asked for.".to_owned(),
            429 => "Too many requests. Please wait a moment and try again.".to_owned(),
            s if s >= 500 => format!("Clerk had a problem answering (HTTP {s})."),
            s => format!("Clerk refused the request (HTTP {s})."),
        }
    }

    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
    }
}

impl fmt::Display for ClerkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())?;
        // Without a code the fallback message already names the status.
        if let Some(code) = self.first_code() {
            write!(f, " ({}, HTTP {})", crate::flow::clean(code), self.status)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; try again in {} s", wait.as_secs().max(1))?;
        }
        Ok(())
    }
}

impl std::error::Error for ClerkError {}

/// Everything a Frontend API call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum FapiError {
    /// Clerk answered with an error (`{errors:[…]}`).
    #[error("{0}")]
    Api(ClerkError),
    /// No answer at all: connection refused or reset, DNS failure, TLS failure.
    #[error("cannot reach the Frontend API at {url}: {detail}")]
    Network { url: String, detail: String },
    #[error("the Frontend API at {url} did not answer within {} s", after.as_secs_f32())]
    Timeout { url: String, after: Duration },
    /// A body that is not JSON, typically an HTML error page from a proxy or load balancer.
    #[error(
        "the server answered HTTP {status} with {content_type} instead of JSON; is this a Clerk Frontend API? It said: “{snippet}”"
    )]
    NotJson {
        status: u16,
        content_type: String,
        snippet: String,
    },
    /// JSON that does not have the shape Clerk documents (or is cut off).
    #[error("the server answered HTTP {status} with JSON this client cannot read: {detail}")]
    Shape { status: u16, detail: String },
    /// A body past the cap: reading it would let a hostile server fill the memory.
    #[error("the server's answer was larger than {} MiB (HTTP {status})", limit / (1024 * 1024))]
    TooLarge { status: u16, limit: usize },
    #[error("invalid Frontend API URL {url:?}: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("invalid publishable key: {0}")]
    Key(#[from] KeyError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl FapiError {
    /// Clerk's error answer, if this is one.
    pub fn clerk(&self) -> Option<&ClerkError> {
        match self {
            FapiError::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The first Clerk error code, if this is a Clerk error answer.
    pub fn code(&self) -> Option<&str> {
        self.clerk().and_then(ClerkError::first_code)
    }

    /// No answer came back (network failure or timeout): worth a "check your connection".
    pub fn is_unreachable(&self) -> bool {
        matches!(self, FapiError::Network { .. } | FapiError::Timeout { .. })
    }

    /// Clerk no longer accepts the client token (`authentication_invalid`, 401): the
    /// stored token should be forgotten and the user signed in again.
    pub fn is_authentication_invalid(&self) -> bool {
        self.clerk()
            .is_some_and(|e| e.status == 401 && e.has_code("authentication_invalid"))
    }

    /// How long Clerk asked to wait (429 `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.clerk().and_then(|e| e.retry_after)
    }

    /// HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FapiError::Api(e) => Some(e.status),
            FapiError::NotJson { status, .. }
            | FapiError::Shape { status, .. }
            | FapiError::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `Retry-After` is either delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clerk_error(status: u16, errors: serde_json::Value) -> ClerkError {
        ClerkError {
            status,
            errors: serde_json::from_value(errors).unwrap(),
            clerk_trace_id: None,
            retry_after: None,
            client: None,
        }
    }

    #[test]
    fn user_message_prefers_long_message_then_message_then_status() {
        let both = clerk_error(
            422,
            serde_json::json!([{"code": "form_password_incorrect", "message": "is incorrect",
                                "long_message": "Password is incorrect. Try again."}]),
        );
        assert_eq!(both.user_message(), "Password is incorrect. Try again.");
        let short = clerk_error(
            422,
            serde_json::json!([{"code": "x", "message": "is incorrect"}]),
        );
        assert_eq!(short.user_message(), "is incorrect");
        let none = clerk_error(503, serde_json::json!([]));
        assert_eq!(none.first_code(), None);
        assert_eq!(
            none.to_string(),
            "Clerk had a problem answering (HTTP 503)."
        );
    }

    #[test]
    fn error_helpers_classify() {
        let invalid = FapiError::Api(clerk_error(
            401,
            serde_json::json!([{"code": "authentication_invalid", "message": "Invalid"}]),
        ));
        assert!(invalid.is_authentication_invalid());
        assert!(!invalid.is_unreachable());
        let timeout = FapiError::Timeout {
            url: "https://clerk.example.com".into(),
            after: Duration::from_secs(15),
        };
        assert!(timeout.is_unreachable());
        assert_eq!(
            timeout.to_string(),
            "the Frontend API at https://clerk.example.com did not answer within 15 s"
        );
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
