//! A hostile Frontend API on 127.0.0.1 for the attacks: every request is answered by a
//! closure the test writes (any status, headers, body, or an endless stream), and the binary
//! run against it with a private config directory.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};
use serde_json::{Value, json};

/// What the hostile server sends back for one request.
pub type Script = Arc<dyn Fn(&Method, &str) -> Response<Body> + Send + Sync>;

pub struct Hostile {
    pub url: String,
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    pub async fn start(script: Script) -> Hostile {
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let script = script.clone();
            async move { script(req.method(), req.uri().path()) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Hostile {
            url: format!("http://127.0.0.1:{port}"),
            port,
            task,
        }
    }

    /// The key the client files this server's token under.
    pub fn store_key(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

pub fn json_reply(status: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

/// `len` bytes of a JSON-looking body, streamed in 64 KiB chunks without a `Content-Length`;
/// `sent` counts what actually left the server before the client hung up.
pub fn endless_body(len: usize, sent: Arc<AtomicUsize>) -> Response<Body> {
    const CHUNK: usize = 64 * 1024;
    let chunks = len.div_ceil(CHUNK);
    let stream = futures::stream::iter(0..chunks).map(move |i| {
        let n = CHUNK.min(len - i * CHUNK);
        sent.fetch_add(n, Ordering::SeqCst);
        let mut chunk = vec![b' '; n];
        if i == 0 {
            chunk[0] = b'[';
        }
        Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk))
    });
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap_or_default()
}

use futures::StreamExt as _;

/// Every byte sequence the attacks hide in server text: OSC 52 (clipboard write), clear
/// screen, a title change, BEL, NUL, a C1 CSI, bidi overrides.
pub const PAYLOAD: &str =
    "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{1b}]0;pwned\u{7}\u{7}\u{0}\u{9b}31m\u{202e}\u{2066}";

/// What must never reach stdout or stderr.
pub fn assert_clean(what: &str, text: &str) {
    for (c, name) in [
        ('\u{1b}', "ESC"),
        ('\u{7}', "BEL"),
        ('\u{0}', "NUL"),
        ('\u{9b}', "C1 CSI"),
        ('\u{202e}', "RLO"),
        ('\u{2066}', "LRI"),
    ] {
        assert!(!text.contains(c), "{what} carries {name}: {text:?}");
    }
}

/// A header `{"alg":"RS256"}` and empty claims: the shape of a token, unsigned.
pub fn jwt_shaped(sig: &str) -> String {
    format!("eyJhbGciOiJSUzI1NiJ9.e30.{sig}")
}

pub fn session(id: &str, user_id: &str, identifier: &str) -> Value {
    json!({"object": "session", "id": id, "status": "active", "expire_at": 4_000_000_000_000i64,
           "abandon_at": 4_000_000_000_000i64, "last_active_at": 1, "last_active_token": null,
           "user": {"object": "user", "id": user_id, "first_name": "Eve",
                    "email_addresses": [], "phone_numbers": [], "password_enabled": true},
           "public_user_data": {"identifier": identifier}})
}

/// A client signed in to `session`.
pub fn signed_in_client(session: Value) -> Value {
    let id = session["id"].clone();
    json!({"response": {"object": "client", "id": "client_1", "sessions": [session],
                        "sign_in": null, "sign_up": null, "last_active_session_id": id,
                        "created_at": 1, "updated_at": 2},
           "client": null})
}

/// A config directory holding a client token for `server`, as a real sign-in leaves it.
pub fn config_with_token(dir: &Path, store_key: &str) {
    let text = json!({"device_id": "2b6f0cc9-0f4e-4bb2-9f0a-6a0c8a5b9e00",
                      "tokens": {store_key: "Bearer client-token"}})
    .to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(dir.join("client-tokens.json"))
        .expect("token file");
    std::io::Write::write_all(&mut file, text.as_bytes()).expect("written");
}

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the real binary with `args` and a config directory; stdin is `input`.
pub async fn run_bin(config: &Path, args: &[&str], env: &[(&str, &str)], input: &str) -> Ran {
    use tokio::io::AsyncWriteExt;
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_clerk-tui"));
    cmd.arg("--config-dir")
        .arg(config)
        .args(args)
        .env_remove("CLERK_PUBLISHABLE_KEY")
        .env_remove("CLERK_TUI_LOG")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes()).await;
    }
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the binary ends within 60 s")
        .expect("its output");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
