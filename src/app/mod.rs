//! The app state machine shared by both front ends: `App` (state), `Action` (everything that can
//! happen), `Effect` (everything the app asks the world to do) and the pure `update`.
//! `effects.rs` is the only place that spawns tasks; results come back as `Action`s.

mod action;
mod effect;
pub mod effects;
mod failure;
pub mod handoff;
mod replies;
mod state;
mod update;

pub use action::{Action, ApiReply, CallKind};
pub use effect::{Call, Effect};
pub use failure::{Failure, FailureKind};
pub use state::{App, Backend, Busy, Notice, NoticeKind, OutboxEntry, SeedUserInfo, SignedIn};
pub use update::update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_handoff;
