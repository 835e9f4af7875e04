//! `Effect`: everything the app asks the world to do. `effects.rs` runs them; update stays pure.

use secrecy::SecretString;

use crate::fapi::{Factor, Strategy};

/// One Frontend API call, with exactly the data it needs.
#[derive(Debug)]
pub enum Call {
    LoadEnvironment,
    LoadClient,
    CreateSignIn {
        identifier: String,
        password: Option<SecretString>,
    },
    /// `POST /v1/client/sign_ins strategy=ticket ticket=…` (`SignInFuture::ticket`).
    CreateTicketSignIn {
        ticket: SecretString,
    },
    PrepareFirstFactor {
        sign_in_id: String,
        factor: Factor,
    },
    AttemptFirstFactor {
        sign_in_id: String,
        strategy: Strategy,
        secret: SecretString,
    },
    PrepareSecondFactor {
        sign_in_id: String,
        factor: Factor,
    },
    AttemptSecondFactor {
        sign_in_id: String,
        strategy: Strategy,
        code: SecretString,
    },
    ResetPassword {
        sign_in_id: String,
        password: SecretString,
        sign_out_of_other_sessions: bool,
    },
    /// Mint a session token for the session.
    MintToken {
        session_id: String,
    },
    /// Sign out of one session, or of every session (`DELETE /v1/client`).
    SignOut {
        session_id: Option<String>,
    },
    /// `POST /v1/me/totp` for the session's user.
    CreateTotp {
        session_id: String,
    },
    /// `POST /v1/me/totp/attempt_verification`.
    VerifyTotp {
        session_id: String,
        code: SecretString,
    },
    /// `DELETE /v1/me/totp`.
    DeleteTotp {
        session_id: String,
    },
    /// `POST /v1/me/backup_codes`.
    CreateBackupCodes {
        session_id: String,
    },
    /// `GET /v1/me`.
    LoadUser {
        session_id: String,
    },
    /// `POST /v1/client/sessions/{id}/touch`: make it the active session.
    TouchSession {
        session_id: String,
    },
    /// Verify the token's signature with the Frontend API's `/.well-known/jwks.json`.
    VerifyToken {
        jwt: String,
    },
    /// The embedded emulator's `GET /__dev/totp/{user_id}`.
    DemoTotp {
        base_url: String,
        user_id: String,
    },
    /// The embedded emulator's `POST /__dev/clock {"shift_seconds": …}`.
    ShiftClock {
        base_url: String,
        seconds: i64,
    },
    /// A new sign-in with a browser strategy (`SignInFuture::sso`); the browser is sent to
    /// the redirect afterwards.
    CreateRedirectSignIn {
        strategy: Strategy,
        redirect: Redirect,
    },
    /// `prepare_first_factor` of a browser factor (SAML, enterprise SSO, OAuth picked as a
    /// first factor), with the redirect and the factor's `enterprise_connection_id`.
    PrepareHandOff {
        sign_in_id: String,
        factor: Factor,
        redirect: Redirect,
    },
    /// `GET /v1/client/sign_ins/{id}?rotating_token_nonce=…`: finish a hand-off; the answer's
    /// `Authorization` header is this client's new token, with the session.
    RedeemNonce {
        sign_in_id: String,
        nonce: SecretString,
    },
}

/// Where a browser hand-off sends the browser when the provider is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// The loopback listener's address with its state (the effects runner knows both).
    Callback,
    /// The listener's address with no query: the instance refused it with its `?state=`
    /// (an allowlist that matches the whole URL), so the listener checks no state.
    BareCallback,
    /// An address of the instance's own (`--redirect-url`); the user pastes where it ended.
    Url(String),
}

impl Call {
    /// A call that is safe to repeat as is (after a network failure).
    pub fn repeatable(&self) -> Option<Call> {
        match self {
            Call::LoadEnvironment => Some(Call::LoadEnvironment),
            Call::LoadClient => Some(Call::LoadClient),
            Call::PrepareFirstFactor { sign_in_id, factor } => Some(Call::PrepareFirstFactor {
                sign_in_id: sign_in_id.clone(),
                factor: factor.clone(),
            }),
            Call::PrepareSecondFactor { sign_in_id, factor } => Some(Call::PrepareSecondFactor {
                sign_in_id: sign_in_id.clone(),
                factor: factor.clone(),
            }),
            Call::MintToken { session_id } => Some(Call::MintToken {
                session_id: session_id.clone(),
            }),
            Call::SignOut { session_id } => Some(Call::SignOut {
                session_id: session_id.clone(),
            }),
            Call::LoadUser { session_id } => Some(Call::LoadUser {
                session_id: session_id.clone(),
            }),
            Call::CreateRedirectSignIn { strategy, redirect } => Some(Call::CreateRedirectSignIn {
                strategy: strategy.clone(),
                redirect: redirect.clone(),
            }),
            Call::PrepareHandOff {
                sign_in_id,
                factor,
                redirect,
            } => Some(Call::PrepareHandOff {
                sign_in_id: sign_in_id.clone(),
                factor: factor.clone(),
                redirect: redirect.clone(),
            }),
            // Calls carrying a secret are not kept: the user types it again.
            _ => None,
        }
    }

