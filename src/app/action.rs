//! `Action`: everything that can happen to the app - what the user asked for (from either front
//! end), the clock, and the results of calls, each tagged with the epoch that asked for it.

use secrecy::SecretString;

use crate::fapi::Strategy;

use super::callback::Returned;
use super::{OutboxEntry, Reply};

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
    /// A sign-in ticket (pasted as a `__clerk_ticket` link or bare, or given to `sign-in`):
    /// sign in with `strategy=ticket`, no identifier needed.
    SubmitTicket(SecretString),
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
    /// `a`: set up an authenticator app (`POST /v1/me/totp`).
    SetUpTotp,
    /// The code from the authenticator app that confirms its enrolment.
    VerifyTotp(SecretString),
    /// `a` with an authenticator app set up: ask before removing it.
    AskRemoveTotp,
    /// `b`: ask before replacing the backup codes with a new set.
    AskRegenerateBackupCodes,
    /// Yes to the question on screen (remove the app, new backup codes).
    Confirm,
    /// "I have saved them": the backup codes may leave the screen.
    BackupCodesSaved,
    /// Make another active session of this client the signed-in one (`touch`).
    SwitchSession(String),
    /// `d` (embedded server): show or hide the demo user's current authenticator code.
    ToggleDemoTotp,
    /// `+` (embedded server): move the emulator's clock forward by this many seconds.
    ShiftClock {
        seconds: i64,
    },
    Quit,
    /// The question about a sign-in an earlier run left unfinished: `true` continues it,
    /// `false` sets it aside and starts again at the identifier.
    ResumeSignIn(bool),
    /// The effect runner's first client load found a client token in the store (`true`) or
    /// none: a stored session that has since ended is then explained, not silently dropped.
    StoredClientToken(bool),
    /// Start signing in with a browser strategy (an OAuth provider, SAML, enterprise SSO)
    /// from the identifier screen, or start it again after it expired or failed.
    StartOAuth(Strategy),
    /// Open this address in the local browser (only offered when there is a display).
    OpenInBrowser(String),
    /// The browser launcher finished: `None` when it started, else why it could not.
    BrowserOpened(Option<String>),
    /// What the user pasted on the hand-off: the address the browser ended on, or its nonce.
    SubmitReturn(SecretString),
    /// The loopback callback listener of the hand-off of `epoch` has news.
    Callback {
        epoch: u64,
        event: CallbackEvent,
    },
    /// The embedded server's outbox changed (newest first).
    Outbox(Vec<OutboxEntry>),
    /// A call finished: its answer, with the epoch of the flow that asked for it.
    Api {
        epoch: u64,
        reply: Reply,
    },
}

/// What the loopback callback listener saw.
#[derive(Debug)]
pub enum CallbackEvent {
    /// Listening on this port (the one asked for, or the free one given for port 0).
    Listening { port: u16 },
    /// The port could not be bound: the browser's address has to be pasted instead.
    NotListening { port: u16, why: String },
    /// The hand-off's own callback came back (it is accepted once).
    Returned(Returned),
    /// A request that was not the hand-off's callback, and why it was ignored.
    Ignored(String),
}
