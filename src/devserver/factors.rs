//! Preparing and checking factors: one-time codes (email/SMS, reset-password), email links,
//! passwords with lockout, TOTP and backup codes. Shared by the sign-in routes.

use serde_json::json;

use super::crypto::{self, new_id};
use super::errors::ApiError;
use super::model::{Hidden, OutboxMessage, SignInRec, UserRec, VerificationRec};
use super::signin;
use super::state::{App, State};
use super::totp::{self, TotpCheck};

pub const TEST_CODE: &str = "424242";

/// Clerk test mode: `+clerk_test` emails and `+1XXX55501NN` phones.
pub fn is_test_identifier(value: &str) -> bool {
    if let Some((local, _)) = value.split_once('@') {
        return local.to_ascii_lowercase().contains("+clerk_test");
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    digits.len() == 11 && digits.starts_with('1') && &digits[4..9] == "55501"
}

/// `Some(None)`: locked by an administrator; `Some(Some(s))`: locked out for `s` more seconds.
pub fn lock_state(user: &UserRec, now: i64) -> Option<Option<i64>> {
    if user.locked {
        return Some(None);
    }
    user.lockout_until
        .filter(|&t| t > now)
        .map(|t| Some((t - now + 999) / 1000))
}

pub fn ensure_unlocked(user: &UserRec, now: i64) -> Result<(), ApiError> {
    match lock_state(user, now) {
        Some(secs) => Err(ApiError::user_locked(secs)),
        None => Ok(()),
    }
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    First,
    Second,
}

/// Sends a code or link for `strategy` and stores the pending verification on the sign-in.
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    app: &App,
    st: &mut State,
    si: &mut SignInRec,
    user: &UserRec,
    slot: Slot,
    strategy: &str,
    target_id: Option<&str>,
    redirect_url: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    let is_email = matches!(
        strategy,
        "email_code" | "email_link" | "reset_password_email_code"
    );
    let (target_id, to) = if is_email {
        let email = match target_id {
            Some(id) => user.emails.iter().find(|e| e.id == id).ok_or_else(|| {
                ApiError::value_invalid(
                    "email_address_id",
                    "This email address does not belong to the account.",
                )
            })?,
            None => user
                .primary_email()
                .ok_or_else(ApiError::strategy_invalid)?,
        };
        (email.id.clone(), email.email.clone())
    } else {
        let allowed = |p: &&super::model::PhoneRec| match slot {
            Slot::First => !p.reserved_for_second_factor || strategy == "reset_password_phone_code",
            Slot::Second => true,
        };
        let phone = match target_id {
            Some(id) => user
                .phones
                .iter()
                .filter(allowed)
                .find(|p| p.id == id)
                .ok_or_else(|| {
                    ApiError::value_invalid(
                        "phone_number_id",
                        "This phone number does not belong to the account.",
                    )
                })?,
            None => {
                let mfa_first = slot == Slot::Second && user.mfa_phones().next().is_some();
                if mfa_first {
                    user.mfa_phones().next()
                } else {
                    user.primary_phone().filter(|p| allowed(p))
                }
                .ok_or_else(ApiError::strategy_invalid)?
            }
        };
        (phone.id.clone(), phone.phone.clone())
    };
    let key = format!("{strategy}:{target_id}");
    let cooldown = ms(app.limits.resend_cooldown);
    if let Some((_, sent)) = si.last_sent.iter().find(|(k, _)| *k == key)
        && now - sent < cooldown
        && now >= *sent
    {
        let wait = (cooldown - (now - sent) + 999) / 1000;
        return Err(ApiError::too_many_requests(
            u64::try_from(wait).unwrap_or(1),
        ));
    }
    si.last_sent.retain(|(k, _)| *k != key);
    si.last_sent.push((key, now));

    let expire_at = now + ms(app.limits.code_ttl);
    let test = is_test_identifier(&to);
    let mut v = VerificationRec {
        strategy: strategy.to_string(),
        status: "unverified".into(),
        expire_at: Some(expire_at),
        sent_at: Some(now),
        ..Default::default()
    };
    if is_email {
        v.email_address_id = Some(target_id);
    } else {
        v.phone_number_id = Some(target_id);
    }
    let mut message = OutboxMessage {
        id: new_id("msg"),
        to: to.clone(),
        channel: if is_email { "email" } else { "sms" }.into(),
        kind: if strategy.starts_with("reset_password") {
            "reset"
        } else {
            "code"
        }
        .into(),
        strategy: strategy.to_string(),
        code: None,
        link: None,
        sign_in_id: Some(si.id.clone()),
        subject: String::new(),
        body: String::new(),
        created_at: now,
    };
    if strategy == "email_link" {
        let nonce = new_id("nonce");
        let token = app
            .keys
            .sign_hs256(&json!({"k": "link", "sia": si.id, "n": nonce, "exp": expire_at / 1000}));
        let link = format!("{}/v1/verify?token={token}", app.base_url);
        v.link_nonce = Some(nonce);
        v.redirect_url = redirect_url.map(String::from);
        message.kind = "link".into();
        message.subject = "Your sign-in link".into();
        message.body = format!(
            "Click to sign in: {link}\nThis link expires in {} minutes.",
            app.limits.code_ttl.as_secs() / 60
        );
        message.link = Some(link);
        st.push_outbox(message)?;
        app.notify_outbox();
    } else {
        let code = if test {
            TEST_CODE.to_string()
        } else {
            crypto::new_code()
        };
        v.attempts = Some(0);
        v.code_mac = Some(app.keys.mac(&format!("otp:{}", si.id), &code));
        if !test {
            message.subject = if message.kind == "reset" {
                "Reset your password".into()
            } else {
                "Your verification code".into()
            };
            message.body = format!(
                "{code} is your verification code. It expires in {} minutes.",
                app.limits.code_ttl.as_secs() / 60
            );
            message.code = Some(code);
            st.push_outbox(message)?;
            app.notify_outbox();
        }
    }
    match slot {
        Slot::First => si.first_factor = Some(v),
        Slot::Second => si.second_factor = Some(v),
    }
    Ok(())
}

