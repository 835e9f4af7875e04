//! Reusable widgets for the screens: plain data in, rendering out, keys in, [`Outcome`] out.
//! No widget knows the API models or does I/O; each one returns where the hardware cursor
//! belongs so the focused field or choice always carries it.

pub mod choice_list;
pub mod code_input;
mod field;
pub mod help;
pub mod masked_input;
pub mod outbox;
pub mod qr;
pub mod status_bar;
pub(crate) mod text;
pub mod text_input;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
pub(crate) mod testing;

pub use choice_list::{Choice, ChoiceList};
pub use code_input::CodeInput;
pub use help::{HelpOverlay, KeyHelp};
pub use masked_input::MaskedInput;
pub use outbox::{OutboxMessage, OutboxPane};
pub use qr::{QrStyle, QrWidget};
pub use text_input::TextInput;

/// The crate's one cleaner of server text (`flow::clean`), under the name the widgets use.
pub use crate::flow::clean as sanitize;
pub use status_bar::StatusBar;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Position;

/// What a widget did with a key or a paste. Screens act on it; widgets never do I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Outcome {
    /// Not meant for this widget (Tab between fields, Esc, Ctrl-C, ...): the screen decides.
    Ignored,
    /// Taken, and what is drawn changed.
    Changed,
    /// Taken, nothing visible changed (a key swallowed by an overlay, say).
    Consumed,
    /// Refused, with a sentence for the user ("Only digits can be typed here").
    Rejected(String),
    /// Enter on a field: the screen should submit.
    Submit,
    /// The last box of a code was filled: the screen may submit without Enter.
    Complete,
    /// A choice was picked (index into the list).
    Picked(usize),
    /// An overlay asked to be closed.
    Close,
}

/// Key releases (sent by terminals with the kitty protocol) must not act twice.
pub(crate) fn is_press(key: &KeyEvent) -> bool {
    matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat)
}

/// Puts the hardware cursor where a widget's `render` said it belongs (screen readers and
/// braille displays follow it); `None` leaves it hidden.
pub fn set_cursor(frame: &mut Frame<'_>, position: Option<Position>) {
    if let Some(position) = position {
        frame.set_cursor_position(position);
    }
}
