//! The OAuth/SSO hand-off end to end: the embedded server's mock provider (`oauth_mock`) over
//! real HTTP with every `/v1` body checked against Clerk's OpenAPI, and the app itself (plain
//! front end, piped input) waiting on the hand-off while the test consents like a browser.

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
