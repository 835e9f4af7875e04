#![allow(dead_code)] // each test file uses part of the shared harness

pub mod pty;
pub mod server;
