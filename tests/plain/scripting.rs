//! The built binary as a script uses it: non-interactive `sign-in` with NDJSON events, then
//! `token`, `status` and `sign-out` in the same private config dir, and one test per exit code.

use std::process::Stdio;
use std::time::Duration;

use clerk_tui::devserver::Limits;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::harness::{
    GRACE_TOTP, PASSWORD, TempDir, assert_jwt, bin, outbox_code, run, run_with_input, server,
    server_with_limits,
};

fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

fn names(events: &[Value]) -> Vec<&str> {
    events.iter().filter_map(|e| e["event"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_json_then_token_status_and_sign_out() {
    let server = server().await;
    let dir = TempDir::new();
    let url = server.base_url();
    let ran = run(bin(dir.path())
        .args([
            "--frontend-api",
            url,
            "sign-in",
            "--identifier",
            "ada@example.com",
        ])
        .args(["--password-env", "ADA_PW", "--json"])
        .env("ADA_PW", PASSWORD))
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let evs = events(&ran.stdout);
    assert_eq!(
        names(&evs),
        ["needs_first_factor", "complete"],
        "{}",
        ran.stdout
    );
    assert_eq!(evs[0]["strategy"], "password");
    assert!(
        evs[1]["session_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("sess_"))
    );
    assert!(!ran.stdout.contains(PASSWORD) && !ran.stderr.contains(PASSWORD));

    let token = run(bin(dir.path()).args(["--frontend-api", url, "token"])).await;
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert!(token.stdout.ends_with('\n'));
    assert_eq!(token.stdout.lines().count(), 1, "{:?}", token.stdout);
    assert_jwt(token.stdout.trim_end());
    assert!(token.stderr.is_empty(), "{}", token.stderr);

    // $(clerk-tui token) in a shell.
    let shell = run(tokio::process::Command::new("sh")
        .arg("-c")
        .arg(r#"t=$("$BIN" --frontend-api "$URL" token) && printf 'Authorization: Bearer %s' "$t""#)
        .env("BIN", env!("CARGO_BIN_EXE_clerk-tui"))
        .env("URL", url)
        .env("CLERK_TUI_CONFIG_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped()))
    .await;
    assert_eq!(shell.code, 0, "{}", shell.stderr);
    let header = shell
        .stdout
        .strip_prefix("Authorization: Bearer ")
        .expect("header");
    assert_jwt(header);

    let status = run(bin(dir.path()).args(["--frontend-api", url, "status", "--json"])).await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    let s: Value = serde_json::from_str(status.stdout.trim()).expect("one JSON object");
    assert_eq!(s["signed_in"], true);
    assert_eq!(s["identifier"], "ada@example.com");

    let out = run(bin(dir.path()).args(["--frontend-api", url, "sign-out"])).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let status = run(bin(dir.path()).args(["--frontend-api", url, "status", "--json"])).await;
    assert_eq!(status.code, 3, "{}", status.stdout);
    let s: Value = serde_json::from_str(status.stdout.trim()).expect("one JSON object");
    assert_eq!(s["signed_in"], false);
    let token = run(bin(dir.path()).args(["--frontend-api", url, "token"])).await;
    assert_eq!(token.code, 3);
    assert!(token.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_backend_keeps_the_session_between_runs() {
    let dir = TempDir::new();
    let ran = run(bin(dir.path())
        .args([
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--password-stdin",
        ])
        .stdin(Stdio::piped()))
    .await;
    // stdin was piped but empty: the password was needed and not given.
    assert_eq!(ran.code, 3, "{}", ran.stderr);

    let done = run_with_input(
        bin(dir.path()).args([
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--password-stdin",
        ]),
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert!(done.stdout.is_empty(), "without --json stdout stays empty");

    let token = run(bin(dir.path()).arg("token")).await;
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert_jwt(token.stdout.trim_end());
    assert!(dir.path().join("devserver.sqlite3").exists());
    let tokens =
        std::fs::read_to_string(dir.path().join("client-tokens.json")).expect("token file");
    assert!(tokens.contains("\"embedded\""), "{tokens}");
}

#[tokio::test(flavor = "multi_thread")]
async fn email_code_from_stdin_with_ndjson_events() {
    let server = server().await;
    let dir = TempDir::new();
    let mut child = bin(dir.path())
        .args(["--frontend-api", server.base_url(), "sign-in", "--json"])
        .args(["--identifier", "katherine@example.com", "--code-stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    while let Some(line) = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("an event in time")
        .expect("read")
    {
        let event: Value = serde_json::from_str(&line).expect("NDJSON line");
        let name = event["event"].as_str().expect("event name").to_string();
        if name == "code_sent" {
            assert_eq!(event["to"], "katherine@example.com");
            assert_eq!(event["strategy"], "email_code");
            assert!(event["expires_at"].as_i64().is_some());
            let code = outbox_code(&server, "katherine@example.com").await;
            assert!(!line.contains(&code), "the code leaked into an event");
            stdin
                .write_all(format!("{code}\n").as_bytes())
                .await
                .expect("write");
        }
        seen.push(name);
    }
    let status = child.wait().await.expect("exit");
    assert_eq!(status.code(), Some(0));
    assert_eq!(seen, ["needs_first_factor", "code_sent", "complete"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn totp_computed_from_an_environment_secret() {
    let server = server().await;
    let dir = TempDir::new();
    let ran = run(bin(dir.path())
        .args(["--frontend-api", server.base_url(), "sign-in", "--json"])
        .args(["--identifier", "grace@example.com", "--password-env", "PW"])
        .args(["--totp-secret-env", "SEED"])
        .env("PW", PASSWORD)
        .env("SEED", GRACE_TOTP))
    .await;
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let evs = events(&ran.stdout);
    assert_eq!(
        names(&evs),
        ["needs_first_factor", "needs_second_factor", "complete"]
    );
    assert_eq!(evs[1]["strategy"], "totp");
    assert!(!ran.stdout.contains(GRACE_TOTP) && !ran.stderr.contains(GRACE_TOTP));
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_for_each_class() {
    let server = server().await;
    let dir = TempDir::new();
    let url = server.base_url();

    let usage = run(bin(dir.path()).args(["--no-such-flag"])).await;
    assert_eq!(usage.code, 2, "usage");
    let help = run(bin(dir.path()).arg("--help")).await;
    assert!(help.stdout.contains("Exit codes"), "{}", help.stdout);
    assert!(help.stdout.contains("5  locked account, or rate-limited"));

    let typo = run(bin(dir.path())
        .args([
            "--frontend-api",
            url,
            "sign-in",
            "--identifier",
            "ada@example.com",
        ])
        .args(["--strategy", "emial_code"]))
    .await;
    assert_eq!(typo.code, 2, "unknown strategy: {}", typo.stderr);
    assert!(typo.stderr.contains("emial_code"), "{}", typo.stderr);

    let missing = run(bin(dir.path()).args(["--frontend-api", url, "sign-in", "--json"])).await;
    assert_eq!(missing.code, 3, "missing identifier");
    let evs = events(&missing.stdout);
    assert_eq!(evs.last().expect("an event")["event"], "error");
    assert_eq!(evs.last().expect("an event")["exit_code"], 3);

    let no_password = run(bin(dir.path()).args([
        "--frontend-api",
        url,
        "sign-in",
        "--identifier",
        "ada@example.com",
    ]))
    .await;
    assert_eq!(
        no_password.code, 3,
        "missing password: {}",
        no_password.stderr
    );

    let wrong = run(bin(dir.path())
        .args([
            "--frontend-api",
            url,
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--json",
        ])
        .args(["--password-env", "PW"])
        .env("PW", "wrong-password"))
    .await;
    assert_eq!(wrong.code, 4, "wrong password: {}", wrong.stderr);
    let last = events(&wrong.stdout).pop().expect("error event");
    assert_eq!(last["code"], "form_password_incorrect");
    assert!(!wrong.stdout.contains("wrong-password"));

    let unknown = run(bin(dir.path())
        .args([
            "--frontend-api",
            url,
            "sign-in",
            "--identifier",
            "nobody@example.com",
        ])
        .args(["--password-env", "PW"])
        .env("PW", PASSWORD))
    .await;
    assert_eq!(unknown.code, 4, "unknown account: {}", unknown.stderr);

    let locked = run(bin(dir.path())
        .args([
            "--frontend-api",
            url,
            "sign-in",
            "--identifier",
            "locked@example.com",
        ])
        .args(["--password-env", "PW"])
        .env("PW", PASSWORD))
    .await;
    assert_eq!(locked.code, 5, "locked: {}", locked.stderr);

    let unreachable = run(bin(dir.path())
        .args(["--frontend-api", "http://127.0.0.1:1", "sign-in", "--json"])
        .args(["--identifier", "ada@example.com"]))
    .await;
    assert_eq!(unreachable.code, 6, "unreachable: {}", unreachable.stderr);
    let last = events(&unreachable.stdout).pop().expect("error event");
    assert_eq!(last["code"], "network_error");
    assert!(
        unreachable.stderr.starts_with("Error:"),
        "{}",
        unreachable.stderr
    );

    let remote = run(bin(dir.path()).args(["serve", "--addr", "0.0.0.0:0"])).await;
    assert_eq!(remote.code, 2, "{}", remote.stderr);
    assert!(remote.stderr.contains("--allow-remote"));
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_sign_in_exits_5() {
    let server = server_with_limits(Limits {
        rate_limit_requests: 1,
        rate_limit_window: Duration::from_secs(60),
        ..Limits::default()
    })
    .await;
    let dir = TempDir::new();
    let ran = run(bin(dir.path())
        .args(["--frontend-api", server.base_url(), "sign-in", "--json"])
        .args(["--identifier", "ada@example.com", "--password-env", "PW"])
        .env("PW", PASSWORD))
    .await;
    assert_eq!(ran.code, 5, "{}\n{}", ran.stdout, ran.stderr);
    let last = events(&ran.stdout).pop().expect("error event");
    assert_eq!(last["event"], "error");
    assert_eq!(last["code"], "too_many_requests");
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_forgets_the_token_when_the_server_is_gone() {
    let server = server().await;
    let dir = TempDir::new();
    let url = server.base_url().to_string();
    let ran = run(bin(dir.path())
        .args([
            "--frontend-api",
            &url,
            "sign-in",
            "--identifier",
            "ada@example.com",
        ])
        .args(["--password-env", "PW"])
        .env("PW", PASSWORD))
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let key = url.trim_start_matches("http://").to_string();
    let file = dir.path().join("client-tokens.json");
    assert!(std::fs::read_to_string(&file).expect("file").contains(&key));
    server.shutdown().await.expect("server stops");

    let out = run(bin(dir.path()).args(["--frontend-api", &url, "sign-out"])).await;
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("local client token was removed"),
        "{}",
        out.stderr
    );
    assert!(!std::fs::read_to_string(&file).expect("file").contains(&key));
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_flag_with_pipes_prints_no_escapes() {
    let server = server().await;
    let dir = TempDir::new();
    let done = run_with_input(
        bin(dir.path()).args(["--frontend-api", server.base_url(), "--plain"]),
        &format!("ada@example.com\n{PASSWORD}\n"),
    )
    .await;
    let text = done.stdout.clone();
    assert_eq!(done.code, 0, "{text}");
    crate::harness::assert_plain(&text);
    assert!(text.contains("Signed in as Ada Lovelace"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn strategy_flag_picks_the_email_link_and_a_backup_code() {
    let server = server().await;
    let dir = TempDir::new();
    let mut child = bin(dir.path())
        .args(["--frontend-api", server.base_url(), "sign-in", "--json"])
        .args([
            "--identifier",
            "hedy@example.com",
            "--strategy",
            "email_link",
        ])
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    while let Some(line) = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("an event in time")
        .expect("read")
    {
        let event: Value = serde_json::from_str(&line).expect("NDJSON line");
        let name = event["event"].as_str().expect("event name").to_string();
        if name == "link_sent" {
            let link = crate::harness::outbox_link(&server, "hedy@example.com").await;
            assert!(!line.contains(&link), "the link leaked into an event");
            let page = reqwest::get(&link).await.expect("the link opens");
            assert!(page.status().is_success());
        }
        seen.push(name);
    }
    assert_eq!(child.wait().await.expect("exit").code(), Some(0));
    assert_eq!(seen.first().map(String::as_str), Some("needs_first_factor"));
    assert!(seen.contains(&"link_sent".to_string()), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("complete"));

    // barbara with her password and a backup code, on the same client.
    let barbara = || async {
        run_with_input(
            bin(dir.path())
                .args(["--frontend-api", server.base_url(), "sign-in"])
                .args([
                    "--identifier",
                    "barbara@example.com",
                    "--password-stdin",
                    "--code-stdin",
                ])
                .args(["--strategy", "backup_code"]),
            &format!("{PASSWORD}\nbackup02\n"),
        )
        .await
    };
    let done = barbara().await;
    let err = done.stderr.clone();
    // hedy is still signed in on this client: barbara is refused rather than mixed in.
    assert_eq!(done.code, 1, "{err}");
    assert!(
        err.contains("Already signed in as hedy@example.com"),
        "{err}"
    );

    let out = run(bin(dir.path()).args(["--frontend-api", server.base_url(), "sign-out"])).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let done = barbara().await;
    let err = done.stderr.clone();
    assert_eq!(done.code, 0, "{err}");
    assert!(err.contains("Signed in as barbara@example.com"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_then_sign_in_token_with_template_and_sign_out_all() {
    let dir = TempDir::new();
    let mut serve = bin(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--ephemeral"])
        .spawn()
        .expect("spawn serve");
    let mut lines = BufReader::new(serve.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the banner in time")
            .expect("read")
            .expect("a banner line");
        if let Some(rest) = line.trim().strip_prefix("Frontend API") {
            break rest.trim().to_string();
        }
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let ran = run(bin(dir.path())
        .args([
            "--frontend-api",
            &url,
            "sign-in",
            "--identifier",
            "ada@example.com",
        ])
        .args(["--password-env", "PW"])
        .env("PW", PASSWORD))
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let token =
        run(bin(dir.path()).args(["--frontend-api", &url, "token", "--template", "api"])).await;
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert_jwt(token.stdout.trim_end());

    let out = run(bin(dir.path()).args(["--frontend-api", &url, "sign-out", "--all"])).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Signed out of every session."),
        "{}",
        out.stderr
    );
    let status = run(bin(dir.path()).args(["--frontend-api", &url, "status"])).await;
    assert_eq!(status.code, 3);
    assert!(
        status.stdout.starts_with("Not signed in"),
        "{}",
        status.stdout
    );
    serve.kill().await.expect("stop serve");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_of_the_embedded_backend_names_it_not_its_port() {
    let dir = TempDir::new();
    let ran = run(bin(dir.path())
        .args([
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--password-env",
            "PW",
        ])
        .env("PW", PASSWORD))
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let status = run(bin(dir.path()).args(["status", "--json"])).await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    let s: Value = serde_json::from_str(status.stdout.trim()).expect("one JSON object");
    assert_eq!(s["frontend_api"], "embedded");
    assert_eq!(s["signed_in"], true);
    let status = run(bin(dir.path()).arg("status")).await;
    assert!(
        status
            .stdout
            .starts_with("Signed in as ada@example.com at the embedded development server."),
        "{}",
        status.stdout
    );
}
