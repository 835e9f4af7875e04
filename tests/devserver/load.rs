//! `cargo test --test devserver -- --ignored load --nocapture`: concurrent full password
//! sign-ins (create, attempt, token) against one server, reporting throughput and p99.

use std::time::{Duration, Instant};

use clerk_tui::devserver::{DevServerConfig, Limits};

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run explicitly"]
async fn load_concurrent_password_sign_ins() {
    let clients: usize = std::env::var("LOAD_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let rounds: usize = std::env::var("LOAD_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let limits = Limits {
        rate_limit_requests: u32::MAX,
        ..Limits::default()
    };
    let server = start_with(DevServerConfig {
        limits,
        ..DevServerConfig::default()
    })
    .await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let base = server.base_url().to_string();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let http = reqwest::Client::new();
            for _ in 0..rounds {
                let mut token: Option<String> = None;
                let mut call = async |path: String, form: Vec<(&str, &str)>| {
                    let t = Instant::now();
                    let mut req = http
                        .post(format!("{base}{path}?_is_native=true"))
                        .form(&form);
                    if let Some(tok) = &token {
                        req = req.header("Authorization", tok);
                    }
                    let resp = req.send().await.expect("request");
                    if let Some(a) = resp
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                    {
                        token = Some(a.to_string());
                    }
                    let status = resp.status().as_u16();
                    let body: serde_json::Value = resp.json().await.expect("json");
                    latencies.push(t.elapsed());
                    assert_eq!(status, 200, "{body}");
                    body
                };
                let si = call(
                    "/v1/client/sign_ins".into(),
                    vec![("identifier", "ada@example.com")],
                )
                .await;
                let sid = si["response"]["id"].as_str().expect("id").to_string();
                let done = call(
                    format!("/v1/client/sign_ins/{sid}/attempt_first_factor"),
                    vec![("strategy", "password"), ("password", PASSWORD)],
                )
                .await;
                let sess = done["response"]["created_session_id"]
                    .as_str()
                    .expect("session")
                    .to_string();
                call(format!("/v1/client/sessions/{sess}/tokens"), vec![]).await;
            }
            latencies
        }));
    }
    let mut all: Vec<Duration> = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    let elapsed = started.elapsed();
    all.sort();
    let p = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    println!(
        "load: {clients} clients x {rounds} sign-ins = {} requests in {:.2?}: {:.0} req/s, {:.1} sign-ins/s, p50 {:.1?}, p99 {:.1?}",
        all.len(),
        elapsed,
        all.len() as f64 / elapsed.as_secs_f64(),
        (clients * rounds) as f64 / elapsed.as_secs_f64(),
        p(0.5),
        p(0.99)
    );
    server.shutdown().await.expect("shutdown");
}
