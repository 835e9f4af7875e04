//! A failed call as the app sees it: a readable message, the form field it concerns, and the
//! class of failure (so the screen can offer retry, a countdown, or a way back).

use std::time::Duration;

use crate::fapi::FapiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// The server refused the request (`{errors:[…]}`), with Clerk's error code.
    Api { status: u16, code: String },
    /// 429: try again after this many seconds.
    RateLimited { retry_after_secs: u64 },
    /// The server could not be reached, or the connection broke.
    Network,
    /// No answer in time.
    Timeout,
    /// The server answered with something that is not the Frontend API's JSON.
    BadResponse,
    /// The client is set up wrongly (bad key or URL).
    Setup,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// A sentence for the user (the server's `long_message` when it gave one).
    pub message: String,
    /// The form field the server named (`meta.param_name`), e.g. `code`, `password`.
    pub param_name: Option<String>,
}

impl Failure {
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            FailureKind::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether retrying the same call may help (network trouble, timeouts, 5xx).
    pub fn retryable(&self) -> bool {
        match &self.kind {
            FailureKind::Network | FailureKind::Timeout | FailureKind::BadResponse => true,
            FailureKind::Api { status, .. } => *status >= 500,
            FailureKind::RateLimited { .. } | FailureKind::Setup => false,
        }
    }
}

impl From<&FapiError> for Failure {
    fn from(err: &FapiError) -> Self {
        match err {
            FapiError::Api(e) => {
                let code = e.first_code().unwrap_or("unknown_error").to_string();
                let message = e.user_message();
                let param_name = e.param_name().map(str::to_string);
                let kind = if e.status == 429 {
                    FailureKind::RateLimited {
                        retry_after_secs: e
                            .retry_after
                            .map(|d: Duration| d.as_secs().max(1))
                            .unwrap_or(10),
                    }
                } else {
                    FailureKind::Api {
                        status: e.status,
                        code,
                    }
                };
                Failure {
                    kind,
                    message,
                    param_name,
                }
            }
            other => {
                let kind = match other {
                    FapiError::Timeout { .. } => FailureKind::Timeout,
                    FapiError::Network { .. } => FailureKind::Network,
                    FapiError::NotJson { .. }
                    | FapiError::Shape { .. }
                    | FapiError::TooLarge { .. } => FailureKind::BadResponse,
                    _ => FailureKind::Setup,
                };
                Failure {
                    kind,
                    message: other.to_string(),
                    param_name: None,
                }
            }
        }
    }
}
