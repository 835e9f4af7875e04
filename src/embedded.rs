//! (Part of the binary, see `main.rs`.) The embedded server, started behind the first frame:
//! a first-ever run creates its database, hashes the demo passwords and generates a signing
//! key, which takes longer than drawing. Its loopback port is reserved at once, so the client
//! and the start screen know the address; the server takes the port over when it starts.
//!
//! Why this works without failed requests: `DevServer::start` listens on the port before its
//! slow work, so a request made meanwhile waits in the kernel's accept queue, and is answered
//! by the server itself (same port, so the session tokens' issuer is the client's base URL).
//! A request that comes before even that (microseconds after the first frame) is refused and
//! retried by `FapiClient` 200 ms later: only the loading GETs can be that early.

use std::net::SocketAddr;

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};
use tokio::net::TcpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server that starts on a port already reserved.
pub struct Starting {
    base_url: String,
    go: Option<oneshot::Sender<()>>,
    start: JoinHandle<Option<DevServerHandle>>,
}

impl Starting {
    /// Reserves a loopback port for `config`, then starts the server on it when the sender
    /// from [`trigger`](Starting::trigger) is used or dropped, or on `close`.
    pub fn reserve(mut config: DevServerConfig) -> std::io::Result<Starting> {
        // Bound but not listening: no other program can take the port (the kernel hands out
        // ports in use to nobody), and the server can still bind it, because both sockets
        // allow address reuse and neither listens yet.
        let reservation = TcpSocket::new_v4()?;
        reservation.set_reuseaddr(true)?;
        reservation.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        config.addr = reservation.local_addr()?;
        let base_url = format!("http://{}", config.addr);
        let (go, go_rx) = oneshot::channel::<()>();
        let start = tokio::spawn(async move {
            // A dropped sender starts it too: a quit before the first frame still gets a
            // server that `close` can shut down cleanly.
            let _ = go_rx.await;
            let started = DevServer::start(config).await;
            drop(reservation);
            match started {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::error!(error = %e, "the embedded server did not start");
                    None
                }
            }
        });
        Ok(Starting {
            base_url,
            go: Some(go),
            start,
        })
    }

    /// `http://127.0.0.1:PORT`, valid before the server is up.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A sender that starts the server when used or dropped (once the first frame is drawn).
    pub fn trigger(&mut self) -> Option<oneshot::Sender<()>> {
        self.go.take()
    }

    /// Waits for the start to finish, so a database being created is never cut off midway,
    /// then stops the server.
    pub async fn close(mut self) {
        drop(self.go.take());
        if let Ok(Some(server)) = (&mut self.start).await {
            let _ = server.shutdown().await;
        }
    }
}
