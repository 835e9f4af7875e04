//! The mock OAuth provider over HTTP: environment, create and prepare with `oauth_mock`, the
//! consent page, completion seen by the polling client, the redirect with a single-use
//! `rotating_token_nonce`, and expired, reused, refused and forged states.

use serde_json::Value;

use crate::harness::*;

const REDIRECT: &str = "http://127.0.0.1:9/oauth-callback";

/// A browser that does not follow redirects, so the test sees where the provider sends it.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

fn consent_url(sign_in: &Value) -> String {
    let v = &sign_in["first_factor_verification"];
    assert_eq!(v["object"], "verification_oauth", "{sign_in:#}");
    assert_eq!(v["strategy"], "oauth_mock");
    assert_eq!(v["status"], "unverified");
    assert!(v["expire_at"].as_i64().is_some());
    v["external_verification_redirect_url"]
        .as_str()
        .expect("a consent URL")
        .to_string()
}

fn state_of(url: &str) -> String {
    url::Url::parse(url)
        .expect("consent URL parses")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state")
}

/// Picks a seeded user on the consent page by submitting its form, as a person would.
async fn consent_as(server: &str, url: &str, user_id: &str) -> reqwest::Response {
    let page = browser().get(url).send().await.expect("consent page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Continue as"), "{html}");
    assert!(html.contains(&format!("value=\"{user_id}\"")), "{html}");
    browser()
        .post(format!("{server}/__dev/oauth/authorize"))
        .form(&[("state", state_of(url).as_str()), ("user_id", user_id)])
        .send()
        .await
        .expect("consent")
}

async fn user_id(server: &str, email: &str) -> String {
    let users: Value = reqwest::get(format!("{server}/__dev/users"))
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    users
        .as_array()
        .and_then(|us| us.iter().find(|u| u["email_address"] == email))
        .and_then(|u| u["id"].as_str())
        .expect("seeded user")
        .to_string()
}

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
async fn consenting_completes_the_sign_in_the_client_polls() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_identifier");
    let si = r.response().clone();
    let url = consent_url(&si);
    assert!(url.starts_with(&format!("{base}/__dev/oauth/authorize?state=")));
    let sia = id(&si);

    // Nothing happened yet: polling sees the same waiting verification.
    let poll = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(poll.status_of_sign_in(), "needs_identifier");

    let ada = user_id(&base, "ada@example.com").await;
    let back = consent_as(&base, &url, &ada).await;
    assert_eq!(back.status(), 303);
    let location = back.headers()["location"].to_str().expect("location");
    let target = url::Url::parse(location).expect("redirect parses");
    assert!(location.starts_with(REDIRECT), "{location}");
    let q: std::collections::HashMap<_, _> = target.query_pairs().into_owned().collect();
    assert_eq!(
        q.get("__clerk_status").map(String::as_str),
        Some("verified")
    );
    let nonce = q.get("rotating_token_nonce").expect("nonce").clone();

    let done = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
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

    // A device without the client token gets it back once with the nonce, never twice.
    let mut other = Fapi::new(&server);
    let redeemed = other
        .get(&format!(
            "/v1/client/sign_ins/{sia}?rotating_token_nonce={nonce}"
        ))
        .await;
    assert_eq!(redeemed.status_of_sign_in(), "complete");
    assert_eq!(other.token, fapi.token, "the sign-in's client token");
    let mut third = Fapi::new(&server);
    third
        .get(&format!(
            "/v1/client/sign_ins/{sia}?rotating_token_nonce={nonce}"
        ))
        .await
        .expect_error(404, "resource_not_found");

    // The state is single-use.
    let again = browser()
        .post(format!("{base}/__dev/oauth/authorize"))
        .form(&[
            ("state", state_of(&url).as_str()),
            ("user_id", ada.as_str()),
        ])
        .send()
        .await
        .expect("second consent");
    assert_eq!(again.status(), 400);
    assert!(again.text().await.expect("html").contains("already used"));
}

