//! A plain labelled one-line field (the identifier: email, phone or username) over
//! tui-input, with the cursor placed in the frame, horizontal scrolling and an error line.

use super::field::{self, Decor};
use super::{Outcome, is_press};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use tui_input::backend::crossterm::to_input_request;
use tui_input::{Input, InputRequest};

/// A labelled, editable line of text.
#[derive(Debug, Clone, Default)]
pub struct TextInput {
    input: Input,
    label: String,
    hint: Option<String>,
    error: Option<String>,
}

impl TextInput {
    pub fn new(label: impl Into<String>) -> Self {
        TextInput {
            label: label.into(),
            ..TextInput::default()
        }
    }

    /// A line under the field while there is no error ("Email address or username").
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Starts with `value`, cursor at the end (a remembered identifier, say).
    pub fn with_value(mut self, value: &str) -> Self {
        self.input = Input::new(strip_controls(value));
        self
    }

    /// Rows [`TextInput::render`] needs at `width` (the error wraps).
    pub fn height(&self, width: u16) -> u16 {
        self.height_with_error(width, self.error.as_deref())
    }

    /// [`TextInput::height`] when the screen supplies the error (see `render_with_error`).
    pub fn height_with_error(&self, width: u16, error: Option<&str>) -> u16 {
        field::height(error, self.hint.as_deref(), width)
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn set_label(&mut self, label: impl Into<String>) {
        self.label = label.into();
    }

    pub fn set_error(&mut self, error: Option<String>) {
        self.error = error;
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn clear(&mut self) {
        self.input.reset();
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if !is_press(&key) {
            return Outcome::Ignored;
        }
        if key.code == KeyCode::Enter {
            return Outcome::Submit;
        }
        match to_input_request(&Event::Key(key)) {
            Some(InputRequest::InsertChar(c)) if c.is_control() => Outcome::Ignored,
            Some(request) => self.apply(request),
            None => Outcome::Ignored,
        }
    }

    /// Inserts pasted text at the cursor; line breaks and control characters are dropped
    /// (an identifier is one line), surrounding whitespace trimmed.
    pub fn handle_paste(&mut self, pasted: &str) -> Outcome {
        let cleaned = strip_controls(pasted.trim());
        if cleaned.is_empty() {
            return Outcome::Consumed;
        }
        // One insertion, not one per character: a huge paste must not take quadratic time.
        let cursor = self.input.cursor();
        let mut value = String::from(std::mem::take(&mut self.input));
        let byte = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        value.insert_str(byte, &cleaned);
        self.input = Input::new(value).with_cursor(cursor + cleaned.chars().count());
        self.error = None;
        Outcome::Changed
    }

    /// Draws the field and returns the cursor position when `focused`.
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
            hint: self.hint.as_deref(),
            error,
            focused,
        };
        let inner = field::render_decor(buf, area, theme, &decor);
        let position = field::render_value(
            buf,
            inner,
            theme,
            focused,
            self.input.value(),
            self.input.visual_cursor(),
        );
        position.filter(|_| focused)
    }

    fn apply(&mut self, request: InputRequest) -> Outcome {
        match self.input.handle(request) {
            Some(changed) => {
                if changed.value {
                    self.error = None;
                }
                Outcome::Changed
            }
            None => Outcome::Consumed,
        }
    }
}

fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::testing::{chars, key, render, screen, snapshot};

    fn draw(
        field: &TextInput,
        theme: Theme,
        width: u16,
    ) -> (
        ratatui::Terminal<ratatui::backend::TestBackend>,
        Option<Position>,
    ) {
        render(width, 24, |area, buf| {
            field.render(Rect::new(0, 1, area.width, 3), buf, theme, true)
        })
    }

    #[test]
    fn typing_shows_text_and_moves_the_cursor() {
        let mut field = TextInput::new("Email address or username");
        for k in chars("alice@example.com") {
            assert_eq!(field.handle_key(k), Outcome::Changed);
        }
        assert_eq!(field.value(), "alice@example.com");
        let (terminal, cursor) = draw(&field, Theme::Default, 80);
        assert!(screen(&terminal).contains("> [alice@example.com"));
        assert_eq!(cursor, Some(Position::new(3 + 17, 2)));
        assert_eq!(field.handle_key(key(KeyCode::Home)), Outcome::Changed);
        let (_, cursor) = draw(&field, Theme::Default, 80);
        assert_eq!(cursor, Some(Position::new(3, 2)));
        assert_eq!(field.handle_key(key(KeyCode::Enter)), Outcome::Submit);
        assert_eq!(field.handle_key(key(KeyCode::Tab)), Outcome::Ignored);
    }

    #[test]
    fn long_values_scroll_to_keep_the_cursor_visible() {
        let mut field = TextInput::new("Identifier");
        let _ = field.handle_paste("a-very-long-identifier-that-does-not-fit@example.com");
        let (terminal, cursor) = draw(&field, Theme::Default, 30);
        let text = screen(&terminal);
        assert!(text.contains("example.com"), "{text}");
        assert!(!text.contains("a-very"), "{text}");
        assert_eq!(cursor.map(|c| c.x), Some(28));
    }

    #[test]
    fn paste_goes_in_at_the_cursor_and_large_pastes_stay_fast() {
        let mut field = TextInput::new("Identifier").with_value("alice.com");
        for _ in 0..4 {
            let _ = field.handle_key(key(KeyCode::Left));
        }
        assert_eq!(field.handle_paste("@example"), Outcome::Changed);
        assert_eq!(field.value(), "alice@example.com");
        let big = "x".repeat(500_000);
        assert_eq!(field.handle_paste(&big), Outcome::Changed);
        assert_eq!(field.value().len(), 500_017);
    }

    #[test]
    fn wide_characters_place_the_cursor_by_cells() {
        let mut field = TextInput::new("Username");
        let _ = field.handle_paste("日本");
        let (_, cursor) = draw(&field, Theme::Default, 80);
        assert_eq!(cursor, Some(Position::new(3 + 4, 2)));
    }

    #[test]
    fn paste_drops_controls_and_error_is_shown_until_typing() {
        let mut field = TextInput::new("Identifier");
        assert_eq!(
            field.handle_paste(" bob\x1b[2J@example.com\n"),
            Outcome::Changed
        );
        assert_eq!(field.value(), "bob[2J@example.com");
        field.set_error(Some("\x1b[31mCouldn't find your account.".into()));
        let (terminal, _) = draw(&field, Theme::Default, 80);
        assert!(screen(&terminal).contains("  Error: Couldn't find your account."));
        let _ = field.handle_key(key(KeyCode::Backspace));
        assert_eq!(field.error(), None);
    }

    #[test]
    fn snapshots() {
        let field = TextInput::new("Email address, phone number or username")
            .with_hint("Enter submits. Tab moves to the password.")
            .with_value("alice@example.com");
        let (terminal, cursor) = draw(&field, Theme::Default, 80);
        insta::assert_snapshot!("text_default", snapshot(&terminal, cursor));
        let (terminal, cursor) = draw(&field, Theme::Monochrome, 80);
        insta::assert_snapshot!("text_monochrome", snapshot(&terminal, cursor));
    }
}
