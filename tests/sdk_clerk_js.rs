//! Clerk's own JavaScript SDK (`@clerk/clerk-js`, pinned in tests/sdk/package.json) signs in
//! against the embedded development server: in headless Chromium (browser bundle) and in Node
//! (the React Native build wired like Clerk's Expo SDK). Sets up Chromium and Node's packages
//! with `.ci/sdk-setup` when missing; skips where that is impossible (fails under `CI=true`).

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde_json::Value;
use support::prereq::{Need, ensure_prerequisites, sdk_dir};

const PASSWORD_USER: &str = "ada@example.com";
const CODE_USER: &str = "katherine@example.com";
const LINK_USER: &str = "hedy@example.com";
const RESET_USER: &str = "edsger@example.com";
const TRUST_USER: &str = "donald@example.com";
/// How clerk-js runs, and the TOTP user each run signs in as (a TOTP code is accepted once per
/// 30 s step, so runs cannot share one; the seed has two TOTP users, `browser_localhost` gets none).
/// `browser`: page and server on 127.0.0.1; `browser_localhost`: page on localhost, `proxyUrl`
/// http://localhost:PORT; `native`: the React Native build in Node, wired like Clerk's Expo SDK.
const MODES: [(&str, Option<&str>); 3] = [
    ("browser", Some("grace@example.com")),
    ("browser_localhost", None),
    ("native", Some("barbara@example.com")),
];
const NODE_TIMEOUT: Duration = Duration::from_secs(180);

fn flows_of(totp_user: Option<&str>) -> Vec<&'static str> {
    let mut flows = vec!["load", "password", "password_incorrect"];
    if totp_user.is_some() {
        flows.push("password_totp");
    }
    flows.extend([
        "email_code",
        "reset_password",
        "client_trust",
        "email_link",
        "stay_signed_in",
    ]);
    flows
}

async fn seeded_user_id(base_url: &str, email: &str) -> String {
    let users: Value = reqwest::get(format!("{base_url}/__dev/users"))
        .await
        .expect("GET /__dev/users")
        .json()
        .await
        .expect("users JSON");
    users
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["email_address"] == email)
        .and_then(|u| u["id"].as_str())
        .unwrap_or_else(|| panic!("seed has no user {email}"))
        .to_string()
}

