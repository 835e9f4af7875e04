//! Preparing and checking factors: one-time codes (email/SMS, reset-password), email links,
//! passwords with lockout, TOTP and backup codes. Shared by the sign-in routes.

use serde_json::json;

use super::crypto::{self, new_id};
use super::errors::ApiError;
use super::lockout::{GuessSlot, admit_guess, failed_attempt};
use super::model::{Hidden, OutboxMessage, SignInRec, UserRec, VerificationRec};
use super::signin;
use super::state::{Db, Emulator};
use super::totp::{self, TotpCheck};
use super::wire::{Strategy, VerificationStatus};

pub const TEST_CODE: &str = "424242";

/// Clerk test mode: `+clerk_test` emails and `+1XXX55501NN` phones.
pub fn is_test_identifier(value: &str) -> bool {
    if let Some((local, _)) = value.split_once('@') {
        return local.to_ascii_lowercase().contains("+clerk_test");
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    digits.len() == 11 && digits.starts_with('1') && &digits[4..9] == "55501"
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Which factor of a sign-in a request works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    First,
    Second,
}

/// Sends a code or link for `strategy` and stores the pending verification on the sign-in.
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    app: &Emulator,
    st: &mut Db,
    si: &mut SignInRec,
    user: &UserRec,
    stage: Stage,
    strategy: Strategy,
    target_id: Option<&str>,
    redirect_url: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    let is_email = strategy.is_email();
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
        let allowed = |p: &&super::model::PhoneRec| match stage {
            Stage::First => {
                !p.reserved_for_second_factor || strategy == Strategy::ResetPasswordPhoneCode
            }
            Stage::Second => true,
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
                let mfa_first = stage == Stage::Second && user.mfa_phones().next().is_some();
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
        expire_at: Some(expire_at),
        sent_at: Some(now),
        ..VerificationRec::new(strategy)
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
        kind: if strategy.is_reset_password() {
            "reset"
        } else {
            "code"
        }
        .into(),
        strategy: strategy.as_str().to_string(),
        code: None,
        link: None,
        sign_in_id: Some(si.id.clone()),
        subject: String::new(),
        body: String::new(),
        created_at: now,
    };
    if strategy == Strategy::EmailLink {
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
    match stage {
        Stage::First => si.first_factor = Some(v),
        Stage::Second => si.second_factor = Some(v),
    }
    Ok(())
}

/// Checks a one-time code against the pending verification, counting attempts. The caller
/// saves the sign-in whatever the outcome (the attempt counter must stick).
pub fn check_code(
    app: &Emulator,
    sign_in_id: &str,
    v: &mut VerificationRec,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    match v.status {
        VerificationStatus::Verified => return Err(ApiError::already_verified()),
        // Codes are never transferable; a hand-off's verification is no code to check.
        VerificationStatus::Failed | VerificationStatus::Transferable => {
            return Err(ApiError::verification_failed());
        }
        VerificationStatus::Expired => return Err(ApiError::verification_expired()),
        VerificationStatus::Unverified => {}
    }
    if v.expire_at.is_some_and(|t| now >= t) {
        v.status = VerificationStatus::Expired;
        return Err(ApiError::verification_expired());
    }
    let attempts = v.attempts.unwrap_or(0) + 1;
    v.attempts = Some(attempts);
    let ok = v.code_mac.as_ref().is_some_and(|mac| {
        app.keys
            .mac_matches(&format!("otp:{sign_in_id}"), code.trim(), mac)
    });
    if ok {
        v.status = VerificationStatus::Verified;
        v.verified_at = Some(now);
        v.code_mac = None;
        return Ok(());
    }
    if attempts >= app.limits.code_attempts {
        v.status = VerificationStatus::Failed;
        v.code_mac = None;
        return Err(ApiError::verification_failed());
    }
    Err(ApiError::code_incorrect())
}

/// Verifies a password for a sign-in: admitted against the lockout limit first, argon2 in the
/// bounded hasher, lockout after `lockout_attempts` failures. On success the first factor is
/// verified.
pub async fn attempt_password(
    app: &Emulator,
    sign_in_id: &str,
    password: Hidden,
) -> Result<(), ApiError> {
    let now = app.clock.now_ms();
    let (mut slot, hash, failures_before) = {
        let mut st = app.lock();
        let si = st
            .sign_ins
            .get(sign_in_id)
            .ok_or_else(|| ApiError::not_found("sign in"))?;
        let user = st.user_of(si)?;
        admit_guess(app, &st, &user, now)?;
        let hash = user
            .password_hash
            .clone()
            .ok_or_else(ApiError::strategy_invalid)?;
        let slot = GuessSlot::reserve(app, &mut st, &user.id);
        (slot, hash, user.failed_password_attempts)
    };
    let ok = app.hasher.verify(password, hash).await?;
    let now = app.clock.now_ms();
    let mut st = app.lock();
    slot.release(&mut st);
    let mut user = st
        .users
        .get(&slot.user_id)
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
    // Failures that guesses running beside this one counted meanwhile stay counted.
    user.failed_password_attempts = user
        .failed_password_attempts
        .saturating_sub(failures_before);
    if user.lockout_until.is_some_and(|t| t <= now) {
        user.lockout_until = None;
    }
    si.first_factor = Some(VerificationRec {
        attempts: Some(1),
        ..VerificationRec::verified(Strategy::Password, now)
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

/// The sign-in's second-factor verification for `strategy`, started afresh if it was another.
fn second_factor_for(si: &mut SignInRec, strategy: Strategy) -> &mut VerificationRec {
    let v = si
        .second_factor
        .get_or_insert_with(|| VerificationRec::new(strategy));
    if v.strategy != strategy {
        *v = VerificationRec::new(strategy);
    }
    v
}

/// A TOTP code as second factor, rejecting replays of an already used step.
pub fn attempt_totp(
    app: &Emulator,
    st: &mut Db,
    si: &mut SignInRec,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    let mut user = st.user_of(si)?;
    admit_guess(app, st, &user, now)?;
    let Some(t) = user.totp.as_mut().filter(|t| t.verified_at.is_some()) else {
        return Err(ApiError::strategy_invalid());
    };
    let v = second_factor_for(si, Strategy::Totp);
    v.attempts = Some(v.attempts.unwrap_or(0) + 1);
    match totp::check(
        t.secret.expose(),
        code,
        now.div_euclid(1000),
        t.last_used_step,
    ) {
        TotpCheck::Accepted(step) => {
            t.last_used_step = Some(step);
            v.status = VerificationStatus::Verified;
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
    app: &Emulator,
    st: &mut Db,
    si: &mut SignInRec,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    let mut user = st.user_of(si)?;
    admit_guess(app, st, &user, now)?;
    if !user.backup_code_enabled() {
        return Err(ApiError::strategy_invalid());
    }
    let v = second_factor_for(si, Strategy::BackupCode);
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
    v.status = VerificationStatus::Verified;
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