/// Checks a one-time code against the pending verification, counting attempts. The caller
/// saves the sign-in whatever the outcome (the attempt counter must stick).
pub fn check_code(
    app: &App,
    sign_in_id: &str,
    v: &mut VerificationRec,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    match v.status.as_str() {
        "verified" => return Err(ApiError::already_verified()),
        "failed" => return Err(ApiError::verification_failed()),
        "expired" => return Err(ApiError::verification_expired()),
        _ => {}
    }
    if v.expire_at.is_some_and(|t| now >= t) {
        v.status = "expired".into();
        return Err(ApiError::verification_expired());
    }
    let attempts = v.attempts.unwrap_or(0) + 1;
    v.attempts = Some(attempts);
    let ok = v.code_mac.as_ref().is_some_and(|mac| {
        app.keys
            .mac_matches(&format!("otp:{sign_in_id}"), code.trim(), mac)
    });
    if ok {
        v.status = "verified".into();
        v.verified_at = Some(now);
        v.code_mac = None;
        return Ok(());
    }
    if attempts >= app.limits.code_attempts {
        v.status = "failed".into();
        v.code_mac = None;
        return Err(ApiError::verification_failed());
    }
    Err(ApiError::code_incorrect())
}

/// Verifies a password for a sign-in: argon2 off the async threads, lockout after
/// `lockout_attempts` failures. On success the first factor is verified.
pub async fn attempt_password(
    app: &App,
    sign_in_id: &str,
    password: Hidden,
) -> Result<(), ApiError> {
    let now = app.clock.now_ms();
    let (user_id, hash) = {
        let st = app.lock();
        let si = st
            .sign_ins
            .get(sign_in_id)
            .ok_or_else(|| ApiError::not_found("sign in"))?;
        let user = si
            .user_id
            .as_ref()
            .and_then(|id| st.users.get(id))
            .ok_or_else(ApiError::identifier_not_found)?;
        ensure_unlocked(user, now)?;
        let hash = user
            .password_hash
            .clone()
            .ok_or_else(ApiError::strategy_invalid)?;
        (user.id.clone(), hash)
    };
    let ok = tokio::task::spawn_blocking(move || crypto::verify_password(password.expose(), &hash))
        .await
        .unwrap_or(false);
    let now = app.clock.now_ms();
    let mut st = app.lock();
    let mut user = st
        .users
        .get(&user_id)
        .cloned()
        .ok_or_else(ApiError::identifier_not_found)?;
    let mut si = st
        .sign_ins
        .get(sign_in_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("sign in"))?;
    if !ok {
        return Err(failed_attempt(
            app,
            &mut st,
            user,
            now,
            ApiError::password_incorrect(),
        ));
    }
    user.failed_password_attempts = 0;
    user.lockout_until = None;
    si.first_factor = Some(VerificationRec {
        strategy: "password".into(),
        status: "verified".into(),
        attempts: Some(1),
        verified_at: Some(now),
        ..Default::default()
    });
    if user.needs_password_reset {
        si.needs_new_password = true;
    }
    if signin::client_trust_required(&si, &user, st.clients.get(&si.client_id)) {
        si.client_trust_state = Some("pending".into());
    }
    st.save_user(user)?;
    st.save_sign_in(si)?;
    signin::advance(&mut st, sign_in_id, now, false)?;
    Ok(())
}

