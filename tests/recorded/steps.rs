//! Reading a recorded flow as a sequence of sign-in states, and the assertions shared by
//! several flows (the identifier step, the signed-in end state).

use clerk_tui::fapi::{Client, Factor, SessionStatus, SignIn, SignInStatus, Strategy};

use crate::fixtures::{
    EMAIL, IDENTIFIER_ID, PHONE, Parsed, Recording, SESSION_ID, STEP_MS, T0, USER_ID,
};

/// The sign-in each step of a flow shows: from a sign-in envelope, or the client's sign-in.
pub fn sign_ins(flow: &[(Recording, Parsed)]) -> Vec<SignIn> {
    flow.iter()
        .filter_map(|(_, parsed)| match parsed {
            Parsed::SignIn(e) => e.response.clone(),
            Parsed::Client(e) => e.response.as_ref()?.sign_in.clone(),
            _ => None,
        })
        .collect()
}

pub fn statuses(flow: &[(Recording, Parsed)]) -> Vec<SignInStatus> {
    sign_ins(flow).into_iter().map(|s| s.status).collect()
}

/// The client of the last step (response of `/v1/client`, else the piggy-backed one).
pub fn last_client(flow: &[(Recording, Parsed)]) -> Client {
    match &flow.last().expect("a step").1 {
        Parsed::SignIn(e) => e.piggybacked_client().cloned(),
        Parsed::Client(e) => e.response.clone(),
        other => panic!("last step is not a sign-in or client: {other:?}"),
    }
    .expect("a client")
}

/// The finished sign-in created the client's active session, whose user is the one who
/// signed in.
pub fn assert_signed_in(flow: &[(Recording, Parsed)]) {
    let last = sign_ins(flow).pop().expect("a sign-in");
    assert!(last.is_complete());
    assert_eq!(last.created_session_id.as_deref(), Some(SESSION_ID));
    assert!(last.supported_first_factors.is_empty() && last.supported_second_factors.is_empty());

    let client = last_client(flow);
    assert_eq!(client.last_active_session_id.as_deref(), Some(SESSION_ID));
    let session = client.last_active_session().expect("the new session");
    assert_eq!(session.status, SessionStatus::Active);
    assert!(session.is_signed_in());
    assert_eq!(session.expire_at, Some(T0 + STEP_MS));
    assert!(
        session
            .last_active_token
            .as_ref()
            .is_some_and(|t| !t.jwt.is_empty())
    );
    let user = session.user.as_ref().expect("session user");
    assert_eq!(user.id, USER_ID);
    assert_eq!(user.primary_email(), Some(EMAIL));
    assert_eq!(session.display_identifier(), Some(EMAIL));
    assert_eq!(
        session
            .public_user_data
            .as_ref()
            .and_then(|p| p.identifier.as_deref()),
        Some(EMAIL)
    );
    assert!(user.password_enabled && !user.two_factor_enabled);
}

/// What `POST /v1/client/sign_ins identifier=...` offers on an instance with email, phone,
/// username and password.
pub fn assert_identifier_step(sign_in: &SignIn) {
    assert_eq!(sign_in.status, SignInStatus::NeedsFirstFactor);
    assert_eq!(sign_in.identifier.as_deref(), Some(EMAIL));
    assert_eq!(
        sign_in.supported_identifiers,
        [
            "email_address",
            "passkey",
            "password",
            "phone_number",
            "username"
        ]
    );
    let strategies: Vec<_> = sign_in
        .supported_first_factors
        .iter()
        .map(|f| f.strategy.clone())
        .collect();
    assert_eq!(
        strategies,
        [
            Strategy::Password,
            Strategy::PhoneCode,
            Strategy::EmailCode,
            Strategy::EmailLink,
            Strategy::ResetPasswordEmailCode
        ]
    );
    assert_eq!(
        sign_in.first_factor(&Strategy::Password),
        Some(&Factor::new(Strategy::Password))
    );
    let phone = sign_in
        .first_factor(&Strategy::PhoneCode)
        .expect("phone_code");
    assert_eq!(phone.phone_number_id.as_deref(), Some(IDENTIFIER_ID));
    assert_eq!(phone.safe_identifier.as_deref(), Some(PHONE));
    assert!(phone.email_address_id.is_none());
    for strategy in [
        Strategy::EmailCode,
        Strategy::EmailLink,
        Strategy::ResetPasswordEmailCode,
    ] {
        let f = sign_in.first_factor(&strategy).expect("email factor");
        assert_eq!(
            f.email_address_id.as_deref(),
            Some(IDENTIFIER_ID),
            "{strategy}"
        );
        assert_eq!(f.safe_identifier.as_deref(), Some(EMAIL));
        assert!(f.is_primary());
    }
    assert!(sign_in.supported_second_factors.is_empty());
    assert!(sign_in.first_factor_verification.is_none());
    assert_eq!(sign_in.abandon_at, Some(T0 + 2 * STEP_MS));
}
