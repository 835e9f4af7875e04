//! Secrets audit: every sign-in flow that carries a secret (password, TOTP, email code, backup
//! code, forgot password -> new password) runs through the real binary - full screen in a pty
//! and `--plain` over pipes - with `RUST_LOG=trace` into `--log-file`, using users whose secrets
//! exist nowhere else; then the log, the raw terminal bytes and stderr are scanned for them.

mod e2e;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use e2e::pty::Term;
use e2e::server::Server;
use e2e::support::totp::totp_now;
use serde_json::json;

/// Why a secret would be found: the forms it could take on its way out.
fn forms(secret: &str) -> Vec<String> {
    use base64::Engine;
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let mut out = vec![
        secret.to_string(),
        form,
        json.trim_matches('"').to_string(),
        base64::engine::general_purpose::STANDARD.encode(secret),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
    ];
    out.sort();
    out.dedup();
    out
}

/// The log's own leading timestamp cannot carry a secret, and its microseconds could look like
/// a 6-digit code: drop it before scanning.
fn without_timestamps(log: &str) -> String {
    log.lines()
        .map(|l| match l.split_once(' ') {
            Some((ts, rest)) if ts.len() > 20 && ts.as_bytes()[4] == b'-' => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every secret (in any of its forms) found in `text`, with where it was found.
fn leaks(place: &str, text: &str, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for secret in secrets {
        for form in forms(secret) {
            if let Some(at) = text.find(&form) {
                let from = at.saturating_sub(60);
                let to = (at + form.len() + 60).min(text.len());
                let near = String::from_utf8_lossy(&text.as_bytes()[from..to]);
                found.push(format!(
                    "{place}: secret {secret:?} as {form:?} near {near:?}"
                ));
            }
        }
    }
    if text.contains("panicked") {
        found.push(format!("{place}: a panic message"));
    }
    found
}

/// What one run of the binary left behind: log file, terminal bytes or stdout, stderr.
struct Evidence {
    log: String,
    output: String,
    stderr: String,
}

fn assert_clean(flow: &str, ev: &Evidence, secrets: &[String]) {
    assert!(
        ev.log.lines().count() > 20,
        "{flow}: the trace log is nearly empty, so the scan would prove nothing:\n{}",
        ev.log
    );
    let mut found = leaks("log file", &without_timestamps(&ev.log), secrets);
    found.extend(leaks("terminal output", &ev.output, secrets));
    found.extend(leaks("stderr", &ev.stderr, secrets));
    assert!(
        found.is_empty(),
        "{flow}: secrets leaked:\n{}",
        found.join("\n")
    );
}

impl Server {
    fn url(&self) -> String {
        self.base_url()
    }

    fn log_path(&self, name: &str) -> PathBuf {
        self.dir_path().join(format!("{name}.log"))
    }
}

/// Secrets that occur nowhere but in this run.
fn unique(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}{}", &id[..12])
}

/// A password with characters that form encoding and JSON change, so those forms are scanned.
fn password() -> String {
    format!("{}#Q !x&", unique("Pw-"))
}

fn totp_secret() -> String {
    totp_rs::Secret::generate().to_base32()
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[path = "secrets_audit/flows.rs"]
mod flows;

#[test]
fn the_scanner_finds_a_planted_secret_in_each_form() {
    let secret = "Planted pw#1&".to_string();
    let secrets = [secret.clone(), "123456".to_string()];
    for text in [
        "DEBUG body password=Planted+pw%231%26 sent".to_string(),
        r#"{"password":"Planted pw#1&"}"#.to_string(),
        format!("osc52 {}", {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&secret)
        }),
        "code=123456".to_string(),
        "thread 'main' panicked at src/x.rs".to_string(),
    ] {
        assert!(
            !leaks("t", &text, &secrets).is_empty(),
            "missed in {text:?}"
        );
    }
    let ev = Evidence {
        log: (0..30).map(|i| format!("line {i}\n")).collect::<String>() + "code 123456",
        output: String::new(),
        stderr: String::new(),
    };
    let caught = std::panic::catch_unwind(|| assert_clean("planted", &ev, &secrets));
    assert!(
        caught.is_err(),
        "assert_clean passed a log holding a secret"
    );
    let log = "2026-11-22T00:55:56.123456Z DEBUG fine\n";
    assert!(leaks("t", &without_timestamps(log), &["123456".into()]).is_empty());
}
