//! Seed users: the TOML format of `assets/seed.toml` (also the JSON body of
//! `POST /__dev/users`) and the public list of demo credentials for the start screen.

use serde::{Deserialize, Serialize};

use super::crypto::{self, new_id};
use super::errors::DevServerError;
use super::model::{EmailRec, Hidden, PhoneRec, TotpRec, UserRec};

/// The seed compiled into the binary.
pub const DEFAULT_SEED: &str = include_str!("../../assets/seed.toml");

/// One user to create, as written in the seed file or posted to `/__dev/users`.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub email_address: Option<String>,
    pub phone_number: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Base32 TOTP secret: the user has an authenticator app enrolled.
    pub totp_secret: Option<String>,
    #[serde(default)]
    pub backup_codes: Vec<String>,
    /// The phone number is an SMS second factor rather than a sign-in identifier.
    #[serde(default)]
    pub second_factor_phone: bool,
    #[serde(default)]
    pub needs_client_trust: bool,
    #[serde(default)]
    pub needs_password_reset: bool,
    #[serde(default)]
    pub locked: bool,
    /// What this user is for, shown on the start screen.
    pub demonstrates: Option<String>,
}

impl std::fmt::Debug for UserSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSpec")
            .field("email_address", &self.email_address)
            .field("phone_number", &self.phone_number)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("totp_secret", &self.totp_secret.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Where OAuth/SSO hand-offs may send the browser back (`allowlist.rs`); absent: loopback
    /// on any port.
    #[serde(default)]
    pub redirect_urls: Option<Vec<String>>,
    /// Entries match the whole URL, query included, as Clerk's native redirect-URL allowlist
    /// may ("the full url value"); off: scheme, host, port and path (`allowlist.rs`).
    #[serde(default)]
    pub redirect_urls_exact: bool,
    /// Mock enterprise connections: users whose email domain is listed sign in through them.
    #[serde(default)]
    pub enterprise_connections: Vec<super::connections::EnterpriseConnection>,
    #[serde(default)]
    pub users: Vec<UserSpec>,
}

impl SeedFile {
    pub fn parse(text: &str) -> Result<Self, DevServerError> {
        let seed: SeedFile =
            toml::from_str(text).map_err(|e| DevServerError::Seed(e.to_string()))?;
        if let Some(urls) = &seed.redirect_urls {
            super::allowlist::validate(urls).map_err(DevServerError::Seed)?;
        }
        for (i, u) in seed.users.iter().enumerate() {
            u.validate()
                .map_err(|e| DevServerError::Seed(format!("user #{}: {e}", i + 1)))?;
        }
        Ok(seed)
    }

    /// `Ok` when an OAuth/SSO hand-off may send the browser back to `redirect_url`, else
    /// Clerk's `resource_missmatch` (`allowlist.rs`).
    pub fn check_redirect(&self, redirect_url: &str) -> Result<(), super::errors::ApiError> {
        let entries = self.redirect_urls.as_deref();
        super::allowlist::check(entries, self.redirect_urls_exact, redirect_url)
    }

    pub fn demo_users(&self) -> Vec<SeedUser> {
        self.users.iter().map(SeedUser::from_spec).collect()
    }
}

/// A demo account and what it shows, for the start screen and `clerk-tui serve`.
#[derive(Clone, PartialEq, Eq)]
pub struct SeedUser {
    pub email_address: Option<String>,
    pub phone_number: Option<String>,
    pub username: Option<String>,
    /// Demo credential, deliberately visible on screen (never logged: Debug hides it).
    pub password: Option<String>,
    pub totp_secret: Option<String>,
    pub backup_codes: Vec<String>,
    pub demonstrates: String,
}

impl std::fmt::Debug for SeedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedUser")
            .field("identifier", &self.identifier())
            .field("demonstrates", &self.demonstrates)
            .finish_non_exhaustive()
    }
}

impl SeedUser {
    fn from_spec(spec: &UserSpec) -> Self {
        Self {
            email_address: spec.email_address.clone(),
            phone_number: spec.phone_number.clone(),
            username: spec.username.clone(),
            password: spec.password.clone(),
            totp_secret: spec.totp_secret.clone(),
            backup_codes: spec.backup_codes.clone(),
            demonstrates: spec.demonstrates.clone().unwrap_or_default(),
        }
    }

    /// What to type as the identifier: the email, else the phone, else the username.
    pub fn identifier(&self) -> &str {
        self.email_address
            .as_deref()
            .or(self
                .phone_number
                .as_deref()
                .filter(|_| self.email_address.is_none()))
            .or(self.username.as_deref())
            .unwrap_or("")
    }
}

/// The demo users of the built-in seed.
pub fn default_seed_users() -> Vec<SeedUser> {
    SeedFile::parse(DEFAULT_SEED)
        .map(|s| s.demo_users())
        .unwrap_or_default()
}

pub fn normalize_email(s: &str) -> String {
    s.trim().to_lowercase()
}

/// E.164-ish: keep a leading `+` and the digits.
pub fn normalize_phone(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    format!("+{digits}")
}