/// Counts a failed password, TOTP or backup code against the user; enough of them lock the
/// account for `lockout_duration` (Clerk's user lockout), so guessing 6-digit codes is futile.
pub fn failed_attempt(
    app: &App,
    st: &mut State,
    mut user: UserRec,
    now: i64,
    err: ApiError,
) -> ApiError {
    user.failed_password_attempts += 1;
    user.updated_at = now;
    let locked = user.failed_password_attempts >= app.limits.lockout_attempts;
    if locked {
        user.failed_password_attempts = 0;
        user.lockout_until = Some(now + ms(app.limits.lockout_duration));
    }
    if let Err(e) = st.save_user(user) {
        return ApiError::from(e);
    }
    if locked {
        ApiError::user_locked(Some(
            i64::try_from(app.limits.lockout_duration.as_secs()).unwrap_or(i64::MAX),
        ))
    } else {
        err
    }
}

/// A TOTP code as second factor, rejecting replays of an already used step.
pub fn attempt_totp(
    app: &App,
    st: &mut State,
    si: &mut SignInRec,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    let mut user = st.user_of(si)?;
    let Some(t) = user.totp.as_mut().filter(|t| t.verified_at.is_some()) else {
        return Err(ApiError::strategy_invalid());
    };
    let v = si.second_factor.get_or_insert_with(|| VerificationRec {
        strategy: "totp".into(),
        status: "unverified".into(),
        ..Default::default()
    });
    if v.strategy != "totp" {
        *v = VerificationRec {
            strategy: "totp".into(),
            status: "unverified".into(),
            ..Default::default()
        };
    }
    v.attempts = Some(v.attempts.unwrap_or(0) + 1);
    match totp::check(
        t.secret.expose(),
        code,
        now.div_euclid(1000),
        t.last_used_step,
    ) {
        TotpCheck::Accepted(step) => {
            t.last_used_step = Some(step);
            v.status = "verified".into();
            v.verified_at = Some(now);
            st.save_user(user)?;
            Ok(())
        }
        TotpCheck::Replayed => Err(failed_attempt(
            app,
            st,
            user,
            now,
            ApiError::code_replayed(),
        )),
        TotpCheck::Incorrect => Err(failed_attempt(
            app,
            st,
            user,
            now,
            ApiError::code_incorrect(),
        )),
    }
}

/// A backup code as second factor; a used code is gone.
pub fn attempt_backup_code(
    app: &App,
    st: &mut State,
    si: &mut SignInRec,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    let mut user = st.user_of(si)?;
    if !user.backup_code_enabled() {
        return Err(ApiError::strategy_invalid());
    }
    let v = si
        .second_factor
        .get_or_insert_with(VerificationRec::default);
    if v.strategy != "backup_code" {
        *v = VerificationRec {
            strategy: "backup_code".into(),
            status: "unverified".into(),
            ..Default::default()
        };
    }
    v.attempts = Some(v.attempts.unwrap_or(0) + 1);
    let code = code.trim().to_lowercase();
    // Check every stored code so the time taken does not reveal which one matched.
    let mut found = None;
    for (i, stored) in user.backup_codes.iter().enumerate() {
        if app.keys.mac_matches("backup_code", &code, stored) {
            found = Some(i);
        }
    }
    let Some(i) = found else {
        return Err(failed_attempt(
            app,
            st,
            user,
            now,
            ApiError::code_incorrect(),
        ));
    };
    user.backup_codes.remove(i);
    user.updated_at = now;
    v.status = "verified".into();
    v.verified_at = Some(now);
    st.save_user(user)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_clerk_test_identifiers() {
        assert!(is_test_identifier("jane+clerk_test@example.com"));
        assert!(is_test_identifier("+15555550100"));
        assert!(is_test_identifier("+12015550199"));
        assert!(!is_test_identifier("jane@example.com"));
        assert!(!is_test_identifier("+14155552671"));
        assert!(!is_test_identifier("+1555"));
    }
}
