//! Codes and links the embedded server "sent", read from its outbox in process, waiting for
//! them to arrive (the app sends them from a spawned task, so they come a moment later).

use std::time::{Duration, Instant};

use clerk_tui::devserver::{DevServerHandle, OutboxMessage};

const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);

/// The newest message to `to` (any case) that `pick` finds something in.
fn newest(
    server: &DevServerHandle,
    to: &str,
    pick: impl Fn(&OutboxMessage) -> Option<String>,
) -> Option<String> {
    server
        .outbox()
        .iter()
        .filter(|m| m.to.eq_ignore_ascii_case(to))
        .find_map(pick)
}

fn code_of(m: &OutboxMessage) -> Option<String> {
    m.code.clone()
}

fn link_of(m: &OutboxMessage) -> Option<String> {
    m.link.clone()
}

async fn wait(
    server: &DevServerHandle,
    to: &str,
    what: &str,
    pick: fn(&OutboxMessage) -> Option<String>,
) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(found) = newest(server, to, pick) {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {what} was sent to {to}"
        );
        tokio::time::sleep(POLL).await;
    }
}

fn wait_blocking(
    server: &DevServerHandle,
    to: &str,
    what: &str,
    pick: fn(&OutboxMessage) -> Option<String>,
) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(found) = newest(server, to, pick) {
            return found;
        }
        assert!(Instant::now() < deadline, "no {what} was sent to {to}");
        std::thread::sleep(POLL);
    }
}

/// The newest code sent to `to`.
pub async fn code(server: &DevServerHandle, to: &str) -> String {
    wait(server, to, "code", code_of).await
}

/// The newest link sent to `to`.
pub async fn link(server: &DevServerHandle, to: &str) -> String {
    wait(server, to, "link", link_of).await
}

/// `code` for tests on plain threads.
pub fn code_blocking(server: &DevServerHandle, to: &str) -> String {
    wait_blocking(server, to, "code", code_of)
}

/// `link` for tests on plain threads.
pub fn link_blocking(server: &DevServerHandle, to: &str) -> String {
    wait_blocking(server, to, "link", link_of)
}
