//! How a hand-off ends other than with a nonce, and where it may start: the mock provider's
//! failure and `transferable` outcomes, the redirect-URL allowlist (default and seeded), and
//! enterprise SSO through the seed's mock connection (docs/EMULATOR.md, rules 2, 10, 11, 14-17).

use crate::harness::*;

#[path = "../oauth/consent.rs"]
mod consent;
use consent::*;

#[tokio::test]
async fn failure_comes_back_failed_with_the_reason() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let (url, sia) = mock_hand_off(&mut fapi).await;
    let cancel = browser()
        .post(&url)
        .form(&[("deny", "1")])
        .send()
        .await
        .expect("cancel");
    let (_, q) = landed(&cancel);
    assert_eq!(q.get("__clerk_status").map(String::as_str), Some("failed"));
    assert_eq!(q.get("error").map(String::as_str), Some("access_denied"));
    assert!(!q.contains_key("rotating_token_nonce"));
    let polled = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    let v = &polled.ok().response()["first_factor_verification"];
    assert_eq!(v["status"], "failed");
    assert_eq!(v["error"]["code"], "oauth_access_denied");
    assert_eq!(polled.status_of_sign_in(), "needs_identifier");
    // The same through the test query, on a fresh hand-off.
    let again = fapi
        .sign_in_action(
            &sia,
            "prepare_first_factor",
            &[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)],
        )
        .await;
    let (_, q) = landed(&end_with(&consent_url(again.ok().response()), "failed").await);
    assert_eq!(q.get("__clerk_status").map(String::as_str), Some("failed"));
}

#[tokio::test]
async fn an_account_without_a_user_comes_back_transferable() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let (url, sia) = mock_hand_off(&mut fapi).await;
    let page = browser().get(&url).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("name=outcome value=transferable"), "{html}");
    let (_, q) = landed(&end_with(&url, "transferable").await);
    assert_eq!(q.get("__clerk_status").map(String::as_str), Some("failed"));
    assert_eq!(
        q.get("__clerk_error_code").map(String::as_str),
        Some("external_account_not_found")
    );
    assert!(!q.contains_key("rotating_token_nonce"));
    let polled = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    let v = &polled.ok().response()["first_factor_verification"];
    assert_eq!(v["status"], "transferable");
    assert_eq!(v["error"]["code"], "external_account_not_found");
    assert_eq!(polled.status_of_sign_in(), "needs_identifier");
    assert_eq!(polled.body["client"]["sessions"], serde_json::json!([]));
    // The address is used up.
    let page = browser().get(&url).send().await.expect("page");
    assert_eq!(page.status(), 400);
}

#[tokio::test]
async fn a_redirect_url_off_the_allowlist_is_refused() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    for url in [
        "https://example.com/after",
        "http://192.0.2.1:8080/callback",
        "javascript:alert(1)",
    ] {
        let r = fapi
            .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", url)])
            .await;
        r.expect_error(400, "resource_missmatch");
        assert_eq!(r.body["errors"][0]["meta"]["param_name"], "redirect_url");
    }
    let r = fapi
        .create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await;
    let sia = id(r.ok().response());
    fapi.sign_in_action(
        &sia,
        "prepare_first_factor",
        &[
            ("strategy", "oauth_mock"),
            ("redirect_url", "https://example.com/x"),
        ],
    )
    .await
    .expect_error(400, "resource_missmatch");
    for url in ["http://localhost:5/cb", "http://[::1]:7/"] {
        fapi.sign_in_action(
            &sia,
            "prepare_first_factor",
            &[("strategy", "oauth_mock"), ("redirect_url", url)],
        )
        .await
        .ok();
    }
}

#[tokio::test]
async fn a_seed_allowlist_replaces_loopback() {
    let dir = tempfile::tempdir().expect("dir");
    let seed = dir.path().join("seed.toml");
    let text = clerk_tui::devserver::DEFAULT_SEED.replace(
        "redirect_urls = [\"http://127.0.0.1:*\", \"http://localhost:*\", \"http://[::1]:*\"]",
        "redirect_urls = [\"clerk-tui://callback\", \"https://ops.example.com/clerk/done\"]",
    );
    assert_ne!(
        text,
        clerk_tui::devserver::DEFAULT_SEED,
        "the seed names its allowlist"
    );
    std::fs::write(&seed, text).expect("seed written");
    let server = start_with(clerk_tui::devserver::DevServerConfig {
        seed: Some(seed),
        ..Default::default()
    })
    .await;
    let mut fapi = Fapi::new(&server);
    fapi.create_sign_in(&[("strategy", "oauth_mock"), ("redirect_url", REDIRECT)])
        .await
        .expect_error(400, "resource_missmatch");
    let r = fapi
        .create_sign_in(&[
            ("strategy", "oauth_mock"),
            ("redirect_url", "https://ops.example.com/clerk/done"),
        ])
        .await;
    let url = consent_url(r.ok().response());
    let ada = user_id(server.base_url(), "ada@example.com").await;
    let (location, q) = landed(&consent_as(&url, &ada).await);
    assert!(
        location.starts_with("https://ops.example.com/clerk/done?"),
        "{location}"
    );
    assert!(q.contains_key("rotating_token_nonce"));
    fapi.create_sign_in(&[
        ("strategy", "oauth_mock"),
        ("redirect_url", "clerk-tui://callback"),
    ])
    .await
    .ok();
}

