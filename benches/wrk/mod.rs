//! The emulator measured from outside, as issue 13 states its goal: `wrk -t2 -c16` against a
//! fresh in-process `DevServer` holding `WRK_CLIENTS` (default 200) signed-in clients, each
//! request carrying the next client's token (a Lua script rotates them). `GET /v1/environment`
//! runs first in the same run as the anchor. Skipped, with a note, when `wrk` is not on PATH.

use std::process::Command;
use std::sync::Arc;

use clerk_tui::devserver::{DevServer, DevServerConfig, Limits};
use clerk_tui::fapi::{FapiClient, MemoryTokenStore, TokenStore};
use secrecy::ExposeSecret;

/// requests/s, p50 and p99 (ms), and how many answers were not 2xx.
pub struct WrkFigures {
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// `1.23ms`, `456.00us`, `1.50s` in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|v| v * scale)
}

fn parse(out: &str) -> Option<WrkFigures> {
    let field = |prefix: &str| {
        out.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|rest| rest.trim().to_string())
    };
    Some(WrkFigures {
        per_sec: field("Requests/sec:")?.parse().ok()?,
        p50_ms: millis(&field("50%")?)?,
        p99_ms: millis(&field("99%")?)?,
        errors: field("Non-2xx or 3xx responses:").map_or(Some(0), |n| n.parse().ok())?,
    })
}

fn lua_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|t| format!("\"{t}\"")).collect();
    format!("{{{}}}", quoted.join(","))
}

/// A script that sends `method path` with the next client's token (`{sid}` in the path is
/// that client's session id).
fn script(method: &str, path: &str, tokens: &[String], sessions: &[String]) -> String {
    format!(
        "local tokens = {}\nlocal sessions = {}\nlocal n = 0\n\
         request = function()\n  n = n + 1\n  local i = (n % #tokens) + 1\n  \
         local path = string.gsub(\"{path}\", \"{{sid}}\", sessions[i])\n  \
         return wrk.format(\"{method}\", path, {{[\"Authorization\"] = \"Bearer \" .. tokens[i], \
         [\"Content-Length\"] = \"0\"}})\nend\n\
         local told = false\n\
         response = function(status, headers, body)\n  \
         if status >= 300 and not told then told = true; print(status, body) end\nend\n",
        lua_list(tokens),
        lua_list(sessions)
    )
}

fn wrk(url: &str, secs: u32, script_path: Option<&std::path::Path>) -> Option<WrkFigures> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c16", &format!("-d{secs}s"), "--latency"]);
    if let Some(p) = script_path {
        cmd.arg("-s").arg(p);
    }
    let out = cmd.arg(url).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let figures = parse(&text);
    if figures.as_ref().is_some_and(|f| f.errors > 0) {
        // The script prints the first answer that was not a success.
        let first = text
            .lines()
            .find(|l| l.starts_with(|c: char| c.is_ascii_digit()));
        eprintln!("{url}: {}", first.unwrap_or_default());
    }
    if figures.is_none() {
        eprintln!("wrk output not understood:\n{text}");
    }
    figures
}

/// The token as stored may keep the header's `Bearer ` prefix; the script adds its own.
fn bare(token: &str) -> String {
    token.trim_start_matches("Bearer ").to_string()
}

/// Signs in `n` clients (one argon2 check each) and returns their tokens and session ids.
async fn signed_in_clients(base_url: &str, n: usize) -> (Vec<String>, Vec<String>) {
    let host = base_url.trim_start_matches("http://").to_string();
    let mut tokens = Vec::new();
    let mut sessions = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..n {
        let base_url = base_url.to_string();
        tasks.push(tokio::spawn(async move {
            let store = Arc::new(MemoryTokenStore::new());
            let fapi = FapiClient::with_base_url(&base_url, store.clone())
                .unwrap_or_else(|e| panic!("client: {e}"));
            let sid = super::sign_in(&fapi).await;
            (store, sid)
        }));
        // A few at a time: the password-hash queue answers a flood with 429.
        if tasks.len() >= 8 {
            for t in tasks.drain(..) {
                let (store, sid) = t.await.unwrap_or_else(|e| panic!("sign-in: {e}"));
                let token = store
                    .load_token(&host)
                    .ok()
                    .flatten()
                    .expect("client token");
                tokens.push(bare(token.expose_secret()));
                sessions.push(sid);
            }
        }
    }
    for t in tasks {
        let (store, sid) = t.await.unwrap_or_else(|e| panic!("sign-in: {e}"));
        let token = store
            .load_token(&host)
            .ok()
            .flatten()
            .expect("client token");
        tokens.push(bare(token.expose_secret()));
        sessions.push(sid);
    }
    (tokens, sessions)
}

