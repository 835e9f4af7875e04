//! The full-screen UI over `App`: `Ui` holds the current [`screen::Screen`] (one component per
//! screen, each owning its inputs, focus and key table) and turns keys into `Action`s;
//! `render` draws the frame from `App` and `Ui` without changing either.

mod backup_codes;
mod choose;
mod code;
mod common;
mod component;
mod confirm;
mod demo_list;
mod form;
mod frame;
mod global;
mod handoff;
mod handoff_screen;
mod identifier;
mod keymap;
mod new_password;
mod problem;
mod screen;
mod secret;
mod shared;
mod signed_in;
mod start;
mod token;
mod totp_setup;
mod ui;
mod unfinished;
mod waiting;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_both_ends;
#[cfg(test)]
mod tests_fit;
#[cfg(test)]
mod tests_handoff;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_keytable;
#[cfg(test)]
mod tests_signed_in;

pub use frame::{MIN_HEIGHT, MIN_WIDTH, needs_tick, render, render_to_buffer};
pub use shared::{Hyperlink, Printout, Shared};
pub use ui::{Ui, on_key, on_paste};
