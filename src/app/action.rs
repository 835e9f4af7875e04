//! `Action`: everything that can happen to the app - what the user asked for (from either front
//! end), the clock, and the results of calls, each tagged with the epoch that asked for it.

use secrecy::SecretString;

use crate::fapi::{Client, Environment, SignIn, Strategy};

use super::Failure;

#[derive(Debug)]
pub enum Action {
    /// The clock moved (front ends send one at most once a second while something counts down).
    Tick {
        now_ms: i64,
    },
    /// Start: load the environment and the client.
    Start,
    /// The identifier screen was submitted; `password` when one-step password sign-in is used.
    SubmitIdentifier {
        identifier: String,
        password: Option<SecretString>,
    },
    /// The password of the current first factor.
    SubmitPassword(SecretString),
    /// A one-time code (email, SMS, TOTP, backup code, reset code) for the current factor.
    SubmitCode(SecretString),
    /// Send (or re-send) the code or link of the current factor.
    SendCode,
    /// Open the list of every factor of the current stage.
    ChooseAnotherMethod,
    /// Pick a factor from that list.
    PickFactor(Strategy),
    /// "Forgot password": switch to a reset-password strategy.
    ForgotPassword,
    /// `needs_new_password`: the new password.
    SubmitNewPassword {
        password: SecretString,
        sign_out_of_other_sessions: bool,
    },
    /// Esc: back one step (closes a list, stops a wait, or returns to the identifier).
    Back,
    /// Repeat the last call that failed for a network reason.
    Retry,
    /// Mint a fresh session token now.
    RefreshToken,
    /// Sign out of this session (`all: false`) or of every session of the client.
    SignOut {
        all: bool,
    },
    Quit,
    /// Start signing in with a browser strategy (an OAuth provider, SAML, enterprise SSO)
    /// from the identifier screen, or start it again after it expired or failed.
    StartOAuth(Strategy),
    /// Open this address in the local browser (only offered when there is a display).
    OpenInBrowser(String),
    /// The browser launcher finished: `None` when it started, else why it could not.
    BrowserOpened(Option<String>),
    /// The embedded server's outbox changed (newest first).
    Outbox(Vec<super::OutboxEntry>),
    /// A call finished.
    Api {
        epoch: u64,
        call: CallKind,
        result: Result<ApiReply, Failure>,
    },
}

/// Which call a result belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    Environment,
    Client,
    SignIn,
    /// A poll of the sign-in while waiting for an email link or a hand-off.
    Poll,
    Token,
    SignOut,
}

#[derive(Debug, Clone)]
pub enum ApiReply {
    Environment(Box<Environment>),
    /// The client (None: no client yet, or signed out everywhere).
    Client(Option<Box<Client>>),
    /// A sign-in, with the client as the server last sent it.
    SignIn {
        sign_in: Box<SignIn>,
        client: Option<Box<Client>>,
    },
    /// A session token (JWT).
    Token {
        jwt: String,
    },
}
