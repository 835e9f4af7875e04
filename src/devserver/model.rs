//! The records the development server keeps: users, clients, sign-ins, sessions, the outbox.
//!
//! They are stored as JSON in SQLite (see `store.rs`) and turned into Frontend API shapes by
//! `render.rs`; secrets live in [`Hidden`] so Debug output never shows them.

use serde::{Deserialize, Serialize};

pub use super::secret::Hidden;
use super::wire::{SessionStatus, Strategy, VerificationStatus};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailRec {
    pub id: String,
    pub email: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhoneRec {
    pub id: String,
    pub phone: String,
    /// Used only as a second factor (SMS MFA), never to identify the user.
    pub reserved_for_second_factor: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TotpRec {
    pub id: String,
    /// Base32 secret.
    pub secret: Hidden,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    /// The last 30-second step a code was accepted for; older or equal steps are replays.
    pub last_used_step: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRec {
    pub id: String,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub emails: Vec<EmailRec>,
    pub phones: Vec<PhoneRec>,
    pub primary_email_id: Option<String>,
    pub primary_phone_id: Option<String>,
    pub password_hash: Option<Hidden>,
    pub password_updated_at: Option<i64>,
    pub totp: Option<TotpRec>,
    pub pending_totp: Option<TotpRec>,
    /// HMACs of the unused backup codes.
    pub backup_codes: Vec<Hidden>,
    pub backup_codes_id: Option<String>,
    pub backup_codes_created_at: Option<i64>,
    pub needs_client_trust: bool,
    pub needs_password_reset: bool,
    /// Locked by an administrator (seed/`/__dev/users`), with no end.
    pub locked: bool,
    pub failed_password_attempts: u32,
    pub lockout_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub mfa_enabled_at: Option<i64>,
    pub mfa_disabled_at: Option<i64>,
}

impl UserRec {
    pub fn primary_email(&self) -> Option<&EmailRec> {
        let id = self.primary_email_id.as_deref()?;
        self.emails.iter().find(|e| e.id == id)
    }
    pub fn primary_phone(&self) -> Option<&PhoneRec> {
        let id = self.primary_phone_id.as_deref()?;
        self.phones.iter().find(|p| p.id == id)
    }
    pub fn mfa_phones(&self) -> impl Iterator<Item = &PhoneRec> {
        self.phones.iter().filter(|p| p.reserved_for_second_factor)
    }
    pub fn totp_enabled(&self) -> bool {
        self.totp.as_ref().is_some_and(|t| t.verified_at.is_some())
    }
    pub fn backup_code_enabled(&self) -> bool {
        !self.backup_codes.is_empty()
    }
    /// Whether a sign-in must pass a second factor (Clerk: `two_factor_enabled`).
    pub fn two_factor_enabled(&self) -> bool {
        self.totp_enabled() || self.mfa_phones().next().is_some()
    }
    /// The identifier shown for this user (email, else phone, else username).
    pub fn display_identifier(&self) -> String {
        self.primary_email()
            .map(|e| e.email.clone())
            .or_else(|| self.primary_phone().map(|p| p.phone.clone()))
            .or_else(|| self.username.clone())
            .unwrap_or_else(|| self.id.clone())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientRec {
    pub id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub sign_in_id: Option<String>,
    pub session_ids: Vec<String>,
    pub last_active_session_id: Option<String>,
    pub last_authentication_strategy: Option<Strategy>,
    /// Users that already proved this client (device) with a second factor: no client trust
    /// check for them again.
    pub trusted_user_ids: Vec<String>,
    /// The part of the client token that changes when the token rotates (a redeemed
    /// `rotating_token_nonce`): a token carrying an older value is refused (`http.rs`).
    #[serde(default)]
    pub rotating_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerificationRec {
    pub strategy: Strategy,
    pub status: VerificationStatus,
    pub attempts: Option<u32>,
    pub expire_at: Option<i64>,
    pub code_mac: Option<Hidden>,
    pub email_address_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub sent_at: Option<i64>,
    pub link_nonce: Option<String>,
    pub link_used: bool,
    pub redirect_url: Option<String>,
    pub verified_at_client: Option<String>,
    pub verified_at: Option<i64>,
    /// OAuth: the provider's consent page the client must open.
    #[serde(default)]
    pub external_url: Option<String>,
    /// OAuth: the MAC of the single-use nonce the browser is sent back with
    /// (`rotating_token_nonce`), until it is redeemed or expires.
    #[serde(default)]
    pub rotating_nonce: Option<Hidden>,
    /// OAuth: when the nonce stops working.
    #[serde(default)]
    pub nonce_expire_at: Option<i64>,
    /// OAuth: the account the provider vouched for, applied to the sign-in only when its
    /// client redeems the nonce (polling never sees it).
    #[serde(default)]
    pub pending_user_id: Option<String>,
    /// OAuth: the id the session will have when the nonce is redeemed, named on the redirect
    /// (`created_session_id`) when nothing but the nonce stands between the sign-in and it.
    #[serde(default)]
    pub pending_session_id: Option<String>,
    /// Why the verification failed or is transferable (`verification.error.code`).
    #[serde(default)]
    pub error_code: Option<String>,
}

impl VerificationRec {
    /// A pending verification with nothing sent or checked yet.
    pub fn new(strategy: Strategy) -> Self {
        Self {
            strategy,
            status: VerificationStatus::Unverified,
            attempts: None,
            expire_at: None,
            code_mac: None,
            email_address_id: None,
            phone_number_id: None,
            sent_at: None,
            link_nonce: None,
            link_used: false,
            redirect_url: None,
            verified_at_client: None,
            verified_at: None,
            external_url: None,
            rotating_nonce: None,
            nonce_expire_at: None,
            pending_user_id: None,
            pending_session_id: None,
            error_code: None,
        }
    }

    /// Already verified at `now` (a password, a ticket).
    pub fn verified(strategy: Strategy, now: i64) -> Self {
        Self {
            status: VerificationStatus::Verified,
            verified_at: Some(now),
            ..Self::new(strategy)
        }
    }

    pub fn is_verified(&self) -> bool {
        self.status == VerificationStatus::Verified
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInRec {
    pub id: String,
    pub client_id: String,
    pub created_at: i64,
    pub abandon_at: i64,
    pub identifier: Option<String>,
    pub user_id: Option<String>,
    pub first_factor: Option<VerificationRec>,
    pub second_factor: Option<VerificationRec>,
    /// Set when the first factor was a reset-password code, until `reset_password` succeeds.
    pub needs_new_password: bool,
    pub client_trust_state: Option<String>,
    pub created_session_id: Option<String>,
    /// Resend cooldowns: (strategy:target, last sent ms).
    pub last_sent: Vec<(String, i64)>,
}

impl SignInRec {
    /// A new sign-in on `client_id`, abandoned after `abandon_after_ms` if never finished.
    pub fn new(client_id: &str, now: i64, abandon_after_ms: i64) -> Self {
        Self {
            id: super::crypto::new_id("sia"),
            client_id: client_id.to_string(),
            created_at: now,
            abandon_at: now.saturating_add(abandon_after_ms),
            identifier: None,
            user_id: None,
            first_factor: None,
            second_factor: None,
            needs_new_password: false,
            client_trust_state: None,
            created_session_id: None,
            last_sent: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRec {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    /// active, ended, removed or revoked (expired and abandoned are read off the clock)
    pub status: SessionStatus,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_active_at: i64,
    pub expire_at: i64,
    pub abandon_at: i64,
    pub first_factor_at: i64,
    pub second_factor_at: Option<i64>,
}

/// Something the server "sent" by email or SMS, shown by `GET /__dev/outbox`. Debug leaves
/// out the code, link and body (they are one-time secrets).
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    pub to: String,
    /// `email` or `sms`.
    pub channel: String,
    /// `code`, `link` or `reset`.
    pub kind: String,
    /// The strategy that sent it (`email_code`, `email_link`, `phone_code`,
    /// `reset_password_email_code`, ...).
    #[serde(default)]
    pub strategy: String,
    pub code: Option<String>,
    pub link: Option<String>,
    pub sign_in_id: Option<String>,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// A development browser (clerk-js on a dev instance): its token stays the same while the
/// client behind it may be replaced (sign-out of everything, reset).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DevBrowserRec {
    pub id: String,
    pub client_id: Option<String>,
    pub created_at: i64,
}

impl std::fmt::Debug for OutboxMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxMessage")
            .field("id", &self.id)
            .field("to", &self.to)
            .field("channel", &self.channel)
            .field("kind", &self.kind)
            .field("strategy", &self.strategy)
            .field("sign_in_id", &self.sign_in_id)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInTokenRec {
    pub id: String,
    pub user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used: bool,
}
