//! Helpers shared by the integration tests; each test binary uses only part of them.

#[allow(dead_code)]
pub mod data;
#[allow(dead_code)]
pub mod openapi;
#[allow(dead_code)]
pub mod outbox;
#[allow(dead_code)]
pub mod prereq;
#[allow(dead_code)]
pub mod server;
#[allow(dead_code)]
pub mod totp;
