//! What must fail, fails the way Clerk fails: wrong secrets, exhausted and expired codes,
//! lockout, rate limits, unknown ids, malformed bodies, bad client tokens.

use std::time::Duration;

use clerk_tui::devserver::{DevServerConfig, Limits};
use rstest::rstest;
use serde_json::Value;

use crate::harness::*;

#[tokio::test]
async fn wrong_password_and_unknown_identifier() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[
            ("identifier", "ada@example.com"),
            ("password", "nope-nope-nope"),
        ])
        .await;
    r.expect_error(422, "form_password_incorrect");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "password");
    assert!(r.body["clerk_trace_id"].as_str().is_some());
    assert!(
        r.header("authorization").is_some(),
        "errors still carry the client token"
    );
    let r = fapi
        .create_sign_in(&[("identifier", "nobody@example.com")])
        .await;
    r.expect_error(422, "form_identifier_not_found");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "identifier");
}

async fn prepared_email_code(
    server: &clerk_tui::devserver::DevServerHandle,
    fapi: &mut Fapi,
) -> (String, String) {
    let si = fapi
        .create_sign_in(&[
            ("strategy", "email_code"),
            ("identifier", "katherine@example.com"),
        ])
        .await
        .response()
        .clone();
    let code = outbox_latest(server, "katherine@example.com").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    (id(&si), code)
}

#[tokio::test]
async fn wrong_codes_until_the_verification_fails() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let (si, code) = prepared_email_code(&server, &mut fapi).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..2 {
        fapi.sign_in_action(
            &si,
            "attempt_first_factor",
            &[("strategy", "email_code"), ("code", wrong)],
        )
        .await
        .expect_error(422, "form_code_incorrect");
    }
    fapi.sign_in_action(
        &si,
        "attempt_first_factor",
        &[("strategy", "email_code"), ("code", wrong)],
    )
    .await
    .expect_error(422, "verification_failed");
    let poll = fapi.get(&format!("/v1/client/sign_ins/{si}")).await;
    assert_eq!(
        poll.ok().response()["first_factor_verification"]["status"],
        "failed"
    );
    assert_eq!(poll.response()["first_factor_verification"]["attempts"], 3);
    // Even the right code is refused now.
    fapi.sign_in_action(
        &si,
        "attempt_first_factor",
        &[("strategy", "email_code"), ("code", &code)],
    )
    .await
    .expect_error(422, "verification_failed");
}

#[tokio::test]
async fn codes_expire_after_ten_minutes() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let (si, code) = prepared_email_code(&server, &mut fapi).await;
    shift_clock(&server, 601).await;
    fapi.sign_in_action(
        &si,
        "attempt_first_factor",
        &[("strategy", "email_code"), ("code", &code)],
    )
    .await
    .expect_error(422, "verification_expired");
    let poll = fapi.get(&format!("/v1/client/sign_ins/{si}")).await;
    assert_eq!(
        poll.ok().response()["first_factor_verification"]["status"],
        "expired"
    );
}

#[tokio::test]
async fn expired_email_link_says_expired() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .create_sign_in(&[
            ("strategy", "email_link"),
            ("identifier", "hedy@example.com"),
        ])
        .await
        .response()
        .clone();
    let link = outbox_latest(&server, "hedy@example.com").await["link"]
        .as_str()
        .expect("link")
        .to_string();
    shift_clock(&server, 601).await;
    let page = reqwest::get(&link).await.expect("link");
    assert_eq!(page.status().as_u16(), 400);
    assert!(page.text().await.expect("html").contains("expired"));
    let poll = fapi.get(&format!("/v1/client/sign_ins/{}", id(&si))).await;
    assert_eq!(
        poll.ok().response()["first_factor_verification"]["status"],
        "expired"
    );
    assert_eq!(poll.response()["status"], "needs_first_factor");
}

