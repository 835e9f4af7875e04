//! Turns stored records into the Frontend API's JSON shapes (`Client`, `SignIn`, `Session`,
//! `User`, verifications, factors), matching the OpenAPI schemas and the recorded responses.

use serde_json::{Value, json};

use super::crypto::new_id;
use super::model::{SessionRec, SignInRec, UserRec, VerificationRec};
use super::signin::{self, FactorInfo, Status};
use super::state::{Db, Emulator};
use super::token_cache::TokenKey;
use super::wire::{SessionStatus, VerificationStatus};

pub fn verification(v: &VerificationRec) -> Value {
    let mut out = json!({
        "object": v.strategy.verification_object(),
        "status": v.status,
        "strategy": v.strategy,
        "attempts": v.attempts,
        "expire_at": v.expire_at,
    });
    if let Some(c) = &v.verified_at_client {
        out["verified_at_client"] = json!(c);
    }
    if let Some(code) = &v.error_code {
        out["error"] = verification_error(code);
    }
    if let Some(u) = v
        .external_url
        .as_ref()
        .filter(|_| v.status == VerificationStatus::Unverified)
    {
        out["external_verification_redirect_url"] = json!(u);
    }
    out
}

/// `verification.error` for a hand-off that failed or is transferable, in Clerk's words
/// (clerk-android `SSOService.kt` reads `external_account_not_found` as "transfer to sign-up").
fn verification_error(code: &str) -> Value {
    let (message, long) = match code {
        "external_account_not_found" => (
            "The External Account was not found.",
            "The provider's account has no user in this application.",
        ),
        _ => ("Access denied", "The sign-in was refused at the provider."),
    };
    json!({"code": code, "message": message, "long_message": long, "meta": {}})
}

/// A verification as of `now`: an OAuth hand-off nobody finished in time reads `expired`
/// (codes and links expire when they are used, as before).
fn verification_at(v: &VerificationRec, now: i64) -> Value {
    if v.external_url.is_some()
        && v.status == VerificationStatus::Unverified
        && v.expire_at.is_some_and(|t| now >= t)
    {
        let mut expired = v.clone();
        expired.status = VerificationStatus::Expired;
        return verification(&expired);
    }
    verification(v)
}

fn factor(f: &FactorInfo) -> Value {
    let mut out = json!({"strategy": f.strategy});
    if let Some(s) = &f.safe_identifier {
        out["safe_identifier"] = json!(s);
    }
    if let Some(s) = &f.email_address_id {
        out["email_address_id"] = json!(s);
    }
    if let Some(s) = &f.phone_number_id {
        out["phone_number_id"] = json!(s);
    }
    if let Some(p) = f.primary {
        out["primary"] = json!(p);
    }
    if let Some(d) = f.default {
        out["default"] = json!(d);
    }
    out
}

/// The `enterprise_sso` first factor of a user with a mock connection (`Stubs.SignInFactor`;
/// clerk-android `Factor.kt` reads the connection's id and name from it).
fn sso_factor(st: &Db, user: &UserRec, typed: Option<&str>) -> Option<Value> {
    let (c, e) = super::connections::connection_for(&st.enterprise_connections, user)?;
    Some(json!({
        "strategy": "enterprise_sso",
        "safe_identifier": signin::mask(&e.email, typed),
        "email_address_id": e.id,
        "enterprise_connection_id": c.id,
        "enterprise_connection_name": c.name,
    }))
}

pub fn sign_in(st: &Db, si: &SignInRec, now: i64) -> Value {
    let user = si.user_id.as_ref().and_then(|id| st.users.get(id));
    let status = signin::status_of(st, si, now);
    let listed = !matches!(
        status,
        Status::Complete | Status::Abandoned | Status::NeedsIdentifier
    );
    let first = match (user, listed) {
        (Some(u), true) => Value::Array(
            signin::first_factors(u, si.identifier.as_deref())
                .iter()
                .map(factor)
                .chain(sso_factor(st, u, si.identifier.as_deref()))
                .collect(),
        ),
        _ => Value::Null,
    };
    let second = match user {
        Some(u) if matches!(status, Status::NeedsSecondFactor | Status::NeedsClientTrust) => {
            Value::Array(
                signin::second_factors(si, u, st, now)
                    .iter()
                    .map(factor)
                    .collect(),
            )
        }
        _ => Value::Null,
    };
    let user_data = user.map(|u| {
        json!({
            "first_name": u.first_name,
            "last_name": u.last_name,
            "image_url": image_url(u),
            "has_image": false,
        })
    });
    json!({
        "object": "sign_in_attempt",
        "id": si.id,
        "status": status.as_str(),
        "supported_identifiers": ["email_address", "phone_number", "username"],
        "supported_first_factors": first,
        "supported_second_factors": second,
        "first_factor_verification": si.first_factor.as_ref().map(|v| verification_at(v, now)),
        "second_factor_verification": si.second_factor.as_ref().map(verification),
        "identifier": si.identifier,
        "user_data": user_data,
        "created_session_id": si.created_session_id,
        "abandon_at": si.abandon_at,
        "client_trust_state": si.client_trust_state,
    })
}

