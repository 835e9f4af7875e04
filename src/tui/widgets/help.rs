//! The help overlay: a centred popup listing the keys of the current screen, generated from
//! the same key table that feeds the status bar, so the two never disagree. It takes every
//! key while open (except Ctrl-C) and asks to close on Esc, `?` or F1.

use super::{Outcome, is_press, text};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Block, Borders, Clear, Widget};
use std::borrow::Cow;

/// One row of a screen's key table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: Cow<'static, str>,
    pub action: &'static str,
}

/// The popup and how far it is scrolled.
#[derive(Debug, Clone)]
pub struct HelpOverlay {
    title: String,
    keys: Cow<'static, [KeyHelp]>,
    scroll: usize,
}

const FOOTER: &str = "Esc, ? or F1 closes help.";
/// Keys wider than this do not widen the key column for every row.
const KEY_COLUMN_MAX: usize = 12;
const FOOTER_SCROLL: &str = "Up/Down scroll. Esc, ? or F1 closes help.";

impl HelpOverlay {
    /// `title` names the screen ("Sign in: password").
    pub fn new(title: impl Into<String>, keys: impl Into<Cow<'static, [KeyHelp]>>) -> Self {
        HelpOverlay {
            title: title.into(),
            keys: keys.into(),
            scroll: 0,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if !is_press(&key) {
            return Outcome::Ignored;
        }
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Outcome::Ignored,
            KeyCode::Esc | KeyCode::F(1) | KeyCode::Char('?') => Outcome::Close,
            KeyCode::Down | KeyCode::PageDown => self.scroll_to(self.scroll.saturating_add(1)),
            KeyCode::Up | KeyCode::PageUp => self.scroll_to(self.scroll.saturating_sub(1)),
            KeyCode::Home => self.scroll_to(0),
            _ => Outcome::Consumed,
        }
    }

    /// The popup's rectangle inside `area`.
    pub fn popup_area(&self, area: Rect) -> Rect {
        let column = self.key_column();
        let rows_w = self
            .keys
            .iter()
            .map(|k| Self::action_x(column, k) + text::width(k.action))
            .max()
            .unwrap_or(0);
        let content_w = rows_w
            .max(text::width(FOOTER_SCROLL))
            .max(text::width(&self.title) + 8);
        let width = u16::try_from(content_w + 4)
            .unwrap_or(u16::MAX)
            .min(area.width);
        let rows = u16::try_from(self.keys.len() + 4).unwrap_or(u16::MAX);
        let height = rows.min(area.height);
        Rect::new(
            area.x + (area.width - width) / 2,
            area.y + (area.height - height) / 2,
            width,
            height,
        )
    }

    /// Where the actions start: after the widest keys, unless one row's keys are much wider
    /// than the rest ("Backspace, Delete, Ctrl-U"); that row's action follows its own keys, so
    /// the others keep room for their words at 80 columns.
    fn key_column(&self) -> usize {
        self.keys
            .iter()
            .map(|k| text::width(&k.keys))
            .filter(|w| *w <= KEY_COLUMN_MAX)
            .max()
            .unwrap_or(0)
    }

    fn action_x(column: usize, help: &KeyHelp) -> usize {
        column.max(text::width(&help.keys)) + 3
    }

    /// Draws the popup over whatever is in `area`; the cursor goes to its first row.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: Theme) -> Option<Position> {
        // Callers may hand over an area that pokes out of the buffer; never draw there.
        let area = area.intersection(buf.area);
        let popup = self.popup_area(area);
        Clear.render(popup, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(format!(" Help: {} ", super::sanitize(&self.title)))
            .title_style(theme.title());
        let inner = block.inner(popup);
        block.render(popup, buf);
        if inner.height < 2 || inner.width < 4 {
            return None;
        }
        let body = Rect::new(inner.x + 1, inner.y, inner.width - 2, inner.height - 2);
        let visible = usize::from(body.height);
        let overflow = self.keys.len() > visible;
        let scroll = self.scroll.min(self.keys.len().saturating_sub(visible));
        let column = self.key_column();
        let width = usize::from(body.width);
        for (row, help) in self.keys.iter().skip(scroll).take(visible).enumerate() {
            let y = body.y + u16::try_from(row).unwrap_or(0);
            let keys = text::truncate(&help.keys, width);
            buf.set_string(body.x, y, &keys, theme.key());
            let x = Self::action_x(column, help);
            if x < width {
                let action = text::truncate(help.action, width - x);
                buf.set_string(
                    body.x + u16::try_from(x).unwrap_or(0),
                    y,
                    action,
                    theme.text(),
                );
            }
        }
        let footer = if overflow { FOOTER_SCROLL } else { FOOTER };
        buf.set_string(
            body.x,
            inner.bottom() - 1,
            text::truncate(footer, width),
            theme.hint(),
        );
        Some(Position::new(body.x, body.y))
    }

