//! The app state machine shared by both front ends: `App` (state), `Action` (everything that can
//! happen), `Effect` (everything the app asks the world to do) and the pure `update`.
//! `effects.rs` is the only place that spawns tasks; results come back as `Action`s.

mod account;
mod action;
mod effect;
pub mod effects;
mod effects_account;
mod failure;
pub mod handoff;
mod replies;
mod session;
mod state;
mod update;

pub use account::{AccountTask, BackupCodesReason, Confirm, DemoTotp};
pub use action::{Action, ApiReply, CallKind};
pub use effect::{Call, Effect};
pub use failure::{Failure, FailureKind};
pub use session::REFRESH_BEFORE_MS;
pub use state::{
    App, Backend, Busy, Notice, NoticeKind, OutboxEntry, SeedUserInfo, SignedIn, TokenCheck,
};
pub use update::update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_account;
#[cfg(test)]
mod tests_handoff;
#[cfg(test)]
mod tests_signed_in;
