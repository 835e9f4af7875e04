//! Frontend API check: one `GET /v1/environment` against the chosen backend (the embedded
//! server, `--frontend-api` or `--publishable-key`), timed, with the instance's sign-in
//! settings listed and the `native_api_disabled` refusal explained.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::clock::ClockSample;
use super::report::Check;
use crate::fapi::{
    API_VERSION, BodyError, Environment, ErrorResponse, FapiClient, MemoryTokenStore,
    PublishableKey,
};

/// Longer than this and sign-in will feel slow: worth a warning.
pub const SLOW_AFTER: Duration = Duration::from_secs(3);
/// How long the probe waits for an answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which Frontend API to check, as chosen on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendChoice {
    Embedded,
    PublishableKey(String),
    FrontendApi(String),
}

/// The base URL to probe and the key its client token is stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// How the user chose it, for the report.
    pub origin: &'static str,
    pub base_url: String,
    pub store_key: String,
}

/// What came back from `GET /v1/environment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The key or URL is not usable; nothing was sent.
    Invalid(String),
    /// No HTTP answer.
    Unreachable { url: String, detail: String },
    Answered {
        status: u16,
        elapsed: Duration,
        body: Vec<u8>,
        clock: ClockSample,
    },
}

/// Resolves a key or URL to a base URL the client would accept; `Embedded` is resolved by the
/// caller once the server runs.
pub fn resolve(choice: &BackendChoice) -> Result<Target, String> {
    let (origin, base_url) = match choice {
        BackendChoice::Embedded => return Err("the embedded server has no fixed URL".into()),
        BackendChoice::PublishableKey(key) => {
            let key = PublishableKey::parse(key)
                .map_err(|e| format!("the publishable key is not valid: {e}"))?;
            ("--publishable-key", key.frontend_api_url())
        }
        BackendChoice::FrontendApi(url) => ("--frontend-api", url.clone()),
    };
    // The client's own validation: the same URLs are accepted here as when signing in.
    let client = FapiClient::with_base_url(&base_url, Arc::new(MemoryTokenStore::new()))
        .map_err(|e| e.to_string())?;
    let url = client.base_url();
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let store_key = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    Ok(Target {
        origin,
        base_url: url.as_str().trim_end_matches('/').to_owned(),
        store_key,
    })
}

/// Sends the request with the headers a native client sends; nothing is stored.
pub async fn probe(base_url: &str) -> Outcome {
    let url = format!("{base_url}/v1/environment?_is_native=true");
    let http = match reqwest::Client::builder()
        .user_agent(concat!("clerk-tui-doctor/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PROBE_TIMEOUT)
        .build()
    {
        Ok(http) => http,
        Err(e) => return Outcome::Invalid(format!("cannot set up HTTP: {e}")),
    };
    let before = SystemTime::now();
    let started = Instant::now();
    let request = http
        .get(&url)
        .header("clerk-api-version", API_VERSION)
        .header("x-mobile", "1")
        .header(reqwest::header::ACCEPT, "application/json");
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            return Outcome::Unreachable {
                url,
                detail: transport_detail(&e),
            };
        }
    };
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let date_header = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match crate::fapi::read_capped(response, crate::fapi::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(BodyError::TooLarge { limit }) => {
            return Outcome::Invalid(format!(
                "the server's answer was larger than {} MiB",
                limit / (1024 * 1024)
            ));
        }
        Err(BodyError::Transport(e)) => {
            return Outcome::Unreachable {
                url,
                detail: format!("the answer was cut off: {}", transport_detail(&e)),
            };
        }
    };
    Outcome::Answered {
        status,
        elapsed,
        body,
        clock: ClockSample {
            local_midpoint: before + elapsed / 2,
            round_trip: elapsed,
            date_header,
        },
    }
}

/// The innermost cause reads best ("Connection refused (os error 111)").
fn transport_detail(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", PROBE_TIMEOUT.as_secs());
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let what = if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    format!("{what}: {cause}")
}

const NATIVE_API_FIX: &str = "in the Clerk Dashboard, open the Native applications page and \
                              enable the Native API for this instance, then run `clerk-tui doctor` again";

