//! A locked account and a failed verification, pinned through `update`: how long a lock lasts
//! (counted from Clerk's `lockout_expires_in_seconds`, lifted exactly at its end), that a locked
//! account is not offered a password reset, and that too many wrong codes
//! (`verification_failed`) end the code's countdown while a merely wrong code does not.

use serde_json::json;

use super::tests_sign_in::{NOW, app, failure, ok, sign_in};
use super::*;

fn answer(a: &mut App, reply: Reply) -> Vec<Effect> {
    let epoch = a.epoch;
    update(a, Action::Api { epoch, reply })
}

/// At the password, the account offering a reset code.
fn at_password_with_reset() -> App {
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [
            {"strategy": "password"},
            {"strategy": "reset_password_email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}
        ]}),
    );
    answer(&mut a, Reply::SignIn(ok(s)));
    a
}

fn locked(secs: Option<u64>) -> Failure {
    failure(
        FailureKind::Locked { lockout_secs: secs },
        "This account is locked.",
    )
}

#[test]
fn a_lock_counts_down_from_what_clerk_said_and_ends_exactly_then() {
    let mut a = at_password_with_reset();
    assert!(
        a.offers_password_reset(),
        "not locked: the reset is offered"
    );
    answer(&mut a, Reply::SignIn(Err(locked(Some(30)))));
    assert_eq!(a.locked_secs(), Some(Some(30)));
    assert!(!a.offers_password_reset(), "a locked account cannot reset");

    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 28_500,
        },
    );
    assert_eq!(a.locked_secs(), Some(Some(2)), "rounded up");
    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 29_999,
        },
    );
    assert_eq!(a.locked_secs(), Some(Some(1)));
    assert!(a.notice.is_some());

    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 30_000,
        },
    );
    assert_eq!(a.locked_secs(), None, "lifted exactly at its end");
    assert!(a.notice.is_none(), "the lock's sentence no longer holds");
    assert!(a.offers_password_reset());
}

#[test]
fn a_lock_of_no_seconds_is_no_lock() {
    let mut a = at_password_with_reset();
    answer(&mut a, Reply::SignIn(Err(locked(Some(0)))));
    assert_eq!(a.locked_secs(), None);
    assert!(a.offers_password_reset());
}

#[test]
fn a_lock_without_an_end_stays() {
    let mut a = at_password_with_reset();
    answer(&mut a, Reply::SignIn(Err(locked(None))));
    assert_eq!(a.locked_secs(), Some(None));
    update(
        &mut a,
        Action::Tick {
            now_ms: NOW + 86_400_000,
        },
    );
    assert_eq!(a.locked_secs(), Some(None));
    assert!(!a.offers_password_reset());
}

#[test]
fn no_reset_is_offered_where_the_account_has_none() {
    let mut a = app();
    answer(
        &mut a,
        Reply::SignIn(ok(sign_in("needs_first_factor", json!({})))),
    );
    assert!(!a.offers_password_reset());
}

/// An email code sent, expiring in ten minutes.
fn at_sent_code() -> App {
    let mut a = app();
    let s = sign_in(
        "needs_first_factor",
        json!({"first_factor_verification": {"status": "unverified",
            "strategy": "email_code", "expire_at": NOW + 600_000}}),
    );
    answer(&mut a, Reply::SignIn(ok(s)));
    assert_eq!(a.expires_in_secs(), Some(600));
    a
}

fn refused(code: &str) -> Reply {
    let kind = FailureKind::Api {
        status: 422,
        code: code.into(),
    };
    Reply::SignIn(Err(failure(kind, "Refused.")))
}

#[test]
fn too_many_wrong_codes_end_the_countdown_and_one_wrong_code_does_not() {
    let mut a = at_sent_code();
    answer(&mut a, refused("form_code_incorrect"));
    assert_eq!(
        a.expires_in_secs(),
        Some(600),
        "a wrong code: the same code still counts"
    );

    answer(&mut a, refused("verification_failed"));
    assert_eq!(a.expires_in_secs(), None, "nothing left to expire");
    assert!(
        matches!(a.step(), crate::flow::Step::Factor(f) if f.ended == Some(crate::fapi::VerificationStatus::Failed)),
        "{:?}",
        a.step()
    );
}
