//! Debug logs name each request (method, path, status, time) and never carry a password, a
//! code or the client token, even at the most verbose level.
//!
//! The subscriber is the process-wide default: tracing caches per-callsite interest, and a
//! thread-scoped subscriber loses events whose callsite another test thread registered first.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

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

static CAPTURED: OnceLock<Captured> = OnceLock::new();

/// Everything every test in this binary logs from now on, at TRACE level.
fn captured() -> &'static Captured {
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test installs a global subscriber");
        captured
    })
}

#[tokio::test]
async fn requests_are_logged_without_secrets() {
    let captured = captured();
    tracing::callsite::rebuild_interest_cache();

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
        .attempt_second_factor(
            "sia_logged",
            &AttemptSecondFactorParams::totp(secret("987654")),
        )
        .await
        .unwrap();
    srv.reply(
        422,
        json!({"errors": [{"code": "form_code_incorrect", "message": "is incorrect"}],
               "clerk_trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}),
    );
    let _ = client.attempt_totp_verification(&secret("135790")).await;

    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let has_line = |parts: &[&str]| {
        log.lines()
            .any(|line| line.contains("fapi request") && parts.iter().all(|p| line.contains(p)))
    };
    assert!(
        has_line(&[
            "method=POST",
            "path=/v1/client/sign_ins/sia_logged/attempt_second_factor",
            "status=200",
            "elapsed_ms="
        ]),
        "{log}"
    );
    assert!(
        has_line(&["path=/v1/me/totp/attempt_verification", "status=422"]),
        "{log}"
    );
    // Clerk's trace id of the refused call, for support (it names a request, not a person).
    assert!(
        log.lines().any(|l| l.contains("clerk refused the request")
            && l.contains("path=/v1/me/totp/attempt_verification")
            && l.contains("code=form_code_incorrect")
            && l.contains("clerk_trace_id=4bf92f3577b34da6a3ce929d0e0e4736")),
        "{log}"
    );
    for secret in [
        "hunter2-password",
        "very.secret.clientjwt",
        "987654",
        "135790",
    ] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
}
