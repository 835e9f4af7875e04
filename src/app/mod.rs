//! The app state machine shared by both front ends: `App` (state), `Action` (everything that can
//! happen), `Effect` (everything the app asks the world to do), `Reply` (a call's answer) and the
//! pure `update`, which routes each to its topic. `effects*.rs` alone spawn, start processes and
//! read the environment; results come back as `Action`s.

mod account;
mod action;
pub mod callback;
mod calls;
mod demo;
mod effect;
pub mod effects;
mod effects_account;
mod effects_browser;
mod effects_callback;
mod effects_sign_in;
mod failure;
pub mod handoff;
mod handoff_return;
mod reply;
mod session;
mod sign_in;
mod start;
mod state;
mod update;

pub use action::{Action, CallbackEvent};
pub use callback::{HandOff, HandOffConfig, Listening};
pub use effect::{Call, Effect, Redirect};
pub use failure::{Failure, FailureKind};
pub use reply::{DemoCode, MaybeClient, Reply, SignInReply};
pub use session::REFRESH_BEFORE_MS;
pub use state::{
    AccountTask, App, Backend, BackupCodesReason, Busy, Confirm, DemoTotp, Notice, NoticeKind,
    OutboxEntry, SeedUserInfo, SignedIn, TokenCheck,
};
pub use update::update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_account;
#[cfg(test)]
mod tests_guards;
#[cfg(test)]
mod tests_handoff;
#[cfg(test)]
mod tests_handoff_refused;
#[cfg(test)]
mod tests_handoff_return;
#[cfg(test)]
mod tests_handoff_trust;
#[cfg(test)]
mod tests_lock;
#[cfg(test)]
mod tests_sdk_parity;
#[cfg(test)]
mod tests_session;
#[cfg(test)]
mod tests_sign_in;
#[cfg(test)]
mod tests_signed_in;
#[cfg(test)]
mod tests_state;