pub async fn run(secs: u32) {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("\nwrk not found (apt-get install wrk): the wrk figures are skipped");
        return;
    }
    let clients: usize = std::env::var("WRK_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let limits = Limits {
        rate_limit_requests: u32::MAX,
        // Concurrent sign-ins of one user count as guesses in flight against the lockout.
        lockout_attempts: u32::MAX,
        ..Limits::default()
    };
    let server = DevServer::start(DevServerConfig {
        limits,
        ..Default::default()
    })
    .await
    .unwrap_or_else(|e| panic!("server: {e}"));
    let base = server.base_url().to_string();
    let (tokens, sessions) = signed_in_clients(&base, clients).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let client_lua = dir.path().join("client.lua");
    let mint_lua = dir.path().join("mint.lua");
    let write = |p: &std::path::Path, text: String| {
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    };
    write(&client_lua, script("GET", "/v1/client", &tokens, &sessions));
    write(
        &mint_lua,
        script(
            "POST",
            "/v1/client/sessions/{sid}/tokens",
            &tokens,
            &sessions,
        ),
    );
    println!(
        "\nwrk -t2 -c16 -d{secs}s, {clients} signed-in clients (each request the next one's token)\n\
         | case | req/s | p50 | p99 | non-2xx | req/s vs environment | p99 vs environment |\n\
         |---|---:|---:|---:|---:|---:|---:|"
    );
    // wrk blocks: run it off the server's async threads.
    let run = |path: String, script: Option<std::path::PathBuf>| {
        tokio::task::spawn_blocking(move || wrk(&path, secs, script.as_deref()))
    };
    let env = run(format!("{base}/v1/environment"), None)
        .await
        .ok()
        .flatten();
    let cases = [
        ("GET /v1/environment (anchor)", env),
        (
            "GET /v1/client",
            run(format!("{base}/v1/client"), Some(client_lua))
                .await
                .ok()
                .flatten(),
        ),
        (
            "POST /v1/client/sessions/{id}/tokens",
            run(base.clone(), Some(mint_lua)).await.ok().flatten(),
        ),
    ];
    let anchor = cases[0].1.as_ref().map(|f| (f.per_sec, f.p99_ms));
    for (name, f) in &cases {
        let Some(f) = f else {
            println!("| {name} | wrk failed | | | | | |");
            continue;
        };
        let (rate, p99) =
            anchor.map_or((f64::NAN, f64::NAN), |(r, p)| (f.per_sec / r, f.p99_ms / p));
        println!(
            "| {name} | {:.0} | {:.2} ms | {:.2} ms | {} | {rate:.2} x | {p99:.2} x |",
            f.per_sec, f.p50_ms, f.p99_ms, f.errors
        );
    }
    let _ = server.shutdown().await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_wrk_output() {
        let out = "  Latency Distribution\n     50%  620.00us\n     75%    1.20ms\n     90%    2.00ms\n     99%    5.50ms\n  1000 requests in 2.00s\nNon-2xx or 3xx responses: 3\nRequests/sec:   4999.50\n";
        let f = super::parse(out).expect("parsed");
        assert!((f.per_sec - 4999.5).abs() < 1e-9);
        assert!((f.p50_ms - 0.62).abs() < 1e-9);
        assert!((f.p99_ms - 5.5).abs() < 1e-9);
        assert_eq!(f.errors, 3);
    }
}
