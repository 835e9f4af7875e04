//! The server's shared state: in-memory maps of every record, written through to SQLite on
//! each change, plus the instance keys, clock, limits and outbox notifier.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use super::clock::Clock;
use super::config::{HostPolicy, Limits};
use super::crypto::{Keys, new_id};
use super::errors::DevServerError;
use super::hashing::PasswordHasher;
use super::model::{
    ClientRec, DevBrowserRec, OutboxMessage, SessionRec, SignInRec, SignInTokenRec, UserRec,
};
use super::seed::{SeedFile, normalize_email, normalize_phone, seed_password_hash};
use super::store::Sqlite;
use super::token_cache::TokenCache;

pub struct Db {
    store: Sqlite,
    pub users: BTreeMap<String, UserRec>,
    pub clients: HashMap<String, ClientRec>,
    pub sign_ins: HashMap<String, SignInRec>,
    pub sessions: HashMap<String, SessionRec>,
    pub outbox: Vec<OutboxMessage>,
    pub tickets: HashMap<String, SignInTokenRec>,
    pub dev_browsers: HashMap<String, DevBrowserRec>,
    /// Password guesses admitted per user and still being hashed: they count against the
    /// lockout limit before their outcome is known (see `factors::GuessSlot`).
    pub pending_guesses: HashMap<String, u32>,
    /// The short state id of each open OAuth hand-off (its consent address) → its sign-in.
    pub oauth_states: HashMap<String, String>,
    /// The seed's mock enterprise connections (`sso.rs`).
    pub enterprise_connections: Vec<super::connections::EnterpriseConnection>,
}

/// What a token this instance issued names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSubject {
    /// A client id and the rotating part the token was issued with.
    Client(String, String),
    DevBrowser(String),
}

pub struct Emulator {
    state: Mutex<Db>,
    pub clock: Arc<Clock>,
    pub keys: Keys,
    pub base_url: String,
    pub limits: Limits,
    pub seed: SeedFile,
    pub dev_endpoints_public: bool,
    /// Bumped on every outbox message, for `?wait=` long-polls.
    pub outbox_version: tokio::sync::watch::Sender<u64>,
    pub rate: Mutex<HashMap<String, VecDeque<i64>>>,
    pub hasher: PasswordHasher,
    /// Which `Host` names this server answers to (DNS rebinding).
    pub hosts: HostPolicy,
    /// Session JWTs of the current second (signing is the costly part of a client answer).
    pub tokens: TokenCache,
}

