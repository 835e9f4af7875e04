//! The emulator's own names for Clerk's wire vocabulary: sign-in strategies, verification and
//! session statuses, serialised exactly as the Frontend API spells them (and as the records in
//! SQLite always have). Kept apart from `src/fapi`, so each side checks the other against Clerk.

use serde::{Deserialize, Serialize};

/// A strategy this emulator implements (`fapi-2026-05-12.yml`, `SignIn` factors). A name it
/// does not implement is refused when the request is decoded (`form_param_value_invalid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    Password,
    EmailCode,
    EmailLink,
    PhoneCode,
    ResetPasswordEmailCode,
    ResetPasswordPhoneCode,
    Ticket,
    Totp,
    BackupCode,
    /// The emulator's mock OAuth provider (`oauth_mock`).
    OauthMock,
    /// A mock enterprise connection, as Clerk's SDKs ask for it (`sso.rs`).
    EnterpriseSso,
    /// The same, by its older name; the verification of either is a `saml` one (the only SSO
    /// verification `fapi-2026-05-12.yml` describes).
    Saml,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Password => "password",
            Strategy::EmailCode => "email_code",
            Strategy::EmailLink => "email_link",
            Strategy::PhoneCode => "phone_code",
            Strategy::ResetPasswordEmailCode => "reset_password_email_code",
            Strategy::ResetPasswordPhoneCode => "reset_password_phone_code",
            Strategy::Ticket => "ticket",
            Strategy::Totp => "totp",
            Strategy::BackupCode => "backup_code",
            Strategy::OauthMock => "oauth_mock",
            Strategy::EnterpriseSso => "enterprise_sso",
            Strategy::Saml => "saml",
        }
    }

    /// A first factor handed off to this server's consent page (`oauth_consent.rs`): the mock
    /// OAuth provider, and the mock enterprise connections (verified as `saml`).
    pub fn is_hand_off(self) -> bool {
        matches!(self, Strategy::OauthMock | Strategy::Saml)
    }

    /// Sent to an email address (a code or a link).
    pub fn is_email(self) -> bool {
        matches!(
            self,
            Strategy::EmailCode | Strategy::EmailLink | Strategy::ResetPasswordEmailCode
        )
    }

    /// A one-time code sent by email or SMS.
    pub fn is_sent_code(self) -> bool {
        matches!(
            self,
            Strategy::EmailCode
                | Strategy::PhoneCode
                | Strategy::ResetPasswordEmailCode
                | Strategy::ResetPasswordPhoneCode
        )
    }

    pub fn is_reset_password(self) -> bool {
        matches!(
            self,
            Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode
        )
    }

    /// The `object` of a verification made with this strategy.
    pub fn verification_object(self) -> &'static str {
        match self {
            Strategy::Password => "verification_password",
            Strategy::EmailLink => "verification_email_link",
            Strategy::Totp => "verification_totp",
            Strategy::BackupCode => "verification_backup_code",
            Strategy::Ticket => "verification_ticket",
            Strategy::OauthMock => "verification_oauth",
            Strategy::EnterpriseSso | Strategy::Saml => "verification_saml",
            Strategy::EmailCode
            | Strategy::PhoneCode
            | Strategy::ResetPasswordEmailCode
            | Strategy::ResetPasswordPhoneCode => "verification_otp",
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Verification.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Unverified,
    Verified,
    Failed,
    Expired,
    /// OAuth/SSO: the provider vouched for an account no user here has (a sign-up can take
    /// it over with `transfer=true`).
    Transferable,
}

/// The stored part of `Session.status`; `expired` and `abandoned` are read off the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Active,
    Ended,
    Removed,
    Revoked,
    Expired,
    Abandoned,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_use_clerks_wire_names() {
        for s in [
            Strategy::Password,
            Strategy::ResetPasswordPhoneCode,
            Strategy::BackupCode,
            Strategy::OauthMock,
        ] {
            let json = serde_json::to_string(&s).expect("serialises");
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Strategy>(&json).ok(), Some(s));
        }
        assert!(serde_json::from_str::<Strategy>("\"oauth_github\"").is_err());
        assert_eq!(
            serde_json::to_string(&VerificationStatus::Unverified).ok(),
            Some("\"unverified\"".into())
        );
    }
}