async fn run_harness(server: &DevServerHandle, chromium: &Path) -> Value {
    let script = sdk_dir().join("run.mjs");
    let child = tokio::process::Command::new("node")
        .arg(&script)
        .arg(server.base_url())
        .args(["--publishable-key", &server.publishable_key()])
        .args(["--mode", "all", "--chromium"])
        .arg(chromium)
        .args(["--password-user", PASSWORD_USER, "--code-user", CODE_USER])
        .args(["--link-user", LINK_USER, "--reset-user", RESET_USER])
        .args(["--trust-user", TRUST_USER])
        .args(["--totp-user", MODES[0].1.unwrap_or_default()])
        .args(["--totp-user-native", MODES[2].1.unwrap_or_default()])
        .current_dir(sdk_dir())
        .env("CLERK_TELEMETRY_DISABLED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start node tests/sdk/run.mjs");
    let output = tokio::time::timeout(NODE_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("run.mjs took longer than {NODE_TIMEOUT:?}"))
        .expect("wait for run.mjs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("--- run.mjs stderr ---\n{stderr}--- end ---");
    assert!(
        output.status.success(),
        "run.mjs failed ({}); stderr above",
        output.status
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "run.mjs printed no JSON report ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Every request the SDK made that the server answered 4xx/5xx or that never completed, each
/// printed; returned are those that count as failures (all but the one 422 per mode that the
/// wrong-password flow provokes on purpose).
fn failed_requests(mode: &str, report: &Value) -> Vec<String> {
    let mut expected_rejection = true;
    let mut unexpected = Vec::new();
    for r in report["requests"].as_array().into_iter().flatten() {
        if r["status"].as_u64().is_some_and(|s| s < 400) {
            continue;
        }
        let line = format!(
            "{mode}: {} {}{} -> {}",
            r["method"].as_str().unwrap_or("?"),
            r["path"].as_str().unwrap_or("?"),
            r["query"].as_str().unwrap_or(""),
            r["status"]
                .as_u64()
                .map(|s| s.to_string())
                .unwrap_or_else(|| r["failure"].to_string()),
        );
        let wrong_password = r["path"] == "/v1/client/sign_ins" && r["status"] == 422;
        if wrong_password && std::mem::take(&mut expected_rejection) {
            eprintln!("  {line} (expected: the wrong-password flow)");
        } else {
            eprintln!("  {line}");
            unexpected.push(line);
        }
    }
    unexpected
}

fn flow<'a>(report: &'a Value, name: &str) -> Option<&'a Value> {
    report["flows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["name"] == name)
}

/// The session JWT clerk-js got verifies against the server's JWKS and names the right session.
async fn check_token(server: &DevServerHandle, mode: &str, name: &str, f: &Value, user_id: &str) {
    let jwt = f["jwt"].as_str().expect("flow result carries the jwt");
    let jwks: JwkSet = reqwest::get(format!("{}/.well-known/jwks.json", server.base_url()))
        .await
        .expect("GET JWKS")
        .json()
        .await
        .expect("JWKS JSON");
    let kid = decode_header(jwt).ok().and_then(|h| h.kid);
    let jwk = kid
        .as_deref()
        .and_then(|k| jwks.find(k))
        .unwrap_or_else(|| panic!("{mode}/{name}: token's kid {kid:?} is not in the JWKS"));
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[server.base_url()]);
    let claims = decode::<Value>(jwt, &DecodingKey::from_jwk(jwk).expect("JWK"), &validation)
        .unwrap_or_else(|e| panic!("{mode}/{name}: session token does not verify: {e}"))
        .claims;
    assert_eq!(claims["sub"], user_id, "{mode}/{name}: sub");
    assert_eq!(claims["sid"], f["session_id"], "{mode}/{name}: sid");
    assert_eq!(
        claims, f["claims"],
        "{mode}/{name}: clerk-js decoded other claims"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clerk_js_signs_in_against_the_devserver() {
    let Some(found) = ensure_prerequisites(
        "tests/sdk_clerk_js.rs (Clerk's JS SDK in Chromium and Node)",
        "CLERK_TUI_SKIP_SDK",
        &[Need::Chromium, Need::NodeSdk],
    ) else {
        return;
    };
    let chromium = found.chromium.expect("ensure_prerequisites found Chromium");

    let server = DevServer::start(DevServerConfig::default())
        .await
        .expect("start the development server");
    let password_user = seeded_user_id(server.base_url(), PASSWORD_USER).await;
    let code_user = seeded_user_id(server.base_url(), CODE_USER).await;
    let link_user = seeded_user_id(server.base_url(), LINK_USER).await;
    let reset_user = seeded_user_id(server.base_url(), RESET_USER).await;
    let trust_user = seeded_user_id(server.base_url(), TRUST_USER).await;
    let report = run_harness(&server, &chromium).await;

    eprintln!("requests clerk-js made that the server answered with 4xx/5xx (or that failed):");
    let mut refused = Vec::new();
    for (mode, _) in MODES {
        refused.extend(failed_requests(mode, &report["modes"][mode]));
    }
    if refused.is_empty() {
        eprintln!("  (none unexpected)");
    }

    let mut failures = Vec::new();
    for (mode, totp) in MODES {
        let m = &report["modes"][mode];
        if let Some(fatal) = m["fatal"].as_str() {
            failures.push(format!("{mode}: harness error: {fatal}"));
            continue;
        }
        for name in flows_of(totp) {
            match flow(m, name) {
                None => failures.push(format!("{mode}/{name}: did not run")),
                Some(f) if f["ok"] != true => failures.push(format!(
                    "{mode}/{name}: {} (steps: {})",
                    f["error"], f["steps"]
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "clerk-js flows failed:\n  {}\nrequests refused:\n  {}",
        failures.join("\n  "),
        refused.join("\n  ")
    );

    for (mode, totp) in MODES {
        let m = &report["modes"][mode];
        let load = flow(m, "load").expect("load ran");
        assert_eq!(load["status"], "ready", "{mode}: clerk.status after load");
        assert_eq!(load["instance_type"], "development");
        assert_eq!(load["instance_environment_type"], "development");
        let wrong = flow(m, "password_incorrect").expect("flow ran");
        assert!(
            wrong["error_seen"]["codes"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c == "form_password_incorrect")),
            "{mode}: a wrong password must surface form_password_incorrect: {wrong}"
        );
        assert_eq!(
            flow(m, "reset_password").expect("flow ran")["after_code_status"],
            "needs_new_password"
        );
        assert_eq!(
            flow(m, "client_trust").expect("flow ran")["first_status"],
            "needs_client_trust"
        );
        let mut signed_in = vec![
            ("password", password_user.clone()),
            ("email_code", code_user.clone()),
            ("email_link", link_user.clone()),
            ("reset_password", reset_user.clone()),
            ("client_trust", trust_user.clone()),
            ("stay_signed_in", password_user.clone()),
        ];
        if let Some(email) = totp {
            assert_eq!(
                flow(m, "password_totp").expect("flow ran")["first_status"],
                "needs_second_factor"
            );
            signed_in.push((
                "password_totp",
                seeded_user_id(server.base_url(), email).await,
            ));
        }
        for (name, user_id) in &signed_in {
            let (name, user_id) = (*name, user_id.as_str());
            let f = flow(m, name).expect("flow ran");
            if name == "stay_signed_in" {
                // The reloaded page / restarted process found the session it left behind.
                assert_eq!(f["resumed_session_id"], f["before"]["session_id"], "{mode}");
            } else {
                assert_eq!(f["sign_in_status"], "complete", "{mode}/{name}");
                assert_eq!(f["active_session_id"], f["session_id"], "{mode}/{name}");
            }
            assert_eq!(f["user_id"], user_id, "{mode}/{name}: clerk.user");
            assert_eq!(f["signed_out"], true, "{mode}/{name}: signOut()");
            check_token(&server, mode, name, f, user_id).await;
        }
        eprintln!(
            "{mode}: every flow ({}) complete",
            flows_of(totp).join(", ")
        );
    }
    assert_eq!(
        report["modes"]["native"]["client_token_saved"], true,
        "native: no Authorization header came back to save as the client token"
    );
    assert!(
        refused.is_empty(),
        "clerk-js completed its flows, but the server refused some of its requests:\n  {}",
        refused.join("\n  ")
    );
    server.shutdown().await.expect("shutdown");
}
