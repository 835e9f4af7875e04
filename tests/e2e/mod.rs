#![allow(dead_code)] // each test file uses part of the shared harness

pub mod fit;
pub mod pty;
pub mod server;
// The shared helpers come with this module, so a test binary needs only `mod e2e;`.
#[path = "../support/mod.rs"]
pub mod support;
