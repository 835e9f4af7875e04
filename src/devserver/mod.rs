//! The embedded development server: a local Clerk Frontend API (axum over SQLite) with real
//! sign-in semantics, plus emulator-only `/__dev/` endpoints that reveal codes and links.
//!
//! Start it in-process with [`DevServer::start`], or run it on its own with [`serve_standalone`].

mod allowlist;
mod clock;
mod config;
mod connections;
mod crypto;
mod errors;
mod factors;
mod hashing;
mod http;
mod link;
mod lockout;
mod model;
mod oauth;
mod oauth_consent;
mod oauth_page;
mod oauth_redeem;
mod params;
mod render;
mod request;
mod routes_client;
mod routes_dev;
mod routes_factors;
mod routes_me;
mod routes_session;
mod routes_sign_in;
mod secret;
mod seed;
mod serve;
mod sign_in_api;
mod signin;
mod sso;
mod standalone;
mod state;
mod store;
mod token_cache;
mod totp;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use base64::Engine;

pub use clock::{Clock, ClockConfig};
pub use config::{DevServerConfig, Limits};
pub use errors::DevServerError;
pub use model::OutboxMessage;
pub use seed::{DEFAULT_SEED, SeedUser, UserSpec, default_seed_users};
pub use standalone::{StandaloneOptions, serve_standalone};
pub use store::DbLocation;

use state::Emulator;

/// `pk_test_` + unpadded base64 of `"host:port$"`: the key a Clerk SDK derives this server's
/// host from (SDKs still assume https, so pass the base URL explicitly too).
pub fn publishable_key_for(host_port: &str) -> String {
    format!(
        "pk_test_{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(format!("{host_port}$"))
    )
}

pub struct DevServer;

/// A running server. Dropping it stops the server too (without waiting for in-flight
/// requests); [`DevServerHandle::shutdown`] stops it and waits.
pub struct DevServerHandle {
    addr: SocketAddr,
    app: Arc<Emulator>,
    users: Vec<SeedUser>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), DevServerError>>>,
}

impl std::fmt::Debug for DevServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevServerHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl DevServerHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.app.base_url
    }
    pub fn publishable_key(&self) -> String {
        publishable_key_for(&self.addr.to_string())
    }
    /// The demo users the server was seeded with, for the start screen.
    pub fn seeded_users(&self) -> &[SeedUser] {
        &self.users
    }
    /// The server's clock (shift or freeze it in tests and demos).
    pub fn clock(&self) -> &Clock {
        &self.app.clock
    }
    /// Everything "sent" so far, newest first.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.app.lock().outbox.iter().rev().cloned().collect()
    }
    /// A receiver whose value changes whenever a message lands in the outbox (subscribe, then
    /// read [`outbox`](Self::outbox), then `changed().await`: nothing slips through).
    pub fn outbox_watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.app.outbox_version.subscribe()
    }
    /// The most password hashes that ever ran at once (the bound `Limits` sets).
    #[doc(hidden)]
    pub fn password_hash_peak(&self) -> usize {
        self.app.hasher.counters.peak()
    }
    /// Password hashes computed so far (each evaluated guess is one).
    #[doc(hidden)]
    pub fn password_hash_count(&self) -> usize {
        self.app.hasher.counters.total()
    }
    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) -> Result<(), DevServerError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(|e| DevServerError::Serve(e.to_string()))?,
            None => Ok(()),
        }
    }
}

