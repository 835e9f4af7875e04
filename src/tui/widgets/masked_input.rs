//! A password field: shows one `•` per typed character (grapheme), Ctrl-R reveals, and the
//! value leaves only through [`MaskedInput::take_secret`], which wipes the field. Editing
//! never copies the password into tui-input's yank buffer, and growth re-allocates by hand
//! so old buffers are zeroed (best effort: the terminal and the allocator are outside reach).

use super::field::{self, Decor};
use super::{Outcome, is_press};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use secrecy::SecretString;
use std::fmt;
use tui_input::backend::crossterm::to_input_request;
use tui_input::{Input, InputRequest};
use unicode_segmentation::UnicodeSegmentation;
use zeroize::Zeroize;

/// Room reserved up front so typical passwords never trigger a re-allocation.
const INITIAL_CAPACITY: usize = 128;

/// A masked, labelled input field for passwords.
pub struct MaskedInput {
    input: Input,
    label: String,
    error: Option<String>,
    revealed: bool,
    /// A masked code, not a password: the hint says so.
    code: bool,
}

impl MaskedInput {
    pub fn new(label: impl Into<String>) -> Self {
        MaskedInput {
            input: Input::new(String::with_capacity(INITIAL_CAPACITY)),
            label: label.into(),
            error: None,
            revealed: false,
            code: false,
        }
    }

    /// The field holds a code (a backup code), so the hint does not speak of a password.
    pub fn for_code(mut self) -> Self {
        self.code = true;
        self
    }

    /// Rows [`MaskedInput::render`] needs at `width`: label, value, and the error (wrapped)
    /// or hint.
    pub fn height(&self, width: u16) -> u16 {
        self.height_with_error(width, self.error.as_deref())
    }

    /// [`MaskedInput::height`] when the screen supplies the error (see `render_with_error`).
    pub fn height_with_error(&self, width: u16, error: Option<&str>) -> u16 {
        field::height(error, Some(self.hint()), width)
    }

