//! Attacks the emulator already withstood, kept so they stay withstood: TOTP replay across
//! clients, racing redemptions of one backup code or one ticket, tampered and superseded
//! email links, and one client reaching for another's sign-in or session.

use std::sync::Arc;

use futures::future::join_all;
use serde_json::json;
use tokio::sync::Barrier;

use crate::harness::*;

/// A client signed in with a password to `identifier`, now at its second factor.
async fn at_second_factor(server: &TestServer, identifier: &str) -> (Fapi, String) {
    let mut fapi = Fapi::new(server);
    let si = fapi.password_sign_in(identifier, PASSWORD).await;
    assert_eq!(si["status"], "needs_second_factor");
    (fapi, id(&si))
}

#[tokio::test]
async fn a_totp_code_used_by_one_client_is_refused_to_another() {
    let server = start().await;
    let (mut a, si_a) = at_second_factor(&server, "grace@example.com").await;
    let (mut b, si_b) = at_second_factor(&server, "grace@example.com").await;
    let code: serde_json::Value = reqwest::get(format!(
        "{}/__dev/totp/grace@example.com",
        server.base_url()
    ))
    .await
    .expect("totp")
    .json()
    .await
    .expect("json");
    let code = code["code"].as_str().expect("code").to_string();
    let attempt = [("strategy", "totp"), ("code", code.as_str())];
    let r = a
        .sign_in_action(&si_a, "attempt_second_factor", &attempt)
        .await;
    assert_eq!(r.status_of_sign_in(), "complete");
    b.sign_in_action(&si_b, "attempt_second_factor", &attempt)
        .await
        .expect_error(422, "form_code_incorrect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_backup_code_redeemed_at_once_by_two_clients_signs_in_one() {
    let server = start().await;
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(at_second_factor(&server, "barbara@example.com").await);
    }
    let barrier = Arc::new(Barrier::new(clients.len()));
    let answers = join_all(clients.iter_mut().map(|(fapi, si)| {
        let barrier = barrier.clone();
        async move {
            barrier.wait().await;
            fapi.sign_in_action(
                si,
                "attempt_second_factor",
                &[("strategy", "backup_code"), ("code", "backup01")],
            )
            .await
        }
    }))
    .await;
    let won = answers.iter().filter(|r| r.status == 200).count();
    assert_eq!(won, 1, "{answers:#?}");
    for r in answers.iter().filter(|r| r.status != 200) {
        r.expect_error(422, "form_code_incorrect");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_ticket_redeemed_at_once_by_many_clients_signs_in_one() {
    let server = start().await;
    let (status, ticket) = dev_post(
        &server,
        "/__dev/sign_in_tokens",
        json!({"identifier": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let token = ticket["token"].as_str().expect("token").to_string();
    let barrier = Arc::new(Barrier::new(8));
    let answers = join_all((0..8).map(|_| {
        let (barrier, token) = (barrier.clone(), token.clone());
        let server = &server;
        async move {
            let mut fapi = Fapi::new(server);
            barrier.wait().await;
            fapi.create_sign_in(&[("strategy", "ticket"), ("ticket", &token)])
                .await
        }
    }))
    .await;
    let won: Vec<_> = answers.iter().filter(|r| r.status == 200).collect();
    assert_eq!(won.len(), 1, "{answers:#?}");
    assert_eq!(won[0].response()["status"], "complete");
    for r in answers.iter().filter(|r| r.status != 200) {
        r.expect_error(400, "sign_in_token_already_used_code");
    }
}

/// Sends an email link for `si` and returns it.
async fn send_link(server: &TestServer, fapi: &mut Fapi, si: &str) -> String {
    fapi.sign_in_action(si, "prepare_first_factor", &[("strategy", "email_link")])
        .await
        .ok();
    outbox_latest(server, "hedy@example.com").await["link"]
        .as_str()
        .expect("link")
        .to_string()
}

#[tokio::test]
async fn tampered_superseded_and_reused_email_links_do_nothing() {
    let server = start().await;
    let mut fapi = Fapi::new(&server);
    let si = fapi
        .create_sign_in(&[("identifier", "hedy@example.com")])
        .await
        .response()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let old = send_link(&server, &mut fapi, &si).await;
    shift_clock(&server, 31).await;
    let link = send_link(&server, &mut fapi, &si).await;
    assert_ne!(old, link);
    let (head, sig) = link.rsplit_once('.').expect("a JWT in the link");
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{head}.{flipped}{}", &sig[1..]);
    let (mid, _) = head.rsplit_once('.').expect("payload");
    let forged_body = format!("{mid}.eyJrIjoibGluayJ9.{sig}");
    for bad in [&old, &tampered, &forged_body] {
        let page = reqwest::get(bad.as_str()).await.expect("open");
        assert_eq!(page.status().as_u16(), 400, "{bad}");
    }
    let poll = fapi.get(&format!("/v1/client/sign_ins/{si}")).await;
    assert_ne!(poll.status_of_sign_in(), "complete");
    assert_eq!(
        reqwest::get(&link).await.expect("open").status().as_u16(),
        200
    );
    assert_eq!(
        reqwest::get(&link).await.expect("again").status().as_u16(),
        400
    );
}

#[tokio::test]
async fn another_client_cannot_see_or_drive_a_sign_in() {
    let server = start().await;
    let mut a = Fapi::new(&server);
    let si = a
        .create_sign_in(&[("identifier", "ada@example.com")])
        .await
        .response()
        .clone();
    let mut b = Fapi::new(&server);
    b.post("/v1/client", &[]).await.ok();
    let path = format!("/v1/client/sign_ins/{}", id(&si));
    b.get(&path).await.expect_error(404, "resource_not_found");
    for (action, form) in [
        (
            "attempt_first_factor",
            vec![("strategy", "password"), ("password", PASSWORD)],
        ),
        ("prepare_first_factor", vec![("strategy", "email_code")]),
        ("reset_password", vec![("password", "new-password-123")]),
    ] {
        b.sign_in_action(&id(&si), action, &form)
            .await
            .expect_error(404, "resource_not_found");
    }
    assert_eq!(a.get(&path).await.status_of_sign_in(), "needs_first_factor");
    assert_eq!(outbox_count(&server, "ada@example.com").await, 0);
}

#[tokio::test]
async fn another_client_cannot_read_touch_or_end_a_session() {
    let server = start().await;
    let mut a = Fapi::new(&server);
    let si = a.password_sign_in("ada@example.com", PASSWORD).await;
    let sess = si["created_session_id"]
        .as_str()
        .expect("session")
        .to_string();
    let mut b = Fapi::new(&server);
    b.post("/v1/client", &[]).await.ok();
    b.get(&format!("/v1/client/sessions/{sess}"))
        .await
        .expect_error(404, "resource_not_found");
    for action in ["touch", "tokens", "end", "remove"] {
        b.post(&format!("/v1/client/sessions/{sess}/{action}"), &[])
            .await
            .expect_error(404, "resource_not_found");
    }
    let mine = a.get(&format!("/v1/client/sessions/{sess}")).await;
    assert_eq!(mine.ok().response()["status"], "active");
    a.post(&format!("/v1/client/sessions/{sess}/tokens"), &[])
        .await
        .ok();
}
