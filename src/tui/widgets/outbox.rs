//! The dev-server outbox pane: the codes and links the embedded server "sent", newest
//! first, so a demo can go on without a mailbox. Every field is server text and is
//! sanitized; a link too long for the pane is wrapped over as many rows as it needs.

use super::{Outcome, is_press, sanitize, text};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Block, Borders, Widget};
use std::time::Duration;

/// One sent message, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Where it went (email address or phone number).
    pub to: String,
    /// What it was ("email_code", "email_link", "phone_code", ...).
    pub kind: String,
    pub code: Option<String>,
    pub link: Option<String>,
    /// Time since it was sent.
    pub age: Duration,
}

/// The pane and its scroll position (in messages).
#[derive(Debug, Clone, Default)]
pub struct OutboxPane {
    messages: Vec<OutboxMessage>,
    scroll: usize,
}

impl OutboxPane {
    pub fn new() -> Self {
        OutboxPane::default()
    }

    /// Replaces the list; newest first regardless of the order given.
    pub fn set_messages(&mut self, mut messages: Vec<OutboxMessage>) {
        messages.sort_by_key(|m| m.age);
        self.messages = messages;
        self.scroll = self.scroll.min(self.messages.len().saturating_sub(1));
    }

    pub fn messages(&self) -> &[OutboxMessage] {
        &self.messages
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if !is_press(&key) {
            return Outcome::Ignored;
        }
        let last = self.messages.len().saturating_sub(1);
        let target = match key.code {
            KeyCode::Down | KeyCode::PageDown => (self.scroll + 1).min(last),
            KeyCode::Up | KeyCode::PageUp => self.scroll.saturating_sub(1),
            KeyCode::Home => 0,
            KeyCode::End => last,
            _ => return Outcome::Ignored,
        };
        if target == self.scroll {
            return Outcome::Consumed;
        }
        self.scroll = target;
        Outcome::Changed
    }

    /// Draws the bordered pane; when `focused` the cursor sits on the first shown message.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        focused: bool,
    ) -> Option<Position> {
        // Callers may hand over an area that pokes out of the buffer; never draw there.
        let area = area.intersection(buf.area);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(focused))
            .title(format!(
                " Outbox (dev server): {} sent ",
                self.messages.len()
            ))
            .title_style(theme.title());
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.width < 4 || inner.height == 0 {
            return None;
        }
        let width = usize::from(inner.width) - 1;
        let x = inner.x + 1;
        if self.messages.is_empty() {
            let lines = text::word_wrap(
                "Nothing sent yet. Codes and links the dev server sends appear here.",
                width,
            );
            for (i, line) in lines.iter().take(usize::from(inner.height)).enumerate() {
                buf.set_string(
                    x,
                    inner.y + u16::try_from(i).unwrap_or(0),
                    line,
                    theme.hint(),
                );
            }
            return focused.then_some(Position::new(x, inner.y));
        }
        // Each message whole: its header wrapped, a link wrapped over as many rows as it
        // needs (a cut link cannot be opened). What does not fit is counted at the bottom.
        let lines_of = |message: &OutboxMessage| {
            let header = format!(
                "{:<8} {} to {}",
                age(message.age),
                sanitize(&message.kind),
                sanitize(&message.to)
            );
            // Rows of (indent, [(text, style)]).
            let header = if text::width(&header) <= width {
                vec![header]
            } else {
                text::word_wrap(&header, width)
            };
            let mut lines: Vec<(u16, Vec<(String, ratatui::style::Style)>)> = header
                .into_iter()
                .map(|l| (0, vec![(l, theme.text())]))
                .collect();
            let detail = match (&message.code, &message.link) {
                (Some(code), _) => Some(("Code: ", sanitize(code))),
                (None, Some(link)) => Some(("Link: ", sanitize(link))),
                (None, None) => None,
            };
            if let Some((label, value)) = detail {
                if text::width(label) + text::width(&value) + 9 <= width {
                    lines.push((
                        9,
                        vec![
                            (label.to_string(), theme.hint()),
                            (value.into_owned(), theme.key()),
                        ],
                    ));
                } else {
                    lines.push((9, vec![(label.to_string(), theme.hint())]));
                    lines.extend(
                        text::hard_wrap(&value, width)
                            .into_iter()
                            .map(|l| (0, vec![(l, theme.key())])),
                    );
                }
            }
            lines
        };
        let rows = usize::from(inner.height);
        let mut y = inner.y;
        let mut shown = 0;
        let rest = &self.messages[self.scroll.min(self.messages.len())..];
        for (i, message) in rest.iter().enumerate() {
            let lines = lines_of(message);
            let used = usize::from(y - inner.y);
            let more_after = i + 1 < rest.len();
            // Keep the last row for the "more below" line while messages remain.
            let room = rows.saturating_sub(used + usize::from(more_after));
            if lines.len() > room && shown > 0 {
                break;
            }
            for (indent, segments) in lines.into_iter().take(rows - used) {
                let mut at = x + indent;
                for (text, style) in segments {
                    at = buf.set_stringn(at, y, &text, usize::MAX, style).0;
                }
                y += 1;
            }
            shown += 1;
        }
        let hidden = rest.len().saturating_sub(shown);
        if hidden > 0 && inner.height > 1 {
            let more = format!("{hidden} more below (Down scrolls)");
            buf.set_string(
                x,
                inner.bottom() - 1,
                text::truncate(&more, width),
                theme.hint(),
            );
        }
        focused.then_some(Position::new(x, inner.y))
    }
}

