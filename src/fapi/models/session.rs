//! `Session`: a signed-in user on this client, with its last session token, plus the small
//! `Token` object that `/tokens` returns.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::User;
use super::de::{lenient, lenient_i64, lenient_vec};

wire_enum! {
    /// Lifecycle of a session; `pending` means signed in with open session tasks.
    SessionStatus {
        Active = "active",
        Pending = "pending",
        Ended = "ended",
        Expired = "expired",
        Removed = "removed",
        Replaced = "replaced",
        Revoked = "revoked",
        Abandoned = "abandoned",
    }
}

/// A session JWT (wire object `token`). Debug never shows the JWT: it is a bearer credential;
/// `zeroize()` wipes it.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize, Zeroize)]
#[serde(tag = "object", rename = "token")]
pub struct Token {
    #[serde(default, deserialize_with = "lenient")]
    pub jwt: String,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token").field("jwt", &"***").finish()
    }
}

/// What other users may see about a session's user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PublicUserData {
    #[serde(default, deserialize_with = "lenient")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub image_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub has_image: Option<bool>,
    /// The email/phone/username the user signed in with.
    #[serde(default, deserialize_with = "lenient")]
    pub identifier: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub username: Option<String>,
}

/// Something the user must do before the session becomes `active` (e.g. `setup-mfa`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SessionTask {
    #[serde(default, deserialize_with = "lenient")]
    pub key: String,
}

/// A session of the client (wire object `session`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "session")]
pub struct Session {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default)]
    pub status: SessionStatus,
    /// Milliseconds since the Unix epoch, like every timestamp here.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub expire_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub abandon_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub last_active_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_active_token: Option<Token>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_active_organization_id: Option<String>,
    /// Set when someone acts on the user's behalf (impersonation); kept raw.
    #[serde(default, deserialize_with = "lenient")]
    pub actor: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub user: Option<User>,
    #[serde(default, deserialize_with = "lenient")]
    pub public_user_data: Option<PublicUserData>,
    /// Minutes since the first and second factor were verified.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub factor_verification_age: Vec<i64>,
    #[serde(
        default,
        deserialize_with = "lenient_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tasks: Vec<SessionTask>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_task: Option<SessionTask>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

impl Session {
    /// The address a UI should show for "signed in as": the user's primary email, else the
    /// identifier they used.
    pub fn display_identifier(&self) -> Option<&str> {
        self.user
            .as_ref()
            .and_then(User::primary_email)
            .or_else(|| self.public_user_data.as_ref()?.identifier.as_deref())
    }

    /// Active or pending (signed in, possibly with tasks left).
    pub fn is_signed_in(&self) -> bool {
        matches!(self.status, SessionStatus::Active | SessionStatus::Pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_hides_the_jwt() {
        let t = Token {
            jwt: "eyJhbGciOi.secret.sig".into(),
        };
        let debug = format!("{t:?}");
        assert!(
            !debug.contains("secret") && debug.contains("***"),
            "{debug}"
        );
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"object":"token","jwt":"eyJhbGciOi.secret.sig"})
        );
    }

    #[test]
    fn session_status_unknown_and_tasks() {
        let s: Session = serde_json::from_str(
            r#"{"object":"session","id":"sess_1","status":"hibernating","tasks":[{"key":"setup-mfa"}],
                "factor_verification_age":null}"#,
        )
        .unwrap();
        assert_eq!(s.status, SessionStatus::Unknown("hibernating".into()));
        assert!(!s.is_signed_in());
        assert_eq!(
            s.tasks,
            vec![SessionTask {
                key: "setup-mfa".into()
            }]
        );
        assert!(s.factor_verification_age.is_empty());
    }
}
