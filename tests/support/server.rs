//! The embedded development server as the tests start it: on the test's own runtime (`start`),
//! or on a runtime of its own (`Background`) for tests that drive a pseudo-terminal or the
//! binary from plain threads. Stopped when dropped.

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle, Limits};
use serde_json::Value;

/// The password of every seeded demo user.
pub const PASSWORD: &str = "clerk-demo-password";
/// The TOTP secret of the seeded user grace@example.com.
pub const GRACE_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub async fn start() -> DevServerHandle {
    start_with(DevServerConfig::default()).await
}

pub async fn start_with(config: DevServerConfig) -> DevServerHandle {
    DevServer::start(config)
        .await
        .expect("dev server starts on a loopback port")
}

pub async fn start_with_limits(limits: Limits) -> DevServerHandle {
    start_with(DevServerConfig {
        limits,
        ..Default::default()
    })
    .await
}

/// A server on its own two-thread runtime; `rt` is there for the test's own async calls.
pub struct Background {
    pub rt: tokio::runtime::Runtime,
    handle: Option<DevServerHandle>,
}

impl Background {
    pub fn start() -> Background {
        Background::start_with(DevServerConfig::default())
    }

    pub fn start_with(config: DevServerConfig) -> Background {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = rt.block_on(start_with(config));
        Background {
            rt,
            handle: Some(handle),
        }
    }

    pub fn handle(&self) -> &DevServerHandle {
        self.handle.as_ref().expect("server running")
    }

    pub fn base_url(&self) -> String {
        self.handle().base_url().to_string()
    }

    /// `POST` JSON to an emulator-only endpoint (`/__dev/…`); its status must be a success.
    pub fn dev_post(&self, path: &str, body: Value) {
        let url = format!("{}{path}", self.base_url());
        let status = self.rt.block_on(async {
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .map(|r| r.status())
        });
        assert!(
            status.as_ref().is_ok_and(|s| s.is_success()),
            "POST {path} failed: {status:?}"
        );
    }

    /// A sign-in ticket for `identifier` from `POST /__dev/sign_in_tokens` (what Clerk's Backend
    /// API `sign_in_tokens` makes): its bare token and the `__clerk_ticket` link.
    #[allow(dead_code)] // not every test binary that includes this file uses it
    pub fn sign_in_ticket(&self, identifier: &str) -> (String, String) {
        let url = format!("{}/__dev/sign_in_tokens", self.base_url());
        let made: Value = self.rt.block_on(async {
            reqwest::Client::new()
                .post(url)
                .json(&serde_json::json!({ "identifier": identifier }))
                .send()
                .await
                .expect("the emulator answers")
                .json()
                .await
                .expect("JSON")
        });
        let token = made["token"].as_str().expect("a token").to_string();
        let link = made["url"].as_str().expect("a link").to_string();
        (token, link)
    }

    /// Adds a user through the emulator's own endpoint, as a test script would.
    pub fn add_user(&self, spec: Value) {
        self.dev_post("/__dev/users", spec);
    }

    /// Moves the emulator's clock, as `POST /__dev/clock` does for a demo.
    pub fn shift_clock(&self, seconds: i64) {
        self.dev_post(
            "/__dev/clock",
            serde_json::json!({ "shift_seconds": seconds }),
        );
    }

    /// The newest code the server "sent" to `to`, waiting for it.
    pub fn code_for(&self, to: &str) -> String {
        super::outbox::code_blocking(self.handle(), to)
    }

    /// The newest link the server "sent" to `to`, waiting for it.
    pub fn link_for(&self, to: &str) -> String {
        super::outbox::link_blocking(self.handle(), to)
    }
}

impl Background {
    /// Stops the server now, failing the test if it does not stop cleanly.
    pub fn shutdown(mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown()).expect("server shuts down");
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = self.rt.block_on(h.shutdown());
        }
    }
}