    fn scroll_to(&mut self, scroll: usize) -> Outcome {
        let scroll = scroll.min(self.keys.len().saturating_sub(1));
        if scroll == self.scroll {
            return Outcome::Consumed;
        }
        self.scroll = scroll;
        Outcome::Changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::testing::{ctrl, key, render, rows, screen, snapshot};

    const PASSWORD_KEYS: &[KeyHelp] = &[
        KeyHelp {
            keys: Cow::Borrowed("Enter"),
            action: "sign in",
        },
        KeyHelp {
            keys: Cow::Borrowed("Ctrl-R"),
            action: "reveal password",
        },
        KeyHelp {
            keys: Cow::Borrowed("m, Ctrl-O"),
            action: "use another method",
        },
        KeyHelp {
            keys: Cow::Borrowed("Esc"),
            action: "back to the identifier",
        },
        KeyHelp {
            keys: Cow::Borrowed("Ctrl-C"),
            action: "quit",
        },
    ];

    #[test]
    fn close_keys_and_swallowed_keys() {
        let mut help = HelpOverlay::new("Password", PASSWORD_KEYS);
        assert_eq!(help.handle_key(key(KeyCode::Esc)), Outcome::Close);
        assert_eq!(help.handle_key(key(KeyCode::F(1))), Outcome::Close);
        assert_eq!(help.handle_key(key(KeyCode::Char('?'))), Outcome::Close);
        assert_eq!(help.handle_key(key(KeyCode::Char('s'))), Outcome::Consumed);
        assert_eq!(help.handle_key(key(KeyCode::Enter)), Outcome::Consumed);
        assert_eq!(help.handle_key(ctrl('c')), Outcome::Ignored);
    }

    #[test]
    fn one_row_of_wide_keys_leaves_the_others_room_at_80_columns() {
        const KEYS: &[KeyHelp] = &[
            KeyHelp {
                keys: Cow::Borrowed("Backspace, Delete, Ctrl-U"),
                action: "correct the last digit, clear all",
            },
            KeyHelp {
                keys: Cow::Borrowed("o"),
                action: "show or hide the dev outbox (codes and links sent)",
            },
        ];
        let help = HelpOverlay::new("Verification code", KEYS);
        let (terminal, _) = render(80, 24, |area, buf| help.render(area, buf, Theme::Default));
        let text = screen(&terminal);
        for k in KEYS {
            assert!(text.contains(k.action), "{k:?} whole:\n{text}");
        }
        assert!(!text.contains('…'), "{text}");
    }

    #[test]
    fn centred_popup_lists_every_key_over_the_screen() {
        let help = HelpOverlay::new("Password", PASSWORD_KEYS);
        let (terminal, cursor) = render(80, 24, |area, buf| {
            buf.set_string(0, 12, "x".repeat(80), Theme::Default.text());
            help.render(area, buf, Theme::Default)
        });
        let text = screen(&terminal);
        for k in PASSWORD_KEYS {
            assert!(
                text.contains(k.keys.as_ref()) && text.contains(k.action),
                "{k:?}\n{text}"
            );
        }
        assert!(text.contains("Help: Password"));
        assert!(text.contains("Esc, ? or F1 closes help."));
        let popup = help.popup_area(Rect::new(0, 0, 80, 24));
        assert_eq!(popup.x, (80 - popup.width) / 2);
        assert_eq!(cursor, Some(Position::new(popup.x + 2, popup.y + 1)));
        // The screen underneath is cleared inside the popup only.
        let row = &rows(&terminal)[12];
        let inside: String = row
            .chars()
            .skip(usize::from(popup.x) + 1)
            .take(usize::from(popup.width) - 2)
            .collect();
        assert!(row.starts_with('x') && row.ends_with('x'), "{row}");
        assert!(!inside.contains('x'), "{row}");
    }

    #[test]
    fn long_tables_scroll_in_a_small_terminal() {
        let many: Vec<KeyHelp> = (0..30)
            .map(|_| KeyHelp {
                keys: Cow::Borrowed("k"),
                action: "an action",
            })
            .chain([KeyHelp {
                keys: Cow::Borrowed("q"),
                action: "the last one",
            }])
            .collect();
        let mut help = HelpOverlay::new("Signed in", many);
        for _ in 0..40 {
            let _ = help.handle_key(key(KeyCode::Down));
        }
        let (terminal, _) = render(80, 24, |area, buf| help.render(area, buf, Theme::Default));
        let text = screen(&terminal);
        assert!(text.contains("the last one"), "{text}");
        assert!(text.contains("Up/Down scroll"));
    }

    #[test]
    fn snapshots() {
        let help = HelpOverlay::new("Password", PASSWORD_KEYS);
        let (terminal, cursor) = render(80, 24, |area, buf| help.render(area, buf, Theme::Default));
        insta::assert_snapshot!("help_default", snapshot(&terminal, cursor));
        let (terminal, cursor) = render(80, 24, |area, buf| {
            help.render(area, buf, Theme::HighContrast)
        });
        insta::assert_snapshot!("help_high_contrast", snapshot(&terminal, cursor));
    }
}
