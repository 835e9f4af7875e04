//! Client-token rotation from answers, per-host storage, and the cached `Client`.

use std::sync::Arc;

use clerk_tui::fapi::*;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn client_token_rotates_from_every_answer_and_is_sent_verbatim() {
    let srv = Server::start().await;
    let (client, store) = srv.client();
    assert!(!client.has_client_token());

    // First request: nothing to send yet; the answer hands out a token.
    srv.reply_with(
        200,
        &[("authorization", "Bearer first.jwt")],
        wrap(sign_in_json("needs_first_factor")).to_string(),
    );
    client
        .create_sign_in(&CreateSignInParams::identifier("jane@example.com"))
        .await
        .unwrap();
    assert_eq!(srv.last().header("authorization"), None);
    assert_eq!(
        store
            .load_token(&srv.host())
            .unwrap()
            .map(|t| t.expose_secret().to_owned()),
        Some("Bearer first.jwt".into()),
        "the token is persisted under this server's host:port"
    );

    // Sent back verbatim; an error answer can rotate it too.
    srv.reply_with(
        422,
        &[("authorization", "second.jwt")],
        json!({"errors": [{"code": "form_code_incorrect", "message": "is incorrect", "meta": {"param_name": "code"}}]}).to_string(),
    );
    let _ = client
        .attempt_first_factor("sia_1", &AttemptFirstFactorParams::email_code(secret("1")))
        .await;
    assert_eq!(srv.last().header("authorization"), Some("Bearer first.jwt"));

    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    client.reload_sign_in("sia_1").await.unwrap();
    assert_eq!(srv.last().header("authorization"), Some("second.jwt"));
    // An answer without the header leaves the token alone.
    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    client.reload_sign_in("sia_1").await.unwrap();
    assert_eq!(srv.last().header("authorization"), Some("second.jwt"));

    // A bare "Bearer" means signed out.
    srv.reply_with(
        200,
        &[("authorization", "Bearer")],
        json!({"response": null, "client": null}).to_string(),
    );
    client.destroy_client().await.unwrap();
    assert!(!client.has_client_token());
    assert!(store.load_token(&srv.host()).unwrap().is_none());
    srv.reply(200, json!({"response": null, "client": null}));
    client.get_client().await.unwrap();
    assert_eq!(srv.last().header("authorization"), None);

    // So does an empty header.
    srv.reply_with(
        200,
        &[("authorization", "third.jwt")],
        json!({"response": null, "client": null}).to_string(),
    );
    client.get_client().await.unwrap();
    assert!(client.has_client_token());
    srv.reply_with(
        200,
        &[("authorization", "")],
        json!({"response": null, "client": null}).to_string(),
    );
    client.get_client().await.unwrap();
    assert!(!client.has_client_token());
    assert!(store.load_token(&srv.host()).unwrap().is_none());
}

#[tokio::test]
async fn a_stored_token_is_used_from_the_first_request_and_only_for_its_host() {
    let srv = Server::start().await;
    let store = Arc::new(MemoryTokenStore::with_token(
        &srv.host(),
        "Bearer saved.jwt",
    ));
    store
        .save_token("clerk.example.com", &secret("real-clerk-token"))
        .unwrap();
    let client = FapiClient::with_base_url(&srv.url(), store.clone()).unwrap();
    assert_eq!(client.device_id(), store.device_id().unwrap());
    srv.reply(
        200,
        json!({"response": client_json("client_9", None), "client": null}),
    );
    client.get_client().await.unwrap();
    assert_eq!(srv.last().header("authorization"), Some("Bearer saved.jwt"));

    client.forget_client().unwrap();
    assert!(store.load_token(&srv.host()).unwrap().is_none());
    assert!(
        store.load_token("clerk.example.com").unwrap().is_some(),
        "other hosts untouched"
    );
    assert!(client.cached_client().is_none());
}

#[tokio::test]
async fn cached_client_follows_envelopes_and_names_the_client_id() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    assert!(client.cached_client().is_none());

    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    client
        .create_sign_in(&CreateSignInParams::identifier("jane@example.com"))
        .await
        .unwrap();
    assert_eq!(srv.last().header("x-clerk-client-id"), None);
    assert_eq!(client.cached_client().unwrap().id, "client_1");
    assert_eq!(client.active_session_id().as_deref(), Some("sess_1"));

    // Known client id is sent from now on.
    srv.reply(
        200,
        json!({"response": sign_in_json("complete"), "client": null}),
    );
    client.reload_sign_in("sia_1").await.unwrap();
    assert_eq!(srv.last().header("x-clerk-client-id"), Some("client_1"));
    assert_eq!(
        client.cached_client().unwrap().id,
        "client_1",
        "null client next to a response keeps it"
    );

    // meta.client counts as well.
    srv.reply(200, json!({"response": sign_in_json("complete"), "meta": {"client": client_json("client_2", None)}}));
    client.reload_sign_in("sia_1").await.unwrap();
    assert_eq!(client.cached_client().unwrap().id, "client_2");

    // A top-level null client without a response clears it.
    srv.reply(200, json!({"client": null}));
    let err = client.get_session("sess_1").await.unwrap_err();
    assert!(matches!(err, FapiError::Shape { .. }), "{err:?}");
    assert!(client.cached_client().is_none());
}

#[tokio::test]
async fn recorded_password_sign_in_parses_and_updates_the_client() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(
        200,
        recorded("clerk_auth/sign_in_test/sign_in_with_password/003.json"),
    );
    let sign_in = client
        .create_sign_in(&CreateSignInParams::password(
            "jane@example.com",
            secret("pw"),
        ))
        .await
        .unwrap();
    assert_eq!(sign_in.status, SignInStatus::Complete);
    let cached = client.cached_client().unwrap();
    assert_eq!(sign_in.created_session_id, cached.last_active_session_id);
    assert!(!cached.sessions.is_empty());
}
