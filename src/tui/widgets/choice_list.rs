//! A numbered list of choices ("1. Email code to j***@example.com"): `>` marks the focused
//! row, digits pick, Up/Down/Tab move, disabled entries stay visible with their reason so a
//! screen reader hears why ("Passkey — needs a browser").

use super::{Outcome, is_press, sanitize, text};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

/// One entry. `disabled` holds the reason it cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub disabled: Option<String>,
}

impl Choice {
    pub fn new(label: impl Into<String>) -> Self {
        Choice {
            label: label.into(),
            disabled: None,
        }
    }

    pub fn disabled(label: impl Into<String>, reason: impl Into<String>) -> Self {
        Choice {
            label: label.into(),
            disabled: Some(reason.into()),
        }
    }
}

/// The list and which entry has focus.
#[derive(Debug, Clone, Default)]
pub struct ChoiceList {
    choices: Vec<Choice>,
    focused: usize,
}

impl ChoiceList {
    /// Focus starts on the first usable entry.
    pub fn new(choices: Vec<Choice>) -> Self {
        let focused = choices
            .iter()
            .position(|c| c.disabled.is_none())
            .unwrap_or(0);
        ChoiceList { choices, focused }
    }

    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    pub fn focused(&self) -> usize {
        self.focused
    }

    /// Pre-selects an entry (the preferred factor); out-of-range indexes are ignored.
    pub fn set_focused(&mut self, index: usize) {
        if index < self.choices.len() {
            self.focused = index;
        }
    }

    /// Rows needed to show every entry.
    pub fn height(&self) -> u16 {
        u16::try_from(self.choices.len()).unwrap_or(u16::MAX)
    }

    /// Rows the list takes at `width`: a row too long for it continues on the next.
    pub fn height_at(&self, width: u16) -> u16 {
        let rows: usize = (0..self.choices.len())
            .map(|i| self.lines(i, usize::from(width)).len())
            .sum();
        u16::try_from(rows).unwrap_or(u16::MAX)
    }

    /// Choice `index` as drawn in `width` cells (after the marker): wrapped at spaces, the
    /// continuation indented under the label.
    fn lines(&self, index: usize, width: usize) -> Vec<String> {
        let Some(choice) = self.choices.get(index) else {
            return Vec::new();
        };
        let mut line = format!("{}. {}", index + 1, sanitize(&choice.label));
        if let Some(reason) = &choice.disabled {
            line.push_str(" — ");
            line.push_str(&sanitize(reason));
        }
        let room = width.saturating_sub(2);
        if text::width(&line) <= room {
            return vec![line];
        }
        let indent = text::width(&format!("{}. ", index + 1));
        let mut lines = text::word_wrap(&line, room);
        let rest = lines.split_off(1).join(" ");
        lines.extend(
            text::word_wrap(&rest, room.saturating_sub(indent))
                .into_iter()
                .map(|l| format!("{}{l}", " ".repeat(indent))),
        );
        lines
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if !is_press(&key) || self.choices.is_empty() {
            return Outcome::Ignored;
        }
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        match key.code {
            KeyCode::Tab if key.modifiers.contains(KeyModifiers::SHIFT) => self.step(false),
            KeyCode::Up | KeyCode::BackTab => self.step(false),
            KeyCode::Down | KeyCode::Tab => self.step(true),
            KeyCode::Home => self.focus(0),
            KeyCode::End => self.focus(self.choices.len() - 1),
            KeyCode::Enter => self.pick(self.focused),
            KeyCode::Char(c) if plain && c.is_ascii_digit() => {
                let n = c.to_digit(10).map_or(0, |d| d as usize);
                if n == 0 || n > self.choices.len() {
                    Outcome::Rejected(format!(
                        "There is no choice {n}; pick 1 to {}.",
                        self.choices.len().min(9)
                    ))
                } else {
                    self.focused = n - 1;
                    self.pick(n - 1)
                }
            }
            _ => Outcome::Ignored,
        }
    }

