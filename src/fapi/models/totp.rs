//! `Totp` (authenticator-app enrolment) and `BackupCodes`. Both carry secrets, so their Debug
//! output masks them (they must never reach a log) and they implement `Zeroize` so a caller can
//! wipe them once shown. No zeroize-on-drop: that would forbid moving fields out.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::de::{lenient, lenient_i64, lenient_vec};

/// An authenticator-app (TOTP) enrolment (wire object `totp`).
///
/// `secret` and `uri` are only present right after `POST /v1/me/totp`; `backup_codes` only after
/// the first successful verification.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize, Zeroize)]
#[serde(tag = "object", rename = "totp")]
pub struct Totp {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub secret: Option<String>,
    /// `otpauth://totp/...` (contains the secret).
    #[serde(default, deserialize_with = "lenient")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub verified: bool,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub backup_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("id", &self.id)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("uri", &self.uri.as_ref().map(|_| "***"))
            .field("verified", &self.verified)
            .field(
                "backup_codes",
                &self
                    .backup_codes
                    .as_ref()
                    .map(|c| format!("*** ({} codes)", c.len())),
            )
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// A fresh set of backup codes (wire object `backup_code`).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize, Zeroize)]
#[serde(tag = "object", rename = "backup_code")]
pub struct BackupCodes {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub codes: Vec<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

impl fmt::Debug for BackupCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupCodes")
            .field("id", &self.id)
            .field("codes", &format_args!("*** ({} codes)", self.codes.len()))
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_parses_and_debug_hides_secrets() {
        let t: Totp = serde_json::from_str(
            r#"{"object":"totp","id":"totp_1","secret":"JBSWY3DPEHPK3PXP",
                "uri":"otpauth://totp/App:ada?secret=JBSWY3DPEHPK3PXP","verified":false,
                "backup_codes":null,"created_at":1,"updated_at":2}"#,
        )
        .unwrap();
        assert_eq!(t.secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert!(!t.verified && t.backup_codes.is_none());
        let debug = format!("{t:?}");
        assert!(!debug.contains("JBSWY3DPEHPK3PXP"), "{debug}");
        assert_eq!(serde_json::to_value(&t).unwrap()["object"], "totp");
    }

    #[test]
    fn zeroize_wipes_the_secrets() {
        let mut t = Totp {
            secret: Some("JBSWY3DPEHPK3PXP".into()),
            backup_codes: Some(vec!["abcd1234".into()]),
            ..Totp::default()
        };
        t.zeroize();
        assert!(t.secret.is_none() && t.backup_codes.is_none());
    }

    #[test]
    fn backup_codes_debug_hides_codes() {
        let b: BackupCodes = serde_json::from_str(
            r#"{"object":"backup_code","id":"bc_1","codes":["abcd1234","efgh5678"]}"#,
        )
        .unwrap();
        assert_eq!(b.codes.len(), 2);
        let debug = format!("{b:?}");
        assert!(
            !debug.contains("abcd1234") && debug.contains("2 codes"),
            "{debug}"
        );
    }
}
