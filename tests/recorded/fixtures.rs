//! Loading the recorded Frontend API responses: find the vendored folder, substitute the
//! recording harness's placeholders with realistic values, and parse each body with the model
//! its request key calls for.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use clerk_tui::fapi::{Client, Envelope, Environment, Session, SignIn, Token, User};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Base of the substituted timestamps: `%%DATETIME n%%` becomes `T0 + n * STEP_MS`.
pub const T0: i64 = 1_763_769_600_000;
pub const STEP_MS: i64 = 600_000;

pub const CLIENT_ID: &str = "client_35QxW0rRecordedClient01";
pub const SIGN_IN_ID: &str = "sia_35QxW0rRecordedSignIn01";
pub const SESSION_ID: &str = "sess_35QxW0rRecordedSession1";
pub const USER_ID: &str = "user_35QxW0rRecordedUser001";
pub const IDENTIFIER_ID: &str = "idn_35QxW0rRecordedIdent01";
pub const EMAIL: &str = "ada+clerk_test@example.com";
pub const PHONE: &str = "+12015550100";
pub const FIRST_NAME: &str = "Ada";
pub const LAST_NAME: &str = "Lovelace";
pub const URL: &str = "https://example.com/recorded";

/// One recorded request/response, placeholders substituted.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Path below the `recorded` folder, e.g. `clerk_auth/sign_in_test/sign_in_with_password/003.json`.
    pub rel_path: String,
    /// The folder of the flow, e.g. `clerk_auth/sign_in_test/sign_in_with_password`.
    pub flow: String,
    pub method: String,
    pub path: String,
    pub body: Value,
}

/// A body parsed with the model its request key calls for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Environment(Box<Environment>),
    SignIn(Box<Envelope<SignIn>>),
    Client(Box<Envelope<Client>>),
    Session(Box<Envelope<Session>>),
    User(Box<Envelope<User>>),
    Token(Token),
}

/// The `recorded` folder vendored in the repository (`tests/data/clerk/recorded`).
pub fn recorded_dir() -> PathBuf {
    crate::support::data::recorded_dir()
}

/// Every `.json` file below `dir`, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", current.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Replaces the harness's placeholders (see `tests/data/clerk/README.md`).
pub fn substitute(raw: &str) -> String {
    let mut text = substitute_datetimes(raw);
    for (token, value) in [
        ("CLIENT_ID", CLIENT_ID),
        ("SIGN_IN_ID", SIGN_IN_ID),
        ("SESSION_ID", SESSION_ID),
        ("USER_ID", USER_ID),
        ("IDENTIFIER_ID", IDENTIFIER_ID),
        ("%%EMAIL%%", EMAIL),
        ("%%PHONE%%", PHONE),
        ("%%FIRSTNAME%%", FIRST_NAME),
        ("%%LASTNAME%%", LAST_NAME),
    ] {
        text = replace_token(&text, token, value);
    }
    text.replace("\"URL\"", &format!("\"{URL}\""))
}

/// `"%%DATETIME n%%"` (with its quotes) becomes an unquoted integer millisecond timestamp.
fn substitute_datetimes(raw: &str) -> String {
    const OPEN: &str = "\"%%DATETIME ";
    const CLOSE: &str = "%%\"";
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let end = after
            .find(CLOSE)
            .expect("unterminated DATETIME placeholder");
        let n: i64 = after[..end].trim().parse().expect("DATETIME offset");
        out.push_str(&(T0 + n * STEP_MS).to_string());
        rest = &after[end + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// Replaces whole-word occurrences only, so `GOOGLE_ONE_TAP_CLIENT_ID` keeps its text.
fn replace_token(text: &str, token: &str, value: &str) -> String {
    let is_word = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(token) {
        let before = text[..at].chars().next_back();
        let after = text[at + token.len()..].chars().next();
        if before.is_some_and(is_word) || after.is_some_and(is_word) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(value);
        last = at + token.len();
    }
    out.push_str(&text[last..]);
    out
}

pub fn load(root: &Path, file: &Path) -> Recording {
    let raw = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let rel = file.strip_prefix(root).expect("file below root");
    let rel_path = rel.to_string_lossy().replace('\\', "/");
    let flow = rel
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let text = substitute(&raw);
    assert!(
        !text.contains("%%"),
        "{rel_path}: a placeholder was left unsubstituted"
    );
    let mut doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel_path}: not JSON: {e}"));
    let key = doc["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{rel_path}: no \"key\""))
        .to_owned();
    let mut words = key.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let path = words.next().unwrap_or_default().to_owned();
    Recording {
        rel_path,
        flow,
        method,
        path,
        body: doc["body"].take(),
    }
}

