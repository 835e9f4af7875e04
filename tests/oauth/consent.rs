//! What the OAuth tests do as a browser and as a device: read a sign-in's consent address,
//! submit the consent page's form, see where the provider sends the browser, redeem a nonce.
//! Shared by the suites of `tests/oauth.rs` and by `tests/devserver/oauth_outcomes.rs`.
#![allow(dead_code)] // each binary uses its part

use std::collections::HashMap;

use serde_json::Value;

use crate::harness::*;

pub const REDIRECT: &str = "http://127.0.0.1:9/oauth-callback";

/// A hand-off to the mock provider on `fapi`'s client, back to [`REDIRECT`]: its consent
/// address and the sign-in's id.
pub async fn mock_hand_off(fapi: &mut Fapi) -> (String, String) {
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    (consent_url(r.ok().response()), id(r.response()))
}

/// A browser that does not follow redirects, so the test sees where the provider sends it.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

pub fn consent_url(sign_in: &Value) -> String {
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

/// Submits the consent page's form for `user_id`, as a person clicking "Continue as" would.
pub async fn consent_as(url: &str, user_id: &str) -> reqwest::Response {
    let wanted = format!("name=user_id value=\"{user_id}\"");
    submit(browser(), url, |form| form.contains(&wanted)).await
}

/// Consents on the page as the account whose form names `email`, following the provider's
/// redirect as a browser on this computer would (to the app's callback); returns the page the
/// browser ends on.
pub async fn consent(url: &str, email: &str) -> String {
    let done = submit(reqwest::Client::new(), url, |f| f.contains(email)).await;
    assert!(done.status().is_success(), "{}", done.status());
    done.text().await.expect("closing page")
}

/// Consents as a browser on another device: the redirect is not followed (that device cannot
/// reach this computer's loopback); returns the address the browser ends on.
pub async fn consent_elsewhere(url: &str, email: &str) -> String {
    let back = submit(browser(), url, |f| f.contains(email)).await;
    landed(&back).0
}

/// Fetches the consent page and submits the form `pick` chooses, with its fields, by `http`.
async fn submit(
    http: reqwest::Client,
    url: &str,
    pick: impl Fn(&str) -> bool,
) -> reqwest::Response {
    let page = browser().get(url).send().await.expect("consent page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let form = html
        .split("<form")
        .find(|f| f.contains("name=user_id") && pick(f))
        .unwrap_or_else(|| panic!("no such form in {html}"));
    let field = |name: &str| {
        form.split(&format!("name={name} value=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("no {name} in {form}"))
            .to_string()
    };
    let action = form
        .split("action=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("form action");
    let base = url.split("/__dev/").next().expect("base");
    http.post(format!("{base}{action}"))
        .form(&[("user_id", field("user_id")), ("csrf", field("csrf"))])
        .send()
        .await
        .expect("consent")
}

/// Ends the hand-off on the consent address with `outcome` in the query (tests only).
pub async fn end_with(url: &str, outcome: &str) -> reqwest::Response {
    browser()
        .post(format!("{url}?outcome={outcome}"))
        .send()
        .await
        .expect("outcome")
}

pub async fn user_id(server: &str, email: &str) -> String {
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

/// Where the provider sent the browser, and that address's query.
pub fn landed(resp: &reqwest::Response) -> (String, HashMap<String, String>) {
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let q = url::Url::parse(&location)
        .expect("redirect parses")
        .query_pairs()
        .into_owned()
        .collect();
    (location, q)
}

/// A device holding a copy of another's client token (its "old" token).
pub fn holding(server: &TestServer, token: &Option<String>) -> Fapi {
    let mut f = Fapi::new(server);
    f.token = token.clone();
    f
}

/// A sign-in started with the mock provider, consented as `email`: (device, sign-in id,
/// nonce).
pub async fn consented(server: &TestServer, email: &str) -> (Fapi, String, String) {
    let (fapi, sia, q) = consented_with(server, email).await;
    (fapi, sia, q["rotating_token_nonce"].clone())
}

/// [`consented`], with the whole query the browser came back with.
pub async fn consented_with(
    server: &TestServer,
    email: &str,
) -> (Fapi, String, HashMap<String, String>) {
    let base = server.base_url().to_string();
    let mut fapi = Fapi::new(server);
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_identifier");
    let url = consent_url(r.response());
    let sia = id(r.response());
    let back = consent_as(&url, &user_id(&base, email).await).await;
    let (location, q) = landed(&back);
    assert!(location.starts_with(REDIRECT), "{location}");
    assert!(q.contains_key("rotating_token_nonce"), "{location}");
    (fapi, sia, q)
}

pub fn redeem_path(sia: &str, nonce: &str) -> String {
    format!("/v1/client/sign_ins/{sia}?rotating_token_nonce={nonce}")
}

/// Adds a user at the mock enterprise connection's domain; returns their id.
pub async fn sso_user(server: &TestServer) -> String {
    let (status, user) = dev_post(
        server,
        "/__dev/users",
        serde_json::json!({"email_address": "lin@sso.example.com", "first_name": "Lin"}),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    user["id"].as_str().expect("id").to_string()
}
