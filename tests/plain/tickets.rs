//! Sign-in tickets, the way an operator or a CI job gets in without a password: a ticket made
//! with the emulator's `POST /__dev/sign_in_tokens` (Clerk's Backend API `sign_in_tokens` on a
//! real instance) handed to `sign-in --ticket-env`/`--ticket-stdin`, or pasted at the line
//! mode's identifier prompt; a used or expired ticket is refused and says so.

use clerk_tui::cli::ExitStatus;
use clerk_tui::devserver::DevServerHandle;
use clerk_tui::plain::{PlainOptions, PlainOutcome};
use serde_json::{Value, json};

use crate::harness::{
    Ran, TempDir, assert_plain, bin, plain_session, run, run_with_input, server, type_line,
};

/// `sign-in --ticket-env T --json` with this ticket (or link) in `T`, in its own config dir.
async fn json_sign_in_with_ticket(dir: &TempDir, url: &str, ticket: &str) -> Ran {
    run(bin(dir.path())
        .args([
            "--frontend-api",
            url,
            "sign-in",
            "--ticket-env",
            "T",
            "--json",
        ])
        .env("T", ticket))
    .await
}

/// A ticket for `identifier`: its bare token and the `__clerk_ticket` link around it.
pub async fn ticket(
    server: &DevServerHandle,
    identifier: &str,
    ttl: Option<i64>,
) -> (String, String) {
    let mut body = json!({ "identifier": identifier });
    if let Some(secs) = ttl {
        body["expires_in_seconds"] = json!(secs);
    }
    let made: Value = reqwest::Client::new()
        .post(format!("{}/__dev/sign_in_tokens", server.base_url()))
        .json(&body)
        .send()
        .await
        .expect("the emulator answers")
        .json()
        .await
        .expect("JSON");
    let token = made["token"].as_str().expect("a token").to_string();
    let url = made["url"].as_str().expect("a url").to_string();
    assert!(url.contains("__clerk_ticket="), "{url}");
    (token, url)
}

async fn shift_clock(server: &DevServerHandle, seconds: i64) {
    let status = reqwest::Client::new()
        .post(format!("{}/__dev/clock", server.base_url()))
        .json(&json!({ "shift_seconds": seconds }))
        .send()
        .await
        .expect("the emulator answers")
        .status();
    assert!(status.is_success(), "{status}");
}

fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ticket_env_signs_in_with_ndjson_ending_in_complete_and_is_single_use() {
    let server = server().await;
    let url = server.base_url().to_string();
    let (token, link) = ticket(&server, "ada@example.com", None).await;
    let dir = TempDir::new();
    let ran = json_sign_in_with_ticket(&dir, &url, &link).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let evs = events(&ran.stdout);
    let last = evs.last().expect("events");
    assert_eq!(last["event"], "complete", "{}", ran.stdout);
    assert!(
        last["session_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("sess_")),
        "{last}"
    );
    assert!(!ran.stdout.contains(&token) && !ran.stderr.contains(&token));
    let status = run(bin(dir.path()).args(["--frontend-api", &url, "status", "--json"])).await;
    let s: Value = serde_json::from_str(status.stdout.trim()).expect("one JSON object");
    assert_eq!(s["identifier"], "ada@example.com", "{}", status.stdout);

    // The same ticket again, on another device: used, refused, and said so.
    let other = TempDir::new();
    let again = json_sign_in_with_ticket(&other, &url, &token).await;
    assert_eq!(
        again.code,
        ExitStatus::WrongCredentials.code() as i32,
        "{}",
        again.stderr
    );
    let err = events(&again.stdout).pop().expect("an error event");
    assert_eq!(err["event"], "error");
    let message = err["message"].as_str().unwrap_or_default();
    assert!(message.contains("already used"), "{message}");
    assert!(
        err["trace_id"].as_str().is_some_and(|t| !t.is_empty()),
        "Clerk's trace id goes with a --json error: {err}"
    );
    assert!(!again.stdout.contains(&token) && !again.stderr.contains(&token));
}

#[tokio::test(flavor = "multi_thread")]
async fn ticket_stdin_takes_the_bare_token_and_an_expired_one_is_refused() {
    let server = server().await;
    let url = server.base_url().to_string();
    let (token, _) = ticket(&server, "ada@example.com", None).await;
    let (stale, _) = ticket(&server, "ada@example.com", Some(60)).await;
    let dir = TempDir::new();
    let done = run_with_input(
        bin(dir.path()).args([
            "--frontend-api",
            &url,
            "sign-in",
            "--ticket-stdin",
            "--json",
        ]),
        &format!("{token}\n"),
    )
    .await;
    let out = done.stdout.clone();
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(
        events(&out).last().map(|e| e["event"].clone()),
        Some(json!("complete"))
    );

    shift_clock(&server, 120).await;
    let other = TempDir::new();
    let expired = run(bin(other.path())
        .args(["--frontend-api", &url, "sign-in", "--ticket-env", "T"])
        .env("T", &stale))
    .await;
    assert_eq!(
        expired.code,
        ExitStatus::WrongCredentials.code() as i32,
        "{}",
        expired.stderr
    );
    assert!(expired.stderr.contains("has expired"), "{}", expired.stderr);

    let nothing = run(bin(other.path())
        .args(["--frontend-api", &url, "sign-in", "--ticket-env", "T"])
        .env("T", "ada@example.com"))
    .await;
    assert_eq!(
        nothing.code,
        ExitStatus::Usage.code() as i32,
        "{}",
        nothing.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_link_pasted_at_the_identifier_prompt_signs_in() {
    let server = &server().await;
    let (token, link) = ticket(server, "ada@example.com", None).await;
    let (outcome, text) = plain_session(server, PlainOptions::default(), |mut input, out| {
        let link = link.clone();
        async move {
            type_line(&mut input, &link).await;
            out.wait_for("A fresh session token is ready").await;
        }
    })
    .await;
    assert!(
        matches!(&outcome, PlainOutcome::SignedIn { session_id } if session_id.starts_with("sess_")),
        "{outcome:?}\n{text}"
    );
    assert!(text.contains("Signed in as Ada Lovelace"), "{text}");
    assert!(!text.contains(&token), "the ticket was printed:\n{text}");
    assert_plain(&text);

    // The used ticket pasted again: refused, and the prompt is still there.
    let (outcome, text) = plain_session(server, PlainOptions::default(), |mut input, out| {
        let token = token.clone();
        async move {
            type_line(&mut input, &token).await;
            out.wait_for("already used").await;
        }
    })
    .await;
    assert!(!matches!(outcome, PlainOutcome::SignedIn { .. }), "{text}");
    assert!(
        text.contains("Error: This sign-in ticket cannot be used"),
        "{text}"
    );
}
