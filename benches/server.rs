//! Load figures for the embedded server: requests/s and p50/p99 latency of `GET /v1/client`,
//! session-token minting and full password sign-ins, beside `GET /v1/environment` (the
//! anchor: the cheapest route, no client, no database) measured in the same run, with N concurrent clients (each its own
//! `FapiClient` and connection pool) against an in-process `DevServer` on loopback.
//!
//! `cargo bench --bench server` (BENCH_SECS sets seconds per case, default 2; BENCH_CLIENTS a
//! comma list of client counts, default 1,4,16). Server and clients share this process's cores.
//! Then, with `wrk` installed, the same routes from outside (`wrk/mod.rs`; WRK_SECS, WRK_CLIENTS).

mod wrk;

use std::sync::Arc;
use std::time::{Duration, Instant};

use clerk_tui::devserver::{DevServer, DevServerConfig, Limits};
use clerk_tui::fapi::{CreateSignInParams, FapiClient, MemoryTokenStore, SignInStatus};
use secrecy::SecretString;

/// A seeded demo user with a password and no second factor.
const USER: &str = "ada@example.com";
const PASSWORD: &str = "clerk-demo-password";

#[derive(Clone, Copy, Debug)]
enum Case {
    GetEnvironment,
    GetClient,
    MintToken,
    PasswordSignIn,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::GetEnvironment => "GET /v1/environment (anchor)",
            Case::GetClient => "GET /v1/client",
            Case::MintToken => "POST /v1/client/sessions/{id}/tokens",
            Case::PasswordSignIn => "password sign-in (POST /v1/client/sign_ins, new client)",
        }
    }
}

fn client(base_url: &str) -> FapiClient {
    match FapiClient::with_base_url(base_url, Arc::new(MemoryTokenStore::new())) {
        // No retries: a failure must show up as a failure, not as a slow request.
        Ok(c) => c.with_retry_delays(Vec::new()),
        Err(e) => panic!("client: {e}"),
    }
}

/// A new client signed in with the demo password; returns its session id.
async fn sign_in(fapi: &FapiClient) -> String {
    fapi.forget_client()
        .unwrap_or_else(|e| panic!("forget client: {e}"));
    let params = CreateSignInParams::password(USER, SecretString::from(PASSWORD));
    let sign_in = fapi
        .create_sign_in(&params)
        .await
        .unwrap_or_else(|e| panic!("sign-in: {e}"));
    assert_eq!(sign_in.status, SignInStatus::Complete, "{sign_in:?}");
    sign_in
        .created_session_id
        .unwrap_or_else(|| panic!("no session id"))
}

async fn one(case: Case, fapi: &FapiClient, session: &str) {
    match case {
        Case::GetEnvironment => {
            let e = fapi.environment().await;
            assert!(e.is_ok(), "{e:?}");
        }
        Case::GetClient => {
            let c = fapi.get_client().await;
            assert!(matches!(c, Ok(Some(_))), "{c:?}");
        }
        Case::MintToken => {
            let t = fapi.create_session_token(session, None).await;
            assert!(t.as_ref().is_ok_and(|t| !t.jwt.is_empty()), "{t:?}");
        }
        Case::PasswordSignIn => {
            sign_in(fapi).await;
        }
    }
}

struct Figures {
    requests: usize,
    per_sec: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

async fn run_case(base_url: &str, case: Case, clients: usize, secs: f64) -> Figures {
    let mut workers = Vec::new();
    let start_at = Instant::now() + Duration::from_millis(300);
    let end_at = start_at + Duration::from_secs_f64(secs);
    for _ in 0..clients {
        let base_url = base_url.to_string();
        workers.push(tokio::spawn(async move {
            let fapi = client(&base_url);
            let session = sign_in(&fapi).await;
            // One warm-up request opens the connection before the clock starts.
            one(case, &fapi, &session).await;
            tokio::time::sleep_until(start_at.into()).await;
            let mut latencies = Vec::new();
            while Instant::now() < end_at {
                let t = Instant::now();
                one(case, &fapi, &session).await;
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap_or_else(|e| panic!("worker: {e}")));
    }
    let elapsed = Instant::now().saturating_duration_since(start_at);
    all.sort();
    let at = |q: f64| {
        all.get(((all.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    Figures {
        requests: all.len(),
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        max: all.last().copied().unwrap_or_default(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo test --benches` runs this with no `--bench`: stay quick there.
    let benching = std::env::args().any(|a| a == "--bench");
    let secs: f64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if benching { 2.0 } else { 0.2 });
    let counts: Vec<usize> = std::env::var("BENCH_CLIENTS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 4, 16]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    rt.block_on(async {
        let limits = Limits {
            // The point is throughput, not the emulator's rate limiter.
            rate_limit_requests: u32::MAX,
            // Concurrent sign-ins of the one demo user are guesses in flight for the lockout
            // (issue 12): more than its limit at once are refused 429 by design.
            lockout_attempts: u32::MAX,
            ..Limits::default()
        };
        let server = DevServer::start(DevServerConfig {
            limits,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("server: {e}"));
        println!(
            "server bench: {} worker threads, {secs} s per case",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!(
            "| case | clients | requests | req/s | p50 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|"
        );
        let mut anchor = std::collections::HashMap::new();
        let mut ratios = Vec::new();
        for case in [
            Case::GetEnvironment,
            Case::GetClient,
            Case::MintToken,
            Case::PasswordSignIn,
        ] {
            for &n in &counts {
                let f = run_case(server.base_url(), case, n, secs).await;
                match case {
                    Case::GetEnvironment => {
                        anchor.insert(n, (f.per_sec, f.p99));
                    }
                    Case::GetClient => {
                        if let Some((per_sec, p99)) = anchor.get(&n) {
                            ratios.push(format!(
                                "GET /v1/client / GET /v1/environment, {n} clients: {:.2} x the requests/s, {:.2} x the p99",
                                f.per_sec / per_sec,
                                f.p99.as_secs_f64() / p99.as_secs_f64().max(1e-9)
                            ));
                        }
                    }
                    _ => {}
                }
                println!(
                    "| {} | {n} | {} | {:.0} | {} | {} | {} |",
                    case.name(),
                    f.requests,
                    f.per_sec,
                    ms(f.p50),
                    ms(f.p99),
                    ms(f.max)
                );
            }
        }
        println!();
        for r in ratios {
            println!("{r}");
        }
        let _ = server.shutdown().await;
        if benching {
            let wrk_secs = std::env::var("WRK_SECS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(5);
            wrk::run(wrk_secs).await;
        }
    });
}
