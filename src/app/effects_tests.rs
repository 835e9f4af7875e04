//! The signed-in screen's calls run for real against the embedded emulator over HTTP: the
//! token verified with its JWKS (and a tampered one refused), TOTP enrolment with a code
//! computed like an authenticator app would, backup codes, the demo helpers, and sign-out
//! forgetting the local token when the server cannot be reached.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::super::effects::execute;
use super::super::{Call, DemoCode, Reply};
use crate::devserver::{DevServer, DevServerConfig, DevServerHandle};
use crate::fapi::{CreateSignInParams, FapiClient, MemoryTokenStore, SignInStatus, TokenStore};

fn now_secs() -> u64 {
    u64::try_from(crate::app::effects::now_ms() / 1000).unwrap_or(0)
}

fn code_for(secret: &str, at_secs: u64) -> String {
    let bytes = match totp_rs::Secret::try_from_base32(secret) {
        Ok(s) => s.as_bytes().to_vec(),
        Err(e) => panic!("base32 secret: {e:?}"),
    };
    totp_rs::Builder::new()
        .with_secret(bytes)
        .build_noncompliant()
        .generate(at_secs)
        .to_string()
}

async fn server() -> DevServerHandle {
    match DevServer::start(DevServerConfig::default()).await {
        Ok(s) => s,
        Err(e) => panic!("dev server: {e}"),
    }
}

