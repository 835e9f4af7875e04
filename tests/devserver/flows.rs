//! First-factor sign-in flows end to end over HTTP: password, email code, phone code, email
//! link, Clerk test mode, tickets.

use serde_json::{Value, json};

use crate::harness::*;

#[tokio::test]
async fn bootstrap_environment_and_client() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let env = fapi.get("/v1/environment").await;
    env.ok();
    assert_eq!(env.body["auth_config"]["test_mode"], true);
    assert_eq!(
        env.body["display_config"]["instance_environment_type"],
        "development"
    );
    assert!(
        env.body.get("response").is_none(),
        "environment is not enveloped"
    );

    let none = fapi.get("/v1/client").await;
    none.ok();
    assert_eq!(none.body, json!({"response": null, "client": null}));
    assert!(fapi.token.is_none(), "no client, no token");

    let created = fapi.post("/v1/client", &[]).await;
    created.ok();
    let client_id = id(created.response());
    let token = fapi.token.clone().expect("client token in Authorization");
    assert!(token.starts_with("Bearer "));

    // The bare token (no "Bearer ") names the same client.
    fapi.token = Some(token.trim_start_matches("Bearer ").to_string());
    let again = fapi.get("/v1/client").await;
    assert_eq!(id(again.ok().response()), client_id);

    // PUT (clerk-js `Client.create`) starts over with a new client and token.
    let fresh = fapi.send(reqwest::Method::PUT, "/v1/client", &[]).await;
    assert_ne!(id(fresh.ok().response()), client_id);
}

#[tokio::test]
async fn password_in_one_step_completes_with_an_active_session() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("identifier", "ada@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    let si = r.response();
    assert_eq!(si["first_factor_verification"]["status"], "verified");
    assert_eq!(si["supported_first_factors"], Value::Null);
    let client = &r.body["client"];
    let session_id = si["created_session_id"].as_str().expect("session");
    assert_eq!(client["last_active_session_id"], session_id);
    assert_eq!(client["sessions"][0]["status"], "active");
    assert_eq!(
        client["sessions"][0]["user"]["email_addresses"][0]["email_address"],
        "ada@example.com"
    );
    assert!(
        client["sessions"][0]["last_active_token"]["jwt"]
            .as_str()
            .is_some_and(|j| j.split('.').count() == 3)
    );
}

#[tokio::test]
async fn identifier_then_password_lists_the_users_factors() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("identifier", "ADA@example.com")])
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_first_factor");
    let si = r.response().clone();
    for s in [
        "password",
        "email_code",
        "email_link",
        "reset_password_email_code",
    ] {
        factor(&si, "supported_first_factors", s);
    }
    assert!(
        factor(&si, "supported_first_factors", "email_code")["email_address_id"]
            .as_str()
            .is_some_and(|i| i.starts_with("idn_"))
    );
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "password"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
}

async fn email_code_sign_in(
    server: &clerk_tui::devserver::DevServerHandle,
    fapi: &mut Fapi,
    email: &str,
) -> (Value, String) {
    let r = fapi.create_sign_in(&[("identifier", email)]).await;
    let si = r.response().clone();
    let f = factor(&si, "supported_first_factors", "email_code").clone();
    let r = fapi
        .sign_in_action(
            &id(&si),
            "prepare_first_factor",
            &[
                ("strategy", "email_code"),
                (
                    "email_address_id",
                    f["email_address_id"].as_str().unwrap_or(""),
                ),
            ],
        )
        .await;
    let v = &r.ok().response()["first_factor_verification"];
    assert_eq!(
        (
            v["object"].as_str(),
            v["status"].as_str(),
            v["attempts"].as_i64()
        ),
        (Some("verification_otp"), Some("unverified"), Some(0))
    );
    let msg = outbox_latest(server, email).await;
    assert_eq!(
        (msg["kind"].as_str(), msg["sign_in_id"].as_str()),
        (Some("code"), si["id"].as_str())
    );
    (si, msg["code"].as_str().expect("code").to_string())
}

