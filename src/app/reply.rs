//! `Reply`: the answer to one call, as the effects runner sends it back. Each variant names its
//! call and carries that call's own `Result`, so an answer cannot be paired with the wrong call
//! and a new call is a compile error wherever replies are taken apart.

use secrecy::SecretString;

use crate::fapi::{BackupCodes, Client, Environment, SignIn, Totp, User};

use super::{Failure, TokenCheck};

/// A client as the server last sent it (`None`: no client yet, or signed out everywhere).
pub type MaybeClient = Option<Box<Client>>;

#[derive(Debug, Clone)]
pub enum Reply {
    /// `GET /v1/environment`.
    Environment(Result<Box<Environment>, Failure>),
    /// `GET /v1/client`.
    Client(Result<MaybeClient, Failure>),
    /// A sign-in call the user made (create, prepare, attempt, reset, a browser hand-off).
    SignIn(Result<SignInReply, Failure>),
    /// The poller's reload of the sign-in while waiting for an email link or a hand-off.
    Poll(Result<SignInReply, Failure>),
    /// The sign-in reloaded with the hand-off's `rotating_token_nonce`.
    Redeemed(Result<SignInReply, Failure>),
    /// A session token (JWT).
    Token(Result<String, Failure>),
    /// Sign-out of one session or of every session; the client as the server now has it.
    SignOut(Result<MaybeClient, Failure>),
    /// `touch`: another session became the active one; the client as the server now has it.
    Touched(Result<MaybeClient, Failure>),
    /// The session token checked against the JWKS (the check says itself why it failed).
    TokenCheck(TokenCheck),
    /// A TOTP enrolment (`verified: false`, with secret and URI) or its verification (with
    /// the backup codes, once).
    Totp(Result<Box<Totp>, Failure>),
    /// `DELETE /v1/me/totp`.
    TotpRemoved(Result<(), Failure>),
    /// `POST /v1/me/backup_codes`.
    BackupCodes(Result<Box<BackupCodes>, Failure>),
    /// The signed-in user, reloaded after an account change.
    User(Result<Box<User>, Failure>),
    /// The demo user's current authenticator code (embedded server).
    DemoTotp(Result<DemoCode, Failure>),
    /// The emulator's clock offset from real time after a shift (ms).
    Clock(Result<i64, Failure>),
}

/// A sign-in, with the client as the server last sent it.
#[derive(Debug, Clone)]
pub struct SignInReply {
    pub sign_in: Box<SignIn>,
    pub client: MaybeClient,
}

/// The emulator's `/__dev/totp/{user_id}` answer.
#[derive(Debug, Clone)]
pub struct DemoCode {
    pub code: SecretString,
    pub seconds_left: i64,
}

impl Reply {
    /// The failure, if the call failed.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Reply::Environment(r) => r.as_ref().err(),
            Reply::Client(r) | Reply::SignOut(r) | Reply::Touched(r) => r.as_ref().err(),
            Reply::SignIn(r) | Reply::Poll(r) | Reply::Redeemed(r) => r.as_ref().err(),
            Reply::Token(r) => r.as_ref().err(),
            Reply::TokenCheck(_) => None,
            Reply::Totp(r) => r.as_ref().err(),
            Reply::TotpRemoved(r) => r.as_ref().err(),
            Reply::BackupCodes(r) => r.as_ref().err(),
            Reply::User(r) => r.as_ref().err(),
            Reply::DemoTotp(r) => r.as_ref().err(),
            Reply::Clock(r) => r.as_ref().err(),
        }
    }

    /// Answers to calls the user did not start and does not wait for: they leave the busy
    /// state and the notice on screen alone.
    pub fn is_background(&self) -> bool {
        matches!(
            self,
            Reply::Poll(_)
                | Reply::Token(_)
                | Reply::TokenCheck(_)
                | Reply::User(_)
                | Reply::DemoTotp(_)
                | Reply::Clock(_)
        )
    }

    /// The environment belongs to no flow, so no epoch makes its answer stale.
    pub fn is_environment(&self) -> bool {
        matches!(self, Reply::Environment(_))
    }
}