#[tokio::test]
async fn resend_has_a_cooldown_with_retry_after() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .create_sign_in(&[
            ("strategy", "email_code"),
            ("identifier", "katherine@example.com"),
        ])
        .await
        .response()
        .clone();
    let again = fapi
        .sign_in_action(
            &id(&si),
            "prepare_first_factor",
            &[("strategy", "email_code")],
        )
        .await;
    again.expect_error(429, "too_many_requests");
    let retry: u64 = again
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=30).contains(&retry), "{retry}");
    shift_clock(&server, 31).await;
    fapi.sign_in_action(
        &id(&si),
        "prepare_first_factor",
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    assert_eq!(outbox_count(&server, "katherine@example.com").await, 2);
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    for _ in 0..4 {
        fapi.create_sign_in(&[
            ("identifier", "ada@example.com"),
            ("password", "wrong-password"),
        ])
        .await
        .expect_error(422, "form_password_incorrect");
    }
    let r = fapi
        .create_sign_in(&[
            ("identifier", "ada@example.com"),
            ("password", "wrong-password"),
        ])
        .await;
    r.expect_error(403, "user_locked");
    assert_eq!(
        r.body["errors"][0]["meta"]["lockout_expires_in_seconds"],
        900
    );
    // Locked means locked, even with the right password.
    fapi.create_sign_in(&[("identifier", "ada@example.com"), ("password", PASSWORD)])
        .await
        .expect_error(403, "user_locked");
    shift_clock(&server, 901).await;
    assert_eq!(
        fapi.password_sign_in("ada@example.com", PASSWORD).await["status"],
        "complete"
    );

    let admin_locked = Fapi::new(&server)
        .create_sign_in(&[("identifier", "locked@example.com"), ("password", PASSWORD)])
        .await;
    admin_locked.expect_error(403, "user_locked");
    assert_eq!(
        admin_locked.body["errors"][0]["meta"]["lockout_expires_in_seconds"],
        Value::Null
    );
}

#[tokio::test]
async fn per_client_rate_limit_answers_429_with_retry_after() {
    let limits = Limits {
        rate_limit_requests: 5,
        rate_limit_window: Duration::from_secs(10),
        ..Limits::default()
    };
    let server = start_with(DevServerConfig {
        limits,
        ..DevServerConfig::default()
    })
    .await;
    let mut fapi = Fapi::new(&server);
    fapi.post("/v1/client", &[]).await.ok();
    for _ in 0..5 {
        fapi.get("/v1/client").await.ok();
    }
    let limited = fapi.get("/v1/client").await;
    limited.expect_error(429, "too_many_requests");
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=10).contains(&retry));
    // Another client has its own budget.
    Fapi::new(&server).post("/v1/client", &[]).await.ok();
    shift_clock(&server, 11).await;
    fapi.get("/v1/client").await.ok();
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    fapi.post("/v1/client", &[]).await.ok();
    fapi.get("/v1/client/sign_ins/sia_doesnotexist")
        .await
        .expect_error(404, "resource_not_found");
    fapi.sign_in_action(
        "sia_doesnotexist",
        "attempt_first_factor",
        &[("strategy", "password"), ("password", "x")],
    )
    .await
    .expect_error(404, "resource_not_found");
    fapi.get("/v1/client/sessions/sess_nope")
        .await
        .expect_error(404, "resource_not_found");
    fapi.get("/v1/no/such/route")
        .await
        .expect_error(404, "resource_not_found");
    // Another client's sign-in is not yours.
    let si = fapi
        .create_sign_in(&[("identifier", "ada@example.com")])
        .await
        .response()
        .clone();
    Fapi::new(&server)
        .get(&format!("/v1/client/sign_ins/{}", id(&si)))
        .await
        .expect_error(404, "resource_not_found");
}

