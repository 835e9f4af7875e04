//! The shared look of a one-line input field: a label row, a `> [value]` row whose `>` marks
//! focus, and below it the error (`Error: …`, wrapped, never cut short when there is room)
//! or a hint. Text and masked inputs and the code boxes keep this shape so screens can stack them.

use super::{sanitize, text};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

/// Cells before the value on the value row: the marker, a space and `[`.
pub(crate) const VALUE_INDENT: u16 = 3;
/// Notes (error, hint) line up with the label.
const NOTE_INDENT: u16 = 2;

/// What is drawn around the value.
pub(crate) struct Decor<'a> {
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub focused: bool,
}

/// Rows a field needs at `width`: label, value, and the note wrapped (at least one row).
pub(crate) fn height(error: Option<&str>, hint: Option<&str>, width: u16) -> u16 {
    let lines = note_lines(error, hint, width).len().max(1);
    u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2)
}

/// Splits a field area into label row, value row and the note area below; parts that do
/// not fit are empty. With one row only the value row is kept.
pub(crate) fn rows(area: Rect) -> (Rect, Rect, Rect) {
    let empty = Rect::new(area.x, area.y, 0, 0);
    let row = |i: u16| Rect::new(area.x, area.y + i, area.width, 1);
    match area.height {
        0 => (empty, empty, empty),
        1 => (empty, row(0), empty),
        2 => (row(0), row(1), empty),
        h => (
            row(0),
            row(1),
            Rect::new(area.x, area.y + 2, area.width, h - 2),
        ),
    }
}

/// The note as wrapped lines: `Error: …` when there is an error, else the hint.
fn note_lines(error: Option<&str>, hint: Option<&str>, width: u16) -> Vec<String> {
    let width = usize::from(width.saturating_sub(NOTE_INDENT)).max(1);
    match (error, hint) {
        (Some(error), _) => text::word_wrap(&format!("Error: {}", sanitize(error)), width),
        (None, Some(hint)) => text::word_wrap(&sanitize(hint), width),
        (None, None) => Vec::new(),
    }
}

/// Draws the error or hint into `note`, as many wrapped lines as fit; the last shown line
/// ends with `…` when some did not fit.
pub(crate) fn render_note(
    buf: &mut Buffer,
    note: Rect,
    theme: Theme,
    error: Option<&str>,
    hint: Option<&str>,
) {
    if note.height == 0 || note.width <= NOTE_INDENT {
        return;
    }
    let style = if error.is_some() {
        theme.error()
    } else {
        theme.hint()
    };
    let lines = note_lines(error, hint, note.width);
    let room = usize::from(note.height);
    let max = usize::from(note.width - NOTE_INDENT);
    for (i, line) in lines.iter().take(room).enumerate() {
        let line = if i + 1 == room && lines.len() > room {
            text::truncate(&format!("{line} …"), max).into_owned()
        } else {
            line.clone()
        };
        let y = note.y + u16::try_from(i).unwrap_or(0);
        buf.set_string(note.x + NOTE_INDENT, y, line, style);
    }
}

/// Draws the label (bold when focused).
pub(crate) fn render_label(buf: &mut Buffer, row: Rect, theme: Theme, label: &str, focused: bool) {
    if row.height == 0 || row.width <= NOTE_INDENT {
        return;
    }
    let label = sanitize(label);
    let label = text::truncate(&label, usize::from(row.width - NOTE_INDENT));
    buf.set_string(row.x + NOTE_INDENT, row.y, label, theme.label(focused));
}

/// Draws label, marker, brackets and note; the caller draws the value inside the returned
/// rectangle.
pub(crate) fn render_decor(buf: &mut Buffer, area: Rect, theme: Theme, decor: &Decor<'_>) -> Rect {
    let (label_row, value_row, note) = rows(area);
    render_label(buf, label_row, theme, decor.label, decor.focused);
    render_note(buf, note, theme, decor.error, decor.hint);
    if value_row.height == 0 || value_row.width < VALUE_INDENT + 2 {
        return Rect::default();
    }
    if decor.focused {
        buf.set_string(value_row.x, value_row.y, ">", theme.marker());
    }
    buf.set_string(value_row.x + 2, value_row.y, "[", theme.text());
    let inner = Rect::new(
        value_row.x + VALUE_INDENT,
        value_row.y,
        value_row.width - VALUE_INDENT - 1,
        1,
    );
    buf.set_style(inner, theme.field(decor.focused));
    buf.set_string(inner.right(), value_row.y, "]", theme.text());
    inner
}

/// Draws `value` (already safe to show) scrolled so the cursor column stays visible, and
/// returns where the hardware cursor goes.
pub(crate) fn render_value(
    buf: &mut Buffer,
    inner: Rect,
    theme: Theme,
    focused: bool,
    value: &str,
    cursor_col: usize,
) -> Option<Position> {
    if inner.width == 0 {
        return None;
    }
    let room = usize::from(inner.width);
    let scroll = (cursor_col + 1).saturating_sub(room);
    let (visible, skipped) = text::window(value, scroll, room);
    buf.set_string(inner.x, inner.y, visible, theme.field(focused));
    let col = cursor_col.saturating_sub(skipped).min(room - 1);
    let col = u16::try_from(col).unwrap_or(inner.width - 1);
    Some(Position::new(inner.x + col, inner.y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::testing::{render, rows as screen_rows};

    const LOCKED: &str = "Your account is locked. You will be able to try again in 30 minutes. For more information, contact support.";

    #[test]
    fn long_errors_wrap_and_height_grows_to_fit_them() {
        assert_eq!(height(None, Some("hint"), 80), 3);
        assert_eq!(height(Some(LOCKED), None, 80), 4);
        let decor = Decor {
            label: "Password",
            hint: None,
            error: Some(LOCKED),
            focused: true,
        };
        let (terminal, _) = render(80, 4, |area, buf| {
            render_decor(buf, area, Theme::Default, &decor);
            None
        });
        let lines = screen_rows(&terminal);
        assert!(
            lines[2].starts_with("  Error: Your account is locked."),
            "{lines:?}"
        );
        assert!(
            lines[3].trim_end().ends_with("contact support."),
            "{lines:?}"
        );
    }

    #[test]
    fn a_cut_error_says_so() {
        let decor = Decor {
            label: "Password",
            hint: None,
            error: Some(LOCKED),
            focused: true,
        };
        let (terminal, _) = render(40, 4, |area, buf| {
            render_decor(buf, area, Theme::Default, &decor);
            None
        });
        let lines = screen_rows(&terminal);
        assert!(lines[3].trim_end().ends_with('…'), "{lines:?}");
    }
}
