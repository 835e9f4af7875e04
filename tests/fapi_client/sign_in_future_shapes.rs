//! The requests `clerk_tui::sign_in::SignInFuture` makes, as clerk-js's `SignInFuture` makes
//! them (`packages/clerk-js/src/core/resources/SignIn.ts`): method, path and form fields.

use clerk_tui::sign_in::{
    EmailCodeSendParams, EmailLinkSendParams, PasswordParams, PollOptions, SignInFuture,
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::harness::*;

fn needs_second_factor() -> Value {
    let mut si = sign_in_json("needs_second_factor");
    si["supported_second_factors"] = json!([
        {"strategy": "totp"},
        {"strategy": "phone_code", "phone_number_id": "idn_phone", "safe_identifier": "+1***0100"},
        {"strategy": "email_code", "email_address_id": "idn_mail", "safe_identifier": "j***@example.com"}
    ]);
    si
}

fn shape(r: &Recorded) -> (String, String, Vec<(String, String)>) {
    (r.method.clone(), r.path.clone(), r.form.clone())
}

fn post(path: &str, pairs: &[(&str, &str)]) -> (String, String, Vec<(String, String)>) {
    ("POST".into(), path.into(), form(pairs))
}

#[tokio::test]
async fn password_creates_the_sign_in_with_identifier_and_password_and_no_strategy() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(200, wrap(sign_in_json("complete")));
    let mut sign_in = SignInFuture::new(client);
    sign_in
        .password(PasswordParams::new("jane@example.com", secret("p&ss")))
        .await
        .unwrap();
    assert_eq!(
        shape(&srv.last()),
        post(
            "/v1/client/sign_ins",
            &[("identifier", "jane@example.com"), ("password", "p&ss")]
        )
    );
}

#[tokio::test]
async fn email_code_send_creates_then_prepares_and_verify_attempts() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let device = client.device_id().to_owned();
    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    srv.reply(200, wrap(sign_in_json("complete")));
    let mut sign_in = SignInFuture::new(client);
    sign_in
        .email_code()
        .send_code(EmailCodeSendParams::email_address("jane@example.com"))
        .await
        .unwrap();
    sign_in
        .email_code()
        .verify_code(secret("424242"))
        .await
        .unwrap();
    let requests = srv.requests();
    let shapes: Vec<_> = requests.iter().map(shape).collect();
    assert_eq!(
        shapes,
        [
            post("/v1/client/sign_ins", &[("identifier", "jane@example.com")]),
            post(
                "/v1/client/sign_ins/sia_1/prepare_first_factor",
                &[("strategy", "email_code"), ("email_address_id", "idn_1")]
            ),
            post(
                "/v1/client/sign_ins/sia_1/attempt_first_factor",
                &[("strategy", "email_code"), ("code", "424242")]
            ),
        ]
    );
    for r in &requests {
        assert_native_request(r, &device);
    }
}

#[tokio::test]
async fn email_link_sends_its_verification_url_and_waits_with_plain_reads() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let mut si = sign_in_json("needs_first_factor");
    si["supported_first_factors"] = json!([
        {"strategy": "email_link", "email_address_id": "idn_1", "safe_identifier": "jane@example.com"}
    ]);
    let mut verified = sign_in_json("complete");
    verified["first_factor_verification"] = json!({"status": "verified", "strategy": "email_link"});
    let mut sign_in =
        SignInFuture::from_sign_in(client, serde_json::from_value(si.clone()).unwrap());
    srv.reply(200, wrap(si));
    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    srv.reply(200, wrap(verified));
    sign_in
        .email_link()
        .send_link(EmailLinkSendParams {
            verification_url: Some("http://127.0.0.1:9/verified".into()),
            ..EmailLinkSendParams::default()
        })
        .await
        .unwrap();
    let options = PollOptions {
        every: std::time::Duration::from_millis(10),
        ..PollOptions::default()
    };
    sign_in
        .email_link()
        .wait_for_verification(&CancellationToken::new(), options)
        .await
        .unwrap();
    let requests = srv.requests();
    assert_eq!(
        shape(&requests[0]),
        post(
            "/v1/client/sign_ins/sia_1/prepare_first_factor",
            &[
                ("strategy", "email_link"),
                ("email_address_id", "idn_1"),
                ("redirect_url", "http://127.0.0.1:9/verified"),
            ]
        )
    );
    for poll in &requests[1..] {
        assert_eq!(
            (poll.method.as_str(), poll.path.as_str()),
            ("GET", "/v1/client/sign_ins/sia_1")
        );
        assert_eq!(poll.query_value("rotating_token_nonce"), None);
    }
    assert_eq!(requests.len(), 3, "polled until verified, then stopped");
}

