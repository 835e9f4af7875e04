//! The client against the attacks that broke it (issue 12, items 9-13), each performed for
//! real: a hostile Frontend API on loopback, planted files, a second process. Also forged
//! session tokens against the client's JWKS verification. See docs/THREAT_MODEL.md.
//! Unix only: the attacks are on file modes, owners and symlinks.
#![cfg(unix)]

#[path = "client_attacks/bodies.rs"]
mod bodies;
#[path = "client_attacks/forged.rs"]
mod forged;
#[path = "client_attacks/hostile.rs"]
mod hostile;
#[path = "client_attacks/output.rs"]
mod output;
#[path = "client_attacks/token_file.rs"]
mod token_file;
