//! The sign-in state machine: status derived from the verifications (as the real service
//! does), the factors a user may use, and completion into a session.

use super::crypto::new_id;
use super::errors::DevServerError;
use super::model::{ClientRec, SessionRec, SignInRec, UserRec, VerificationRec};
use super::state::Db;
use super::wire::{SessionStatus, Strategy};

pub const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
pub const SESSION_ABANDON_MS: i64 = 30 * 24 * 3600 * 1000;
pub const SIGN_IN_ABANDON_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NeedsIdentifier,
    NeedsFirstFactor,
    NeedsSecondFactor,
    NeedsClientTrust,
    NeedsNewPassword,
    Complete,
    Abandoned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NeedsIdentifier => "needs_identifier",
            Status::NeedsFirstFactor => "needs_first_factor",
            Status::NeedsSecondFactor => "needs_second_factor",
            Status::NeedsClientTrust => "needs_client_trust",
            Status::NeedsNewPassword => "needs_new_password",
            Status::Complete => "complete",
            Status::Abandoned => "abandoned",
        }
    }
}

fn verified(v: &Option<VerificationRec>) -> bool {
    v.as_ref().is_some_and(VerificationRec::is_verified)
}

/// Client trust applies to password sign-ins of users without MFA on a device they have not
/// proved before.
pub fn client_trust_required(si: &SignInRec, user: &UserRec, client: Option<&ClientRec>) -> bool {
    user.needs_client_trust
        && !user.two_factor_enabled()
        && si
            .first_factor
            .as_ref()
            .is_some_and(|v| v.strategy == Strategy::Password)
        && !client.is_some_and(|c| c.trusted_user_ids.contains(&user.id))
}

pub fn status(
    si: &SignInRec,
    user: Option<&UserRec>,
    client: Option<&ClientRec>,
    now: i64,
) -> Status {
    if si.created_session_id.is_some() {
        return Status::Complete;
    }
    if now >= si.abandon_at {
        return Status::Abandoned;
    }
    let Some(user) = user else {
        return Status::NeedsIdentifier;
    };
    if !verified(&si.first_factor) {
        return Status::NeedsFirstFactor;
    }
    if si.needs_new_password {
        return Status::NeedsNewPassword;
    }
    if user.two_factor_enabled() && !verified(&si.second_factor) {
        return Status::NeedsSecondFactor;
    }
    if client_trust_required(si, user, client) && !verified(&si.second_factor) {
        return Status::NeedsClientTrust;
    }
    Status::Complete
}

/// Current status of a stored sign-in.
pub fn status_of(st: &Db, si: &SignInRec, now: i64) -> Status {
    let user = si.user_id.as_ref().and_then(|id| st.users.get(id));
    status(si, user, st.clients.get(&si.client_id), now)
}

/// Masks an identifier the user did not type (`j***@example.com`, `+1******2671`).
pub fn mask(value: &str, typed: Option<&str>) -> String {
    if typed.is_some_and(|t| t.trim().eq_ignore_ascii_case(value)) {
        return value.to_string();
    }
    if let Some((local, domain)) = value.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = value.chars().collect();
    if chars.len() > 6 {
        let head: String = chars[..2].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        return format!("{head}{}{tail}", "*".repeat(chars.len() - 6));
    }
    "*".repeat(chars.len())
}

/// One supported factor (what `render` serialises).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorInfo {
    pub strategy: Strategy,
    pub safe_identifier: Option<String>,
    pub email_address_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub primary: Option<bool>,
    pub default: Option<bool>,
}

impl FactorInfo {
    fn bare(strategy: Strategy) -> Self {
        Self {
            strategy,
            safe_identifier: None,
            email_address_id: None,
            phone_number_id: None,
            primary: None,
            default: None,
        }
    }
}

pub fn first_factors(user: &UserRec, typed: Option<&str>) -> Vec<FactorInfo> {
    let mut out = Vec::new();
    if user.password_hash.is_some() {
        out.push(FactorInfo::bare(Strategy::Password));
    }
    let email_factor = |strategy, e: &super::model::EmailRec| FactorInfo {
        strategy,
        safe_identifier: Some(mask(&e.email, typed)),
        email_address_id: Some(e.id.clone()),
        phone_number_id: None,
        primary: Some(user.primary_email_id.as_deref() == Some(e.id.as_str())),
        default: None,
    };
    let phone_factor = |strategy, p: &super::model::PhoneRec| FactorInfo {
        strategy,
        safe_identifier: Some(mask(&p.phone, typed)),
        email_address_id: None,
        phone_number_id: Some(p.id.clone()),
        primary: Some(user.primary_phone_id.as_deref() == Some(p.id.as_str())),
        default: None,
    };
    for p in user.phones.iter().filter(|p| !p.reserved_for_second_factor) {
        out.push(phone_factor(Strategy::PhoneCode, p));
    }
    for e in &user.emails {
        out.push(email_factor(Strategy::EmailCode, e));
    }
    for e in &user.emails {
        out.push(email_factor(Strategy::EmailLink, e));
    }
    if user.password_hash.is_some() {
        if let Some(e) = user.primary_email() {
            out.push(email_factor(Strategy::ResetPasswordEmailCode, e));
        }
        if let Some(p) = user.primary_phone() {
            out.push(phone_factor(Strategy::ResetPasswordPhoneCode, p));
        }
    }
    out
}