#[tokio::test]
async fn enterprise_sso_as_a_first_factor_finishes_with_the_nonce() {
    let server = start().await;
    let lin = sso_user(&server).await;
    let mut fapi = Fapi::new(&server);
    let r = fapi
        .create_sign_in(&[("identifier", "lin@sso.example.com")])
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_first_factor");
    let sia = id(r.response());
    let f = factor(r.response(), "supported_first_factors", "enterprise_sso");
    assert_eq!(f["enterprise_connection_id"], "ent_mocksso");
    assert_eq!(f["enterprise_connection_name"], "Mock SSO");
    // Users elsewhere are not offered it.
    let mut other = Fapi::new(&server);
    let ada = other
        .create_sign_in(&[("identifier", "ada@example.com")])
        .await;
    let factors = ada.ok().response()["supported_first_factors"].to_string();
    assert!(!factors.contains("enterprise_sso"), "{factors}");
    let ada_sia = id(ada.response());
    other
        .sign_in_action(
            &ada_sia,
            "prepare_first_factor",
            &[("strategy", "enterprise_sso"), ("redirect_url", REDIRECT)],
        )
        .await
        .expect_error(422, "strategy_for_user_invalid");

    let prepare = |conn: &'static str, redirect: &'static str| {
        vec![
            ("strategy", "enterprise_sso"),
            ("redirect_url", redirect),
            ("enterprise_connection_id", conn),
        ]
    };
    fapi.sign_in_action(
        &sia,
        "prepare_first_factor",
        &prepare("ent_other", REDIRECT),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    fapi.sign_in_action(
        &sia,
        "prepare_first_factor",
        &prepare("ent_mocksso", "https://example.com/x"),
    )
    .await
    .expect_error(400, "resource_missmatch");
    let r = fapi
        .sign_in_action(
            &sia,
            "prepare_first_factor",
            &prepare("ent_mocksso", REDIRECT),
        )
        .await;
    let v = &r.ok().response()["first_factor_verification"];
    assert_eq!(v["object"], "verification_saml");
    assert_eq!(v["status"], "unverified");
    let url = v["external_verification_redirect_url"]
        .as_str()
        .expect("consent address")
        .to_string();
    let page = browser().get(&url).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("<h1>Mock SSO</h1>"), "{html}");
    let (_, q) = landed(&consent_as(&url, &lin).await);
    let nonce = q["rotating_token_nonce"].clone();
    let poll = fapi.get(&format!("/v1/client/sign_ins/{sia}")).await;
    assert_eq!(poll.status_of_sign_in(), "needs_first_factor");
    let done = fapi.get(&redeem_path(&sia, &nonce)).await;
    assert_eq!(done.status_of_sign_in(), "complete");
    assert_eq!(done.response()["identifier"], "lin@sso.example.com");
}

#[tokio::test]
async fn enterprise_sso_can_start_at_create() {
    let server = start().await;
    let lin = sso_user(&server).await;
    let mut fapi = Fapi::new(&server);
    fapi.create_sign_in(&[
        ("strategy", "enterprise_sso"),
        ("identifier", "lin@sso.example.com"),
    ])
    .await
    .expect_error(422, "form_param_missing");
    let r = fapi
        .create_sign_in(&[
            ("strategy", "enterprise_sso"),
            ("identifier", "lin@sso.example.com"),
            ("redirect_url", REDIRECT),
        ])
        .await;
    assert_eq!(r.status_of_sign_in(), "needs_first_factor");
    let sia = id(r.response());
    let url = r.response()["first_factor_verification"]["external_verification_redirect_url"]
        .as_str()
        .expect("consent address")
        .to_string();
    let (_, q) = landed(&consent_as(&url, &lin).await);
    let done = fapi
        .get(&redeem_path(&sia, &q["rotating_token_nonce"]))
        .await;
    assert_eq!(done.status_of_sign_in(), "complete");
}
