//! A one-time code as N boxes (six by default): digits only, paste with spaces or dashes
//! stripped, [`Outcome::Complete`] on the last digit so the screen can submit at once.
//! The code leaves only through [`CodeInput::take_code`], which wipes the boxes.

use super::field;
use super::{Outcome, is_press};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use secrecy::SecretString;
use std::fmt;
use zeroize::Zeroize;

/// Cells one box takes: `[`, the digit, `]`, a gap.
const BOX_STRIDE: u16 = 4;

/// Boxes for a numeric one-time code.
pub struct CodeInput {
    digits: String,
    length: usize,
    label: String,
    error: Option<String>,
    masked: bool,
}

impl CodeInput {
    /// A six-digit code field.
    pub fn new(label: impl Into<String>) -> Self {
        CodeInput::with_length(label, 6)
    }

    /// A code field with `length` boxes (at least one).
    pub fn with_length(label: impl Into<String>, length: usize) -> Self {
        let length = length.max(1);
        CodeInput {
            digits: String::with_capacity(length),
            length,
            label: label.into(),
            error: None,
            masked: false,
        }
    }

    /// Shows `•` instead of the digits (for shoulder-surfing situations and screenshots).
    pub fn masked(mut self, masked: bool) -> Self {
        self.masked = masked;
        self
    }

    /// Rows [`CodeInput::render`] needs at `width` (the error wraps).
    pub fn height(&self, width: u16) -> u16 {
        self.height_with_error(width, self.error.as_deref())
    }

    /// [`CodeInput::height`] when the screen supplies the error (see `render_with_error`).
    pub fn height_with_error(&self, width: u16, error: Option<&str>) -> u16 {
        field::height(error, Some(&self.progress()), width)
    }

    fn progress(&self) -> String {
        format!("{} of {} digits entered.", self.filled(), self.length)
    }

    /// Cells needed to show every box with the marker.
    pub fn width(&self) -> u16 {
        let boxes = u16::try_from(self.length).unwrap_or(u16::MAX);
        field::VALUE_INDENT
            .saturating_sub(1)
            .saturating_add(boxes.saturating_mul(BOX_STRIDE))
    }

    pub fn length(&self) -> usize {
        self.length
    }

    /// Digits entered so far.
    pub fn filled(&self) -> usize {
        self.digits.len()
    }

    pub fn is_complete(&self) -> bool {
        self.digits.len() == self.length
    }

    pub fn set_error(&mut self, error: Option<String>) {
        self.error = error;
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Moves the code out and empties the boxes.
    pub fn take_code(&mut self) -> SecretString {
        let code = SecretString::from(self.digits.as_str());
        self.clear();
        self.error = None;
        code
    }

    /// Empties the boxes, zeroing what was typed (the buffer never grows, so it is the only copy).
    pub fn clear(&mut self) {
        self.digits.zeroize();
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if !is_press(&key) {
            return Outcome::Ignored;
        }
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        match key.code {
            KeyCode::Char(c) if plain && c.is_ascii_digit() => {
                if self.is_complete() {
                    return Outcome::Rejected(format!(
                        "All {} digits are entered; Backspace corrects the last one.",
                        self.length
                    ));
                }
                self.digits.push(c);
                self.error = None;
                if self.is_complete() {
                    Outcome::Complete
                } else {
                    Outcome::Changed
                }
            }
            KeyCode::Char('u') if key.modifiers == KeyModifiers::CONTROL => self.clear_outcome(),
            KeyCode::Char(_) if plain => {
                Outcome::Rejected("Only digits 0-9 can be typed here.".to_string())
            }
            KeyCode::Backspace if key.modifiers.is_empty() => {
                if self.digits.pop().is_some() {
                    Outcome::Changed
                } else {
                    Outcome::Consumed
                }
            }
            KeyCode::Delete if key.modifiers.is_empty() => self.clear_outcome(),
            KeyCode::Enter => {
                if self.is_complete() {
                    Outcome::Submit
                } else {
                    Outcome::Rejected(format!("Enter all {} digits.", self.length))
                }
            }
            _ => Outcome::Ignored,
        }
    }

    /// Accepts a pasted code: spaces, dashes and line breaks are dropped; anything else that
    /// is not a digit rejects the paste and keeps what was there.
    pub fn handle_paste(&mut self, pasted: &str) -> Outcome {
        let mut digits: String = pasted
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '—')))
            .collect();
        let outcome = if digits.is_empty() {
            Outcome::Consumed
        } else if !digits.chars().all(|c| c.is_ascii_digit()) {
            Outcome::Rejected(
                "The pasted text has characters other than digits; the code was left as it was."
                    .to_string(),
            )
        } else if digits.len() == self.length {
            self.clear();
            self.digits.push_str(&digits);
            Outcome::Complete
        } else if self.digits.len() + digits.len() <= self.length {
            self.digits.push_str(&digits);
            if self.is_complete() {
                Outcome::Complete
            } else {
                Outcome::Changed
            }
        } else {
            Outcome::Rejected(format!(
                "The pasted code has {} digits; this one needs {}.",
                digits.len(),
                self.length
            ))
        };
        digits.zeroize();
        if matches!(outcome, Outcome::Changed | Outcome::Complete) {
            self.error = None;
        }
        outcome
    }

    /// Draws label, boxes and error/progress line; the cursor sits in the next empty box.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        focused: bool,
    ) -> Option<Position> {
        self.render_with_error(area, buf, theme, focused, self.error.as_deref())
    }

    /// Draws the boxes with `error` under them instead of their own: a screen derives the
    /// error from the app each frame, so drawing never has to change the field.
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
        let (label_row, value_row, note) = field::rows(area);
        field::render_label(buf, label_row, theme, &self.label, focused);
        let progress = self.progress();
        field::render_note(buf, note, theme, error, Some(&progress));
        if value_row.height == 0 || value_row.width < 2 + BOX_STRIDE {
            return None;
        }
        if focused {
            buf.set_string(value_row.x, value_row.y, ">", theme.marker());
        }
        let fits = usize::from((value_row.width - 2) / BOX_STRIDE);
        let mut digits = self.digits.chars();
        for i in 0..self.length.min(fits) {
            let x = value_row.x + 2 + u16::try_from(i).unwrap_or(0) * BOX_STRIDE;
            let shown = match digits.next() {
                Some(_) if self.masked => '•',
                Some(d) => d,
                None => ' ',
            };
            let current = focused && i == self.filled().min(self.length - 1);
            buf.set_string(x, value_row.y, "[", theme.text());
            buf.set_string(x + 1, value_row.y, shown.to_string(), theme.field(current));
            buf.set_string(x + 2, value_row.y, "]", theme.text());
        }
        if !focused {
            return None;
        }
        let next = self
            .filled()
            .min(self.length - 1)
            .min(fits.saturating_sub(1));
        let x = value_row.x + 3 + u16::try_from(next).unwrap_or(0) * BOX_STRIDE;
        Some(Position::new(x, value_row.y))
    }

    fn clear_outcome(&mut self) -> Outcome {
        if self.digits.is_empty() {
            Outcome::Consumed
        } else {
            self.clear();
            Outcome::Changed
        }
    }
}

impl Drop for CodeInput {
    fn drop(&mut self) {
        self.digits.zeroize();
    }
}

impl fmt::Debug for CodeInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeInput")
            .field("label", &self.label)
            .field("code", &format_args!("***"))
            .field("length", &self.length)
            .finish()
    }
}

#[cfg(test)]
#[path = "code_input_tests.rs"]
mod tests;
