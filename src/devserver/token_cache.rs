//! Session JWTs minted within the same second, kept for that second: an RS256 signature costs
//! about a millisecond of CPU, and a busy client asking for `GET /v1/client` (or a token) many
//! times a second would otherwise pay it on every request.
//!
//! A cached token is the one a fresh mint would give at that instant but for its `jti`: same
//! `iat`, `exp`, `nbf`, `fva` and `azp`, so its remaining life is never a second shorter.

use std::collections::HashMap;
use std::sync::Mutex;

/// What a session token's claims depend on (beyond the instance's constant `iss`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    pub session_id: String,
    pub user_id: String,
    pub origin: Option<String>,
    pub iat: i64,
    pub fva: [i64; 2],
}

#[derive(Default)]
pub struct TokenCache {
    /// Only tokens of the newest second seen: older ones are dropped, so it stays small.
    tokens: Mutex<(i64, HashMap<TokenKey, String>)>,
}

impl TokenCache {
    pub fn get(&self, key: &TokenKey) -> Option<String> {
        let guard = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        (guard.0 == key.iat).then(|| guard.1.get(key).cloned())?
    }

    pub fn put(&self, key: TokenKey, jwt: String) {
        let mut guard = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if key.iat > guard.0 {
            guard.0 = key.iat;
            guard.1.clear();
        }
        if key.iat == guard.0 {
            guard.1.insert(key, jwt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sid: &str, iat: i64) -> TokenKey {
        TokenKey {
            session_id: sid.into(),
            user_id: "user_1".into(),
            origin: None,
            iat,
            fva: [0, -1],
        }
    }

    #[test]
    fn a_token_is_reused_within_its_second_only() {
        let cache = TokenCache::default();
        cache.put(key("sess_a", 10), "jwt-a".into());
        assert_eq!(cache.get(&key("sess_a", 10)).as_deref(), Some("jwt-a"));
        assert_eq!(cache.get(&key("sess_b", 10)), None);
        assert_eq!(cache.get(&key("sess_a", 11)), None);
        let mut other_origin = key("sess_a", 10);
        other_origin.origin = Some("http://localhost:3000".into());
        assert_eq!(cache.get(&other_origin), None);
        // A newer second forgets the older tokens; a late writer of an old second is ignored.
        cache.put(key("sess_a", 11), "jwt-a2".into());
        assert_eq!(cache.get(&key("sess_a", 10)), None);
        cache.put(key("sess_b", 10), "late".into());
        assert_eq!(cache.get(&key("sess_b", 10)), None);
        assert_eq!(cache.get(&key("sess_a", 11)).as_deref(), Some("jwt-a2"));
    }
}
