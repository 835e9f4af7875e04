//! The mock OAuth provider over HTTP, finishing as Clerk's native SDKs finish: the consent
//! page's short address, the redirect with a single-use `rotating_token_nonce`, a polling
//! client that never finishes, the redemption that rotates the client's token, and every way
//! a nonce gives nothing (used, wrong, expired, another client's). Failure, `transferable`,
//! the allowlist and enterprise SSO: `tests/devserver/oauth_outcomes.rs`.

use serde_json::Value;

use crate::harness::*;

use crate::consent::*;

#[tokio::test]
async fn the_environment_offers_the_mock_provider() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let env = fapi.get("/v1/environment").await;
    env.ok();
    let mock = &env.body["user_settings"]["social"]["oauth_mock"];
    assert_eq!(mock["enabled"], true);
    assert_eq!(mock["authenticatable"], true);
    assert_eq!(mock["strategy"], "oauth_mock");
}

#[tokio::test]
async fn the_consent_address_fits_one_80_column_line() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let (url, sia) = mock_hand_off(&mut fapi).await;
    let path = url.strip_prefix(&base).expect("on this server");
    assert!(path.starts_with("/__dev/oauth/c/"), "{url}");
    // The longest loopback base a server can have.
    let worst = format!("http://127.0.0.1:65535{path}");
    assert!(worst.len() <= 80, "{} characters: {worst}", worst.len());
    assert!(!url.contains(&sia), "the sign-in id stays server-side");
}

#[tokio::test]
async fn a_polling_client_never_receives_the_session() {
    let server = start().await;
    let (mut fapi, sia, _nonce) = consented(&server, "ada@example.com").await;
    // The browser is back with the nonce; the app only polls, again and again.
    for _ in 0..3 {
        let poll = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
        assert_eq!(poll.status_of_sign_in(), "needs_identifier");
        let si = poll.response();
        assert_eq!(si["created_session_id"], Value::Null);
        assert_eq!(si["identifier"], Value::Null);
        assert_eq!(si["first_factor_verification"]["status"], "unverified");
        assert_eq!(poll.body["client"]["sessions"], serde_json::json!([]));
        let client = fapi.get("/v1/client").await;
        assert_eq!(client.ok().response()["sessions"], serde_json::json!([]));
        assert_eq!(client.response()["last_active_session_id"], Value::Null);
    }
}

#[tokio::test]
async fn redeeming_the_nonce_rotates_the_token_and_yields_the_session() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "ada@example.com").await;
    let old = fapi.token.clone();
    let done = fapi.get(&redeem_path(&sia, &nonce)).await;
    assert_eq!(done.status_of_sign_in(), "complete");
    let si = done.response();
    assert_eq!(si["first_factor_verification"]["status"], "verified");
    assert_eq!(si["identifier"], "ada@example.com");
    let session = si["created_session_id"].as_str().expect("session");
    assert_eq!(done.body["client"]["last_active_session_id"], session);
    assert_eq!(
        done.body["client"]["last_authentication_strategy"],
        "oauth_mock"
    );
    let new = done.header("authorization").expect("a rotated token");
    assert_ne!(Some(new.to_string()), old, "the token rotated");

    // The new token holds the session; the old one authenticates nothing any more.
    let client = fapi.get("/v1/client").await;
    assert_eq!(client.ok().response()["sessions"][0]["id"], session);
    fapi.post(&format!("/v1/client/sessions/{session}/tokens"), &[])
        .await
        .ok();
    let mut stale = holding(&server, &old);
    stale
        .get("/v1/client")
        .await
        .expect_error(401, "authentication_invalid");
    stale
        .get(&format!("/v1/client/sign_ins/{sia}"))
        .await
        .expect_error(401, "authentication_invalid");
    stale
        .get(&redeem_path(&sia, &nonce))
        .await
        .expect_error(401, "authentication_invalid");
}

#[tokio::test]
async fn the_redirect_names_the_session_to_come() {
    let server = start().await;
    let (mut fapi, sia, q) = consented_with(&server, "ada@example.com").await;
    let named = q
        .get("created_session_id")
        .expect("created_session_id")
        .clone();
    assert!(named.starts_with("sess_"), "{named}");
    // Named, not made: polling still sees no session.
    let poll = fapi.get("/v1/client").await;
    assert_eq!(poll.response()["sessions"], serde_json::json!([]));
    let done = fapi
        .get(&redeem_path(&sia, &q["rotating_token_nonce"]))
        .await;
    assert_eq!(done.response()["created_session_id"], named.as_str());
    // A second factor still due: no session to name.
    let (_, _, q) = consented_with(&server, "grace@example.com").await;
    assert!(!q.contains_key("created_session_id"), "{q:?}");
}