fn client_for(base: &str, store: Arc<dyn TokenStore>) -> FapiClient {
    match FapiClient::with_base_url(base, store) {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

/// Signs ada in with her password; returns the session id.
async fn sign_in(client: &FapiClient) -> String {
    let params = CreateSignInParams::password(
        "ada@example.com",
        SecretString::from("clerk-demo-password".to_string()),
    );
    match client.create_sign_in(&params).await {
        Ok(s) if s.status == SignInStatus::Complete => s.created_session_id.unwrap_or_default(),
        other => panic!("sign-in: {other:?}"),
    }
}

async fn run(client: &FapiClient, call: Call) -> Reply {
    execute(client, call, None).await
}

#[tokio::test]
async fn tokens_verify_with_the_emulators_jwks_and_tampering_is_caught() {
    let server = server().await;
    let client = client_for(server.base_url(), Arc::new(MemoryTokenStore::new()));
    let session_id = sign_in(&client).await;
    let jwt = match run(&client, Call::MintToken { session_id }).await {
        Reply::Token(Ok(jwt)) => jwt,
        other => panic!("mint: {other:?}"),
    };
    let check = match run(&client, Call::VerifyToken { jwt: jwt.clone() }).await {
        Reply::TokenCheck(c) => c,
        other => panic!("check: {other:?}"),
    };
    assert_eq!(check.outcome, Ok(()));
    assert!(check.kid.as_deref().is_some_and(|k| k.starts_with("ins_")));
    assert_eq!(check.signature, jwt.rsplit('.').next().unwrap_or_default());
    // Another subject under the same signature must not verify.
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    let forged = parts.join(".");
    match run(&client, Call::VerifyToken { jwt: forged }).await {
        Reply::TokenCheck(c) => assert!(c.outcome.is_err(), "{c:?}"),
        other => panic!("check: {other:?}"),
    }
}

#[tokio::test]
async fn totp_enrolment_backup_codes_and_the_demo_helpers() {
    let server = server().await;
    let base = server.base_url().to_string();
    let client = client_for(&base, Arc::new(MemoryTokenStore::new()));
    let session_id = sign_in(&client).await;
    let sid = || session_id.clone();
    let totp = match run(&client, Call::CreateTotp { session_id: sid() }).await {
        Reply::Totp(Ok(t)) => t,
        other => panic!("create: {other:?}"),
    };
    let secret = totp.secret.clone().unwrap_or_default();
    assert!(
        totp.uri
            .as_deref()
            .is_some_and(|u| u.starts_with("otpauth://totp/"))
    );
    let code = SecretString::from(code_for(&secret, now_secs()));
    let verified = match run(
        &client,
        Call::VerifyTotp {
            session_id: sid(),
            code,
        },
    )
    .await
    {
        Reply::Totp(Ok(t)) => t,
        other => panic!("verify: {other:?}"),
    };
    assert!(verified.verified);
    assert_eq!(verified.backup_codes.as_ref().map(Vec::len), Some(10));
    let user = match run(&client, Call::LoadUser { session_id: sid() }).await {
        Reply::User(Ok(u)) => u,
        other => panic!("user: {other:?}"),
    };
    assert!(user.totp_enabled && user.two_factor_enabled);
    let demo = Call::DemoTotp {
        base_url: base.clone(),
        user_id: user.id.clone(),
    };
    match run(&client, demo).await {
        Reply::DemoTotp(Ok(DemoCode { code, seconds_left })) => {
            assert_eq!(code.expose_secret().len(), 6);
            assert!((1..=30).contains(&seconds_left));
        }
        other => panic!("demo code: {other:?}"),
    }
    let fresh = match run(&client, Call::CreateBackupCodes { session_id: sid() }).await {
        Reply::BackupCodes(Ok(b)) => b.codes,
        other => panic!("backup codes: {other:?}"),
    };
    assert_eq!(fresh.len(), 10);
    assert!(
        fresh
            .iter()
            .all(|c| !verified.backup_codes.iter().flatten().any(|o| o == c))
    );
    match run(&client, Call::DeleteTotp { session_id: sid() }).await {
        Reply::TotpRemoved(Ok(())) => {}
        other => panic!("delete: {other:?}"),
    }
    let shift = Call::ShiftClock {
        base_url: base.clone(),
        seconds: 300,
    };
    match run(&client, shift).await {
        Reply::Clock(Ok(offset_ms)) => assert_eq!(offset_ms, 300_000),
        other => panic!("clock: {other:?}"),
    }
    let jwt = match run(&client, Call::MintToken { session_id: sid() }).await {
        Reply::Token(Ok(jwt)) => jwt,
        other => panic!("mint: {other:?}"),
    };
    let iat = crate::flow::decode_jwt(&jwt)
        .and_then(|d| d.claims.get("iat").and_then(serde_json::Value::as_i64))
        .unwrap_or_default();
    let ahead = iat - i64::try_from(now_secs()).unwrap_or(0);
    assert!(
        (295..=305).contains(&ahead),
        "minted on the shifted clock: {ahead}"
    );
}

#[tokio::test]
async fn sign_out_without_a_server_still_forgets_the_token() {
    let store = Arc::new(MemoryTokenStore::with_token(
        "127.0.0.1:9",
        "client_token_x",
    ));
    let client = client_for("http://127.0.0.1:9", store.clone())
        .with_timeout(std::time::Duration::from_secs(2))
        .with_retry_delays(Vec::new());
    assert!(client.has_client_token(), "the stored token was loaded");
    let call = Call::SignOut {
        session_id: Some("sess_1".into()),
    };
    match run(&client, call).await {
        Reply::SignOut(Err(failure)) => assert!(failure.retryable(), "{failure:?}"),
        other => panic!("sign-out: {other:?}"),
    }
    assert!(!client.has_client_token());
    let stored = store.load_token("127.0.0.1:9").ok().flatten();
    assert!(stored.is_none(), "the stored token is gone too");
}

#[tokio::test]
async fn the_first_client_load_says_whether_a_token_was_stored() {
    let server = server().await;
    let host = server.base_url().trim_start_matches("http://").to_string();
    for (store, had) in [
        (MemoryTokenStore::with_token(&host, "client_token_x"), true),
        (MemoryTokenStore::new(), false),
    ] {
        let client = Arc::new(client_for(server.base_url(), Arc::new(store)));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = super::super::effects::EffectRunner::new(client, tx, None);
        for _ in 0..2 {
            runner.run(super::super::Effect::Call {
                epoch: 0,
                call: Call::LoadClient,
            });
        }
        let mut told = Vec::new();
        for _ in 0..3 {
            match tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv()).await {
                Ok(Some(super::super::Action::StoredClientToken(t))) => told.push(t),
                Ok(Some(_)) => {}
                other => panic!("no action: {other:?}"),
            }
        }
        assert_eq!(told, vec![had], "said once, before the loads' results");
    }
}

/// Clerk's Android SDK forgets the client token after signing out of every session
/// (`SignOutService.kt`), so the next start is a fresh one, not "your previous session has
/// ended"; one session's sign-out keeps the client for the others.
#[tokio::test]
async fn signing_out_of_every_session_forgets_the_client_token() {
    let server = server().await;
    let host = server.base_url().trim_start_matches("http://").to_string();
    let store = Arc::new(MemoryTokenStore::new());
    let client = client_for(server.base_url(), store.clone());
    let session_id = sign_in(&client).await;
    let one = run(
        &client,
        Call::SignOut {
            session_id: Some(session_id),
        },
    )
    .await;
    assert!(matches!(one, Reply::SignOut(Ok(_))), "{one:?}");
    assert!(client.has_client_token(), "one session: the client stays");
    sign_in(&client).await;
    match run(&client, Call::SignOut { session_id: None }).await {
        Reply::SignOut(Ok(None)) => {}
        other => panic!("sign-out of all: {other:?}"),
    }
    assert!(!client.has_client_token());
    assert!(
        store.load_token(&host).ok().flatten().is_none(),
        "stored token gone"
    );
    // The next start loads no client, so it has no "previous session" to speak of.
    let again = client_for(server.base_url(), store);
    assert!(!again.has_client_token());
}
