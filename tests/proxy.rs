//! Reaching a real Clerk instance from a locked-down server: the built binary honours
//! `HTTPS_PROXY` (a CONNECT tunnel) and `NO_PROXY`, and trusts the system's CA store (as
//! configured by `SSL_CERT_FILE`), whatever features the release build trims.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;

/// Accepts connections on loopback and records each one's first line (a CONNECT request, or
/// the start of a TLS handshake), then answers with `answer` and hangs up.
struct Listener {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Listener {
    fn start(answer: &'static [u8]) -> Listener {
        let listener = match TcpListener::bind("127.0.0.1:0") {
            Ok(l) => l,
            Err(e) => panic!("bind: {e}"),
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let line = first_line(&conn);
                if let Ok(mut seen) = record.lock() {
                    seen.push(line);
                }
                let mut conn = conn;
                let _ = conn.write_all(answer);
            }
        });
        Listener { port, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// The request line of an HTTP request, or `tls` for a TLS ClientHello (first byte 0x16).
fn first_line(conn: &TcpStream) -> String {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(conn);
    let mut first = [0u8; 1];
    if reader.read_exact(&mut first).is_err() {
        return "nothing".into();
    }
    if first[0] == 0x16 {
        return "tls".into();
    }
    let mut line = String::from(char::from(first[0]));
    let _ = reader.read_line(&mut line);
    // Read the rest of the head, so the answer is not lost to a reset.
    let mut rest = String::new();
    while reader.read_line(&mut rest).is_ok_and(|n| n > 2) {
        rest.clear();
    }
    line.trim_end().to_string()
}

/// The publishable key of an instance whose Frontend API is `https://{host}`.
fn key_for(host: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{host}$"));
    format!("pk_test_{encoded}")
}

/// A scripted `clerk-tui sign-in` against that instance, with `env` added to a clean
/// environment (it makes requests at once; `status` without a stored client makes none).
fn sign_in(host: &str, env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clerk-tui"));
    let key = key_for(host);
    cmd.args(["--no-store", "--publishable-key", &key, "sign-in"])
        .args(["--identifier", "ada@example.com", "--password-env", "PW"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PW", "not-sent-anywhere-real")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    match cmd.output() {
        Ok(out) => out,
        Err(e) => panic!("run clerk-tui: {e}"),
    }
}

#[test]
fn https_goes_through_the_proxy_unless_no_proxy_names_the_host() {
    let proxy = Listener::start(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
    let direct = Listener::start(b"");
    let host = format!("127.0.0.1:{}", direct.port);
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);

    let out = sign_in(&host, &[("HTTPS_PROXY", proxy_url.clone())]);
    assert_eq!(out.status.code(), Some(6), "unreachable: {out:?}");
    let tunnels = proxy.seen();
    assert!(
        !tunnels.is_empty()
            && tunnels
                .iter()
                .all(|l| l.starts_with(&format!("CONNECT {host} "))),
        "every request asked the proxy for a tunnel to the instance: {tunnels:?}"
    );
    assert!(direct.seen().is_empty(), "nothing went around the proxy");

    let before = tunnels.len();
    let out = sign_in(
        &host,
        &[
            ("HTTPS_PROXY", proxy_url.clone()),
            ("NO_PROXY", "127.0.0.1".into()),
        ],
    );
    assert_eq!(out.status.code(), Some(6), "unreachable: {out:?}");
    assert_eq!(proxy.seen().len(), before, "NO_PROXY bypasses the proxy");
    let direct_seen = direct.seen();
    assert!(
        !direct_seen.is_empty() && direct_seen.iter().all(|l| l == "tls"),
        "the instance was reached directly, over TLS: {direct_seen:?}"
    );
}