#[tokio::test]
async fn mfa_and_reset_use_the_second_factor_and_reset_password_endpoints() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let mut sign_in = SignInFuture::from_sign_in(
        client,
        serde_json::from_value(needs_second_factor()).unwrap(),
    );
    for _ in 0..4 {
        srv.reply(200, wrap(needs_second_factor()));
    }
    srv.reply(200, wrap(sign_in_json("complete")));
    sign_in.mfa().send_phone_code().await.unwrap();
    sign_in.mfa().send_email_code().await.unwrap();
    sign_in.mfa().verify_totp(secret("123456")).await.unwrap();
    sign_in
        .mfa()
        .verify_backup_code(secret("backup01"))
        .await
        .unwrap();
    sign_in
        .reset_password_email_code()
        .submit_password(secret("n3w-password"), true)
        .await
        .unwrap();
    let shapes: Vec<_> = srv.requests().iter().map(shape).collect();
    let second = "/v1/client/sign_ins/sia_1/prepare_second_factor";
    let attempt = "/v1/client/sign_ins/sia_1/attempt_second_factor";
    assert_eq!(
        shapes,
        [
            post(
                second,
                &[("strategy", "phone_code"), ("phone_number_id", "idn_phone")]
            ),
            post(
                second,
                &[("strategy", "email_code"), ("email_address_id", "idn_mail")]
            ),
            post(attempt, &[("strategy", "totp"), ("code", "123456")]),
            post(
                attempt,
                &[("strategy", "backup_code"), ("code", "backup01")]
            ),
            post(
                "/v1/client/sign_ins/sia_1/reset_password",
                &[
                    ("password", "n3w-password"),
                    ("sign_out_of_other_sessions", "true")
                ]
            ),
        ]
    );
}

#[tokio::test]
async fn finalize_reloads_a_client_without_the_session_touches_it_and_mints_a_token() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let mut complete = sign_in_json("complete");
    complete["created_session_id"] = json!("sess_1");
    let mut sign_in = SignInFuture::from_sign_in(client, serde_json::from_value(complete).unwrap());
    let mut with_session = client_json("client_1", Some("sess_1"));
    with_session["sessions"] = json!([session_json("active")]);
    srv.reply(200, json!({"response": with_session, "client": null}));
    srv.reply(200, wrap(session_json("active")));
    srv.reply(
        200,
        json!({"object": "token", "jwt": "eyJhbGciOiJSUzI1NiJ9.e30.Y2Nj"}),
    );
    let done = sign_in.finalize().await.unwrap();
    assert_eq!(done.token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.Y2Nj");
    let requests = srv.requests();
    let shapes: Vec<_> = requests.iter().map(shape).collect();
    assert_eq!(
        shapes,
        [
            ("GET".into(), "/v1/client".into(), Vec::new()),
            post(
                "/v1/client/sessions/sess_1/touch",
                &[("intent", "select_session")]
            ),
            post("/v1/client/sessions/sess_1/tokens", &[]),
        ]
    );
}

/// clerk-js `ticket()`: `create({ strategy: 'ticket', ticket })`, nothing else.
#[tokio::test]
async fn ticket_creates_the_sign_in_with_strategy_ticket_and_the_ticket() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(200, wrap(sign_in_json("complete")));
    let mut sign_in = SignInFuture::new(client);
    sign_in.ticket(secret("eyJ.tick+et/.x")).await.unwrap();
    assert_eq!(
        shape(&srv.last()),
        post(
            "/v1/client/sign_ins",
            &[("strategy", "ticket"), ("ticket", "eyJ.tick+et/.x")]
        )
    );
}
