//! Flows past the first factor, end to end over HTTP: TOTP, SMS and backup codes as second
//! factors, password resets by email and phone, client trust.

use crate::harness::*;
use crate::support::server::GRACE_TOTP;

#[tokio::test]
async fn password_plus_totp_and_the_same_code_cannot_be_replayed() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi.password_sign_in("grace@example.com", PASSWORD).await;
    assert_eq!(si["status"], "needs_second_factor");
    factor(&si, "supported_second_factors", "totp");
    let code = totp_now(GRACE_TOTP);
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "totp"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    assert_eq!(
        r.response()["second_factor_verification"]["object"],
        "verification_totp"
    );

    // Another device, same 30-second code: rejected as a replay.
    let mut other = Fapi::new(&server);
    let si = other.password_sign_in("grace@example.com", PASSWORD).await;
    let r = other
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "totp"), ("code", &code)],
        )
        .await;
    r.expect_error(422, "form_code_incorrect");
    assert!(
        r.body["errors"][0]["long_message"]
            .as_str()
            .unwrap_or("")
            .contains("already been used")
    );
}

#[tokio::test]
async fn password_plus_sms_code_from_the_outbox() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi.password_sign_in("alan@example.com", PASSWORD).await;
    assert_eq!(si["status"], "needs_second_factor");
    let phone = factor(&si, "supported_second_factors", "phone_code").clone();
    assert_eq!(phone["safe_identifier"], "+1******2671");
    let r = fapi
        .sign_in_action(
            &id(&si),
            "prepare_second_factor",
            &[
                ("strategy", "phone_code"),
                (
                    "phone_number_id",
                    phone["phone_number_id"].as_str().unwrap_or(""),
                ),
            ],
        )
        .await;
    assert_eq!(
        r.response()["second_factor_verification"]["status"],
        "unverified"
    );
    let msg = outbox_latest(&server, "+14155552671").await;
    assert_eq!(msg["channel"], "sms");
    assert_eq!(msg["strategy"], "phone_code");
    let code = msg["code"].as_str().expect("code").to_string();
    assert_eq!(code.len(), 6);
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "phone_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn backup_code_works_once() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi.password_sign_in("barbara@example.com", PASSWORD).await;
    factor(&si, "supported_second_factors", "backup_code");
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "backup_code"), ("code", "backup01")],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");

    let mut other = Fapi::new(&server);
    let si = other
        .password_sign_in("barbara@example.com", PASSWORD)
        .await;
    let spent = other
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "backup_code"), ("code", "backup01")],
        )
        .await;
    spent.expect_error(422, "form_code_incorrect");
    let r = other
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "backup_code"), ("code", "backup02")],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn reset_password_by_email_signs_out_other_sessions() {
    let server = start().await;
    let mut first = Fapi::new(&server);
    let old = first.password_sign_in("ada@example.com", PASSWORD).await;
    let old_session = old["created_session_id"]
        .as_str()
        .expect("session")
        .to_string();

    let mut fapi = Fapi::new(&server);
    let si = fapi
        .create_sign_in(&[("identifier", "ada@example.com")])
        .await
        .response()
        .clone();
    let f = factor(&si, "supported_first_factors", "reset_password_email_code").clone();
    fapi.sign_in_action(
        &id(&si),
        "prepare_first_factor",
        &[
            ("strategy", "reset_password_email_code"),
            (
                "email_address_id",
                f["email_address_id"].as_str().unwrap_or(""),
            ),
        ],
    )
    .await
    .ok();
    let msg = outbox_latest(&server, "ada@example.com").await;
    assert_eq!(msg["kind"], "reset");
    let code = msg["code"].as_str().expect("code");
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "reset_password_email_code"), ("code", code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_new_password");
    let short = fapi
        .sign_in_action(&id(&si), "reset_password", &[("password", "short")])
        .await;
    short.expect_error(422, "form_password_length_too_short");
    let r = fapi
        .sign_in_action(
            &id(&si),
            "reset_password",
            &[
                ("password", "a-brand-new-password"),
                ("sign_out_of_other_sessions", "true"),
            ],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");

    let old = first
        .get(&format!("/v1/client/sessions/{old_session}"))
        .await;
    assert_eq!(old.ok().response()["status"], "revoked");
    let mut third = Fapi::new(&server);
    third
        .create_sign_in(&[("identifier", "ada@example.com"), ("password", PASSWORD)])
        .await
        .expect_error(422, "form_password_incorrect");
    assert_eq!(
        third
            .password_sign_in("ada@example.com", "a-brand-new-password")
            .await["status"],
        "complete"
    );
}

#[tokio::test]
async fn forced_reset_and_reset_by_phone() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    // The seed marks edsger's password as needing a reset: the right password leads there.
    let si = fapi.password_sign_in("edsger@example.com", PASSWORD).await;
    assert_eq!(si["status"], "needs_new_password");

    let mut phone = Fapi::new(&server);
    let si = phone
        .create_sign_in(&[("identifier", "edsger@example.com")])
        .await
        .response()
        .clone();
    let f = factor(&si, "supported_first_factors", "reset_password_phone_code").clone();
    phone
        .sign_in_action(
            &id(&si),
            "prepare_first_factor",
            &[
                ("strategy", "reset_password_phone_code"),
                (
                    "phone_number_id",
                    f["phone_number_id"].as_str().unwrap_or(""),
                ),
            ],
        )
        .await
        .ok();
    let code = outbox_latest(&server, "+14155552673").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    let r = phone
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "reset_password_phone_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_new_password");
    let r = phone
        .sign_in_action(&id(&si), "reset_password", &[("password", "dijkstra-2026")])
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    // The reset cleared the flag: the new password signs in directly.
    assert_eq!(
        Fapi::new(&server)
            .password_sign_in("edsger@example.com", "dijkstra-2026")
            .await["status"],
        "complete"
    );
}

