//! What a `SignInFuture` method can fail with: the Frontend API's own `FapiError` (Clerk's
//! `{errors:[…]}` answers and transport failures, unchanged), or one of the few things clerk-js
//! refuses before sending anything, kept as typed cases instead of thrown strings.

use std::time::Duration;

use crate::fapi::{ClerkError, FapiError, Strategy};

/// Every failure of the sign-in API.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The request was made and failed: Clerk refused it, or no answer came.
    #[error(transparent)]
    Fapi(#[from] FapiError),
    /// The sign-in offers no factor with this strategy; clerk-js throws a `ClerkRuntimeError`
    /// with code `factor_not_found` for the same case, before any request.
    #[error("this sign-in does not offer {strategy}")]
    FactorNotFound { strategy: Strategy },
    /// A method that acts on an existing sign-in was called before one was created, without
    /// the identifier that would create it (clerk-js: "cannot be called without … if an
    /// existing signIn does not exist").
    #[error("there is no sign-in yet: create one (or pass the identifier) first")]
    NoSignIn,
    /// `finalize()` on a sign-in that has not created a session (clerk-js: "Cannot finalize
    /// sign-in without a created session.").
    #[error("the sign-in has not created a session yet")]
    NoCreatedSession,
    /// `wait_for_verification` was cancelled through its `CancellationToken`.
    #[error("stopped waiting for the email link")]
    Cancelled,
    /// `wait_for_verification` asked until its deadline and the link was still not opened.
    #[error("the email link was not opened within {} s", after.as_secs())]
    TimedOut { after: Duration },
}

impl SignInError {
    /// The Frontend API error, when the failure came from a request.
    pub fn fapi(&self) -> Option<&FapiError> {
        match self {
            SignInError::Fapi(e) => Some(e),
            _ => None,
        }
    }

    /// Clerk's error answer, if this is one.
    pub fn clerk(&self) -> Option<&ClerkError> {
        self.fapi().and_then(FapiError::clerk)
    }

    /// The machine-readable code: Clerk's first error code for an answer, and clerk-js's
    /// `factor_not_found` for a factor the sign-in does not offer.
    pub fn code(&self) -> Option<&str> {
        match self {
            SignInError::Fapi(e) => e.code(),
            SignInError::FactorNotFound { .. } => Some("factor_not_found"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_clerk_and_local_cases_say_what_to_do() {
        let missing = SignInError::FactorNotFound {
            strategy: Strategy::PhoneCode,
        };
        assert_eq!(missing.code(), Some("factor_not_found"));
        assert_eq!(
            missing.to_string(),
            "this sign-in does not offer phone_code"
        );
        assert!(missing.fapi().is_none() && missing.clerk().is_none());
        let timeout = SignInError::TimedOut {
            after: Duration::from_secs(600),
        };
        assert_eq!(
            timeout.to_string(),
            "the email link was not opened within 600 s"
        );
        assert_eq!(SignInError::NoSignIn.code(), None);
    }
}
