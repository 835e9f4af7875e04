//! Loads the real Clerk responses under `clerk/recorded/` with their placeholders substituted
//! (as tests/data/clerk/README.md documents), ready to replay or to validate.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::OpenApi;

pub struct Recorded {
    /// Path below `recorded/`, e.g. `clerk_auth/sign_in_test/sign_in_with_password/003.json`.
    pub file: String,
    pub method: String,
    /// Concrete path, ids substituted.
    pub path: String,
    pub body: Value,
}

/// Every recording, sorted by file name.
pub fn all() -> Vec<Recorded> {
    let root = OpenApi::clerk_dir().join("recorded");
    let mut files = Vec::new();
    collect_json(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no recordings under {}", root.display());
    files
        .iter()
        .map(|file| read_recording(&root, file))
        .collect()
}

fn read_recording(root: &Path, file: &Path) -> Recorded {
    let raw = std::fs::read_to_string(file).expect("readable recording");
    // Placeholders are JSON strings, so the raw file parses; substitute on the tree.
    let mut doc: Value = serde_json::from_str(&raw).expect("recording is JSON");
    let key = doc["key"].as_str().expect("recording has a key").to_owned();
    let mut words = key.split_whitespace();
    let method = words.next().expect("key has a method").to_owned();
    let path = words
        .next()
        .expect("key has a path")
        .replace("SIGN_IN_ID", "sia_2yQbZ0rec");
    let mut body = doc["body"].take();
    substitute(&mut body);
    repair_harness_artefacts(&mut body);
    let text = body.to_string();
    assert!(
        !text.contains("%%"),
        "unknown placeholder left in {}",
        file.display()
    );
    Recorded {
        file: file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string(),
        method,
        path,
        body,
    }
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable recorded dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

/// Placeholders as documented in tests/data/clerk/README.md.
fn substitute(value: &mut Value) {
    const BASE_MS: i64 = 1_763_700_000_000;
    match value {
        Value::String(text) => {
            if let Some(offset) = text
                .strip_prefix("%%DATETIME ")
                .and_then(|rest| rest.strip_suffix("%%"))
            {
                let minutes: i64 = offset.trim().parse().expect("DATETIME offset");
                *value = json!(BASE_MS + minutes * 60_000);
                return;
            }
            let replacement = match text.as_str() {
                "%%EMAIL%%" => "ada+clerk_test@example.com",
                "%%PHONE%%" => "+15555550100",
                "%%FIRSTNAME%%" => "Ada",
                "%%LASTNAME%%" => "Lovelace",
                "URL" => "https://example.accounts.dev/path",
                "CLIENT_ID" => "client_2yQbZ0rec",
                "SIGN_IN_ID" => "sia_2yQbZ0rec",
                "SESSION_ID" => "sess_2yQbZ0rec",
                "USER_ID" => "user_2yQbZ0rec",
                "IDENTIFIER_ID" => "idn_2yQbZ0rec",
                _ => return,
            };
            *value = json!(replacement);
        }
        Value::Array(items) => items.iter_mut().for_each(substitute),
        Value::Object(members) => members.values_mut().for_each(substitute),
        _ => {}
    }
}

/// The recording harness rewrote by pattern, not by meaning: it turned the environment's
/// `auth_config.first_name/last_name/email_address` settings ("on"/"off"/"required") into
/// person placeholders, and the key `user_api_keys_enabled` into `USER_ID`. Undo exactly that,
/// so the schema judges what Clerk sent rather than what the harness wrote.
fn repair_harness_artefacts(body: &mut Value) {
    if let Some(Value::Object(auth)) = body.get_mut("auth_config") {
        for setting in ["first_name", "last_name", "email_address"] {
            if let Some(value) = auth.get_mut(setting) {
                *value = json!("on");
            }
        }
    }
    if let Some(Value::Object(keys)) = body.get_mut("api_keys_settings")
        && let Some(flag) = keys.remove("USER_ID")
    {
        keys.insert("user_api_keys_enabled".into(), flag);
    }
}

/// The one recording whose file ends with `suffix`.
pub fn one(suffix: &str) -> Recorded {
    all()
        .into_iter()
        .find(|rec| rec.file.ends_with(suffix))
        .unwrap_or_else(|| panic!("no recording {suffix}"))
}