pub fn second_factors(si: &SignInRec, user: &UserRec, st: &Db, now: i64) -> Vec<FactorInfo> {
    let mut out = Vec::new();
    match status(si, Some(user), st.clients.get(&si.client_id), now) {
        Status::NeedsSecondFactor => {
            if user.totp_enabled() {
                out.push(FactorInfo::bare(Strategy::Totp));
            }
            for (i, p) in user.mfa_phones().enumerate() {
                out.push(FactorInfo {
                    strategy: Strategy::PhoneCode,
                    safe_identifier: Some(mask(&p.phone, None)),
                    email_address_id: None,
                    phone_number_id: Some(p.id.clone()),
                    primary: Some(user.primary_phone_id.as_deref() == Some(p.id.as_str())),
                    default: Some(i == 0),
                });
            }
            if user.backup_code_enabled() {
                out.push(FactorInfo::bare(Strategy::BackupCode));
            }
        }
        Status::NeedsClientTrust => {
            if let Some(e) = user.primary_email() {
                out.push(FactorInfo {
                    strategy: Strategy::EmailCode,
                    safe_identifier: Some(mask(&e.email, si.identifier.as_deref())),
                    email_address_id: Some(e.id.clone()),
                    phone_number_id: None,
                    primary: Some(true),
                    default: None,
                });
            }
            if let Some(p) = user.primary_phone() {
                out.push(FactorInfo {
                    strategy: Strategy::PhoneCode,
                    safe_identifier: Some(mask(&p.phone, si.identifier.as_deref())),
                    email_address_id: None,
                    phone_number_id: Some(p.id.clone()),
                    primary: Some(true),
                    default: None,
                });
            }
        }
        _ => {}
    }
    out
}

/// If the sign-in has everything it needs, creates its session and makes it the client's
/// active one. `keep_on_client`: the email-link flow leaves the completed sign-in on the
/// client so the polling client can see it.
pub fn advance(
    st: &mut Db,
    sign_in_id: &str,
    now: i64,
    keep_on_client: bool,
) -> Result<(), DevServerError> {
    advance_as(st, sign_in_id, now, keep_on_client, None)
}

/// [`advance`], the session taking `session_id` when given (an OAuth redirect already named
/// it as `created_session_id`).
pub fn advance_as(
    st: &mut Db,
    sign_in_id: &str,
    now: i64,
    keep_on_client: bool,
    session_id: Option<String>,
) -> Result<(), DevServerError> {
    let Some(mut si) = st.sign_ins.get(sign_in_id).cloned() else {
        return Ok(());
    };
    let Some(user_id) = si.user_id.clone() else {
        return Ok(());
    };
    let Some(mut client) = st.clients.get(&si.client_id).cloned() else {
        return Ok(());
    };
    if si.created_session_id.is_some() || status_of(st, &si, now) != Status::Complete {
        return Ok(());
    }
    let Some(mut user) = st.users.get(&user_id).cloned() else {
        return Ok(());
    };
    let first_at = si
        .first_factor
        .as_ref()
        .and_then(|v| v.verified_at)
        .unwrap_or(now);
    let second_at = si
        .second_factor
        .as_ref()
        .filter(|v| v.is_verified())
        .and_then(|v| v.verified_at);
    let session = SessionRec {
        id: session_id.unwrap_or_else(|| new_id("sess")),
        client_id: client.id.clone(),
        user_id: user_id.clone(),
        status: SessionStatus::Active,
        created_at: now,
        updated_at: now,
        last_active_at: now,
        expire_at: now + SESSION_LIFETIME_MS,
        abandon_at: now + SESSION_ABANDON_MS,
        first_factor_at: first_at,
        second_factor_at: second_at,
    };
    si.created_session_id = Some(session.id.clone());
    if second_at.is_some() && !client.trusted_user_ids.contains(&user_id) {
        client.trusted_user_ids.push(user_id.clone());
    }
    client.session_ids.insert(0, session.id.clone());
    client.last_active_session_id = Some(session.id.clone());
    client.last_authentication_strategy = si.first_factor.as_ref().map(|v| v.strategy);
    client.updated_at = now;
    if !keep_on_client && client.sign_in_id.as_deref() == Some(si.id.as_str()) {
        client.sign_in_id = None;
    }
    user.last_sign_in_at = Some(now);
    // A sign-in clears the failure count, unless password guesses are still being checked:
    // their failures must still count when they land.
    if !st.pending_guesses.contains_key(&user_id) {
        user.failed_password_attempts = 0;
    }
    user.updated_at = now;
    st.save_session(session)?;
    st.save_sign_in(si)?;
    st.save_client(client)?;
    st.save_user(user)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_other_identifiers_but_not_the_typed_one() {
        assert_eq!(
            mask("ada@example.com", Some("ADA@example.com")),
            "ada@example.com"
        );
        assert_eq!(mask("ada@example.com", None), "a***@example.com");
        assert_eq!(mask("+14155552671", None), "+1******2671");
        assert_eq!(mask("1234", None), "****");
    }
}
