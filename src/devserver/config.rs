//! What a server is started with: where it listens and keeps its data, and the limits that
//! make it behave like Clerk (code lifetimes, lockout, rate limits) and hold under load.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::clock::ClockConfig;
use super::store::DbLocation;

/// Tunable limits (defaults follow DEVSERVER.md).
#[derive(Debug, Clone)]
pub struct Limits {
    /// One-time code and email link lifetime.
    pub code_ttl: Duration,
    /// Wrong codes before a verification fails.
    pub code_attempts: u32,
    /// Minimum time between two sends of the same code.
    pub resend_cooldown: Duration,
    /// Wrong passwords before the account locks.
    pub lockout_attempts: u32,
    pub lockout_duration: Duration,
    /// Requests per client (or per address without one) within `rate_limit_window`.
    pub rate_limit_requests: u32,
    pub rate_limit_window: Duration,
    pub session_token_ttl: Duration,
    /// Password hashes computed at once (each holds argon2's memory): the cores by default.
    pub password_hashes_in_flight: usize,
    /// Requests that may wait for a hashing slot (a waiting request holds next to no memory);
    /// more are answered 429 with `Retry-After`.
    pub password_hash_queue: usize,
    /// A connection must send a complete request head within this time of opening, or of its
    /// last answer when kept alive: half-sent and idle connections are closed after it. A
    /// request's body must then arrive within the same time (else 408).
    pub header_read_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            code_ttl: Duration::from_secs(600),
            code_attempts: 3,
            resend_cooldown: Duration::from_secs(30),
            lockout_attempts: 5,
            lockout_duration: Duration::from_secs(15 * 60),
            rate_limit_requests: 300,
            rate_limit_window: Duration::from_secs(10),
            session_token_ttl: Duration::from_secs(60),
            password_hashes_in_flight: cores,
            // Twenty scripted sign-ins at once still wait their turn; a flood is refused.
            password_hash_queue: 32,
            header_read_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DevServerConfig {
    /// Where to listen; `127.0.0.1:0` picks a free loopback port.
    pub addr: SocketAddr,
    pub db: DbLocation,
    /// A seed TOML file instead of the built-in `assets/seed.toml`.
    pub seed: Option<PathBuf>,
    pub clock: ClockConfig,
    pub limits: Limits,
    /// Let non-loopback clients reach `/__dev/` (which reveals codes and links).
    pub dev_endpoints_public: bool,
}

impl Default for DevServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: DbLocation::Ephemeral,
            seed: None,
            clock: ClockConfig::Real,
            limits: Limits::default(),
            dev_endpoints_public: false,
        }
    }
}

/// The `Host` header a request may carry: loopback names always (`localhost`, `*.localhost`,
/// 127.0.0.0/8, `[::1]`); the bound address too when it is not loopback (`--allow-remote`),
/// and any IP literal when bound to every interface. A domain name that is not `localhost` is
/// what a DNS-rebinding page sends, so it is never accepted.
#[derive(Debug, Clone, Copy)]
pub struct HostPolicy {
    pub bound: std::net::IpAddr,
}

impl HostPolicy {
    pub fn allows(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        let name = name.strip_suffix('.').unwrap_or(&name);
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        let ip = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name)
            .parse::<std::net::IpAddr>();
        match ip {
            Ok(ip) => {
                let ip = ip.to_canonical();
                ip.is_loopback() || self.bound.is_unspecified() || ip == self.bound.to_canonical()
            }
            Err(_) => false,
        }
    }
}

/// `host[:port]` without the port (`[v6]:port` keeps its brackets).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}