    fn hint(&self) -> &'static str {
        match (self.revealed, self.code) {
            (true, false) => "Password shown. Ctrl-R hides it.",
            (false, false) => "Ctrl-R shows the password.",
            (true, true) => "Code shown. Ctrl-R hides it.",
            (false, true) => "Ctrl-R shows the code.",
        }
    }

    /// Shows `Error: <message>` under the field (server text is sanitized when drawn).
    /// Typing clears it.
    pub fn set_error(&mut self, error: Option<String>) {
        self.error = error;
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Number of characters typed, as the user counts them (graphemes).
    pub fn len(&self) -> usize {
        self.input.value().graphemes(true).count()
    }

    pub fn is_empty(&self) -> bool {
        self.input.value().is_empty()
    }

    /// Lends the typed text to `check` without copying it out, so a form can check the
    /// password rules and the confirmation while the user types.
    pub fn with_value<R>(&self, check: impl FnOnce(&str) -> R) -> R {
        check(self.input.value())
    }

    pub fn is_revealed(&self) -> bool {
        self.revealed
    }

    pub fn set_revealed(&mut self, revealed: bool) {
        self.revealed = revealed;
    }

    /// Moves the password out and leaves the field empty, hidden and without error.
    pub fn take_secret(&mut self) -> SecretString {
        let mut value = self.take_string();
        let secret = SecretString::from(value.as_str());
        value.zeroize();
        self.error = None;
        self.revealed = false;
        secret
    }

    /// Empties the field, zeroing what was typed.
    pub fn clear(&mut self) {
        self.take_string().zeroize();
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if !is_press(&key) {
            return Outcome::Ignored;
        }
        match (key.code, key.modifiers) {
            (KeyCode::Char('r'), KeyModifiers::CONTROL) => {
                self.revealed = !self.revealed;
                return Outcome::Changed;
            }
            (KeyCode::Enter, _) => return Outcome::Submit,
            _ => {}
        }
        let Some(request) = to_input_request(&Event::Key(key)) else {
            return Outcome::Ignored;
        };
        let before = (self.input.value().len(), self.input.cursor());
        match request {
            InputRequest::InsertChar(c) if c.is_control() => return Outcome::Ignored,
            InputRequest::InsertChar(c) => self.insert(c.encode_utf8(&mut [0; 4])),
            // Word boundaries would reveal the password's shape, and every cut would be
            // copied into tui-input's yank buffer: cut to the start/end instead, in place.
            InputRequest::GoToPrevWord => self.apply(InputRequest::GoToStart),
            InputRequest::GoToNextWord => self.apply(InputRequest::GoToEnd),
            InputRequest::DeletePrevWord | InputRequest::DeleteFromStart => {
                while self.input.cursor() > 0 {
                    self.apply(InputRequest::DeletePrevChar);
                }
            }
            InputRequest::DeleteNextWord | InputRequest::DeleteTillEnd => {
                while self.input.cursor() < self.input.value().chars().count() {
                    self.apply(InputRequest::DeleteNextChar);
                }
            }
            InputRequest::DeleteLine => self.clear(),
            InputRequest::Yank => return Outcome::Ignored,
            other => self.apply(other),
        }
        let after = (self.input.value().len(), self.input.cursor());
        if before.0 != after.0 {
            self.error = None;
        }
        if before == after {
            Outcome::Consumed
        } else {
            Outcome::Changed
        }
    }

    /// Inserts pasted text at the cursor. A trailing line break (password managers add one)
    /// is dropped; other line breaks or control characters reject the whole paste.
    pub fn handle_paste(&mut self, pasted: &str) -> Outcome {
        let pasted = pasted.strip_suffix('\n').unwrap_or(pasted);
        let pasted = pasted.strip_suffix('\r').unwrap_or(pasted);
        if pasted.chars().any(char::is_control) {
            return Outcome::Rejected(
                "The pasted text contains line breaks or control characters; nothing was pasted."
                    .to_string(),
            );
        }
        if pasted.is_empty() {
            return Outcome::Consumed;
        }
        self.insert(pasted);
        self.error = None;
        Outcome::Changed
    }

    /// Draws the field into `area` (see [`MaskedInput::height`]) and returns where the
    /// hardware cursor belongs when `focused`.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        focused: bool,
    ) -> Option<Position> {
        self.render_with_error(area, buf, theme, focused, self.error.as_deref())
    }

    /// Draws the field with `error` under it instead of its own: a screen derives the error
    /// from the app each frame, so drawing never has to change the field.
    pub fn render_with_error(
        &self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        focused: bool,
        error: Option<&str>,
    ) -> Option<Position> {
        // Callers may hand over an area that pokes out of the buffer; never draw there.
        let area = area.intersection(buf.area);
        let decor = Decor {
            label: &self.label,
            hint: Some(self.hint()),
            error,
            focused,
        };
        let inner = field::render_decor(buf, area, theme, &decor);
        let value = self.input.value();
        let cursor_byte = value
            .char_indices()
            .nth(self.input.cursor())
            .map_or(value.len(), |(i, _)| i);
        let position = if self.revealed {
            field::render_value(
                buf,
                inner,
                theme,
                focused,
                value,
                self.input.visual_cursor(),
            )
        } else {
            let dots = "•".repeat(self.len());
            let col = value[..cursor_byte].graphemes(true).count();
            field::render_value(buf, inner, theme, focused, &dots, col)
        };
        position.filter(|_| focused)
    }

    /// Inserts at the cursor, growing into a fresh buffer and zeroing the old one when full.
    fn insert(&mut self, text: &str) {
        let cursor = self.input.cursor();
        let mut value = self.take_string();
        if value.capacity() - value.len() < text.len() {
            let needed = (value.len() + text.len()).max(INITIAL_CAPACITY);
            let mut grown = String::with_capacity(needed * 2);
            grown.push_str(&value);
            value.zeroize();
            value = grown;
        }
        let byte = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        value.insert_str(byte, text);
        self.input = Input::new(value).with_cursor(cursor + text.chars().count());
    }

    fn apply(&mut self, request: InputRequest) {
        let _ = self.input.handle(request);
    }

    /// Moves the buffer out without copying it; the field is left empty.
    fn take_string(&mut self) -> String {
        let taken = std::mem::replace(
            &mut self.input,
            Input::new(String::with_capacity(INITIAL_CAPACITY)),
        );
        String::from(taken)
    }
}

impl Drop for MaskedInput {
    fn drop(&mut self) {
        self.take_string().zeroize();
    }
}

impl fmt::Debug for MaskedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MaskedInput")
            .field("label", &self.label)
            .field("value", &format_args!("***"))
            .field("revealed", &self.revealed)
            .finish()
    }
}

#[cfg(test)]
#[path = "masked_input_tests.rs"]
mod tests;
