//! `clerk-tui doctor` as a user runs it: the real binary, a private config directory, and a
//! Frontend API that is either unreachable, the in-process emulator, or the embedded one.

use std::process::{Command, Output};

mod support;

use clerk_tui::devserver::{DbLocation, DevServerConfig};
use support::server::Background;

fn doctor(config_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clerk-tui"))
        .arg("doctor")
        .args(args)
        .arg("--config-dir")
        .arg(config_dir)
        .env_remove("CLERK_PUBLISHABLE_KEY")
        .env_remove("CLERK_FRONTEND_API")
        .env_remove("CLERK_TUI_CONFIG_DIR")
        .env_remove("NO_COLOR")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C.UTF-8")
        .env("TERM", "xterm-256color")
        .output()
        .expect("the binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} check in {report:#}"))
}

#[test]
fn json_report_against_the_embedded_server_has_every_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = doctor(dir.path(), &["--json"]);
    let report = json(&out);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "terminal",
            "terminal_size",
            "locale",
            "colour",
            "headless",
            "browser_sign_in",
            "frontend_api",
            "clock",
            "keyring",
            "token_storage"
        ]
    );
    for c in report["checks"].as_array().expect("array") {
        let status = c["status"].as_str().expect("status");
        assert!(["pass", "warn", "fail"].contains(&status), "{c}");
        if status != "pass" {
            assert!(c["fix"].is_string(), "a {status} without a fix: {c}");
        }
    }
    assert_eq!(
        check(&report, "frontend_api")["status"],
        "pass",
        "{report:#}"
    );
    assert!(
        check(&report, "frontend_api")["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("(embedded server)")
    );
    assert_eq!(check(&report, "clock")["status"], "pass");
    assert_eq!(check(&report, "locale")["status"], "pass");
    assert_eq!(check(&report, "token_storage")["status"], "pass");
    // Not a terminal under the test harness: a warning, not a failure.
    assert_eq!(check(&report, "terminal")["status"], "warn");
    assert_eq!(report["ok"], true);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    // The embedded server ran in memory: the doctor wrote nothing to the config directory.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn unreachable_frontend_api_fails_readably_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = doctor(dir.path(), &["--frontend-api", "http://127.0.0.1:9"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("[FAIL] frontend_api: cannot reach the Frontend API at http://127.0.0.1:9 (--frontend-api): could not connect"),
        "{text}"
    );
    assert!(
        text.contains("Fix: check the URL or key, your network"),
        "{text}"
    );
    assert!(text.contains("[WARN] clock: not checked"), "{text}");
    assert!(
        text.ends_with("1 check(s) failed, 3 warning(s). Exit status 1.\n"),
        "{text}"
    );
    // No colour codes when stdout is not a terminal.
    assert!(!text.contains('\x1b'));
}

#[test]
fn in_process_dev_server_passes_and_lists_strategies() {
    let server = Background::start_with(DevServerConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        db: DbLocation::Ephemeral,
        ..Default::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let out = doctor(
        dir.path(),
        &["--json", "--frontend-api", &server.base_url()],
    );
    let report = json(&out);
    let api = check(&report, "frontend_api");
    assert_eq!(api["status"], "pass", "{report:#}");
    let details = api["details"].to_string();
    assert!(details.contains("instance: development"), "{details}");
    assert!(
        details.contains("first factors: ") && details.contains("password"),
        "{details}"
    );
    assert!(details.contains("second factors: totp"), "{details}");
    assert!(details.contains("social providers: "), "{details}");
    assert_eq!(check(&report, "clock")["status"], "pass");
    let port = server
        .base_url()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let stored = check(&report, "token_storage")["details"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(stored.contains(&format!("127.0.0.1:{port}")), "{stored}");
    assert_eq!(out.status.code(), Some(0));
    server.shutdown();
}

#[cfg(unix)]
#[test]
fn readable_token_file_fails_with_the_chmod_to_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let file = dir.path().join("client-tokens.json");
    std::fs::write(&file, r#"{"device_id":"d","tokens":{"embedded":"t"}}"#).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = doctor(dir.path(), &["--json"]);
    let report = json(&out);
    let storage = check(&report, "token_storage");
    assert_eq!(storage["status"], "fail", "{report:#}");
    assert_eq!(
        storage["fix"].as_str().unwrap_or_default(),
        format!("run `chmod 600 {}`", file.display())
    );
    assert!(
        storage["details"][0]
            .as_str()
            .unwrap_or_default()
            .starts_with("a client token is stored for embedded")
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report["ok"], false);
}