/// All recordings, in folder and file order.
pub fn load_all() -> Vec<Recording> {
    let root = recorded_dir();
    json_files(&root).iter().map(|f| load(&root, f)).collect()
}

/// The recordings of one flow folder, in request order.
pub fn flow(name: &str) -> Vec<(Recording, Parsed)> {
    let flow: Vec<_> = load_all()
        .into_iter()
        .filter(|r| r.flow == name)
        .map(|r| {
            let parsed = parse(&r);
            (r, parsed)
        })
        .collect();
    assert!(!flow.is_empty(), "no recordings for flow {name}");
    flow
}

/// Parses a body with the model named by its method and path; an endpoint without a model
/// fails, so a new kind of recording cannot slip through unparsed.
pub fn parse(r: &Recording) -> Parsed {
    let segments: Vec<&str> = r.path.trim_matches('/').split('/').collect();
    match (r.method.as_str(), segments.as_slice()) {
        ("GET", ["v1", "environment"]) => Parsed::Environment(Box::new(strict(r))),
        (_, ["v1", "client"]) => Parsed::Client(Box::new(strict(r))),
        (_, ["v1", "client", "sign_ins", ..]) => Parsed::SignIn(Box::new(strict(r))),
        (_, ["v1", "client", "sessions", _, "tokens", ..]) => Parsed::Token(strict(r)),
        (_, ["v1", "client", "sessions", ..]) => Parsed::Session(Box::new(strict(r))),
        (_, ["v1", "me"]) => Parsed::User(Box::new(strict(r))),
        _ => panic!(
            "{}: no model chosen for {} {}",
            r.rel_path, r.method, r.path
        ),
    }
}

fn strict<T: DeserializeOwned>(r: &Recording) -> T {
    serde_json::from_value(r.body.clone())
        .unwrap_or_else(|e| panic!("{}: does not parse: {e}", r.rel_path))
}

/// Serialize -> Deserialize gives back the same value, and returns the serialized form.
pub fn round_trip<T>(value: &T, what: &str) -> Value
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_value(value).unwrap_or_else(|e| panic!("{what}: serialize: {e}"));
    let back: T =
        serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{what}: re-parse: {e}"));
    assert_eq!(&back, value, "{what}: round trip changed the value");
    json
}

/// Checks that what the models write back matches the recorded wire form wherever both have
/// a key, and collects the keys the models write that the recording lacks.
pub fn assert_wire_subset(ours: &Value, wire: &Value, at: &str, extra: &mut BTreeSet<String>) {
    match (ours, wire) {
        (Value::Object(o), Value::Object(w)) => {
            for (key, value) in o {
                match w.get(key) {
                    Some(wire_value) => {
                        assert_wire_subset(value, wire_value, &format!("{at}.{key}"), extra)
                    }
                    None => {
                        extra.insert(key.clone());
                    }
                }
            }
        }
        (Value::Array(o), Value::Array(w)) => {
            assert_eq!(o.len(), w.len(), "{at}: list length differs");
            for (i, (a, b)) in o.iter().zip(w).enumerate() {
                assert_wire_subset(a, b, &format!("{at}[{i}]"), extra);
            }
        }
        // A wire `null` may come back as the type's empty value (lists, flags).
        (Value::Array(o), Value::Null) if o.is_empty() => {}
        (Value::Bool(false), Value::Null) => {}
        (a, b) => assert_eq!(a, b, "{at}: model writes a different value than the wire"),
    }
}
