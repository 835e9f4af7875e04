//! The line mode and the scripting contract against the embedded Frontend API server over real
//! loopback HTTP: every sign-in flow typed line by line in-process, and the built binary's
//! `sign-in`/`token`/`status`/`sign-out` commands with their NDJSON and exit codes.

mod support;

#[path = "plain/harness.rs"]
mod harness;
#[path = "plain/items_80.rs"]
mod items_80;
#[path = "plain/line_mode.rs"]
mod line_mode;
#[path = "plain/pty.rs"]
mod pty;
#[path = "plain/scripting.rs"]
mod scripting;
#[path = "plain/tickets.rs"]
mod tickets;