    /// Words for the status bar while the call is in flight.
    pub fn label(&self) -> &'static str {
        match self {
            Call::LoadEnvironment => "Loading the instance settings",
            Call::LoadClient => "Loading the client",
            Call::CreateSignIn { .. } => "Starting the sign-in",
            Call::CreateTicketSignIn { .. } => "Signing in with the ticket",
            Call::PrepareFirstFactor { .. } | Call::PrepareSecondFactor { .. } => "Sending",
            Call::AttemptFirstFactor { .. } | Call::AttemptSecondFactor { .. } => "Checking",
            Call::ResetPassword { .. } => "Setting the new password",
            Call::MintToken { .. } => "Minting a session token",
            Call::SignOut { .. } => "Signing out",
            Call::CreateTotp { .. } => "Creating an authenticator app secret",
            Call::VerifyTotp { .. } => "Checking the code",
            Call::DeleteTotp { .. } => "Removing the authenticator app",
            Call::CreateBackupCodes { .. } => "Creating new backup codes",
            Call::LoadUser { .. } => "Reloading the user",
            Call::TouchSession { .. } => "Switching sessions",
            Call::VerifyToken { .. } => "Verifying the token",
            Call::DemoTotp { .. } => "Reading the demo code",
            Call::ShiftClock { .. } => "Moving the emulator's clock",
            Call::CreateRedirectSignIn { .. } | Call::PrepareHandOff { .. } => {
                "Asking for the sign-in address"
            }
            Call::RedeemNonce { .. } => "Finishing the sign-in",
        }
    }
}

// Effects live for one loop turn; boxing the call would only add noise to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Effect {
    /// Make a call; its result comes back as `Action::Api` with this epoch.
    Call {
        epoch: u64,
        call: Call,
    },
    /// Poll the sign-in every second (with backoff on errors) until `until_ms`, a terminal
    /// verification state, or `StopPolling`; each result comes back as `Reply::Poll`.
    StartPolling {
        epoch: u64,
        sign_in_id: String,
        until_ms: i64,
    },
    StopPolling,
    /// Open an address in the local browser (`xdg-open`, `open`); never without a display.
    /// The result comes back as `Action::BrowserOpened`.
    OpenBrowser {
        url: String,
    },
    /// Listen on `127.0.0.1:port` for the hand-off's callback until `until_ms` (or
    /// `StopListening`, or one accepted callback); news comes back as `Action::Callback`.
    ListenForCallback {
        epoch: u64,
        port: u16,
        until_ms: i64,
    },
    StopListening,
    /// Follow the embedded server's outbox (`/__dev/outbox` long-poll) for the dev pane; each
    /// change comes back as `Action::Outbox`.
    WatchOutbox {
        base_url: String,
    },
    /// Persisted sign-out is done by the call; this forgets local secrets and exits the loop.
    Quit,
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::Call;
    use crate::fapi::{Factor, Strategy};

    fn factor() -> Factor {
        match serde_json::from_value(serde_json::json!({"strategy": "email_code"})) {
            Ok(f) => f,
            Err(e) => panic!("fixture: {e}"),
        }
    }

    fn secret() -> SecretString {
        SecretString::from("hunter2".to_string())
    }

    #[test]
    fn calls_without_a_secret_or_a_side_effect_are_repeated_as_they_were() {
        let id = || "x_1".to_string();
        let kept = [
            Call::LoadEnvironment,
            Call::LoadClient,
            Call::PrepareFirstFactor {
                sign_in_id: id(),
                factor: factor(),
            },
            Call::PrepareSecondFactor {
                sign_in_id: id(),
                factor: factor(),
            },
            Call::MintToken { session_id: id() },
            Call::SignOut { session_id: None },
            Call::SignOut {
                session_id: Some(id()),
            },
            Call::LoadUser { session_id: id() },
            Call::CreateRedirectSignIn {
                strategy: Strategy::Oauth("github".into()),
                redirect: super::Redirect::Url("https://example.com/done".into()),
            },
            Call::PrepareHandOff {
                sign_in_id: id(),
                factor: factor(),
                redirect: super::Redirect::Callback,
            },
        ];
        for call in kept {
            let again = call.repeatable();
            assert_eq!(format!("{again:?}"), format!("{:?}", Some(&call)));
        }
        let dropped = [
            Call::CreateSignIn {
                identifier: id(),
                password: Some(secret()),
            },
            // A ticket is single-use: never repeated behind the user's back.
            Call::CreateTicketSignIn { ticket: secret() },
            Call::AttemptFirstFactor {
                sign_in_id: id(),
                strategy: Strategy::Password,
                secret: secret(),
            },
            Call::AttemptSecondFactor {
                sign_in_id: id(),
                strategy: Strategy::Totp,
                code: secret(),
            },
            Call::ResetPassword {
                sign_in_id: id(),
                password: secret(),
                sign_out_of_other_sessions: true,
            },
            Call::VerifyTotp {
                session_id: id(),
                code: secret(),
            },
            Call::CreateTotp { session_id: id() },
            Call::DeleteTotp { session_id: id() },
            Call::CreateBackupCodes { session_id: id() },
            Call::TouchSession { session_id: id() },
            Call::RedeemNonce {
                sign_in_id: id(),
                nonce: secret(),
            },
        ];
        for call in dropped {
            assert!(call.repeatable().is_none(), "{call:?}");
        }
    }

    #[test]
    fn the_status_bar_names_the_call_in_flight() {
        assert_eq!(Call::LoadClient.label(), "Loading the client");
        let mint = Call::MintToken {
            session_id: "sess_1".into(),
        };
        assert_eq!(mint.label(), "Minting a session token");
    }
}