#[tokio::test]
async fn a_nonce_works_once() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "ada@example.com").await;
    let first = fapi.get(&redeem_path(&sia, &nonce)).await;
    let session = first.response()["created_session_id"].clone();
    assert!(session.is_string());
    fapi.get(&redeem_path(&sia, &nonce))
        .await
        .expect_error(400, "invalid_query_parameter_value");
    let after = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(after.response()["created_session_id"], session);
    let client = fapi.get("/v1/client").await;
    assert_eq!(
        client.response()["sessions"].as_array().map(Vec::len),
        Some(1),
        "a second redemption made no second session"
    );
}

#[tokio::test]
async fn an_expired_nonce_gives_nothing() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "ada@example.com").await;
    shift_clock(&server, 5 * 60 + 1).await;
    fapi.get(&redeem_path(&sia, &nonce))
        .await
        .expect_error(400, "invalid_query_parameter_value");
    let poll = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(poll.status_of_sign_in(), "needs_identifier");
    assert_eq!(poll.body["client"]["sessions"], serde_json::json!([]));
}

#[tokio::test]
async fn a_wrong_nonce_gives_nothing_and_burns_nothing() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "ada@example.com").await;
    for wrong in ["rtn_wrong", &nonce[..nonce.len() - 1]] {
        let r = fapi.get(&redeem_path(&sia, wrong)).await;
        r.expect_error(400, "invalid_query_parameter_value");
        assert_eq!(
            r.body["errors"][0]["meta"]["param_name"],
            "rotating_token_nonce"
        );
        assert!(!r.text.contains(wrong), "the value is not echoed");
    }
    let poll = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(poll.status_of_sign_in(), "needs_identifier");
    let done = fapi.get(&redeem_path(&sia, &nonce)).await;
    assert_eq!(done.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn another_client_redeeming_the_nonce_gets_nothing() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "ada@example.com").await;
    // A device with no token, and one with a client of its own.
    let mut stranger = Fapi::new(&server);
    stranger
        .get(&redeem_path(&sia, &nonce))
        .await
        .expect_error(404, "resource_not_found");
    let mut other = Fapi::new(&server);
    other.post("/v1/client", &[]).await.ok();
    let before = other.token.clone();
    assert!(before.is_some());
    let r = other.get(&redeem_path(&sia, &nonce)).await;
    r.expect_error(404, "resource_not_found");
    assert_eq!(
        other.token, before,
        "no token of the sign-in's client handed out"
    );
    assert_eq!(
        other.get("/v1/client").await.response()["sessions"],
        serde_json::json!([])
    );
    // The owner still finishes: the attempts used nothing up.
    let done = fapi.get(&redeem_path(&sia, &nonce)).await;
    assert_eq!(done.status_of_sign_in(), "complete");
}

/// A nonce belongs to the sign-in it was issued for: an attacker holding a victim's nonce who
/// presents it on a sign-in of their own gets the same refusal as for a wrong nonce, and
/// neither sign-in changes; each still finishes with its own nonce.
#[tokio::test]
async fn a_nonce_redeemed_on_another_sign_in_gives_nothing() {
    let server = start().await;
    let (mut victim, victims_sia, victims_nonce) = consented(&server, "ada@example.com").await;
    let (mut attacker, attackers_sia, attackers_nonce) =
        consented(&server, "katherine@example.com").await;
    let before = attacker.token.clone();
    let r = attacker
        .get(&redeem_path(&attackers_sia, &victims_nonce))
        .await;
    r.expect_error(400, "invalid_query_parameter_value");
    assert_eq!(
        r.body["errors"][0]["meta"]["param_name"],
        "rotating_token_nonce"
    );
    assert_eq!(attacker.token, before, "no token rotated");
    let poll = attacker
        .get(&format!("/v1/client/sign_ins/{attackers_sia}"))
        .await;
    assert_eq!(poll.status_of_sign_in(), "needs_identifier");
    assert_eq!(poll.body["client"]["sessions"], serde_json::json!([]));

    // The same client with two sign-ins: the first one's nonce does not finish the second.
    let (again_sia, again_nonce) = {
        let r = victim
            .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
            .await;
        let url = consent_url(r.response());
        let sia = id(r.response());
        let back = consent_as(
            &url,
            &user_id(server.base_url(), "katherine@example.com").await,
        )
        .await;
        (sia, landed(&back).1["rotating_token_nonce"].clone())
    };
    for (sia, nonce) in [(&again_sia, &victims_nonce), (&victims_sia, &again_nonce)] {
        let r = victim.get(&redeem_path(sia, nonce)).await;
        r.expect_error(400, "invalid_query_parameter_value");
    }

    // Nothing was used up: each nonce still finishes its own sign-in, as its own user.
    let done = victim.get(&redeem_path(&victims_sia, &victims_nonce)).await;
    assert_eq!(done.status_of_sign_in(), "complete");
    assert_eq!(done.response()["identifier"], "ada@example.com");
    let done = attacker
        .get(&redeem_path(&attackers_sia, &attackers_nonce))
        .await;
    assert_eq!(done.status_of_sign_in(), "complete");
    assert_eq!(done.response()["identifier"], "katherine@example.com");
}