pub fn frontend_api(target: Result<&Target, &str>, outcome: &Outcome) -> Check {
    const NAME: &str = "frontend_api";
    let target = match target {
        Ok(t) => t,
        Err(why) => {
            return Check::fail(NAME, why.to_owned()).fix(
                "pass the publishable key from the Clerk Dashboard (API keys), or an https:// Frontend API URL",
            );
        }
    };
    let at = format!("{} ({})", target.base_url, target.origin);
    match outcome {
        Outcome::Invalid(why) => Check::fail(NAME, format!("{at}: {why}")),
        Outcome::Unreachable { url, detail } => {
            Check::fail(NAME, format!("cannot reach the Frontend API at {at}: {detail}"))
                .detail(format!("GET {url}"))
                .fix("check the URL or key, your network, proxy and firewall; for `clerk-tui serve`, make sure it is running on that address")
        }
        Outcome::Answered {
            status, elapsed, body, ..
        } => answered(NAME, &at, *status, *elapsed, body),
    }
}

fn answered(name: &'static str, at: &str, status: u16, elapsed: Duration, body: &[u8]) -> Check {
    let ms = elapsed.as_millis();
    if !(200..300).contains(&status) {
        let errors = serde_json::from_slice::<ErrorResponse>(body)
            .map(|e| e.errors)
            .unwrap_or_default();
        if errors.iter().any(|e| e.code == "native_api_disabled") {
            return Check::fail(
                name,
                format!("{at} refuses native clients: the Native API is disabled (HTTP {status})"),
            )
            .fix(NATIVE_API_FIX);
        }
        let said = errors
            .first()
            .map(|e| {
                let text = e.long_message.as_deref().unwrap_or(&e.message);
                format!(": {text} ({})", e.code)
            })
            .unwrap_or_else(|| ": not a Clerk error answer".to_owned());
        return Check::fail(
            name,
            format!("{at} answered HTTP {status} in {ms} ms{said}"),
        )
        .fix("check that the key or URL is this Clerk instance's Frontend API");
    }
    let env: Environment = match serde_json::from_slice(body) {
        Ok(env) => env,
        Err(e) => {
            return Check::fail(
                name,
                format!("{at} answered in {ms} ms, but not with a Clerk environment: {e}"),
            )
            .fix("check that the URL is a Clerk Frontend API (not a web page or a proxy)");
        }
    };
    let mut check = if env.maintenance_mode {
        Check::warn(
            name,
            format!("{at} answered in {ms} ms, but the instance is in maintenance mode"),
        )
        .fix("wait for Clerk's maintenance to end (status.clerk.com)")
    } else if elapsed > SLOW_AFTER {
        Check::warn(name, format!("{at} answered, slowly: {ms} ms"))
            .fix("sign-in will feel slow; check your network or proxy")
    } else {
        Check::pass(name, format!("{at} answered in {ms} ms"))
    };
    check.details = environment_lines(&env);
    check
}

/// The instance's sign-in settings in words, one line each.
pub fn environment_lines(env: &Environment) -> Vec<String> {
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    let instance = env
        .display_config
        .instance_environment_type
        .as_deref()
        .unwrap_or("unknown");
    let mut lines = vec![format!(
        "instance: {instance}, test mode {}{}",
        if env.auth_config.test_mode {
            "on"
        } else {
            "off"
        },
        env.application_name()
            .map(|n| format!(", application {n:?}"))
            .unwrap_or_default()
    )];
    lines.push(format!(
        "identifiers: {}",
        list(
            env.first_factor_identifiers()
                .iter()
                .map(|s| s.to_string())
                .collect()
        )
    ));
    lines.push(format!(
        "first factors: {}",
        list(
            env.auth_config
                .first_factors
                .iter()
                .map(|s| s.to_string())
                .collect()
        )
    ));
    lines.push(format!(
        "second factors: {}{}",
        list(
            env.second_factor_strategies()
                .iter()
                .map(|s| s.to_string())
                .collect()
        ),
        if env.mfa_required() {
            " (required)"
        } else {
            ""
        }
    ));
    lines.push(format!(
        "social providers: {}",
        list(
            env.enabled_social_providers()
                .iter()
                .map(|p| social_name(p))
                .collect()
        )
    ));
    lines
}

fn social_name(p: &crate::fapi::SocialProvider) -> String {
    if p.name.is_empty() {
        p.strategy.to_string()
    } else {
        p.name.clone()
    }
}

#[cfg(test)]
#[path = "frontend_api_tests.rs"]
mod tests;
