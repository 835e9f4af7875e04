//! The OAuth/SSO hand-off end to end: the embedded server's mock provider (`oauth_mock`) over
//! real HTTP with every `/v1` body checked against Clerk's OpenAPI, and the app itself (plain
//! front end, piped input; and the full-screen binary in a pseudo-terminal) waiting on the
//! hand-off while the test consents like a browser.

mod support;

#[path = "devserver/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "plain/harness.rs"]
#[allow(dead_code)]
mod plain_harness;

#[path = "oauth/protocol.rs"]
mod protocol;

#[path = "oauth/app.rs"]
mod app;

#[path = "e2e/pty.rs"]
#[allow(dead_code)]
mod pty;

#[path = "oauth/tui.rs"]
mod tui;
