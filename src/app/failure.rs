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
    /// `user_locked`: too many failed attempts locked the account, for this many seconds
    /// (`meta.lockout_expires_in_seconds`; Clerk's "Brute force attacks and locking user
    /// accounts"). Nothing the sign-in offers works until then, resetting the password included.
    Locked { lockout_secs: Option<u64> },
    /// The server could not be reached, or the connection broke.
    Network,
    /// No answer in time.
    Timeout,
    /// The server answered with something that is not the Frontend API's JSON.
    BadResponse,
    /// The client is set up wrongly (bad key or URL).
    Setup,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: FailureKind,
    /// A sentence for the user (the server's `long_message` when it gave one).
    pub message: String,
    /// The form field the server named (`meta.param_name`), e.g. `code`, `password`.
    pub param_name: Option<String>,
    /// Clerk's `clerk_trace_id` of the failed call: what Clerk's support asks for. Shown in
    /// error details, `--json` errors and logs (it identifies a request, not a person).
    pub trace_id: Option<Box<str>>,
    /// The session the error names (`meta.session_id`), e.g. the one this client already
    /// holds for `session_exists` / `identifier_already_signed_in`.
    pub session_id: Option<Box<str>>,
    /// The client Clerk sent along with the error (`meta.client`), as clerk-js applies it
    /// (`Base.ts`, `_updateClient` runs before the status is looked at).
    pub client: Option<Box<crate::fapi::Client>>,
}

