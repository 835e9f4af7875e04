//! Debug logs name each request (method, path, status, time) and never carry a password, a
//! code or the client token, even at the most verbose level.

use std::io::Write;
use std::sync::{Arc, Mutex};

use clerk_tui::fapi::*;
use serde_json::json;

use crate::harness::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn requests_are_logged_without_secrets() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply_with(
        200,
        &[("authorization", "Bearer very.secret.clientjwt")],
        wrap(sign_in_json("needs_second_factor")).to_string(),
    );
    client
        .create_sign_in(&CreateSignInParams::password(
            "jane@example.com",
            secret("hunter2-password"),
        ))
        .await
        .unwrap();
    srv.reply(200, wrap(sign_in_json("complete")));
    client
        .attempt_second_factor("sia_1", &AttemptSecondFactorParams::totp(secret("987654")))
        .await
        .unwrap();
    srv.reply(
        422,
        json!({"errors": [{"code": "form_code_incorrect", "message": "is incorrect"}]}),
    );
    let _ = client.attempt_totp_verification(&secret("135790")).await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("fapi request"), "{log}");
    assert!(
        log.contains("method=POST") && log.contains("path=/v1/client/sign_ins"),
        "{log}"
    );
    assert!(
        log.contains("status=200") && log.contains("status=422"),
        "{log}"
    );
    assert!(log.contains("elapsed_ms="), "{log}");
    for secret in [
        "hunter2-password",
        "very.secret.clientjwt",
        "987654",
        "135790",
    ] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into the log:\n{log}"
        );
    }
}