#[tokio::test]
async fn client_trust_needs_an_email_code_once_per_device() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi.password_sign_in("donald@example.com", PASSWORD).await;
    assert_eq!(si["status"], "needs_client_trust");
    assert_eq!(si["client_trust_state"], "pending");
    let f = factor(&si, "supported_second_factors", "email_code").clone();
    fapi.sign_in_action(
        &id(&si),
        "prepare_second_factor",
        &[
            ("strategy", "email_code"),
            (
                "email_address_id",
                f["email_address_id"].as_str().unwrap_or(""),
            ),
        ],
    )
    .await
    .ok();
    let code = outbox_latest(&server, "donald@example.com").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");

    // Sign out, sign in again on the same device: trusted now.
    fapi.delete("/v1/client/sessions").await.ok();
    assert_eq!(
        fapi.password_sign_in("donald@example.com", PASSWORD).await["status"],
        "complete"
    );
    // A new device is asked again.
    assert_eq!(
        Fapi::new(&server)
            .password_sign_in("donald@example.com", PASSWORD)
            .await["status"],
        "needs_client_trust"
    );
}

#[tokio::test]
async fn guessing_totp_codes_locks_the_account() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi.password_sign_in("grace@example.com", PASSWORD).await;
    let real = totp_now(GRACE_TOTP);
    let wrong = if real == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        fapi.sign_in_action(
            &id(&si),
            "attempt_second_factor",
            &[("strategy", "totp"), ("code", wrong)],
        )
        .await
        .expect_error(422, "form_code_incorrect");
    }
    fapi.sign_in_action(
        &id(&si),
        "attempt_second_factor",
        &[("strategy", "totp"), ("code", wrong)],
    )
    .await
    .expect_error(403, "user_locked");
    fapi.sign_in_action(
        &id(&si),
        "attempt_second_factor",
        &[("strategy", "totp"), ("code", &real)],
    )
    .await
    .expect_error(403, "user_locked");
}
