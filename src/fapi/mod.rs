//! The Frontend API layer: typed models of what Clerk's Frontend API sends and receives.
//! Everything is re-exported here so callers write `clerk_tui::fapi::SignIn`.

pub mod models;

pub use models::*;