impl Emulator {
    pub fn lock(&self) -> MutexGuard<'_, Db> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn new(
        store: Sqlite,
        clock: Arc<Clock>,
        base_url: String,
        limits: Limits,
        seed: SeedFile,
        dev_endpoints_public: bool,
        bound: std::net::IpAddr,
    ) -> Result<Self, DevServerError> {
        let keys = Keys::load_or_create(&store)?;
        let mut state = Db::load(store)?;
        state.enterprise_connections = seed.enterprise_connections.clone();
        if state.store.meta_get("seeded")?.is_none() {
            state.apply_seed(&seed, &keys, clock.now_ms())?;
        }
        Ok(Self {
            state: Mutex::new(state),
            clock,
            keys,
            base_url,
            seed,
            dev_endpoints_public,
            outbox_version: tokio::sync::watch::channel(0).0,
            rate: Mutex::new(HashMap::new()),
            hasher: PasswordHasher::new(
                limits.password_hashes_in_flight,
                limits.password_hash_queue,
            ),
            hosts: HostPolicy { bound },
            tokens: TokenCache::default(),
            limits,
        })
    }

    /// The client JWT a native client sends back in `Authorization`: the client's id and its
    /// current rotating part (a client never rotated keeps the token it always had).
    pub fn client_token(&self, client_id: &str) -> String {
        let rotating = self
            .lock()
            .clients
            .get(client_id)
            .map(|c| c.rotating_token.clone())
            .unwrap_or_default();
        let claims = if rotating.is_empty() {
            serde_json::json!({"k": "client", "id": client_id})
        } else {
            serde_json::json!({"k": "client", "id": client_id, "rt": rotating})
        };
        self.keys.sign_hs256(&claims)
    }

    /// The client id inside a token this instance issued.
    pub fn token_subject(&self, token: &str) -> Option<TokenSubject> {
        let claims = self.keys.verify_hs256(token)?;
        let id = claims.get("id")?.as_str()?.to_string();
        match claims.get("k")?.as_str()? {
            "client" => {
                let rotating = claims.get("rt").and_then(|v| v.as_str()).unwrap_or("");
                Some(TokenSubject::Client(id, rotating.to_string()))
            }
            "dev_browser" => Some(TokenSubject::DevBrowser(id)),
            _ => None,
        }
    }

    pub fn dev_browser_token(&self, dev_browser_id: &str) -> String {
        self.keys
            .sign_hs256(&serde_json::json!({"k": "dev_browser", "id": dev_browser_id}))
    }

    /// Counts a request against `key`'s window; `Err(retry_after_secs)` when over the limit.
    pub fn rate_check(&self, key: &str) -> Result<(), u64> {
        let now = self.clock.now_ms();
        let window = i64::try_from(self.limits.rate_limit_window.as_millis()).unwrap_or(i64::MAX);
        let mut rate = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        // Forget idle callers now and then so a long-running server does not grow without bound.
        if rate.len() > 10_000 {
            rate.retain(|_, hits| hits.back().is_some_and(|&t| t > now - window && t <= now));
        }
        let hits = rate.entry(key.to_string()).or_default();
        while hits.front().is_some_and(|&t| t <= now - window || t > now) {
            hits.pop_front();
        }
        if hits.len() >= self.limits.rate_limit_requests as usize {
            let oldest = hits.front().copied().unwrap_or(now);
            let wait_ms = (oldest + window - now).max(1);
            return Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1));
        }
        hits.push_back(now);
        Ok(())
    }

    pub fn notify_outbox(&self) {
        self.outbox_version.send_modify(|v| *v += 1);
    }
}

/// The consent states of the hand-offs still open in `sign_ins` (`oauth.rs` keeps the map
/// current; it is rebuilt when the server starts).
fn open_hand_offs(sign_ins: &HashMap<String, SignInRec>) -> HashMap<String, String> {
    sign_ins
        .values()
        .filter_map(|si| {
            let v = si.first_factor.as_ref()?;
            (v.strategy.is_hand_off() && !v.link_used)
                .then(|| Some((v.link_nonce.clone()?, si.id.clone())))?
        })
        .collect()
}

impl Db {
    /// The user a sign-in is for (a copy to work on), or `form_identifier_not_found`.
    pub fn user_of(&self, si: &SignInRec) -> Result<UserRec, super::errors::ApiError> {
        si.user_id
            .as_ref()
            .and_then(|id| self.users.get(id))
            .cloned()
            .ok_or_else(super::errors::ApiError::identifier_not_found)
    }

    fn load(store: Sqlite) -> Result<Self, DevServerError> {
        let users = store
            .load_all::<UserRec>("user")?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let clients = store
            .load_all::<ClientRec>("client")?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let sign_ins = store
            .load_all::<SignInRec>("sign_in")?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let sessions = store
            .load_all::<SessionRec>("session")?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let tickets = store
            .load_all::<SignInTokenRec>("ticket")?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        let mut outbox = store.load_all::<OutboxMessage>("outbox")?;
        outbox.sort_by_key(|m| m.created_at);
        let dev_browsers = store
            .load_all::<DevBrowserRec>("dev_browser")?
            .into_iter()
            .map(|d| (d.id.clone(), d))
            .collect();
        let oauth_states = open_hand_offs(&sign_ins);
        Ok(Self {
            store,
            users,
            clients,
            sign_ins,
            sessions,
            outbox,
            tickets,
            dev_browsers,
            pending_guesses: HashMap::new(),
            oauth_states,
            enterprise_connections: Vec::new(),
        })
    }