impl Failure {
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            FailureKind::Api { code, .. } => Some(code),
            FailureKind::Locked { .. } => Some("user_locked"),
            _ => None,
        }
    }

    /// Clerk did not accept the client token for this call (401 `authentication_invalid`):
    /// clerk-js then reloads the client to learn whether its session still exists
    /// (`Base.ts` calls `handleUnauthenticated`, `clerk.ts` fetches the client).
    pub fn is_authentication_invalid(&self) -> bool {
        matches!(&self.kind, FailureKind::Api { status: 401, code } if code == "authentication_invalid")
    }

    /// The message and what to do next, for a command that ends on it (`token`, `status`,
    /// `sign-out`): there no screen adds a retry key, so every kind names its own way on.
    pub fn with_next_step(&self) -> String {
        let next = match &self.kind {
            FailureKind::Api { .. } | FailureKind::Locked { .. } => {
                let code = self.code().unwrap_or("unknown_error");
                return crate::flow::with_next_step(&self.message, code, self.param_name.as_deref());
            }
            FailureKind::RateLimited { retry_after_secs } => {
                format!("Wait {retry_after_secs} s, then run it again.")
            }
            FailureKind::Network | FailureKind::Timeout => {
                "Check that the server is running and this machine can reach it, then run it again."
                    .to_string()
            }
            FailureKind::BadResponse => {
                "Check that the address is a Clerk Frontend API (clerk-tui doctor tells), then run it again."
                    .to_string()
            }
            FailureKind::Setup => {
                "Check the publishable key or the --frontend-api address.".to_string()
            }
        };
        let message = self.message.trim_end();
        let stop = if message.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        };
        format!("{message}{stop} {next}")
    }

    /// Whether retrying the same call may help (network trouble, timeouts, 5xx).
    pub fn retryable(&self) -> bool {
        match &self.kind {
            FailureKind::Network | FailureKind::Timeout | FailureKind::BadResponse => true,
            FailureKind::Api { status, .. } => *status >= 500,
            FailureKind::RateLimited { .. } | FailureKind::Locked { .. } | FailureKind::Setup => {
                false
            }
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
                let trace_id = e
                    .clerk_trace_id
                    .as_deref()
                    .map(|t| crate::flow::clean(t).into_owned())
                    .filter(|t| !t.is_empty())
                    .map(String::into_boxed_str);
                let session_id = e
                    .errors
                    .iter()
                    .find_map(|x| x.meta.session_id.as_deref())
                    .map(Box::from);
                let kind = if e.status == 429 {
                    FailureKind::RateLimited {
                        retry_after_secs: e
                            .retry_after
                            .map(|d: Duration| d.as_secs().max(1))
                            .unwrap_or(10),
                    }
                } else if code == "user_locked" {
                    FailureKind::Locked {
                        lockout_secs: e
                            .errors
                            .iter()
                            .find_map(|x| x.meta.other.get("lockout_expires_in_seconds")?.as_u64()),
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
                    trace_id,
                    session_id,
                    client: e.client.clone(),
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
                    trace_id: None,
                    session_id: None,
                    client: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Failure, FailureKind};
    use crate::fapi::{ClerkError, FapiError};

    fn clerk(status: u16, body: serde_json::Value, retry_after: Option<u64>) -> FapiError {
        let errors = match serde_json::from_value(body) {
            Ok(e) => e,
            Err(e) => panic!("fixture: {e}"),
        };
        FapiError::Api(ClerkError {
            status,
            errors,
            clerk_trace_id: None,
            retry_after: retry_after.map(Duration::from_secs),
            client: None,
        })
    }

    #[test]
    fn a_clerk_error_keeps_its_code_sentence_and_field() {
        let err = clerk(
            422,
            serde_json::json!([{"code": "form_code_incorrect", "message": "is incorrect",
                "long_message": "Incorrect code", "meta": {"param_name": "code"}}]),
            None,
        );
        let f = Failure::from(&err);
        assert_eq!(
            f.kind,
            FailureKind::Api {
                status: 422,
                code: "form_code_incorrect".into()
            }
        );
        assert_eq!(f.code(), Some("form_code_incorrect"));
        assert_eq!(f.message, "Incorrect code");
        assert_eq!(f.param_name.as_deref(), Some("code"));
        assert!(
            !f.retryable(),
            "a wrong code is not fixed by sending it again"
        );
        let bare = Failure::from(&clerk(400, serde_json::json!([]), None));
        assert_eq!(bare.code(), Some("unknown_error"));
    }

    #[test]
    fn the_trace_id_is_kept_cleaned_and_an_empty_one_is_none() {
        let traced = |id: &str| {
            let mut err = clerk(400, serde_json::json!([]), None);
            if let FapiError::Api(e) = &mut err {
                e.clerk_trace_id = Some(id.to_string());
            }
            Failure::from(&err).trace_id
        };
        assert_eq!(traced("abc123").as_deref(), Some("abc123"));
        assert_eq!(traced("ab\u{1b}[2Jc").as_deref(), Some("abc"));
        assert_eq!(traced(""), None);
        assert_eq!(traced("\u{1b}[2J"), None, "nothing left once cleaned");
    }

    #[test]
    fn a_429_waits_as_long_as_asked_at_least_a_second_and_ten_when_not_said() {
        let kind = |retry| Failure::from(&clerk(429, serde_json::json!([]), retry)).kind;
        assert_eq!(
            kind(Some(7)),
            FailureKind::RateLimited {
                retry_after_secs: 7
            }
        );
        assert_eq!(
            kind(Some(0)),
            FailureKind::RateLimited {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            kind(None),
            FailureKind::RateLimited {
                retry_after_secs: 10
            }
        );
        let limited = Failure::from(&clerk(429, serde_json::json!([]), Some(7)));
        assert_eq!(limited.code(), None);
        assert!(!limited.retryable(), "the countdown says when, not r");
    }

    #[test]
    fn a_locked_account_keeps_how_long_the_lock_lasts() {
        let locked = |meta| {
            Failure::from(&clerk(
                403,
                serde_json::json!([{"code": "user_locked", "message": "Account locked",
                    "long_message": "Your account is locked.", "meta": meta}]),
                None,
            ))
        };
        let f = locked(serde_json::json!({"lockout_expires_in_seconds": 1800}));
        assert_eq!(
            f.kind,
            FailureKind::Locked {
                lockout_secs: Some(1800)
            }
        );
        assert_eq!(f.code(), Some("user_locked"));
        assert!(!f.retryable(), "the same call fails until the lock ends");
        let unsaid = locked(serde_json::json!({"lockout_expires_in_seconds": null}));
        assert_eq!(unsaid.kind, FailureKind::Locked { lockout_secs: None });
    }

    #[test]
    fn every_kind_of_failure_ends_in_a_next_step() {
        let of = |err: FapiError| Failure::from(&err).with_next_step();
        let network = of(FapiError::Network {
            url: "u".into(),
            detail: "refused".into(),
        });
        assert!(network.ends_with("then run it again."), "{network}");
        let limited = of(clerk(429, serde_json::json!([]), Some(7)));
        assert!(
            limited.ends_with("Wait 7 s, then run it again."),
            "{limited}"
        );
        let setup = of(FapiError::InvalidBaseUrl {
            url: "x".into(),
            reason: "no host".into(),
        });
        assert!(setup.contains("--frontend-api"), "{setup}");
        let wrong = of(clerk(
            422,
            serde_json::json!([{"code": "form_identifier_not_found",
                "long_message": "Couldn't find your account."}]),
            None,
        ));
        assert!(wrong.contains("Check the address for typos"), "{wrong}");
    }

    #[test]
    fn only_passing_failures_are_worth_retrying() {
        let of = |err: FapiError| Failure::from(&err);
        let network = of(FapiError::Network {
            url: "u".into(),
            detail: "refused".into(),
        });
        assert_eq!(network.kind, FailureKind::Network);
        assert!(network.retryable() && network.code().is_none());
        let timeout = of(FapiError::Timeout {
            url: "u".into(),
            after: Duration::from_secs(1),
        });
        assert_eq!(timeout.kind, FailureKind::Timeout);
        assert!(timeout.retryable());
        let html = of(FapiError::NotJson {
            status: 502,
            content_type: "text/html".into(),
            snippet: "Bad gateway".into(),
        });
        assert_eq!(html.kind, FailureKind::BadResponse);
        assert!(html.retryable());
        let shape = of(FapiError::Shape {
            status: 200,
            detail: "cut off".into(),
        });
        assert_eq!(shape.kind, FailureKind::BadResponse);
        let setup = of(FapiError::InvalidBaseUrl {
            url: "x".into(),
            reason: "no host".into(),
        });
        assert_eq!(setup.kind, FailureKind::Setup);
        assert!(!setup.retryable() && setup.message.contains("no host"));
        let server = |status| of(clerk(status, serde_json::json!([]), None)).retryable();
        assert!(server(500) && server(503));
        assert!(!server(499) && !server(404));
    }
}
