//! The app on the hand-off: the line mode (piped input) lists the provider as a numbered
//! choice, prints the address on its own line and the ways back, and waits, saying when it
//! last checked; the test consents like a browser (fetch the page, submit its form). Followed
//! like a browser here, the redirect reaches the app's loopback callback and the app signs in;
//! not followed (a browser on another device), its address is pasted into the app instead.

use std::time::Duration;

use clerk_tui::app::Backend;
use clerk_tui::plain::{PlainOptions, PlainOutcome};

use crate::consent::{consent, consent_elsewhere};
use crate::hand_off::{
    line_mode_app, line_mode_signs_in, line_mode_signs_in_through_the_provider, plain_at_hand_off,
};
use crate::plain_harness::{assert_plain, plain_session_as, printed_url, server, type_line};

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_signs_in_through_the_mock_provider() {
    let server = &server().await;
    let backend = Backend::Embedded {
        base_url: server.base_url().to_string(),
        seed_users: Vec::new(),
    };
    let app = clerk_tui::app::App::new(backend, clerk_tui::app::effects::now_ms());
    let text = line_mode_signs_in_through_the_provider(server, app, |input, out, url| async move {
        out.wait_for("or a number to continue with a provider.")
            .await;

        out.wait_for("Waiting for the sign-in to finish in the browser… checked")
            .await;
        out.wait_for("comes back by itself to http://127.0.0.1:")
            .await;
        out.wait_for("ssh -L ").await;
        // The browser follows the redirect to the app's loopback callback, which answers it.
        let page = consent(&url, "ada@example.com").await;
        assert!(
            page.contains("You can close this page; the terminal continues."),
            "{page}"
        );
        input
    })
    .await;
    assert!(
        text.contains("Signed in as Ada Lovelace (ada@example.com)."),
        "{text}"
    );
    let sentences: String = text
        .lines()
        .filter(|l| !l.starts_with("http://"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_plain(&sentences);
}

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_says_when_the_browser_sign_in_was_cancelled_and_starts_again() {
    let server = &server().await;
    let backend = Backend::Remote {
        base_url: server.base_url().to_string(),
    };
    let (outcome, text) = plain_session_as(
        server,
        backend,
        PlainOptions::default(),
        |mut input, out| async move {
            let url = plain_at_hand_off(&mut input, &out).await;
            reqwest::Client::new()
                .post(&url)
                .form(&[("deny", "1")])
                .send()
                .await
                .expect("cancel");
            out.wait_for("The sign-in in the browser was cancelled or failed.")
                .await;
            out.wait_for("Error: The browser sign-in failed").await;
            out.wait_for("Press r to start it again").await;
            // Starting again gives a new address.
            type_line(&mut input, "r").await;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            loop {
                let urls: Vec<String> = out
                    .text()
                    .lines()
                    .filter(|l| l.contains("/__dev/oauth/c/"))
                    .map(str::to_string)
                    .collect();
                if urls.len() >= 2 && urls[urls.len() - 1] != urls[0] {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "{}", out.text());
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            type_line(&mut input, "b").await;
            out.wait_for("or a number to continue with a provider.")
                .await;
            drop(input);
        },
    )
    .await;
    assert!(
        !matches!(outcome, PlainOutcome::SignedIn { .. }),
        "{outcome:?}\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_finishes_with_the_pasted_address_of_a_browser_elsewhere() {
    let server = &server().await;
    let backend = Backend::Embedded {
        base_url: server.base_url().to_string(),
        seed_users: Vec::new(),
    };
    let app = clerk_tui::app::App::new(backend, clerk_tui::app::effects::now_ms());
    let text =
        line_mode_signs_in_through_the_provider(server, app, |mut input, out, url| async move {
            out.wait_for("paste the address it ends on here").await;
            // Not the address the browser ended on: said, and the hand-off goes on.
            type_line(&mut input, &url).await;
            out.wait_for("Error: That is the address to open").await;
            let landed = consent_elsewhere(&url, "ada@example.com").await;
            assert!(landed.contains("rotating_token_nonce="), "{landed}");
            type_line(&mut input, &landed).await;
            input
        })
        .await;
    assert!(
        text.contains("Signed in as Ada Lovelace (ada@example.com)."),
        "{text}"
    );
    assert!(
        !text.contains("rtn_"),
        "the nonce is never printed:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_gets_the_address_as_an_event_and_finishes_with_the_address_on_stdin() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

    let server = &server().await;
    let dir = crate::plain_harness::TempDir::new();
    let log = dir.path().join("trace.log");
    let mut cmd = crate::plain_harness::bin(dir.path());
    cmd.arg("--log-file").arg(&log).env("RUST_LOG", "trace");
    cmd.args([
        "--frontend-api",
        server.base_url(),
        "sign-in",
        "--strategy",
        "oauth_mock",
        "--json",
        "--callback-port",
        "0",
    ])
    .stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let hand_off: serde_json::Value = loop {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("in time")
            .expect("stdout")
            .expect("an event");
        let event: serde_json::Value = serde_json::from_str(&line).expect("NDJSON");
        if event["event"] == "hand_off" {
            break event;
        }
    };
    assert_eq!(hand_off["strategy"], "oauth_mock");
    let url = hand_off["url"].as_str().expect("url").to_string();
    let callback = hand_off["callback_url"].as_str().expect("callback_url");
    assert!(callback.starts_with("http://127.0.0.1:") && callback.ends_with("/callback"));
    let landed = consent_elsewhere(&url, "ada@example.com").await;
    stdin
        .write_all(format!("{landed}\n").as_bytes())
        .await
        .expect("stdin");
    let complete: serde_json::Value = loop {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("in time")
            .expect("stdout")
            .expect("an event");
        let event: serde_json::Value = serde_json::from_str(&line).expect("NDJSON");
        assert_ne!(event["event"], "error", "{event}");
        if event["event"] == "complete" {
            break event;
        }
    };
    assert_eq!(complete["identifier"], "ada@example.com", "{complete}");
    let status = child.wait().await.expect("exit");
    assert_eq!(status.code(), Some(0));
    // The nonce is a credential until redeemed: never in the events, stderr or a trace log.
    let nonce = url::Url::parse(&landed)
        .expect("landed address")
        .query_pairs()
        .find(|(k, _)| k == "rotating_token_nonce")
        .map(|(_, v)| v.into_owned())
        .expect("a nonce");
    let mut rest = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push_str(&line);
    }
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr).await;
    }
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!logged.is_empty(), "the trace log was written");
    for (what, text) in [("events", &rest), ("stderr", &stderr), ("log", &logged)] {
        assert!(!text.contains(&nonce), "the nonce leaked into the {what}");
    }
    assert!(!hand_off.to_string().contains(&nonce) && !complete.to_string().contains(&nonce));
}

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_says_at_once_when_no_user_has_the_provider_account() {
    let server = &server().await;
    let backend = Backend::Remote {
        base_url: server.base_url().to_string(),
    };
    let (outcome, text) = plain_session_as(
        server,
        backend,
        PlainOptions::default(),
        |mut input, out| async move {
            let url = plain_at_hand_off(&mut input, &out).await;
            // The browser follows the provider's redirect to the app's callback.
            reqwest::Client::new()
                .post(&url)
                .form(&[("outcome", "transferable")])
                .send()
                .await
                .expect("consent page answers");
            out.wait_for("No user of this application has that Mock OAuth account")
                .await;
            drop(input);
        },
    )
    .await;
    assert!(
        !matches!(outcome, PlainOutcome::SignedIn { .. }),
        "{outcome:?}\n{text}"
    );
    assert!(
        text.contains("(Clerk calls the sign-in transferable)"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn line_mode_signs_in_with_enterprise_sso_offered_as_a_first_factor() {
    let server = &server().await;
    let created = reqwest::Client::new()
        .post(format!("{}/__dev/users", server.base_url()))
        .json(&serde_json::json!({"email_address": "lin@sso.example.com", "first_name": "Lin"}))
        .send()
        .await
        .expect("user created");
    assert!(created.status().is_success(), "{}", created.status());
    let text = line_mode_signs_in(
        server,
        line_mode_app(server),
        PlainOptions::default(),
        |mut input, out| async move {
            out.wait_for("or a number to continue with a provider.")
                .await;
            type_line(&mut input, "lin@sso.example.com").await;
            // A code is preferred for the address; single sign-on is one choice away.
            out.wait_for("A code was sent").await;
            type_line(&mut input, "m").await;
            out.wait_for("Choose how to continue:").await;
            let number = out
                .text()
                .lines()
                .find(|l| l.contains("Single sign-on with Mock SSO"))
                .and_then(|l| l.split('.').next())
                .map(str::to_string)
                .expect("single sign-on is offered");
            type_line(&mut input, &number).await;
            out.wait_for("It can be opened on any device").await;
            out.wait_for("comes back by itself to http://127.0.0.1:")
                .await;
            let url = printed_url(&out).expect("address");
            consent(&url, "lin@sso.example.com").await;
            input
        },
    )
    .await;
    assert!(text.contains("lin@sso.example.com"), "{text}");
}

/// `clerk-tui sign-in --strategy oauth_mock --json` with extra flags, its stdin piped.
fn script(
    server: &clerk_tui::devserver::DevServerHandle,
    dir: &std::path::Path,
    extra: &[&str],
) -> tokio::process::Child {
    let mut cmd = crate::plain_harness::bin(dir);
    cmd.args([
        "--frontend-api",
        server.base_url(),
        "sign-in",
        "--strategy",
        "oauth_mock",
        "--json",
    ])
    .args(extra)
    .stdin(std::process::Stdio::piped());
    cmd.spawn().expect("the binary starts")
}

async fn next_event(
    lines: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) -> serde_json::Value {
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("in time")
        .expect("stdout")
        .expect("an event");
    serde_json::from_str(&line).expect("NDJSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_url_of_the_instances_own_is_finished_by_pasting_where_it_ended() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

    let server = &server().await;
    let dir = crate::plain_harness::TempDir::new();
    let own = "http://localhost:9/native-callback";
    let mut child = script(server, dir.path(), &["--redirect-url", own]);
    let mut stdin = child.stdin.take().expect("stdin");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let hand_off = loop {
        let event = next_event(&mut lines).await;
        if event["event"] == "hand_off" {
            break event;
        }
    };
    assert_eq!(hand_off["redirect_url"], own);
    assert!(
        hand_off["callback_url"].is_null(),
        "no listener: {hand_off}"
    );
    let url = hand_off["url"].as_str().expect("url");
    let landed = consent_elsewhere(url, "ada@example.com").await;
    assert!(landed.starts_with(own), "{landed}");
    stdin
        .write_all(format!("{landed}\n").as_bytes())
        .await
        .expect("stdin");
    loop {
        let event = next_event(&mut lines).await;
        assert_ne!(event["event"], "error", "{event}");
        if event["event"] == "complete" {
            break;
        }
    }
    assert_eq!(child.wait().await.expect("exit").code(), Some(0));

    // An address the instance does not allow: refused, with what to allowlist.
    let dir = crate::plain_harness::TempDir::new();
    let child = script(
        server,
        dir.path(),
        &["--redirect-url", "https://example.com/cb"],
    );
    let out = child.wait_with_output().await.expect("exit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0));
    assert!(stdout.contains("\"error\""), "{stdout}");
    assert!(stdout.contains("resource_missmatch"), "{stdout}");
}
