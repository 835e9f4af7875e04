//! `clerk-tui serve`: the development server on its own, printing how to reach it and the
//! demo users, serving until Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::clock::ClockConfig;
use super::{DbLocation, DevServer, DevServerConfig, DevServerError, Limits, SeedUser};

/// Options of `clerk-tui serve [--addr] [--db PATH | --ephemeral] [--seed FILE]`.
#[derive(Debug, Clone)]
pub struct StandaloneOptions {
    pub addr: SocketAddr,
    /// `None`: the default file under the user's data directory.
    pub db: Option<PathBuf>,
    pub ephemeral: bool,
    pub seed: Option<PathBuf>,
    /// Let non-loopback clients use `/__dev/`.
    pub dev_endpoints_public: bool,
}

impl Default for StandaloneOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8787)),
            db: None,
            ephemeral: false,
            seed: None,
            dev_endpoints_public: false,
        }
    }
}

fn describe(u: &SeedUser) -> String {
    let mut line = format!("  {:<30}", u.identifier());
    if let Some(pw) = &u.password {
        line.push_str(&format!(" password {pw:<22}"));
    } else {
        line.push_str(&format!(" {:<31}", "(no password)"));
    }
    line.push_str(&u.demonstrates);
    line
}

/// The banner `serve` prints: base URL, publishable key, database and demo users.
pub fn banner(base_url: &str, pk: &str, db: &DbLocation, users: &[SeedUser]) -> String {
    let db = match db {
        DbLocation::File(p) => p.display().to_string(),
        DbLocation::Ephemeral => "in memory (--ephemeral)".to_string(),
    };
    let mut out = format!(
        "clerk-tui development server (a local Clerk Frontend API)\n\n  Frontend API     {base_url}\n  Publishable key  {pk}\n  Database         {db}\n  Outbox & users   {base_url}/__dev/\n\n  Point clerk-tui at it:  clerk-tui --frontend-api {base_url}\n\nDemo users:\n"
    );
    for u in users {
        out.push_str(&describe(u));
        out.push('\n');
    }
    out.push_str("\nCtrl-C to stop.\n");
    out
}

async fn interrupted() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// Runs the server until interrupted.
pub async fn serve_standalone(opts: StandaloneOptions) -> Result<(), DevServerError> {
    let db = if opts.ephemeral {
        DbLocation::Ephemeral
    } else {
        match opts.db.clone().or_else(DbLocation::default_file) {
            Some(p) => DbLocation::File(p),
            None => {
                return Err(DevServerError::Database(
                    "no data directory; pass --db PATH or --ephemeral".into(),
                ));
            }
        }
    };
    if !opts.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {} - anyone who can reach it can sign in as the demo users",
            opts.addr
        );
    }
    let config = DevServerConfig {
        addr: opts.addr,
        db: db.clone(),
        seed: opts.seed.clone(),
        clock: ClockConfig::Real,
        limits: Limits::default(),
        dev_endpoints_public: opts.dev_endpoints_public,
    };
    let handle = DevServer::start(config).await?;
    let text = banner(
        handle.base_url(),
        &handle.publishable_key(),
        &db,
        handle.seeded_users(),
    );
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    interrupted().await;
    handle.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devserver::{default_seed_users, publishable_key_for};

    #[test]
    fn banner_shows_how_to_connect_and_every_demo_user() {
        let users = default_seed_users();
        let text = banner(
            "http://127.0.0.1:8787",
            &publishable_key_for("127.0.0.1:8787"),
            &DbLocation::Ephemeral,
            &users,
        );
        assert!(text.contains("http://127.0.0.1:8787"));
        assert!(text.contains("pk_test_MTI3LjAuMC4xOjg3ODck"));
        assert!(text.contains("--frontend-api http://127.0.0.1:8787"));
        for u in &users {
            assert!(text.contains(u.identifier()), "{} missing", u.identifier());
            assert!(text.contains(&u.demonstrates));
        }
        assert!(text.contains("password clerk-demo-password"));
    }
}
