//! The full-screen front end: terminal setup and restore (signals, panic hook), the event
//! source, the colour theme, and the reusable widgets the screens are built from.
//! Nothing here calls the network; widgets take plain data and draw it.

pub mod backend;
pub mod events;
pub mod outside;
#[cfg(test)]
mod pty_child;
pub mod run;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;

pub use events::{EventSource, QuitSignal, QuitSignals, TermEvent, is_quit_key, spawn_event_task};
pub use run::run;
pub use screens::{Ui, on_key, on_paste, render};
pub use terminal::{TerminalGuard, Tui};
pub use theme::Theme;