/// "12s ago", "3m ago", "2h ago": a countdown-free, once-a-second-at-most label.
fn age(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0..60 => format!("{secs}s ago"),
        60..3600 => format!("{}m ago", secs / 60),
        _ => format!("{}h ago", secs / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::testing::{key, render, rows, screen, snapshot};

    fn sample() -> Vec<OutboxMessage> {
        vec![
            OutboxMessage {
                to: "alice@example.com".into(),
                kind: "email_link".into(),
                code: None,
                link: Some("http://127.0.0.1:8787/v1/verify?token=eyJhbGciOiJIUzI1NiJ9.abc".into()),
                age: Duration::from_secs(200),
            },
            OutboxMessage {
                to: "bob@example.com".into(),
                kind: "email_code".into(),
                code: Some("424242".into()),
                link: None,
                age: Duration::from_secs(12),
            },
            OutboxMessage {
                to: "+15555550100".into(),
                kind: "phone_code".into(),
                code: Some("135790".into()),
                link: None,
                age: Duration::from_secs(7300),
            },
        ]
    }

    #[test]
    fn newest_first_with_code_or_link_and_age() {
        let mut pane = OutboxPane::new();
        pane.set_messages(sample());
        let (terminal, cursor) = render(80, 10, |area, buf| {
            pane.render(area, buf, Theme::Default, true)
        });
        let lines = rows(&terminal);
        assert!(lines[1].starts_with("│ 12s ago  email_code to bob@example.com "));
        assert!(lines[2].contains("Code: 424242"));
        assert!(lines[3].contains("3m ago   email_link to alice@example.com"));
        assert!(
            lines[4]
                .contains("Link: http://127.0.0.1:8787/v1/verify?token=eyJhbGciOiJIUzI1NiJ9.abc")
        );
        assert!(lines[5].contains("2h ago"));
        assert!(lines[0].contains("Outbox (dev server): 3 sent"));
        assert_eq!(cursor, Some(Position::new(2, 1)));
    }

    #[test]
    fn scrolls_and_says_how_many_are_hidden() {
        let mut pane = OutboxPane::new();
        pane.set_messages(sample());
        let (terminal, _) = render(60, 6, |area, buf| {
            pane.render(area, buf, Theme::Default, false)
        });
        assert!(screen(&terminal).contains("2 more below"));
        assert_eq!(pane.handle_key(key(KeyCode::Down)), Outcome::Changed);
        assert_eq!(pane.handle_key(key(KeyCode::End)), Outcome::Changed);
        assert_eq!(pane.handle_key(key(KeyCode::Down)), Outcome::Consumed);
        let (terminal, _) = render(60, 6, |area, buf| {
            pane.render(area, buf, Theme::Default, false)
        });
        assert!(screen(&terminal).contains("phone_code to +15555550100"));
        assert_eq!(pane.handle_key(key(KeyCode::Char('x'))), Outcome::Ignored);
    }

    #[test]
    fn empty_pane_explains_itself_and_server_text_is_sanitized() {
        let mut pane = OutboxPane::new();
        let (terminal, _) = render(50, 6, |area, buf| {
            pane.render(area, buf, Theme::Default, false)
        });
        assert!(screen(&terminal).contains("Nothing sent yet."));
        pane.set_messages(vec![OutboxMessage {
            to: "\x1b]0;title\x07eve@example.com".into(),
            kind: "email_code\x1b[2J".into(),
            code: Some("11\x1b[8m22".into()),
            link: None,
            age: Duration::ZERO,
        }]);
        let (terminal, _) = render(50, 6, |area, buf| {
            pane.render(area, buf, Theme::Default, false)
        });
        let text = screen(&terminal);
        assert!(text.contains("email_code to eve@example.com"), "{text}");
        assert!(text.contains("Code: 1122"), "{text}");
    }

    #[test]
    fn snapshots() {
        let mut pane = OutboxPane::new();
        pane.set_messages(sample());
        let (terminal, cursor) = render(80, 24, |_, buf| {
            pane.render(Rect::new(0, 14, 80, 10), buf, Theme::Default, true)
        });
        insta::assert_snapshot!("outbox_default", snapshot(&terminal, cursor));
    }
}
