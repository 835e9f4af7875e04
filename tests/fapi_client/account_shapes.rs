//! Method, path, query, headers and form body of the client, environment, session and
//! `/v1/me` calls.

use clerk_tui::fapi::*;
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn client_and_environment_calls() {
    let srv = Server::start().await;
    let (client, _) = srv.client();

    srv.reply(
        200,
        recorded("clerk_auth/sign_in_test/sign_in_with_password/002.json"),
    );
    let env = client.environment().await.unwrap();
    assert!(env.auth_config.test_mode);
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/environment")
    );
    assert_native_request(&r, client.device_id());

    srv.reply(200, json!({"response": null, "client": null}));
    assert!(client.get_client().await.unwrap().is_none());
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("GET", "/v1/client")
    );

    for (method, verb) in [
        (CreateClientMethod::Put, "PUT"),
        (CreateClientMethod::Post, "POST"),
    ] {
        srv.reply(
            200,
            recorded("clerk_auth/sign_in_test/sign_in_with_password/001.json"),
        );
        let created = client.create_client(method).await.unwrap();
        assert_eq!(created.id, "CLIENT_ID");
        let r = srv.last();
        assert_eq!((r.method.as_str(), r.path.as_str()), (verb, "/v1/client"));
        assert!(r.form.is_empty());
        assert_native_request(&r, client.device_id());
    }
    assert_eq!(
        client.cached_client().map(|c| c.id),
        Some("CLIENT_ID".into())
    );

    srv.reply(
        200,
        json!({"response": client_json("client_1", None), "client": null}),
    );
    let kept = client.remove_client_sessions().await.unwrap();
    assert_eq!(kept.map(|c| c.id), Some("client_1".into()));
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("DELETE", "/v1/client/sessions")
    );

    srv.reply(200, json!({"response": null, "client": null}));
    assert!(client.destroy_client().await.unwrap().is_none());
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("DELETE", "/v1/client")
    );
    assert!(
        client.cached_client().is_none(),
        "a destroyed client is no longer cached"
    );
}

#[tokio::test]
async fn session_calls_and_tokens() {
    let srv = Server::start().await;
    let (client, _) = srv.client();

    srv.reply(200, wrap(session_json("active")));
    assert_eq!(
        client.get_session("sess_1").await.unwrap().status,
        SessionStatus::Active
    );
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("GET", "/v1/client/sessions/sess_1")
    );

    srv.reply(
        200,
        json!({"response": session_json("active"), "client": null}),
    );
    let params = TouchSessionParams {
        active_organization_id: Some(String::new()),
        intent: Some("select_session".into()),
    };
    client.touch_session("sess_1", &params).await.unwrap();
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/client/sessions/sess_1/touch")
    );
    assert_eq!(
        r.form,
        form(&[("active_organization_id", ""), ("intent", "select_session")])
    );
    assert_native_request(&r, client.device_id());

    srv.reply(200, wrap(session_json("ended")));
    assert_eq!(
        client.end_session("sess_1").await.unwrap().status,
        SessionStatus::Ended
    );
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("POST", "/v1/client/sessions/sess_1/end")
    );

    srv.reply(200, wrap(session_json("removed")));
    assert_eq!(
        client.remove_session("sess_1").await.unwrap().status,
        SessionStatus::Removed
    );
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("POST", "/v1/client/sessions/sess_1/remove")
    );

    srv.reply(
        200,
        json!({"object": "token", "jwt": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}),
    );
    let token = client.create_session_token("sess_1", None).await.unwrap();
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/client/sessions/sess_1/tokens")
    );
    assert!(r.form.is_empty());

    srv.reply(
        200,
        json!({"object": "token", "jwt": "eyJhbGciOiJSUzI1NiJ9.e30.YWJj"}),
    );
    client
        .create_session_token("sess_1", Some("org_1"))
        .await
        .unwrap();
    assert_eq!(srv.last().form, form(&[("organization_id", "org_1")]));

    srv.reply(
        200,
        json!({"object": "token", "jwt": "eyJhbGciOiJSUzI1NiJ9.e30.dHBs"}),
    );
    let templated = client
        .create_session_token_with_template("sess_1", "supabase")
        .await
        .unwrap();
    assert_eq!(templated.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.dHBs");
    assert_eq!(
        srv.last().path,
        "/v1/client/sessions/sess_1/tokens/supabase"
    );
}

#[tokio::test]
async fn me_calls_name_the_active_session() {
    let srv = Server::start().await;
    let (client, _) = srv.client();

    // The envelope tells the client which session is active ...
    srv.reply(200, wrap(user_json()));
    let user = client.get_me().await.unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Jane"));
    let first = srv.last();
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("GET", "/v1/me")
    );
    assert_eq!(
        first.query_value("_clerk_session_id"),
        None,
        "no session known yet"
    );

    // ... and every later /v1/me call says it.
    srv.reply(200, wrap(totp_json(false)));
    let totp = client.create_totp().await.unwrap();
    assert!(totp.uri.as_deref().unwrap().starts_with("otpauth://"));
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/me/totp")
    );
    assert_eq!(r.query_value("_clerk_session_id"), Some("sess_1"));
    assert_native_request(&r, client.device_id());

    srv.reply(200, wrap(totp_json(true)));
    let verified = client
        .attempt_totp_verification(&secret("654321"))
        .await
        .unwrap();
    assert!(verified.verified);
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/me/totp/attempt_verification")
    );
    assert_eq!(r.form, form(&[("code", "654321")]));

    srv.reply(
        200,
        wrap(json!({"object": "totp", "id": "totp_1", "deleted": true})),
    );
    assert!(client.delete_totp().await.unwrap().deleted);
    assert_eq!(
        (srv.last().method.as_str(), srv.last().path.as_str()),
        ("DELETE", "/v1/me/totp")
    );

    srv.reply(200, wrap(json!({"object": "backup_code", "id": "bc_1", "codes": ["a1", "b2"], "created_at": 1, "updated_at": 1})));
    assert_eq!(
        client.create_backup_codes().await.unwrap().codes,
        vec!["a1", "b2"]
    );
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/me/backup_codes")
    );
    assert_eq!(r.query_value("_clerk_session_id"), Some("sess_1"));

    client.set_active_session_id(Some("sess_other".into()));
    srv.reply(200, wrap(user_json()));
    client.get_me().await.unwrap();
    assert_eq!(
        srv.last().query_value("_clerk_session_id"),
        Some("sess_other")
    );
}
