//! (Part of the binary, see `main.rs`.) The embedded server, started behind the first frame:
//! a first-ever run creates its database, hashes the demo passwords and generates a signing
//! key, which takes longer than drawing. Its loopback port is reserved at once, so the client
//! and the start screen know the address; the server takes the port over when it starts.
//!
//! Why this works without failed requests: `DevServer::start` listens on the port before its
//! slow work, so a request made meanwhile waits in the kernel's accept queue, and is answered
//! by the server itself (same port, so the session tokens' issuer is the client's base URL).
//! The app's first requests wait until the server listens (see [`Go::go`]), so none is refused.

use std::net::SocketAddr;
use std::task::Poll;

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};
use tokio::net::TcpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server that starts on a port already reserved.
pub struct Starting {
    base_url: String,
    go: Option<Go>,
    start: JoinHandle<Option<DevServerHandle>>,
}

/// Starts the server; dropping it starts the server too.
pub struct Go {
    go: oneshot::Sender<()>,
    listening: oneshot::Receiver<()>,
}

impl Go {
    /// Starts the server and returns once it listens (a moment: before its slow work).
    pub async fn go(self) {
        if self.go.send(()).is_ok() {
            let _ = self.listening.await;
        }
    }
}

impl Starting {
    /// Reserves a loopback port for `config`, then starts the server on it when the [`Go`]
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
        let (listening_tx, listening) = oneshot::channel::<()>();
        let start = tokio::spawn(async move {
            // A dropped sender starts it too: a quit before the first frame still gets a
            // server that `close` can shut down cleanly.
            let _ = go_rx.await;
            let mut starting = std::pin::pin!(DevServer::start(config));
            // Its first poll binds and listens, then waits for the slow work.
            let first = futures::poll!(starting.as_mut());
            drop(reservation);
            let _ = listening_tx.send(());
            let started = match first {
                Poll::Ready(started) => started,
                Poll::Pending => starting.await,
            };
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
            go: Some(Go { go, listening }),
            start,
        })
    }

    /// `http://127.0.0.1:PORT`, valid before the server is up.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What starts the server (once the first frame is drawn).
    pub fn trigger(&mut self) -> Option<Go> {
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
