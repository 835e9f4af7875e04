//! (Part of the binary, see `main.rs`.) The embedded server, started behind the first frame:
//! a first-ever run creates its database, hashes the demo passwords and generates a signing
//! key, which takes longer than drawing. A loopback port is bound at once and its address
//! handed to the client; connections to it wait until the server is up, then are relayed to
//! it, so an early request is late, never refused, never counted against a rate limit twice.

use std::net::SocketAddr;

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// Where the server is in its start.
#[derive(Clone, Debug)]
enum Phase {
    Starting,
    Up(SocketAddr),
    Failed(String),
}

/// A server that is starting (or started) behind a relay on a port already bound.
pub struct Starting {
    base_url: String,
    go: Option<oneshot::Sender<()>>,
    start: JoinHandle<Option<DevServerHandle>>,
    relay: JoinHandle<()>,
}

impl Starting {
    /// Binds the loopback port the client will use. The server itself starts when the
    /// sender from [`trigger`](Starting::trigger) is used or dropped, or on `close`.
    pub async fn bind(config: DevServerConfig) -> std::io::Result<Starting> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (phase_tx, phase) = watch::channel(Phase::Starting);
        let (go, go_rx) = oneshot::channel::<()>();
        let start = tokio::spawn(async move {
            // A dropped sender starts it too: a quit before the first frame still gets a
            // server that `close` can shut down cleanly.
            let _ = go_rx.await;
            match DevServer::start(config).await {
                Ok(handle) => {
                    let _ = phase_tx.send(Phase::Up(handle.addr()));
                    Some(handle)
                }
                Err(e) => {
                    tracing::error!(error = %e, "the embedded server did not start");
                    let _ = phase_tx.send(Phase::Failed(e.to_string()));
                    None
                }
            }
        });
        let relay = tokio::spawn(accept_loop(listener, phase));
        Ok(Starting {
            base_url,
            go: Some(go),
            start,
            relay,
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
    /// then stops the server and the relay.
    pub async fn close(mut self) {
        drop(self.go.take());
        if let Ok(Some(server)) = (&mut self.start).await {
            let _ = server.shutdown().await;
        }
        self.relay.abort();
    }
}

async fn accept_loop(listener: TcpListener, phase: watch::Receiver<Phase>) {
    loop {
        let Ok((conn, _)) = listener.accept().await else {
            // Out of descriptors, say: let some close before trying again.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        tokio::spawn(relay(conn, phase.clone()));
    }
}

/// Holds one connection until the server is up, then joins it to a connection to the server.
async fn relay(mut conn: TcpStream, mut phase: watch::Receiver<Phase>) {
    let now = match phase
        .wait_for(|p| !matches!(p, Phase::Starting))
        .await
        .map(|p| p.clone())
    {
        Ok(p) => p,
        Err(_) => Phase::Failed("the embedded server stopped".into()),
    };
    match now {
        Phase::Up(addr) => {
            let Ok(mut server) = TcpStream::connect(addr).await else {
                return;
            };
            let _ = conn.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let _ = tokio::io::copy_bidirectional(&mut conn, &mut server).await;
        }
        Phase::Failed(why) => refuse(conn, &why).await,
        Phase::Starting => {}
    }
}

/// Answers in the Frontend API's error shape, so the app says why instead of "no answer".
async fn refuse(mut conn: TcpStream, why: &str) {
    // Read (some of) the request first: closing with unread bytes would reset the connection
    // before the client reads the answer.
    let mut head = [0u8; 4096];
    let _ = tokio::time::timeout(std::time::Duration::from_millis(200), conn.read(&mut head)).await;
    let body = serde_json::json!({
        "errors": [{
            "code": "embedded_server_unavailable",
            "message": "The embedded server could not start",
            "long_message": format!("The embedded server could not start: {why}"),
        }]
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(answer.as_bytes()).await;
    let _ = conn.shutdown().await;
}
