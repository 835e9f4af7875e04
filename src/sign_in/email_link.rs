//! `signIn.emailLink`: send a sign-in link by email, then poll the sign-in until the link has
//! been opened (or has expired). The poll follows clerk-js's `Poller` (one read a second) and
//! adds what a terminal needs: a deadline, backoff while the server is busy, and cancellation.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::fapi::{FapiError, PrepareFirstFactorParams, SignIn, Strategy};

use super::first_factor::start_with_identifier;
use super::{SignInError, SignInFuture};

/// `signIn.emailLink.sendLink({ emailAddress | emailAddressId, verificationUrl })`.
#[derive(Debug, Clone, Default)]
pub struct EmailLinkSendParams {
    /// Creates the sign-in for this address first (needed when there is none yet).
    pub email_address: Option<String>,
    pub email_address_id: Option<String>,
    /// Where the browser lands after the link (`redirect_url`). Clerk's web SDK requires one;
    /// a terminal has no page of its own, so `None` leaves the landing page to the server.
    pub verification_url: Option<String>,
}

impl EmailLinkSendParams {
    pub fn email_address(email_address: impl Into<String>) -> Self {
        Self {
            email_address: Some(email_address.into()),
            ..Self::default()
        }
    }
}

/// How [`EmailLink::wait_for_verification`] polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollOptions {
    /// Between reads while all is well (clerk-js's `Poller`: 1 s).
    pub every: Duration,
    /// The longest wait between reads while the server is rate limiting, failing or out of
    /// reach (the wait doubles from `every`, or follows `Retry-After`).
    pub max_backoff: Duration,
    /// How long to wait for the link in all; the server is asked once more at the deadline, so
    /// an expiry it reports is returned rather than a bare timeout.
    pub timeout: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
            // The life of a Clerk email link.
            timeout: Duration::from_secs(600),
        }
    }
}

/// `signIn.emailLink`.
pub struct EmailLink<'a>(pub(super) &'a mut SignInFuture);

impl<'a> EmailLink<'a> {
    /// `signIn.emailLink.sendLink()`: with `email_address`, first `POST /v1/client/sign_ins`
    /// (`identifier`); then `POST …/prepare_first_factor` (`strategy=email_link`,
    /// `email_address_id`, `redirect_url`), which emails the link.
    pub async fn send_link(self, params: EmailLinkSendParams) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        start_with_identifier(
            future,
            params.email_address,
            params.email_address_id.is_some(),
        )
        .await?;
        let factor = future.select_first_factor(
            &Strategy::EmailLink,
            params.email_address_id.as_deref(),
            None,
        )?;
        let mut prepare = PrepareFirstFactorParams::from_factor(&factor);
        prepare.redirect_url = params.verification_url;
        let id = future.require_id()?;
        let answer = future.client.prepare_first_factor(&id, &prepare).await;
        future.keep(answer)
    }

    /// `signIn.emailLink.waitForVerification()`: `GET /v1/client/sign_ins/{id}` until the
    /// first-factor verification is no longer `unverified` (`verified`, `expired`,
    /// `transferable`, as clerk-js; also `failed`, which clerk-js would poll past until its
    /// page closes). Returns that sign-in: `complete` with a session, or a second factor due,
    /// or the expired verification to report. A Clerk refusal ends the wait as an error;
    /// 429, 5xx and no answer only slow it down. `cancel` stops it at once.
    pub async fn wait_for_verification(
        self,
        cancel: &CancellationToken,
        options: PollOptions,
    ) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        let id = future.require_id()?;
        let deadline = later(Instant::now(), options.timeout);
        let mut delay = options.every;
        loop {
            let last = Instant::now() >= deadline;
            let answer = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(SignInError::Cancelled),
                answer = future.client.reload_sign_in(&id) => answer,
            };
            let failure = match answer {
                Ok(sign_in) => {
                    let done = link_settled(&sign_in);
                    future.resource = sign_in;
                    if done {
                        return Ok(&future.resource);
                    }
                    None
                }
                Err(e) if is_transient(&e) => Some(e),
                Err(e) => return Err(e.into()),
            };
            if last {
                return Err(SignInError::TimedOut {
                    after: options.timeout,
                });
            }
            delay = next_delay(delay, failure.as_ref(), &options);
            let wake = later(Instant::now(), delay).min(deadline);
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(SignInError::Cancelled),
                _ = tokio::time::sleep_until(wake) => {}
            }
        }
    }
}