/// A body the server cannot read is a 400, whichever way it is unreadable.
#[rstest]
#[case::json_that_is_not_json("application/json", b"{not json", Some("form_param_format_invalid"))]
#[case::form_that_is_not_utf8("application/x-www-form-urlencoded", &[b'i', b'=', 0xff, 0xfe], None)]
#[case::percent_escapes_that_are_not_utf8(
    "application/x-www-form-urlencoded",
    b"identifier=%ff%fe",
    None
)]
#[tokio::test]
async fn malformed_bodies_are_400(
    #[case] content_type: &str,
    #[case] body: &'static [u8],
    #[case] code: Option<&str>,
) {
    let server = start().await;
    let url = format!("{}/v1/client/sign_ins?_is_native=true", server.base_url());
    let r = reqwest::Client::new()
        .post(&url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 400);
    if let Some(code) = code {
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["errors"][0]["code"], code);
    }
}

#[tokio::test]
async fn incomplete_or_invalid_parameters() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi.create_sign_in(&[("strategy", "password")]).await;
    r.expect_error(422, "form_param_missing");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "identifier");
    let si = fapi
        .create_sign_in(&[("identifier", "ada@example.com")])
        .await
        .response()
        .clone();
    fapi.sign_in_action(&id(&si), "attempt_first_factor", &[])
        .await
        .expect_error(422, "form_param_missing");
    fapi.sign_in_action(
        &id(&si),
        "attempt_first_factor",
        &[("strategy", "totp"), ("code", "1")],
    )
    .await
    .expect_error(422, "strategy_for_user_invalid");
    fapi.sign_in_action(
        &id(&si),
        "attempt_second_factor",
        &[("strategy", "totp"), ("code", "123456")],
    )
    .await
    .expect_error(400, "sign_in_status_invalid");
    fapi.create_sign_in(&[("strategy", "oauth_nowhere"), ("identifier", "x")])
        .await
        .expect_error(422, "form_param_value_invalid");
    fapi.sign_in_action(
        &id(&si),
        "reset_password",
        &[
            ("password", "whatever-long"),
            ("sign_out_of_other_sessions", "maybe"),
        ],
    )
    .await
    .expect_error(400, "form_param_format_invalid");
}

#[tokio::test]
async fn forged_or_foreign_client_tokens_are_401() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    fapi.post("/v1/client", &[]).await.ok();
    let good = fapi.token.clone().expect("token");
    let mut forged = good.clone();
    let last = forged.pop().expect("char");
    forged.push(if last == 'A' { 'B' } else { 'A' });
    fapi.token = Some(forged);
    let r = fapi.get("/v1/client").await;
    r.expect_error(401, "authentication_invalid");
    fapi.token = Some("Bearer not-a-jwt".into());
    fapi.get("/v1/client")
        .await
        .expect_error(401, "authentication_invalid");

    // A token from another instance (different key) is just as foreign.
    let other = start().await;
    let mut elsewhere = Fapi::new(&other);
    elsewhere.token = Some(good);
    elsewhere
        .get("/v1/client")
        .await
        .expect_error(401, "authentication_invalid");
}

#[tokio::test]
async fn browser_tokens_from_elsewhere_recover_instead_of_locking_out() {
    let server = start().await;
    let base = server.base_url();
    let http = reqwest::Client::new();
    let stale_db = http
        .get(format!(
            "{base}/v1/client?__clerk_db_jwt=eyJhbGciOiJIUzI1NiJ9.e30.bad"
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(stale_db.status().as_u16(), 401);
    let body: Value = stale_db.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["code"], "dev_browser_unauthenticated",
        "clerk-js re-creates its dev browser on this code"
    );
    let stale_cookie = http
        .post(format!("{base}/v1/client"))
        .header("Cookie", "__client=eyJhbGciOiJIUzI1NiJ9.e30.bad")
        .send()
        .await
        .expect("send");
    assert_eq!(
        stale_cookie.status().as_u16(),
        200,
        "a stale cookie is ignored"
    );
    let cookie = stale_cookie
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        cookie.starts_with("__client=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}
