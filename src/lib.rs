//! clerk-tui: sign in to a Clerk application from a terminal.
//!
//! The library holds every layer (see `docs/ARCHITECTURE.md` in the shared folder): the Frontend
//! API client (`fapi`), Clerk's `SignInFuture` over it (`sign_in`), the sign-in domain (`flow`),
//! the app state machine (`app`), the two front ends (`tui`, `plain`) and the embedded Frontend
//! API server (`devserver`).

pub mod app;
pub mod cli;
pub mod devserver;
pub mod doctor;
pub mod fapi;
pub mod flow;
pub mod plain;
pub mod sign_in;
pub mod tui;
