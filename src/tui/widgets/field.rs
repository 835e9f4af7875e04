//! The shared look of a one-line input field: a label row, a `> [value]` row whose `>` marks
//! focus, and a row for the error (`Error: …`) or a hint. Text and masked inputs and the
//! code boxes all keep this shape so screens can stack them.

use super::{sanitize, text};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

/// Rows a field takes: label, value, error or hint.
pub const FIELD_HEIGHT: u16 = 3;

/// Cells before the value on the value row: the marker, a space and `[`.
pub(crate) const VALUE_INDENT: u16 = 3;

/// What is drawn around the value.
pub(crate) struct Decor<'a> {
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub focused: bool,
}

/// Splits a field area into its three rows; rows that do not fit are empty rectangles, the
/// value row is kept first, then the label.
pub(crate) fn rows(area: Rect) -> (Rect, Rect, Rect) {
    let row = |i: u16| {
        if i < area.height {
            Rect::new(area.x, area.y + i, area.width, 1)
        } else {
            Rect::new(area.x, area.y, 0, 0)
        }
    };
    match area.height {
        0 => (row(9), row(9), row(9)),
        1 => (row(9), row(0), row(9)),
        _ => (row(0), row(1), row(2)),
    }
}

/// Draws label, marker, brackets and error/hint; the caller draws the value inside the
/// returned rectangle.
pub(crate) fn render_decor(buf: &mut Buffer, area: Rect, theme: Theme, decor: &Decor<'_>) -> Rect {
    let (label_row, value_row, note_row) = rows(area);
    let width = usize::from(area.width);
    if label_row.height > 0 {
        let label = sanitize(decor.label);
        let label = text::truncate(&label, width.saturating_sub(2));
        buf.set_string(
            label_row.x + 2,
            label_row.y,
            label,
            theme.label(decor.focused),
        );
    }
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
    if note_row.height > 0 {
        let max = width.saturating_sub(2);
        if let Some(error) = decor.error {
            let line = format!("Error: {}", sanitize(error));
            buf.set_string(
                note_row.x + 2,
                note_row.y,
                text::truncate(&line, max),
                theme.error(),
            );
        } else if let Some(hint) = decor.hint {
            let hint = sanitize(hint);
            buf.set_string(
                note_row.x + 2,
                note_row.y,
                text::truncate(&hint, max),
                theme.hint(),
            );
        }
    }
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