fn router(app: Arc<Emulator>) -> Router {
    let fapi = Router::new()
        // clerk-js "touches" the environment of a development instance with PATCH on load
        // (`updateEnvironment` in the spec); there is nothing to update here, so it reads.
        .route(
            "/v1/environment",
            get(routes_client::get_environment).patch(routes_client::get_environment),
        )
        .route(
            "/v1/client",
            get(routes_client::get_client)
                .post(routes_client::create_client)
                .put(routes_client::create_client)
                .delete(routes_client::delete_client),
        )
        .route(
            "/v1/client/sessions",
            axum::routing::delete(routes_client::delete_sessions),
        )
        .route("/v1/client/sign_ins", post(routes_sign_in::create))
        .route("/v1/client/sign_ins/{id}", get(routes_sign_in::get))
        .route(
            "/v1/client/sign_ins/{id}/prepare_first_factor",
            post(routes_factors::prepare_first_factor),
        )
        .route(
            "/v1/client/sign_ins/{id}/attempt_first_factor",
            post(routes_factors::attempt_first_factor),
        )
        .route(
            "/v1/client/sign_ins/{id}/prepare_second_factor",
            post(routes_factors::prepare_second_factor),
        )
        .route(
            "/v1/client/sign_ins/{id}/attempt_second_factor",
            post(routes_factors::attempt_second_factor),
        )
        .route(
            "/v1/client/sign_ins/{id}/reset_password",
            post(routes_sign_in::reset_password),
        )
        .route("/v1/client/sessions/{id}", get(routes_session::get))
        .route(
            "/v1/client/sessions/{id}/touch",
            post(routes_session::touch),
        )
        .route("/v1/client/sessions/{id}/end", post(routes_session::end))
        .route(
            "/v1/client/sessions/{id}/remove",
            post(routes_session::remove),
        )
        .route(
            "/v1/client/sessions/{id}/tokens",
            post(routes_session::tokens),
        )
        .route(
            "/v1/client/sessions/{id}/tokens/{template}",
            post(routes_session::template_tokens),
        )
        .route("/v1/me", get(routes_me::get_me))
        .route(
            "/v1/me/totp",
            post(routes_me::create_totp).delete(routes_me::delete_totp),
        )
        .route(
            "/v1/me/totp/attempt_verification",
            post(routes_me::verify_totp),
        )
        .route(
            "/v1/me/backup_codes",
            post(routes_me::regenerate_backup_codes),
        )
        .route(
            "/v1/me/backup_codes/",
            post(routes_me::regenerate_backup_codes),
        )
        .route("/v1/dev_browser", post(routes_client::dev_browser))
        .route("/v1/verify", get(link::verify))
        .route("/v1/jwks", get(routes_client::jwks))
        .route("/.well-known/jwks.json", get(routes_client::jwks))
        .route("/__dev", get(routes_dev::index))
        .route("/__dev/", get(routes_dev::index))
        .route("/__dev/outbox", get(routes_dev::outbox))
        .route(
            "/__dev/users",
            get(routes_dev::list_users).post(routes_dev::create_user),
        )
        .route("/__dev/totp/{user}", get(routes_dev::totp_code))
        .route("/__dev/clock", post(routes_dev::clock))
        .route("/__dev/reset", post(routes_dev::reset))
        .route("/__dev/sign_in_tokens", post(routes_dev::sign_in_token))
        .route(
            "/__dev/oauth/c/{state}",
            get(oauth_consent::authorize_page).post(oauth_consent::authorize),
        )
        .route("/__dev/oauth/done", get(oauth_consent::done))
        .fallback(|| async { errors::ApiError::route_not_found() })
        .method_not_allowed_fallback(|| async { errors::ApiError::method_not_allowed() })
        .with_state(app.clone());
    // The middleware sits outside the routing so a `_method` override picks the route.
    Router::new()
        .fallback_service(fapi)
        .layer(axum::middleware::from_fn_with_state(app, http::layer))
}

/// The whole router over a fresh server state, without a listener: for fuzzing and
/// in-process tests that drive it with `tower::ServiceExt::oneshot`. Requests without
/// `ConnectInfo` count as non-loopback, so `/__dev/` answers them only with
/// `dev_endpoints_public`. Blocks (opens SQLite, hashes seed passwords).
#[doc(hidden)]
pub fn router_for_tests(config: DevServerConfig) -> Result<Router, DevServerError> {
    let seed_text = match &config.seed {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| DevServerError::Seed(format!("{}: {e}", path.display())))?,
        None => DEFAULT_SEED.to_string(),
    };
    let seed = seed::SeedFile::parse(&seed_text)?;
    let store = store::Sqlite::open(&config.db)?;
    let app = Emulator::new(
        store,
        Arc::new(Clock::new(config.clock)),
        format!("http://{}", config.addr),
        config.limits,
        seed,
        config.dev_endpoints_public,
        config.addr.ip(),
    )?;
    Ok(router(Arc::new(app)))
}

impl DevServer {
    /// Opens (or creates) the database, seeds it if new, binds and serves in the background.
    pub async fn start(config: DevServerConfig) -> Result<DevServerHandle, DevServerError> {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| DevServerError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| DevServerError::Bind {
                addr: config.addr,
                source,
            })?;
        let seed_text = match &config.seed {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| DevServerError::Seed(format!("{}: {e}", path.display())))?,
            None => DEFAULT_SEED.to_string(),
        };
        let seed = seed::SeedFile::parse(&seed_text)?;
        let users = seed.demo_users();
        let base_url = format!("http://{addr}");
        let clock = Arc::new(Clock::new(config.clock));
        let db = config.db.clone();
        let limits = config.limits.clone();
        let public = config.dev_endpoints_public;
        // Opening SQLite and hashing seed passwords block: keep them off the async threads.
        let app = tokio::task::spawn_blocking(move || {
            let store = store::Sqlite::open(&db)?;
            Emulator::new(store, clock, base_url, limits, seed, public, addr.ip())
        })
        .await
        .map_err(|e| DevServerError::Internal(e.to_string()))??;
        let app = Arc::new(app);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve::serve(
            listener,
            router(app.clone()),
            config.limits.header_read_timeout,
            rx,
        ));
        tracing::info!(%addr, "devserver listening");
        Ok(DevServerHandle {
            addr,
            app,
            users,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishable_key_encodes_host_and_port() {
        let pk = publishable_key_for("127.0.0.1:8787");
        let b64 = pk.strip_prefix("pk_test_").expect("prefix");
        assert!(!b64.ends_with('='));
        let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(b64)
            .expect("base64");
        assert_eq!(decoded, b"127.0.0.1:8787$");
    }
}