    /// Draws the rows (scrolling so the focused one is visible); the cursor sits on the
    /// focused row's marker.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        focused: bool,
    ) -> Option<Position> {
        // Callers may hand over an area that pokes out of the buffer; never draw there.
        let area = area.intersection(buf.area);
        if area.height == 0 || area.width < 4 {
            return None;
        }
        let rows = usize::from(area.height);
        let width = usize::from(area.width);
        // The first choice shown: far enough down that the focused one fits whole.
        let mut offset = 0;
        while offset < self.focused
            && (offset..=self.focused)
                .map(|i| self.lines(i, width).len())
                .sum::<usize>()
                > rows
        {
            offset += 1;
        }
        let mut y = area.y;
        let mut cursor_y = area.y;
        for index in offset..self.choices.len() {
            let choice = &self.choices[index];
            let is_focused = index == self.focused;
            let style = match (&choice.disabled, is_focused && focused) {
                (_, true) => theme.selected(),
                (Some(_), false) => theme.disabled(),
                (None, false) => theme.text(),
            };
            if is_focused {
                cursor_y = y;
            }
            for (i, line) in self.lines(index, width).iter().enumerate() {
                if y >= area.bottom() {
                    break;
                }
                if i == 0 && is_focused && focused {
                    buf.set_string(area.x, y, ">", theme.marker());
                }
                buf.set_string(area.x + 2, y, text::truncate(line, width - 2), style);
                y += 1;
            }
        }
        focused.then_some(Position::new(area.x, cursor_y))
    }

    fn step(&mut self, forward: bool) -> Outcome {
        let len = self.choices.len();
        let next = if forward {
            (self.focused + 1) % len
        } else {
            (self.focused + len - 1) % len
        };
        self.focus(next)
    }

    fn focus(&mut self, index: usize) -> Outcome {
        if index == self.focused {
            return Outcome::Consumed;
        }
        self.focused = index;
        Outcome::Changed
    }

    fn pick(&self, index: usize) -> Outcome {
        match self.choices.get(index) {
            Some(Choice {
                label,
                disabled: Some(reason),
            }) => Outcome::Rejected(format!("{}: {}.", sanitize(label), sanitize(reason))),
            Some(_) => Outcome::Picked(index),
            None => Outcome::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::testing::{key, render, rows, snapshot};

    fn factors() -> ChoiceList {
        ChoiceList::new(vec![
            Choice::new("Email code to j***@example.com"),
            Choice::new("Password"),
            Choice::disabled("Passkey", "needs a browser"),
            Choice::new("Text code to +1*******55"),
        ])
    }

    fn draw(
        list: &ChoiceList,
        theme: Theme,
    ) -> (
        ratatui::Terminal<ratatui::backend::TestBackend>,
        Option<Position>,
    ) {
        render(80, 24, |area, buf| {
            list.render(Rect::new(0, 2, area.width, list.height()), buf, theme, true)
        })
    }

    #[test]
    fn numbered_rows_marker_and_cursor_on_the_focused_one() {
        let mut list = factors();
        let (terminal, cursor) = draw(&list, Theme::Default);
        let lines = rows(&terminal);
        assert_eq!(lines[2].trim_end(), "> 1. Email code to j***@example.com");
        assert_eq!(lines[4].trim_end(), "  3. Passkey — needs a browser");
        assert_eq!(cursor, Some(Position::new(0, 2)));
        assert_eq!(list.handle_key(key(KeyCode::Down)), Outcome::Changed);
        assert_eq!(list.handle_key(key(KeyCode::Tab)), Outcome::Changed);
        let (terminal, cursor) = draw(&list, Theme::Default);
        assert_eq!(cursor, Some(Position::new(0, 4)));
        assert!(rows(&terminal)[4].starts_with("> 3. Passkey"));
    }

    #[test]
    fn digits_pick_and_disabled_entries_explain_themselves() {
        let mut list = factors();
        assert_eq!(list.handle_key(key(KeyCode::Char('2'))), Outcome::Picked(1));
        assert_eq!(list.focused(), 1);
        assert_eq!(
            list.handle_key(key(KeyCode::Char('3'))),
            Outcome::Rejected("Passkey: needs a browser.".into())
        );
        assert!(
            matches!(list.handle_key(key(KeyCode::Char('7'))), Outcome::Rejected(r) if r.contains("no choice 7"))
        );
        list.set_focused(3);
        assert_eq!(list.handle_key(key(KeyCode::Enter)), Outcome::Picked(3));
        assert_eq!(list.handle_key(key(KeyCode::Esc)), Outcome::Ignored);
    }

    #[test]
    fn movement_wraps_around() {
        let mut list = factors();
        assert_eq!(list.handle_key(key(KeyCode::Up)), Outcome::Changed);
        assert_eq!(list.focused(), 3);
        assert_eq!(list.handle_key(key(KeyCode::Down)), Outcome::Changed);
        assert_eq!(list.focused(), 0);
        assert_eq!(list.handle_key(key(KeyCode::BackTab)), Outcome::Changed);
        assert_eq!(list.focused(), 3);
    }

    #[test]
    fn focus_starts_on_the_first_usable_entry_and_scrolls_into_view() {
        let list = ChoiceList::new(vec![
            Choice::disabled("Passkey", "needs a browser"),
            Choice::new("Password"),
        ]);
        assert_eq!(list.focused(), 1);
        let mut long = ChoiceList::new(
            (1..=12)
                .map(|i| Choice::new(format!("Option {i}")))
                .collect(),
        );
        long.set_focused(10);
        let (terminal, cursor) = render(40, 4, |area, buf| {
            long.render(area, buf, Theme::Default, true)
        });
        assert_eq!(cursor, Some(Position::new(0, 3)));
        assert_eq!(rows(&terminal)[3].trim_end(), "> 11. Option 11");
    }

    #[test]
    fn server_text_is_sanitized() {
        let list = ChoiceList::new(vec![Choice::new(
            "Email code to \x1b]0;owned\x07x***@example.com",
        )]);
        let (terminal, _) = draw(&list, Theme::Default);
        assert_eq!(
            rows(&terminal)[2].trim_end(),
            "> 1. Email code to x***@example.com"
        );
    }

    #[test]
    fn snapshots() {
        let list = factors();
        let (terminal, cursor) = draw(&list, Theme::Default);
        insta::assert_snapshot!("choice_default", snapshot(&terminal, cursor));
        let (terminal, cursor) = draw(&list, Theme::Monochrome);
        insta::assert_snapshot!("choice_monochrome", snapshot(&terminal, cursor));
        let (terminal, cursor) = draw(&list, Theme::HighContrast);
        insta::assert_snapshot!("choice_high_contrast", snapshot(&terminal, cursor));
    }
}