#[tokio::test]
async fn without_an_allowed_redirect_the_page_says_the_terminal_continues() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    // Not loopback: the dev server is no open redirector.
    let r = fapi
        .create_sign_in(&[
            ("strategy", "oauth_mock"),
            ("redirect_url", "https://example.com/after"),
        ])
        .await;
    let url = consent_url(r.ok().response());
    let grace = user_id(&base, "grace@example.com").await;
    let page = consent_as(&base, &url, &grace).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("You can close this page; the terminal continues."),
        "{html}"
    );
    // Grace has an authenticator app: the provider proves who she is, MFA still applies.
    let sia = id(r.response());
    let next = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(next.status_of_sign_in(), "needs_second_factor");
}

#[tokio::test]
async fn an_expired_state_shows_a_clear_page_and_the_verification_expires() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    let url = consent_url(r.ok().response());
    let sia = id(r.response());
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
        .post(format!("{base}/__dev/oauth/authorize"))
        .form(&[
            ("state", state_of(&url).as_str()),
            ("user_id", ada.as_str()),
        ])
        .send()
        .await
        .expect("late consent");
    assert_eq!(late.status(), 400);
    let after = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(after.status_of_sign_in(), "needs_identifier");
    assert_eq!(
        after.response()["first_factor_verification"]["status"],
        "expired"
    );

    // Preparing again gives a new consent URL; the old one stays dead.
    let fresh = fapi
        .sign_in_action(
            &sia,
            "prepare_first_factor",
            &[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)],
        )
        .await;
    let new_url = consent_url(fresh.ok().response());
    assert_ne!(new_url, url);
    let old = browser().get(&url).send().await.expect("old page");
    assert_eq!(old.status(), 400);
    let back = consent_as(&base, &new_url, &ada).await;
    assert_eq!(back.status(), 303);
    let done = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(done.status_of_sign_in(), "complete");
}

#[tokio::test]
async fn cancelling_fails_the_verification_and_forged_states_are_refused() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    let url = consent_url(r.ok().response());
    let sia = id(r.response());
    let cancel = browser()
        .post(format!("{base}/__dev/oauth/authorize"))
        .form(&[("state", state_of(&url).as_str()), ("deny", "1")])
        .send()
        .await
        .expect("cancel");
    assert_eq!(cancel.status(), 303);
    let location = cancel.headers()["location"].to_str().expect("location");
    assert!(location.contains("__clerk_status=failed"), "{location}");
    assert!(!location.contains("rotating_token_nonce"));
    let polled = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(
        polled.ok().response()["first_factor_verification"]["status"],
        "failed"
    );

    let forged = browser()
        .get(format!(
            "{base}/__dev/oauth/authorize?state=eyJhbGciOiJIUzI1NiJ9.e30.AAAA"
        ))
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

    // The strategy needs a redirect URL, as Clerk's does.
    fapi.create_sign_in(&[("strategy", "oauth_mock")])
        .await
        .expect_error(422, "form_param_missing");
    // Providers the instance does not enable are refused.
    fapi.create_sign_in(&[("strategy", "oauth_github"), ("redirect_url", REDIRECT)])
        .await
        .expect_error(422, "form_param_value_invalid");
}

#[tokio::test]
async fn an_unknown_account_on_the_page_can_be_picked_again() {
    let server = start().await;
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    let url = consent_url(r.ok().response());
    let state = state_of(&url);
    let wrong = browser()
        .post(format!("{base}/__dev/oauth/authorize"))
        .form(&[
            ("state", state.as_str()),
            ("identifier", "nobody@example.com"),
        ])
        .send()
        .await
        .expect("wrong");
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.expect("html").contains("Error:"));
    let right = browser()
        .post(format!("{base}/__dev/oauth/authorize"))
        .form(&[("state", state.as_str()), ("identifier", "ADA@example.com")])
        .send()
        .await
        .expect("right");
    assert_eq!(right.status(), 303);
}
