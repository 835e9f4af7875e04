//! The full-screen front end: terminal setup and restore (signals, panic hook, event source),
//! the colour theme, and the reusable widgets the screens are built from.
//! Nothing here calls the network; widgets take plain data and draw it.

pub mod terminal;
pub mod theme;
pub mod widgets;

pub use theme::Theme;