fn image_url(u: &UserRec) -> String {
    format!("https://img.clerk.com/dev/{}", u.id)
}

fn admin_verification() -> Value {
    json!({"object": "verification_admin", "status": "verified", "strategy": "admin", "attempts": null, "expire_at": null})
}

pub fn user(u: &UserRec, now: i64, max_attempts: u32) -> Value {
    let emails: Vec<Value> = u
        .emails
        .iter()
        .map(|e| {
            json!({
                "id": e.id, "object": "email_address", "email_address": e.email, "reserved": false,
                "verification": admin_verification(), "linked_to": [], "matches_sso_connection": false,
                "created_at": e.created_at, "updated_at": e.created_at,
            })
        })
        .collect();
    let phones: Vec<Value> = u
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "id": p.id, "object": "phone_number", "phone_number": p.phone,
                "reserved_for_second_factor": p.reserved_for_second_factor,
                "default_second_factor": p.reserved_for_second_factor && i == 0,
                "reserved": false, "verification": admin_verification(), "linked_to": [],
                "backup_codes": null, "created_at": p.created_at, "updated_at": p.created_at,
            })
        })
        .collect();
    let lockout = u
        .lockout_until
        .filter(|&t| t > now)
        .map(|t| (t - now + 999) / 1000);
    let mut out = json!({
        "id": u.id,
        "object": "user",
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "locale": null,
        "image_url": image_url(u),
        "has_image": false,
        "primary_email_address_id": u.primary_email_id,
        "primary_phone_number_id": u.primary_phone_id,
        "primary_web3_wallet_id": null,
        "password_enabled": u.password_hash.is_some(),
        "two_factor_enabled": u.two_factor_enabled(),
        "totp_enabled": u.totp_enabled(),
        "backup_code_enabled": u.backup_code_enabled(),
    });
    let rest = json!({
        "email_addresses": emails,
        "phone_numbers": phones,
        "web3_wallets": [],
        "passkeys": [],
        "external_accounts": [],
        "saml_accounts": [],
        "enterprise_accounts": [],
        "organization_memberships": [],
        "password_last_updated_at": u.password_updated_at,
        "public_metadata": {},
        "unsafe_metadata": {},
        "external_id": null,
        "last_sign_in_at": u.last_sign_in_at,
        "banned": false,
        "locked": u.locked || lockout.is_some(),
        "lockout_expires_in_seconds": lockout,
        "verification_attempts_remaining": max_attempts.saturating_sub(u.failed_password_attempts),
        "created_at": u.created_at,
        "updated_at": u.updated_at,
        "delete_self_enabled": true,
        "bypass_client_trust": false,
        "create_organization_enabled": false,
        "create_organizations_limit": 0,
        "last_active_at": u.last_sign_in_at,
        "mfa_enabled_at": u.mfa_enabled_at,
        "mfa_disabled_at": u.mfa_disabled_at,
        "legal_accepted_at": null,
        "profile_image_url": image_url(u),
    });
    if let (Value::Object(a), Value::Object(b)) = (&mut out, rest) {
        a.extend(b);
    }
    out
}

/// Session status as the clock sees it (a stored `active` session can have expired).
pub fn session_status(s: &SessionRec, now: i64) -> SessionStatus {
    if s.status == SessionStatus::Active && now >= s.abandon_at {
        SessionStatus::Abandoned
    } else if s.status == SessionStatus::Active && now >= s.expire_at {
        SessionStatus::Expired
    } else {
        s.status
    }
}

fn minutes_since(t: i64, now: i64) -> i64 {
    ((now - t).max(0)) / 60_000
}

/// The session JWT a client answer shows (`last_active_token`): one minted for the same session
/// and claims within the same second is reused (`token_cache.rs`: signing is the costly part).
pub fn session_token(
    app: &Emulator,
    s: &SessionRec,
    now: i64,
    origin: Option<&str>,
) -> Result<String, super::errors::DevServerError> {
    token(app, s, now, origin, true)
}

/// A token asked for with `POST …/tokens`: always freshly signed, as Clerk mints a new JWT (its
/// own `jti`) for every call; it still fills the cache for the client answers of that second.
pub fn fresh_session_token(
    app: &Emulator,
    s: &SessionRec,
    now: i64,
    origin: Option<&str>,
) -> Result<String, super::errors::DevServerError> {
    token(app, s, now, origin, false)
}

