//! The accept loop: axum's router on hyper with a header-read timeout, so a connection that
//! sends half a request, or sits idle between requests, is closed instead of held for ever
//! (hyper starts the same timer whenever a kept-alive connection waits for its next request).
//! HTTP/1.1 only: every Frontend API client speaks it (browsers do not use HTTP/2 over plain
//! `http://`, and the app's reqwest is built without it), and hyper's HTTP/2 (`h2`) was
//! 0.65 MB of the binary.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1::Builder;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use super::errors::DevServerError;

/// Serves `router` until `shutdown` fires, then lets the requests in progress finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    mut shutdown: oneshot::Receiver<()>,
) -> Result<(), DevServerError> {
    let mut builder = Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let (closing_tx, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        while connections.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(
            router
                .clone()
                .layer(axum::Extension(ConnectInfo::<SocketAddr>(peer))),
        );
        let builder = builder.clone();
        let mut closing = closing_rx.clone();
        connections.spawn(async move {
            let conn = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = closing.changed() => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
    }
    let _ = closing_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}
