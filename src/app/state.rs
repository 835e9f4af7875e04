//! `App`: everything the screens draw from. Server state (`Environment`, `Client`, `SignIn`) is
//! kept as the server last sent it; local state is only what the server cannot know.

use secrecy::SecretString;

use crate::fapi::{Client, Environment, Session, SignIn, User};
use crate::flow::{self, Choices, Step};

use super::Call;

/// Where the Frontend API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// The embedded emulator, started in-process.
    Embedded {
        base_url: String,
        seed_users: Vec<SeedUserInfo>,
    },
    /// A Frontend API named by a publishable key or `--frontend-api`.
    Remote { base_url: String },
}

impl Backend {
    pub fn is_embedded(&self) -> bool {
        matches!(self, Backend::Embedded { .. })
    }
    pub fn base_url(&self) -> &str {
        match self {
            Backend::Embedded { base_url, .. } | Backend::Remote { base_url } => base_url,
        }
    }
}

/// A demo user of the embedded server, as the start screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUserInfo {
    pub identifier: String,
    pub password: Option<String>,
    pub demonstrates: String,
}

/// A message the embedded server "sent" (dev mode only): shown in the outbox pane so a demo
/// can use the code or link without a mailbox or phone.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub to: String,
    /// `code`, `link` or `reset`.
    pub kind: String,
    #[serde(default)]
    pub channel: String,
    pub code: Option<String>,
    pub link: Option<String>,
    pub sign_in_id: Option<String>,
    /// When it was sent (ms since the epoch).
    pub created_at: i64,
}

impl std::fmt::Debug for OutboxEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Codes and links are credentials even in a demo: never in logs.
        f.debug_struct("OutboxEntry")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("code", &self.code.as_ref().map(|_| "***"))
            .field("link", &self.link.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A request in flight, named for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub what: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    Info,
}

/// A message under the form: an error the server gave (with the field it names) or news.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub message: String,
    pub param_name: Option<String>,
    /// A call that failed for a reason retrying may fix (`Retry` repeats it).
    pub retryable: bool,
}

/// The signed-in summary: the session and a freshly minted session token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignedIn {
    pub session_id: String,
    pub jwt: Option<String>,
    /// When the current `jwt` expires (ms, server time), from its `exp` claim.
    pub jwt_expires_at: Option<i64>,
    /// A new token is on its way (background refresh or `r`).
    pub minting: bool,
    /// After a failed mint, the background refresh waits until this time (ms, local).
    pub retry_at: Option<i64>,
    /// What the JWKS said about the current token's signature.
    pub check: Option<TokenCheck>,
}

/// The result of verifying a session token with the Frontend API's JWKS.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenCheck {
    /// The token's signature part: which token this check is about.
    pub signature: String,
    /// The `kid` of the key that verified it (or that the token named).
    pub kid: Option<String>,
    /// `Err` says in words why the token could not be verified.
    pub outcome: Result<(), String>,
}

impl std::fmt::Debug for TokenCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCheck")
            .field("kid", &self.kid)
            .field("outcome", &self.outcome)
            .finish()
    }
}

