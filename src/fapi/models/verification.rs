//! `Verification`: the state of one attempt to prove a factor (first factor, second factor,
//! an email address). Its `status` is what an email-link poller watches.

use serde::{Deserialize, Serialize};

use super::de::{lenient, lenient_i64};
use super::{ApiError, Strategy};

wire_enum! {
    /// Where a verification stands. `password`/`totp`/`backup_code` only use unverified/verified.
    VerificationStatus {
        Unverified = "unverified",
        Verified = "verified",
        /// Verified on another client; the sign-in can be transferred to a sign-up.
        Transferable = "transferable",
        Failed = "failed",
        Expired = "expired",
    }
}

impl VerificationStatus {
    /// Nothing more will change without a new `prepare_*` (link/code used, expired or failed).
    pub fn is_terminal(&self) -> bool {
        !matches!(self, VerificationStatus::Unverified)
    }
}

/// A verification attempt as the server reports it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Verification {
    /// e.g. `verification_otp`, `verification_email_link`, `verification_password`.
    #[serde(default, deserialize_with = "lenient")]
    pub object: Option<String>,
    #[serde(default)]
    pub status: VerificationStatus,
    #[serde(default, deserialize_with = "lenient")]
    pub strategy: Option<Strategy>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub attempts: Option<i64>,
    /// Milliseconds since the Unix epoch.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub expire_at: Option<i64>,
    /// OAuth/SSO: where the user must go to finish.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_verification_redirect_url: Option<String>,
    /// Email link: the id of the client on which the link was opened.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub verified_at_client: Option<String>,
    /// Web3/passkey challenge.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub nonce: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
    /// Phone code: `sms` or `whatsapp`.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<ApiError>,
}

impl Verification {
    pub fn is_verified(&self) -> bool {
        self.status == VerificationStatus::Verified
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_link_verification_parses() {
        let v: Verification = serde_json::from_str(
            r#"{"object":"verification_email_link","status":"verified","strategy":"email_link",
                "attempts":null,"expire_at":1700000000000,"verified_at_client":"client_1"}"#,
        )
        .unwrap();
        assert!(v.is_verified() && v.status.is_terminal());
        assert_eq!(v.strategy, Some(Strategy::EmailLink));
        assert_eq!(v.attempts, None);
        assert_eq!(v.expire_at, Some(1_700_000_000_000));
        assert_eq!(v.verified_at_client.as_deref(), Some("client_1"));
    }

    #[test]
    fn unknown_status_keeps_raw_string() {
        let v: Verification =
            serde_json::from_str(r#"{"status":"quarantined","future_field":{"a":1}}"#).unwrap();
        assert_eq!(v.status, VerificationStatus::Unknown("quarantined".into()));
        assert_eq!(v.status.as_str(), "quarantined");
        assert!(!v.is_verified());
    }

    #[test]
    fn known_statuses_round_trip() {
        for status in VerificationStatus::KNOWN {
            assert_eq!(&VerificationStatus::from(status.as_str()), status);
        }
        assert_eq!(VerificationStatus::KNOWN.len(), 5);
    }

    #[test]
    fn error_inside_verification_parses() {
        let v: Verification = serde_json::from_str(
            r#"{"status":"failed","error":{"code":"verification_failed","message":"failed",
                "long_message":"Too many failed attempts","meta":{}}}"#,
        )
        .unwrap();
        assert_eq!(v.status, VerificationStatus::Failed);
        assert_eq!(
            v.error.map(|e| e.code).as_deref(),
            Some("verification_failed")
        );
    }
}
