//! `Client`: this device's state at Clerk (its sessions and the sign-in in progress). Every
//! mutating call piggy-backs a fresh copy of it in the response envelope.

use serde::{Deserialize, Serialize};

use super::de::{lenient, lenient_i64, lenient_vec};
use super::{Session, SignIn, Strategy};

/// The client object (wire object `client`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "client")]
pub struct Client {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub sessions: Vec<Session>,
    #[serde(default, deserialize_with = "lenient")]
    pub sign_in: Option<SignIn>,
    /// Sign-ups are not modelled; kept raw so a round trip loses nothing.
    #[serde(default, deserialize_with = "lenient")]
    pub sign_up: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_active_session_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_authentication_strategy: Option<Strategy>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub cookie_expires_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub captcha_bypass: bool,
    /// Milliseconds since the Unix epoch.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

impl Client {
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// The session named by `last_active_session_id`, if the client still holds it.
    pub fn last_active_session(&self) -> Option<&Session> {
        self.session(self.last_active_session_id.as_deref()?)
    }

    /// Sessions that are signed in (active or pending tasks).
    pub fn signed_in_sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.iter().filter(|s| s.is_signed_in())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fapi::SessionStatus;

    #[test]
    fn last_active_session_is_found() {
        let c: Client = serde_json::from_str(
            r#"{"object":"client","id":"client_1","last_active_session_id":"sess_2",
                "sessions":[{"id":"sess_1","status":"ended"},{"id":"sess_2","status":"active"}],
                "sign_in":null,"sign_up":null}"#,
        )
        .unwrap();
        let s = c.last_active_session().unwrap();
        assert_eq!(s.status, SessionStatus::Active);
        assert_eq!(c.signed_in_sessions().count(), 1);
        assert!(c.sign_in.is_none());
    }
}