impl UserSpec {
    pub fn validate(&self) -> Result<(), String> {
        if self.email_address.is_none() && self.phone_number.is_none() && self.username.is_none() {
            return Err("needs at least one of email_address, phone_number, username".into());
        }
        if let Some(e) = &self.email_address {
            let e = e.trim();
            if e.len() < 3 || !e.contains('@') || e.starts_with('@') || e.ends_with('@') {
                return Err(format!("email_address {e:?} is not an email address"));
            }
        }
        if let Some(p) = &self.phone_number {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            if !p.trim().starts_with('+') || !(8..=15).contains(&digits) {
                return Err("phone_number must be in E.164 form, e.g. +14155552671".into());
            }
        }
        if let Some(u) = &self.username
            && (u.len() < 4 || u.len() > 64 || u.contains('@'))
        {
            return Err("username must be 4-64 characters without @".into());
        }
        if let Some(pw) = &self.password
            && !(8..=72).contains(&pw.len())
        {
            return Err("password must be 8-72 characters".into());
        }
        if let Some(s) = &self.totp_secret
            && totp_rs::Secret::try_from_base32(s.trim()).is_err()
        {
            return Err("totp_secret must be base32".into());
        }
        if self.second_factor_phone && self.phone_number.is_none() {
            return Err("second_factor_phone needs a phone_number".into());
        }
        if !self.backup_codes.is_empty() && self.totp_secret.is_none() && !self.second_factor_phone
        {
            return Err(
                "backup_codes need a second factor (totp_secret or second_factor_phone)".into(),
            );
        }
        Ok(())
    }

    /// Builds the stored user; `password_hash` is computed by the caller (it is slow).
    pub fn to_user(
        &self,
        password_hash: Option<Hidden>,
        mac: impl Fn(&str) -> Hidden,
        now: i64,
    ) -> UserRec {
        let emails: Vec<EmailRec> = self
            .email_address
            .iter()
            .map(|e| EmailRec {
                id: new_id("idn"),
                email: normalize_email(e),
                created_at: now,
            })
            .collect();
        let phones: Vec<PhoneRec> = self
            .phone_number
            .iter()
            .map(|p| PhoneRec {
                id: new_id("idn"),
                phone: normalize_phone(p),
                reserved_for_second_factor: self.second_factor_phone,
                created_at: now,
            })
            .collect();
        let totp = self.totp_secret.as_ref().map(|s| TotpRec {
            id: new_id("totp"),
            secret: Hidden::new(s.trim().to_uppercase()),
            created_at: now,
            verified_at: Some(now),
            last_used_step: None,
        });
        let two_factor = totp.is_some() || self.second_factor_phone;
        UserRec {
            id: new_id("user"),
            username: self.username.as_ref().map(|u| u.trim().to_lowercase()),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            primary_email_id: emails.first().map(|e| e.id.clone()),
            primary_phone_id: phones.first().map(|p| p.id.clone()),
            emails,
            phones,
            password_updated_at: password_hash.as_ref().map(|_| now),
            password_hash,
            totp,
            pending_totp: None,
            backup_codes: self.backup_codes.iter().map(|c| mac(c.trim())).collect(),
            backup_codes_id: (!self.backup_codes.is_empty()).then(|| new_id("bcode")),
            backup_codes_created_at: (!self.backup_codes.is_empty()).then_some(now),
            needs_client_trust: self.needs_client_trust,
            needs_password_reset: self.needs_password_reset,
            locked: self.locked,
            failed_password_attempts: 0,
            lockout_until: None,
            created_at: now,
            updated_at: now,
            last_sign_in_at: None,
            mfa_enabled_at: two_factor.then_some(now),
            mfa_disabled_at: None,
        }
    }
}

/// Hashes a spec's password for seeding (cached per process).
pub fn seed_password_hash(spec: &UserSpec) -> Result<Option<Hidden>, DevServerError> {
    spec.password
        .as_deref()
        .map(crypto::hash_seed_password)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_parses_and_covers_every_flow() {
        let seed = SeedFile::parse(DEFAULT_SEED).expect("seed parses");
        let users = seed.demo_users();
        assert!(users.len() >= 11);
        for needle in [
            "password only",
            "TOTP",
            "SMS",
            "email code",
            "email link",
            "phone code",
            "backup code",
            "reset",
            "client trust",
            "locked",
            "test mode",
        ] {
            assert!(
                users.iter().any(|u| u.demonstrates.contains(needle)),
                "no seed user demonstrates {needle}"
            );
        }
        assert!(users.iter().all(|u| !u.identifier().is_empty()));
    }

    #[test]
    fn specs_without_identifier_or_with_bad_secret_are_rejected() {
        assert!(UserSpec::default().validate().is_err());
        let bad = UserSpec {
            username: Some("someone".into()),
            totp_secret: Some("not base32 !".into()),
            ..Default::default()
        };
        assert!(bad.validate().is_err());
        let debug = format!(
            "{:?}",
            UserSpec {
                username: Some("someone".into()),
                password: Some("hunter2hunter2".into()),
                ..Default::default()
            }
        );
        assert!(!debug.contains("hunter2"));
    }
}