/// What the signed-in screen shows over the summary.
#[derive(Debug, Clone)]
pub enum AccountTask {
    /// `POST /v1/me/totp` answered: scan or type the secret, then confirm with a code.
    EnrolTotp {
        secret: SecretString,
        uri: SecretString,
    },
    /// Backup codes, shown this once, until the user says they saved them.
    BackupCodes {
        codes: Vec<SecretString>,
        reason: BackupCodesReason,
    },
    /// A question before something that cannot be undone.
    Confirm(Confirm),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupCodesReason {
    /// They came with a newly verified authenticator app.
    TotpEnabled,
    /// `b`: a new set replaced the old one.
    Regenerated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confirm {
    RemoveTotp,
    RegenerateBackupCodes,
}

/// The demo user's current authenticator code, fetched from the emulator (`d`).
#[derive(Debug, Clone)]
pub struct DemoTotp {
    /// `None` until the first answer arrives.
    pub code: Option<SecretString>,
    /// When the code stops being current (ms, this computer's clock).
    pub valid_until: i64,
    pub fetching: bool,
}

#[derive(Debug)]
pub struct App {
    pub backend: Backend,
    pub environment: Option<Environment>,
    pub client: Option<Client>,
    pub sign_in: Option<SignIn>,
    pub choices: Choices,
    /// Bumped by back, cancel and restart; results of older epochs are dropped.
    pub epoch: u64,
    pub busy: Option<Busy>,
    pub notice: Option<Notice>,
    /// The identifier typed on the first screen (for sentences and masking).
    pub identifier: Option<String>,
    /// Now, in ms since the epoch, as last told by a `Tick` (update never reads the clock).
    pub now_ms: i64,
    /// Rate limited until this time (ms).
    pub blocked_until: Option<i64>,
    /// The account being signed in to is locked (`user_locked`) until this time (ms); `Some`
    /// with no time when Clerk did not say. Cleared when the sign-in starts over.
    pub locked_until: Option<Option<i64>>,
    /// A new code or link may be requested from this time (ms).
    pub resend_at: Option<i64>,
    /// The email-link / hand-off poller is running.
    pub polling: bool,
    /// When the poller last heard from the server (ms).
    pub last_poll_at: Option<i64>,
    pub signed_in: Option<SignedIn>,
    /// The environment could not be loaded; the app can only retry or quit.
    pub load_failed: bool,
    pub should_quit: bool,
    /// The embedded server's outbox, newest first (dev mode only).
    pub outbox: Vec<OutboxEntry>,
    /// The last call, so `Retry` can repeat it after a network failure.
    pub(crate) last_call: Option<Call>,
    /// The factor whose code or link was last sent automatically (sign-in id, stage, strategy).
    pub(crate) auto_sent: Option<(String, flow::Stage, crate::fapi::Strategy)>,
    /// What the signed-in screen shows over the summary (TOTP enrolment, backup codes, a
    /// confirmation).
    pub account: Option<AccountTask>,
    /// The demo user's current authenticator code (embedded server, `d`).
    pub demo_totp: Option<DemoTotp>,
    /// The server's clock minus this computer's (ms): the emulator's shifted clock, or a
    /// real server's skew as read from a token's `iat`. Token lifetimes count in server time.
    pub server_offset_ms: i64,
    /// A client token was loaded from the store at start (`Action::StoredClientToken`, sent
    /// by the effect runner): when it no longer holds an active session, the identifier
    /// screen says why.
    pub had_stored_token: bool,
    /// A sign-in an earlier run left unfinished on this client, set aside until the person
    /// says whether to continue it (the full screen asks; line mode and `sign-in` start again,
    /// so a scripted answer never lands on a question it was not meant for).
    pub unfinished: Option<SignIn>,
    /// A local browser can be shown (not over SSH, a graphical session). The effects side
    /// looks (`effects::display_available`) and the front end sets it; `false` offers no
    /// "open in browser", so tests and snapshots never depend on the machine they run on.
    pub display_available: bool,
    /// The last failed call's message and its `clerk_trace_id` (see [`App::notice_trace_id`]).
    pub failure_trace: Option<(String, String)>,
    /// The session an "already signed in" answer named before this app held it: switched to
    /// once the reloaded client has it.
    pub(crate) switch_to: Option<String>,
    /// How a browser hand-off's nonce can come back (flags), and the one under way.
    pub handoff_config: super::HandOffConfig,
    /// This run's instance refused the callback address with its `?state=` query and took
    /// it bare: later hand-offs start bare instead of being refused once more each time.
    pub callback_bare: bool,
    pub handoff: Option<super::HandOff>,
}

impl App {
    pub fn new(backend: Backend, now_ms: i64) -> Self {
        App {
            backend,
            environment: None,
            client: None,
            sign_in: None,
            choices: Choices::default(),
            epoch: 0,
            busy: None,
            notice: None,
            identifier: None,
            now_ms,
            blocked_until: None,
            locked_until: None,
            resend_at: None,
            polling: false,
            last_poll_at: None,
            signed_in: None,
            load_failed: false,
            should_quit: false,
            outbox: Vec::new(),
            last_call: None,
            auto_sent: None,
            account: None,
            demo_totp: None,
            server_offset_ms: 0,
            had_stored_token: false,
            unfinished: None,
            display_available: false,
            failure_trace: None,
            switch_to: None,
            handoff_config: super::HandOffConfig::default(),
            callback_bare: false,
            handoff: None,
        }
    }

    /// Clerk's trace id of the failure the notice on screen tells of, for error details (the
    /// id Clerk's support asks for); `None` when the notice is about something else.
    pub fn notice_trace_id(&self) -> Option<&str> {
        let (message, trace_id) = self.failure_trace.as_ref()?;
        let notice = self.notice.as_ref()?;
        (notice.kind == NoticeKind::Error
            && !message.is_empty()
            && notice.message.contains(message.as_str()))
        .then_some(trace_id.as_str())
    }

    /// Now on the server's clock (ms).
    pub fn server_now(&self) -> i64 {
        self.now_ms.saturating_add(self.server_offset_ms)
    }

    /// Seconds the current session token stays valid (server time); negative once expired.
    pub fn token_secs_left(&self) -> Option<i64> {
        let at = self.signed_in.as_ref()?.jwt_expires_at?;
        Some((at - self.server_now()).div_euclid(1000))
    }

    /// The client's active sessions, the signed-in one included, in the client's order.
    pub fn active_sessions(&self) -> Vec<&Session> {
        self.client
            .as_ref()
            .map(|c| {
                c.sessions
                    .iter()
                    // A `pending` session (tasks left) is signed in, as clerk-js counts it.
                    .filter(|s| s.is_signed_in())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What the user must do next.
    pub fn step(&self) -> Step {
        if self.signed_in.is_some() {
            return Step::Complete {
                session_id: self.signed_in.as_ref().map(|s| s.session_id.clone()),
            };
        }
        let choices = flow::Choices {
            email_link_same_client: self.email_link_same_client(),
            ..self.choices.clone()
        };
        flow::derive_step(self.sign_in.as_ref(), &choices)
    }

    /// The instance requires email links to be opened on the client that asked for them.
    pub fn email_link_same_client(&self) -> bool {
        self.environment.as_ref().is_some_and(|e| {
            e.user_settings
                .attack_protection
                .email_link
                .require_same_client
        })
    }

    /// Whether a strategy can be finished here under this instance's rules, and if not, why
    /// ([`flow::support_here`]).
    pub fn support(&self, strategy: &crate::fapi::Strategy) -> Result<(), &'static str> {
        flow::support_here(strategy, self.email_link_same_client())
    }

    /// Still loading the environment (the splash screen).
    pub fn loading(&self) -> bool {
        self.environment.is_none()
    }

    /// The signed-in session's id, if any.
    pub(super) fn session_id(&self) -> Option<String> {
        self.signed_in.as_ref().map(|s| s.session_id.clone())
    }

    /// The session the signed-in screen shows.
    pub fn session(&self) -> Option<&Session> {
        let id = &self.signed_in.as_ref()?.session_id;
        self.client.as_ref()?.sessions.iter().find(|s| &s.id == id)
    }

    pub fn user(&self) -> Option<&User> {
        self.session()?.user.as_ref()
    }

    /// Seconds left of a rate-limit block, if any.
    pub fn blocked_secs(&self) -> Option<i64> {
        let until = self.blocked_until?;
        (until > self.now_ms).then(|| (until - self.now_ms + 999) / 1000)
    }

    /// The account is locked: `Some(Some(seconds left))`, or `Some(None)` when Clerk did not
    /// say for how long.
    pub fn locked_secs(&self) -> Option<Option<i64>> {
        match self.locked_until? {
            Some(until) if until > self.now_ms => Some(Some((until - self.now_ms + 999) / 1000)),
            Some(_) => None,
            None => Some(None),
        }
    }

    /// "Forgot password?" can work: the sign-in offers a reset strategy and the account is not
    /// locked (a locked account cannot reset its password either).
    pub fn offers_password_reset(&self) -> bool {
        self.locked_secs().is_none() && self.sign_in.as_ref().is_some_and(flow::can_reset_password)
    }

    /// Seconds until a code or link may be sent again, if any.
    pub fn resend_secs(&self) -> Option<i64> {
        let at = self.resend_at?;
        (at > self.now_ms).then(|| (at - self.now_ms + 999) / 1000)
    }

    /// Seconds until the sent code or link expires, if the current step has one.
    pub fn expires_in_secs(&self) -> Option<i64> {
        match self.step() {
            // A verification that failed has nothing left to expire.
            Step::Factor(f) if f.sent && f.ended.is_none() => {
                f.expire_at.map(|at| ((at - self.now_ms) / 1000).max(0))
            }
            _ => None,
        }
    }
}
