//! What every sign-in endpoint shares (create, factors, the mock OAuth provider): loading the
//! caller's own sign-in, saving it and answering `{response: SignIn, client: Client}`, and
//! redeeming a sign-in ticket.

use axum::response::Response;

use super::errors::ApiError;
use super::lockout;
use super::model::{SignInRec, VerificationRec};
use super::render;
use super::request::{Caller, envelope};
use super::signin::{self, Status};
use super::state::{Db, Emulator};
use super::wire::Strategy;

pub fn reply(emu: &Emulator, db: &Db, si_id: &str, client_id: &str, caller: &Caller) -> Response {
    let now = emu.clock.now_ms();
    let si = db
        .sign_ins
        .get(si_id)
        .map(|si| render::sign_in(db, si, now))
        .unwrap_or(serde_json::Value::Null);
    envelope(
        si,
        render::client(emu, db, client_id, now, caller.origin()),
        Some(client_id),
    )
}

/// Loads a sign-in of the caller's client, 404 otherwise (also once abandoned): another
/// client's sign-in is indistinguishable from one that does not exist.
pub fn load(db: &Db, caller: &Caller, id: &str, now: i64) -> Result<(SignInRec, String), ApiError> {
    let client_id = caller
        .existing_client(db)
        .ok_or_else(|| ApiError::not_found("sign in"))?;
    let si = db
        .sign_ins
        .get(id)
        .filter(|si| si.client_id == client_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("sign in"))?;
    if signin::status_of(db, &si, now) == Status::Abandoned {
        return Err(ApiError::not_found("sign in"));
    }
    Ok((si, client_id))
}

/// Saves `si` and answers with it, or answers the error (after saving, so attempt counters
/// and expiries stick).
pub fn finish(
    emu: &Emulator,
    db: &mut Db,
    si: SignInRec,
    client_id: &str,
    caller: &Caller,
    outcome: Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let id = si.id.clone();
    db.save_sign_in(si)?;
    outcome?;
    signin::advance(db, &id, emu.clock.now_ms(), false)?;
    Ok(reply(emu, db, &id, client_id, caller))
}

/// Uses up a ticket (`POST /__dev/sign_in_tokens`) for a user who may sign in now: a locked
/// user's ticket is refused and stays unused; a used, expired or unknown one is refused with
/// Clerk's codes (docs/EMULATOR.md, "Tickets").
pub fn redeem_ticket(
    emu: &Emulator,
    db: &mut Db,
    ticket: &str,
    now: i64,
) -> Result<(String, VerificationRec), ApiError> {
    let invalid = ApiError::ticket_invalid;
    let claims = emu.keys.verify_hs256(ticket).ok_or_else(invalid)?;
    if claims.get("k").and_then(|k| k.as_str()) != Some("ticket") {
        return Err(invalid());
    }
    let id = claims
        .get("id")
        .and_then(|v| v.as_str())
        .ok_or_else(invalid)?;
    let mut t = db.tickets.get(id).cloned().ok_or_else(invalid)?;
    if t.used {
        return Err(ApiError::ticket_used());
    }
    if now >= t.expires_at {
        return Err(ApiError::ticket_expired());
    }
    let user = db.users.get(&t.user_id).ok_or_else(invalid)?;
    lockout::ensure_unlocked(user, now)?;
    t.used = true;
    let verification = VerificationRec {
        expire_at: Some(t.expires_at),
        ..VerificationRec::verified(Strategy::Ticket, now)
    };
    let user_id = t.user_id.clone();
    db.save_ticket(t)?;
    Ok((user_id, verification))
}