/// A 60-second RS256 session JWT with Clerk's claims.
fn token(
    app: &Emulator,
    s: &SessionRec,
    now: i64,
    origin: Option<&str>,
    reuse: bool,
) -> Result<String, super::errors::DevServerError> {
    let iat = now.div_euclid(1000);
    let fva = [
        minutes_since(s.first_factor_at, now),
        s.second_factor_at.map_or(-1, |t| minutes_since(t, now)),
    ];
    let key = TokenKey {
        session_id: s.id.clone(),
        user_id: s.user_id.clone(),
        origin: origin.map(str::to_string),
        iat,
        fva,
    };
    if reuse && let Some(jwt) = app.tokens.get(&key) {
        return Ok(jwt);
    }
    let ttl = i64::try_from(app.limits.session_token_ttl.as_secs()).unwrap_or(60);
    let mut claims = json!({
        "exp": iat + ttl,
        "fva": fva,
        "iat": iat,
        "iss": app.base_url,
        "jti": new_id("jti").replace("jti_", ""),
        "nbf": iat - 10,
        "sid": s.id,
        "sts": "active",
        "sub": s.user_id,
        "v": 2,
    });
    if let Some(o) = origin {
        claims["azp"] = json!(o);
    }
    let jwt = app.keys.sign_rs256(&claims)?;
    app.tokens.put(key, jwt.clone());
    Ok(jwt)
}

/// Mints (outside any lock) the tokens `client` will show for `client_id`'s active sessions,
/// so rendering it under the state lock finds them made instead of signing there.
pub fn warm_client_tokens(app: &Emulator, client_id: &str, now: i64, origin: Option<&str>) {
    let sessions: Vec<SessionRec> = {
        let st = app.lock();
        st.clients
            .get(client_id)
            .map(|c| {
                c.session_ids
                    .iter()
                    .filter_map(|id| st.sessions.get(id))
                    .filter(|s| session_status(s, now) == SessionStatus::Active)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    for s in &sessions {
        // A failure here shows up again (and is handled) when the client is rendered.
        let _ = session_token(app, s, now, origin);
    }
}

pub fn session(app: &Emulator, st: &Db, s: &SessionRec, now: i64, origin: Option<&str>) -> Value {
    let u = st.users.get(&s.user_id);
    let status = session_status(s, now);
    let token = if status == SessionStatus::Active {
        session_token(app, s, now, origin).ok()
    } else {
        None
    };
    let public_user_data = u.map(|u| {
        json!({
            "first_name": u.first_name,
            "last_name": u.last_name,
            "image_url": image_url(u),
            "has_image": false,
            "identifier": u.display_identifier(),
            "user_id": u.id,
            "username": u.username,
            "profile_image_url": image_url(u),
        })
    });
    let mut out = json!({
        "object": "session",
        "id": s.id,
        "status": status,
        "expire_at": s.expire_at,
        "abandon_at": s.abandon_at,
        "last_active_at": s.last_active_at,
        "last_active_organization_id": null,
        "last_active_token": token.map(|jwt| json!({"object": "token", "jwt": jwt})),
        "actor": null,
        "public_user_data": public_user_data,
        "factor_verification_age": [
            minutes_since(s.first_factor_at, now),
            s.second_factor_at.map_or(-1, |t| minutes_since(t, now)),
        ],
        "tasks": null,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    });
    if let Some(u) = u {
        out["user"] = user(u, now, app.limits.lockout_attempts);
    }
    out
}

/// The client object; `Value::Null` when the client does not exist (any more).
pub fn client(app: &Emulator, st: &Db, client_id: &str, now: i64, origin: Option<&str>) -> Value {
    let Some(c) = st.clients.get(client_id) else {
        return Value::Null;
    };
    let sessions: Vec<Value> = c
        .session_ids
        .iter()
        .filter_map(|id| st.sessions.get(id))
        .filter(|s| session_status(s, now) == SessionStatus::Active)
        .map(|s| session(app, st, s, now, origin))
        .collect();
    let sign_in = c
        .sign_in_id
        .as_ref()
        .and_then(|id| st.sign_ins.get(id))
        .filter(|si| signin::status_of(st, si, now) != Status::Abandoned)
        .map(|si| sign_in(st, si, now));
    let last_active = c.last_active_session_id.as_ref().filter(|id| {
        st.sessions
            .get(*id)
            .is_some_and(|s| session_status(s, now) == SessionStatus::Active)
    });
    json!({
        "object": "client",
        "id": c.id,
        "sessions": sessions,
        "sign_in": sign_in,
        "sign_up": null,
        "last_active_session_id": last_active,
        "last_authentication_strategy": c.last_authentication_strategy,
        "cookie_expires_at": null,
        "captcha_bypass": false,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    })
}
