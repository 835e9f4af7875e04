//! The requests a browser hand-off makes, against a recording listener: the OAuth create and
//! the enterprise SSO create + prepare of `SignInFuture::sso` (clerk-js `SignInFuture.sso`),
//! a browser factor prepared with its `enterprise_connection_id`, and the nonce redemption
//! (`GET …/sign_ins/{id}?rotating_token_nonce=…`, clerk-js `authenticateWithTransport.ts`,
//! Android `SSOService.kt`) whose `Authorization` answer becomes the client token. Both through
//! the Rust API and through the app's own calls (`effects::execute`).

use std::sync::Arc;

use clerk_tui::app::effects::execute;
use clerk_tui::app::{Call, Redirect, Reply};
use clerk_tui::fapi::*;
use clerk_tui::sign_in::{SignInFuture, SsoParams};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::fapi_harness::*;

const CALLBACK: &str = "http://127.0.0.1:8976/callback?state=0123abcd";

fn oauth_json(status: &str) -> Value {
    let mut v = sign_in_json("needs_identifier");
    v["first_factor_verification"] = json!({
        "object": "verification_oauth", "status": status, "strategy": "oauth_google",
        "expire_at": 1700000600000u64,
        "external_verification_redirect_url": "https://accounts.google.com/o/oauth2/auth?state=s"
    });
    v
}

#[tokio::test]
async fn sso_creates_an_oauth_sign_in_with_the_redirect_and_nothing_else() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(200, wrap(oauth_json("unverified")));
    let mut sign_in = SignInFuture::new(client.clone());
    let params = SsoParams::new(Strategy::Oauth("google".into()), CALLBACK);
    sign_in.sso(&params).await.expect("created");
    assert_eq!(
        sign_in.external_verification_url(),
        Some("https://accounts.google.com/o/oauth2/auth?state=s")
    );
    let all = srv.requests();
    assert_eq!(all.len(), 1, "an OAuth sso() is one request");
    let r = &all[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/client/sign_ins")
    );
    assert_eq!(
        r.form,
        form(&[("strategy", "oauth_google"), ("redirect_url", CALLBACK)])
    );
    assert_native_request(r, client.device_id());
}

#[tokio::test]
async fn enterprise_sso_creates_then_prepares_with_its_connection() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(200, wrap(sign_in_json("needs_identifier")));
    srv.reply(200, wrap(oauth_json("unverified")));
    let mut sign_in = SignInFuture::new(client.clone());
    let params = SsoParams {
        identifier: Some("ada@corp.example".into()),
        enterprise_connection_id: Some("ent_1".into()),
        ..SsoParams::new(Strategy::EnterpriseSso, CALLBACK)
    };
    sign_in.sso(&params).await.expect("prepared");
    let all = srv.requests();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].path, "/v1/client/sign_ins");
    assert_eq!(
        all[0].form,
        form(&[
            ("strategy", "enterprise_sso"),
            ("identifier", "ada@corp.example"),
            ("redirect_url", CALLBACK),
        ])
    );
    assert_eq!(
        (all[1].method.as_str(), all[1].path.as_str()),
        ("POST", "/v1/client/sign_ins/sia_1/prepare_first_factor")
    );
    assert_eq!(
        all[1].form,
        form(&[
            ("strategy", "enterprise_sso"),
            ("redirect_url", CALLBACK),
            ("enterprise_connection_id", "ent_1"),
        ])
    );
}

#[tokio::test]
async fn the_nonce_is_redeemed_on_the_sign_in_and_its_answer_is_the_new_client_token() {
    let srv = Server::start().await;
    let (client, store) = srv.client();
    srv.reply_with(
        200,
        &[("authorization", "Bearer old.client.jwt")],
        wrap(oauth_json("unverified")).to_string(),
    );
    let mut sign_in = SignInFuture::new(client.clone());
    sign_in
        .sso(&SsoParams::new(Strategy::Oauth("google".into()), CALLBACK))
        .await
        .expect("created");
    assert!(!sign_in.is_transferable());
    let mut done = sign_in_json("complete");
    done["created_session_id"] = json!("sess_1");
    srv.reply_with(
        200,
        &[("authorization", "Bearer new.client.jwt")],
        wrap(done).to_string(),
    );
    sign_in.reload(Some("rtn_abc")).await.expect("redeemed");
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/client/sign_ins/sia_1")
    );
    assert_eq!(r.query_value("rotating_token_nonce"), Some("rtn_abc"));
    assert!(r.form.is_empty());
    assert_eq!(r.header("authorization"), Some("Bearer old.client.jwt"));
    assert_native_request(&r, client.device_id());
    assert_eq!(sign_in.created_session_id(), Some("sess_1"));
    let token = store
        .load_token(&srv.host())
        .expect("store")
        .map(|t| t.expose_secret().to_owned());
    assert_eq!(token.as_deref(), Some("Bearer new.client.jwt"));
    // A transferable answer is told by `is_transferable`.
    srv.reply(200, wrap(oauth_json("transferable")));
    sign_in.reload(None).await.expect("reloaded");
    assert!(sign_in.is_transferable());
    assert_eq!(srv.last().query_value("rotating_token_nonce"), None);
}

#[tokio::test]
async fn the_apps_calls_send_the_same_requests() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let client = Arc::new(client);
    srv.reply(200, wrap(oauth_json("unverified")));
    let create = Call::CreateRedirectSignIn {
        strategy: Strategy::Oauth("github".into()),
        redirect: Redirect::Url(CALLBACK.into()),
    };
    assert!(matches!(
        execute(&client, create, None).await,
        Reply::SignIn(Ok(_))
    ));
    assert_eq!(
        srv.last().form,
        form(&[("strategy", "oauth_github"), ("redirect_url", CALLBACK)])
    );

    srv.reply(200, wrap(oauth_json("unverified")));
    let factor: Factor = serde_json::from_value(json!({
        "strategy": "enterprise_sso", "enterprise_connection_id": "ent_9",
        "safe_identifier": "ada@corp.example"
    }))
    .expect("factor");
    let prepare = Call::PrepareHandOff {
        sign_in_id: "sia_1".into(),
        factor,
        redirect: Redirect::Url(CALLBACK.into()),
    };
    assert!(matches!(
        execute(&client, prepare, None).await,
        Reply::SignIn(Ok(_))
    ));
    let r = srv.last();
    assert_eq!(r.path, "/v1/client/sign_ins/sia_1/prepare_first_factor");
    assert_eq!(
        r.form,
        form(&[
            ("strategy", "enterprise_sso"),
            ("redirect_url", CALLBACK),
            ("enterprise_connection_id", "ent_9"),
        ])
    );

    srv.reply(200, wrap(sign_in_json("complete")));
    let redeem = Call::RedeemNonce {
        sign_in_id: "sia_1".into(),
        nonce: SecretString::from("rtn_xyz".to_string()),
    };
    assert!(matches!(
        execute(&client, redeem, None).await,
        Reply::Redeemed(Ok(_))
    ));
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/client/sign_ins/sia_1")
    );
    assert_eq!(r.query_value("rotating_token_nonce"), Some("rtn_xyz"));
}