/// Whether the link has been dealt with, one way or another.
fn link_settled(sign_in: &SignIn) -> bool {
    sign_in.is_complete()
        || sign_in
            .first_factor_verification
            .as_ref()
            .is_some_and(|v| v.status.is_terminal())
}

/// Failures that say "not now" rather than "no": worth asking again after a pause.
fn is_transient(error: &FapiError) -> bool {
    error.is_unreachable()
        || error
            .clerk()
            .is_some_and(|c| c.is_rate_limited() || c.status >= 500)
}

/// The wait before the next read: `every` after an answer, doubled (up to `max_backoff`) after
/// a transient failure, or what the server asked for with `Retry-After`.
fn next_delay(current: Duration, failure: Option<&FapiError>, options: &PollOptions) -> Duration {
    match failure {
        None => options.every,
        Some(e) => e
            .retry_after()
            .unwrap_or_else(|| current.saturating_mul(2).min(options.max_backoff)),
    }
}

/// `from + wait`, without the panic of `Instant + Duration` when a `Retry-After` or a timeout
/// is too large to add: such a wait is as good as forever.
fn later(from: Instant, wait: Duration) -> Instant {
    const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    from.checked_add(wait.min(FOREVER))
        .or_else(|| from.checked_add(Duration::from_secs(24 * 3600)))
        .unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fapi::ClerkError;

    fn clerk(status: u16, retry_after: Option<Duration>) -> FapiError {
        FapiError::Api(ClerkError {
            status,
            errors: Vec::new(),
            clerk_trace_id: None,
            retry_after,
            client: None,
        })
    }

    #[test]
    fn backoff_doubles_to_the_cap_follows_retry_after_and_resets_on_an_answer() {
        let options = PollOptions::default();
        let busy = clerk(503, None);
        let mut delay = options.every;
        let mut seen = Vec::new();
        for _ in 0..5 {
            delay = next_delay(delay, Some(&busy), &options);
            seen.push(delay.as_secs());
        }
        assert_eq!(seen, [2, 4, 8, 8, 8]);
        let limited = clerk(429, Some(Duration::from_secs(30)));
        assert_eq!(
            next_delay(delay, Some(&limited), &options),
            Duration::from_secs(30)
        );
        assert_eq!(next_delay(delay, None, &options), options.every);
    }

    #[test]
    fn absurd_waits_from_the_server_or_the_caller_do_not_panic() {
        let options = PollOptions::default();
        let forever = clerk(429, Some(Duration::from_secs(u64::MAX)));
        let delay = next_delay(options.every, Some(&forever), &options);
        let after = next_delay(delay, Some(&clerk(503, None)), &options);
        assert_eq!(after, options.max_backoff);
        let now = Instant::now();
        assert!(later(now, Duration::MAX) > later(now, Duration::from_secs(3600)));
    }

    #[test]
    fn only_busy_or_unreachable_servers_are_asked_again() {
        assert!(is_transient(&clerk(429, None)));
        assert!(is_transient(&clerk(502, None)));
        assert!(is_transient(&FapiError::Network {
            url: "http://127.0.0.1:1".into(),
            detail: "refused".into(),
        }));
        assert!(!is_transient(&clerk(404, None)));
        assert!(!is_transient(&clerk(422, None)));
    }

    #[test]
    fn the_wait_ends_once_the_link_is_used_up_either_way() {
        let with = |status: &str, sign_in_status: &str| -> SignIn {
            serde_json::from_value(serde_json::json!({
                "id": "sia_1", "status": sign_in_status,
                "first_factor_verification": {"status": status, "strategy": "email_link"}
            }))
            .unwrap()
        };
        assert!(!link_settled(&with("unverified", "needs_first_factor")));
        for status in ["verified", "expired", "transferable", "failed"] {
            assert!(
                link_settled(&with(status, "needs_first_factor")),
                "{status}"
            );
        }
        assert!(link_settled(&with("unverified", "complete")));
    }
}
