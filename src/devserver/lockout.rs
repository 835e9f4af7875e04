//! Clerk's user lockout: enough failed guesses (password, TOTP, backup code) lock the account
//! for `lockout_duration`. Admission and counting happen under the one state lock, so guesses
//! arriving together cannot all pass the check before any of them is counted.

use super::errors::ApiError;
use super::model::UserRec;
use super::state::{Db, Emulator};

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
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

/// Admits one guess (password, TOTP or backup code) at `user`'s secrets: refused while the
/// account is locked, and while the failures already counted plus the password guesses still
/// being hashed reach the limit. Called under the lock that also counts the guess, so however
/// many arrive at once, no more than `lockout_attempts` are ever evaluated.
pub fn admit_guess(app: &Emulator, db: &Db, user: &UserRec, now: i64) -> Result<(), ApiError> {
    ensure_unlocked(user, now)?;
    let pending = db.pending_guesses.get(&user.id).copied().unwrap_or(0);
    if user.failed_password_attempts.saturating_add(pending) >= app.limits.lockout_attempts {
        return Err(ApiError::too_many_requests(1));
    }
    Ok(())
}

/// A password guess admitted and still being hashed. It is released under the lock that
/// counts its outcome; a request dropped mid-hash releases it uncounted (its answer is lost).
pub struct GuessSlot<'a> {
    app: &'a Emulator,
    pub user_id: String,
    open: bool,
}

impl GuessSlot<'_> {
    pub fn reserve<'a>(app: &'a Emulator, db: &mut Db, user_id: &str) -> GuessSlot<'a> {
        *db.pending_guesses.entry(user_id.to_string()).or_default() += 1;
        GuessSlot {
            app,
            user_id: user_id.to_string(),
            open: true,
        }
    }

    pub fn release(&mut self, db: &mut Db) {
        if !std::mem::take(&mut self.open) {
            return;
        }
        if let Some(n) = db.pending_guesses.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                db.pending_guesses.remove(&self.user_id);
            }
        }
    }
}

impl Drop for GuessSlot<'_> {
    fn drop(&mut self) {
        if self.open {
            let app = self.app;
            self.release(&mut app.lock());
        }
    }
}

/// Counts a failed password, TOTP or backup code against the user; enough of them lock the
/// account for `lockout_duration` (Clerk's user lockout), so guessing 6-digit codes is futile.
pub fn failed_attempt(
    app: &Emulator,
    st: &mut Db,
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