#[tokio::test]
async fn email_code_only() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let (si, code) = email_code_sign_in(&server, &mut fapi, "katherine@example.com").await;
    assert!(
        si["supported_first_factors"]
            .as_array()
            .is_some_and(|fs| fs.iter().all(|f| f["strategy"] != "password"))
    );
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn phone_code_only() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[
            ("strategy", "phone_code"),
            ("identifier", "+1 415 555 2672"),
        ])
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_first_factor");
    let si = r.response().clone();
    assert_eq!(si["first_factor_verification"]["strategy"], "phone_code");
    assert_eq!(si["identifier"], "+14155552672", "echoed in E.164");
    assert_eq!(
        factor(&si, "supported_first_factors", "phone_code")["safe_identifier"],
        "+14155552672"
    );
    let code = outbox_latest(&server, "+14155552672").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "phone_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn email_link_verifies_the_polling_client_and_works_once() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .create_sign_in(&[("identifier", "hedy@example.com")])
        .await
        .response()
        .clone();
    let f = factor(&si, "supported_first_factors", "email_link").clone();
    let r = fapi
        .sign_in_action(
            &id(&si),
            "prepare_first_factor",
            &[
                ("strategy", "email_link"),
                (
                    "email_address_id",
                    f["email_address_id"].as_str().unwrap_or(""),
                ),
            ],
        )
        .await;
    assert_eq!(
        r.ok().response()["first_factor_verification"]["object"],
        "verification_email_link"
    );
    let link = outbox_latest(&server, "hedy@example.com").await["link"]
        .as_str()
        .expect("link")
        .to_string();
    assert!(link.starts_with(&format!("{}/v1/verify?token=", server.base_url())));

    let poll = fapi.get(&format!("/v1/client/sign_ins/{}", id(&si))).await;
    assert_eq!(poll.status_of_sign_in(), "needs_first_factor");

    let page = reqwest::get(&link).await.expect("open link");
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.expect("html").contains("Signed in"));

    let poll = fapi.get(&format!("/v1/client/sign_ins/{}", id(&si))).await;
    assert_eq!(poll.status_of_sign_in(), "complete");
    let v = &poll.response()["first_factor_verification"];
    assert_eq!(v["status"], "verified");
    assert!(
        v["verified_at_client"]
            .as_str()
            .is_some_and(|c| c.starts_with("client_"))
    );
    assert_eq!(
        poll.body["client"]["sessions"].as_array().map(Vec::len),
        Some(1)
    );

    let reused = reqwest::get(&link).await.expect("open link again");
    assert_eq!(reused.status().as_u16(), 400);
    assert!(
        reused
            .text()
            .await
            .expect("html")
            .contains("cannot be used")
    );
}

#[tokio::test]
async fn email_link_redirects_with_clerk_status() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[
            ("strategy", "email_link"),
            ("identifier", "hedy@example.com"),
            ("redirect_url", "http://localhost:3000/verified"),
        ])
        .await;
    r.ok();
    let link = outbox_latest(&server, "hedy@example.com").await["link"]
        .as_str()
        .expect("link")
        .to_string();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let resp = no_redirects.get(&link).send().await.expect("open link");
    assert_eq!(resp.status().as_u16(), 303);
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        location.starts_with(
            "http://localhost:3000/verified?__clerk_status=verified&__clerk_created_session=sess_"
        ),
        "{location}"
    );
}

#[tokio::test]
async fn test_mode_identifiers_accept_424242_and_send_nothing() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[
            ("strategy", "email_code"),
            ("identifier", "jane+clerk_test@example.com"),
        ])
        .await;
    let si = r.response().clone();
    let r = fapi
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "email_code"), ("code", "424242")],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    assert_eq!(
        outbox_count(&server, "jane+clerk_test@example.com").await,
        0
    );

    let mut phone = Fapi::new(&server);
    let si = phone
        .create_sign_in(&[("strategy", "phone_code"), ("identifier", "+15555550100")])
        .await
        .response()
        .clone();
    let r = phone
        .sign_in_action(
            &id(&si),
            "attempt_first_factor",
            &[("strategy", "phone_code"), ("code", "424242")],
        )
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    assert_eq!(outbox_count(&server, "+15555550100").await, 0);
}

#[tokio::test]
async fn ticket_signs_in_once() {
    let server = start().await;
    let (status, ticket) = dev_post(
        &server,
        "/__dev/sign_in_tokens",
        json!({"identifier": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let token = ticket["token"].as_str().expect("token").to_string();
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("strategy", "ticket"), ("ticket", &token)])
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    assert_eq!(
        r.response()["first_factor_verification"]["object"],
        "verification_ticket"
    );
    let mut other = Fapi::new(&server);
    other
        .create_sign_in(&[("strategy", "ticket"), ("ticket", &token)])
        .await
        .expect_error(400, "sign_in_token_already_used_code");
}

#[tokio::test]
async fn expired_and_forged_tickets_are_refused_with_clerks_codes() {
    let server = start().await;
    let (status, ticket) = dev_post(
        &server,
        "/__dev/sign_in_tokens",
        json!({"identifier": "ada@example.com", "expires_in_seconds": 60}),
    )
    .await;
    assert_eq!(status, 200);
    let token = ticket["token"].as_str().expect("token").to_string();
    shift_clock(&server, 61).await;
    let mut fapi = Fapi::new(&server);
    fapi.create_sign_in(&[("strategy", "ticket"), ("ticket", &token)])
        .await
        .expect_error(400, "ticket_expired_code");
    let mut tampered = token.clone();
    tampered.pop();
    for bad in [tampered.as_str(), "not-a-ticket"] {
        fapi.create_sign_in(&[("strategy", "ticket"), ("ticket", bad)])
            .await
            .expect_error(400, "ticket_invalid_code");
    }
    // Refused tickets started no session.
    assert_eq!(
        fapi.get("/v1/client").await.response()["sessions"],
        json!([])
    );
}