    /// Replaces every record with the seed's users (keys stay, so issued tokens still verify).
    pub fn apply_seed(
        &mut self,
        seed: &SeedFile,
        keys: &Keys,
        now: i64,
    ) -> Result<(), DevServerError> {
        let mut users = Vec::new();
        for spec in &seed.users {
            let hash = seed_password_hash(spec)?;
            users.push(spec.to_user(hash, |c| keys.mac("backup_code", c), now));
        }
        self.store.transaction(|s| {
            s.clear_objects()?;
            for u in &users {
                s.put("user", &u.id, u)?;
            }
            s.meta_put("seeded", b"1")
        })?;
        self.users = users.into_iter().map(|u| (u.id.clone(), u)).collect();
        self.clients.clear();
        self.sign_ins.clear();
        self.sessions.clear();
        self.outbox.clear();
        self.tickets.clear();
        self.dev_browsers.clear();
        self.oauth_states.clear();
        Ok(())
    }

    pub fn save_user(&mut self, u: UserRec) -> Result<(), DevServerError> {
        self.store.put("user", &u.id, &u)?;
        self.users.insert(u.id.clone(), u);
        Ok(())
    }
    pub fn save_client(&mut self, c: ClientRec) -> Result<(), DevServerError> {
        self.store.put("client", &c.id, &c)?;
        self.clients.insert(c.id.clone(), c);
        Ok(())
    }
    pub fn delete_client(&mut self, id: &str) -> Result<(), DevServerError> {
        self.store.delete("client", id)?;
        self.clients.remove(id);
        Ok(())
    }
    pub fn save_sign_in(&mut self, s: SignInRec) -> Result<(), DevServerError> {
        self.store.put("sign_in", &s.id, &s)?;
        self.sign_ins.insert(s.id.clone(), s);
        Ok(())
    }
    pub fn save_session(&mut self, s: SessionRec) -> Result<(), DevServerError> {
        self.store.put("session", &s.id, &s)?;
        self.sessions.insert(s.id.clone(), s);
        Ok(())
    }
    pub fn save_ticket(&mut self, t: SignInTokenRec) -> Result<(), DevServerError> {
        self.store.put("ticket", &t.id, &t)?;
        self.tickets.insert(t.id.clone(), t);
        Ok(())
    }
    pub fn save_dev_browser(&mut self, d: DevBrowserRec) -> Result<(), DevServerError> {
        self.store.put("dev_browser", &d.id, &d)?;
        self.dev_browsers.insert(d.id.clone(), d);
        Ok(())
    }
    pub fn push_outbox(&mut self, m: OutboxMessage) -> Result<(), DevServerError> {
        self.store.put("outbox", &m.id, &m)?;
        self.outbox.push(m);
        Ok(())
    }

    pub fn new_client(&mut self, now: i64) -> Result<String, DevServerError> {
        let c = ClientRec {
            id: new_id("client"),
            created_at: now,
            updated_at: now,
            sign_in_id: None,
            session_ids: Vec::new(),
            last_active_session_id: None,
            last_authentication_strategy: None,
            trusted_user_ids: Vec::new(),
            rotating_token: String::new(),
        };
        let id = c.id.clone();
        self.save_client(c)?;
        Ok(id)
    }

    /// The user an identifier (email, phone or username, any case) belongs to.
    pub fn find_user(&self, identifier: &str) -> Option<&UserRec> {
        let ident = identifier.trim();
        if ident.is_empty() {
            return None;
        }
        let email = normalize_email(ident);
        let phone = ident.starts_with('+').then(|| normalize_phone(ident));
        self.users.values().find(|u| {
            u.emails.iter().any(|e| e.email == email)
                || u.username.as_deref() == Some(email.as_str())
                || phone.as_ref().is_some_and(|p| {
                    u.phones
                        .iter()
                        .any(|x| &x.phone == p && !x.reserved_for_second_factor)
                })
        })
    }

    /// Whether an email or phone is already taken by any user.
    pub fn identifier_taken(&self, identifier: &str) -> bool {
        let email = normalize_email(identifier);
        let phone = normalize_phone(identifier);
        self.users.values().any(|u| {
            u.emails.iter().any(|e| e.email == email)
                || u.username.as_deref() == Some(email.as_str())
                || (identifier.trim().starts_with('+') && u.phones.iter().any(|p| p.phone == phone))
        })
    }
}