#[tokio::test]
async fn the_provider_proves_who_it_is_and_mfa_still_applies() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "grace@example.com").await;
    let r = fapi.get(&redeem_path(&sia, &nonce)).await;
    assert_eq!(r.status_of_sign_in(), "needs_second_factor");
    assert_eq!(r.response()["created_session_id"], Value::Null);
    factor(r.response(), "supported_second_factors", "totp");
}

#[tokio::test]
async fn an_expired_consent_address_shows_a_clear_page() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let (url, sia) = mock_hand_off(&mut fapi).await;
    shift_clock(&server, 11 * 60).await;
    let polled = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(
        polled.ok().response()["first_factor_verification"]["status"],
        "expired"
    );
    let page = browser().get(&url).send().await.expect("page");
    assert_eq!(page.status(), 400);
    assert!(page.text().await.expect("html").contains("has expired"));
    let ada = user_id(&base, "ada@example.com").await;
    let late = browser()
        .post(&url)
        .form(&[("user_id", ada.as_str())])
        .send()
        .await
        .expect("late consent");
    assert_eq!(late.status(), 400);

    // Preparing again gives a new address; the old one stays dead.
    let fresh = fapi
        .sign_in_action(
            &sia,
            "prepare_first_factor",
            &[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)],
        )
        .await;
    let new_url = consent_url(fresh.ok().response());
    assert_ne!(new_url, url);
    assert_eq!(browser().get(&url).send().await.expect("old").status(), 400);
    let (_, q) = landed(&consent_as(&new_url, &ada).await);
    let done = fapi
        .get(&redeem_path(&sia, &q["rotating_token_nonce"]))
        .await;
    assert_eq!(done.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn a_used_or_forged_consent_address_does_nothing() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let (url, _) = mock_hand_off(&mut fapi).await;
    let ada = user_id(&base, "ada@example.com").await;
    landed(&consent_as(&url, &ada).await);
    let again = browser()
        .post(&url)
        .form(&[("user_id", ada.as_str())])
        .send()
        .await
        .expect("second consent");
    assert_eq!(again.status(), 400);
    assert!(again.text().await.expect("html").contains("cannot be used"));
    let forged = browser()
        .get(format!("{base}/__dev/oauth/c/AAAAAAAAAAAA"))
        .send()
        .await
        .expect("forged");
    assert_eq!(forged.status(), 400);
    assert!(
        forged
            .text()
            .await
            .expect("html")
            .contains("cannot be used")
    );

    // The strategy needs a redirect URL, as Clerk's does; providers off are refused.
    fapi.create_sign_in(&[("strategy", "oauth_mock")])
        .await
        .expect_error(422, "form_param_missing");
    fapi.create_sign_in(&[("strategy", "oauth_github"), ("redirect_url", REDIRECT)])
        .await
        .expect_error(422, "form_param_value_invalid");
}

#[tokio::test]
async fn an_unknown_account_on_the_page_can_be_picked_again() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let (url, _) = mock_hand_off(&mut fapi).await;
    let wrong = browser()
        .post(&url)
        .form(&[("identifier", "nobody@example.com")])
        .send()
        .await
        .expect("wrong");
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.expect("html").contains("Error:"));
    let right = browser()
        .post(&url)
        .form(&[("identifier", "ADA@example.com")])
        .send()
        .await
        .expect("right");
    assert!(landed(&right).1.contains_key("rotating_token_nonce"));
}

#[tokio::test]
async fn the_emulators_own_landing_page_says_what_happened() {
    let server = start().await;
    let base = server.base_url();
    for (query, says) in [
        ("rotating_token_nonce=rtn_x", "copy this page's address"),
        ("__clerk_status=failed&error=access_denied", "refused"),
        (
            "__clerk_status=failed&__clerk_error_code=external_account_not_found",
            "has no user",
        ),
    ] {
        let page = reqwest::get(format!("{base}/__dev/oauth/done?{query}"))
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(page.contains(says), "{query}: {page}");
    }
}

#[tokio::test]
async fn a_lockout_after_consent_holds_at_redemption() {
    let server = start().await;
    let (mut fapi, sia, nonce) = consented(&server, "ada@example.com").await;
    let mut guesser = Fapi::new(&server);
    for _ in 0..5 {
        guesser
            .create_sign_in(&[
                ("strategy", "password"),
                ("identifier", "ada@example.com"),
                ("password", "not-the-password"),
            ])
            .await;
    }
    fapi.get(&redeem_path(&sia, &nonce))
        .await
        .expect_error(403, "user_locked");
    let poll = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(poll.status_of_sign_in(), "needs_identifier");
    assert_eq!(poll.body["client"]["sessions"], serde_json::json!([]));
}
