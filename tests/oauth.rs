//! The OAuth/SSO hand-off end to end: the embedded server's mock provider (`oauth_mock`) over
//! real HTTP with every `/v1` body checked against Clerk's OpenAPI, the requests the client
//! makes (shapes), the loopback callback listener under attack, and the app itself (plain
//! front end, piped input; and the full-screen binary in a pseudo-terminal) finishing the
//! hand-off through the callback and through paste-back while the test consents like a browser.

mod support;

#[path = "devserver/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "plain/harness.rs"]
#[allow(dead_code)]
mod plain_harness;

#[path = "oauth/consent.rs"]
mod consent;

#[path = "oauth/protocol.rs"]
mod protocol;

#[path = "oauth/app.rs"]
mod app;

#[path = "e2e/pty.rs"]
#[allow(dead_code)]
mod pty;

#[path = "oauth/hand_off.rs"]
mod hand_off;

#[path = "oauth/tui.rs"]
mod tui;

#[path = "fapi_client/harness.rs"]
#[allow(dead_code)]
mod fapi_harness;

#[path = "oauth/shapes.rs"]
mod shapes;

#[path = "oauth/callback.rs"]
mod callback;

#[path = "browser/cdp.rs"]
#[allow(dead_code)] // each binary uses its part
mod cdp;

#[path = "oauth/chromium.rs"]
mod chromium;

#[path = "oauth/exact_allowlist.rs"]
mod exact_allowlist;
