//! Drawing helpers the screens share: a top-to-bottom writer over the body area, word
//! wrapping by terminal cells, countdown and time formatting; the words for each factor are
//! `flow`'s. Every string that may come from the server passes through `sanitize` here.

use crate::tui::widgets::text::word_wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Notice, NoticeKind};
use crate::tui::Theme;
use crate::tui::widgets::{QrWidget, sanitize};

/// Writes lines from the top of an area downwards; rows past the bottom are dropped.
pub(crate) struct Column<'a> {
    pub buf: &'a mut Buffer,
    pub area: Rect,
    pub y: u16,
    pub theme: Theme,
}

impl<'a> Column<'a> {
    pub fn new(buf: &'a mut Buffer, area: Rect, theme: Theme) -> Self {
        let area = area.intersection(buf.area);
        Column {
            buf,
            area,
            y: area.y,
            theme,
        }
    }

    pub fn rows_left(&self) -> u16 {
        self.area.bottom().saturating_sub(self.y)
    }

    /// Where the next line starts (for the cursor on a screen without fields).
    pub fn here(&self) -> Position {
        Position::new(
            self.area.x,
            self.y.min(self.area.bottom().saturating_sub(1)),
        )
    }

    /// One line, cut with `…` if too wide.
    pub fn line(&mut self, text: &str, style: Style) {
        self.line_at(0, text, style);
    }

    /// One line indented by `indent` cells.
    pub fn line_at(&mut self, indent: u16, text: &str, style: Style) {
        if self.y < self.area.bottom() && indent < self.area.width {
            let max = usize::from(self.area.width - indent);
            let clean = sanitize(text);
            let text = truncate(&clean, max);
            self.buf
                .set_string(self.area.x + indent, self.y, text, style);
        }
        self.y = self.y.saturating_add(1);
    }

    /// Spans of different styles on one line (label in one style, value in another).
    pub fn spans(&mut self, spans: &[(&str, Style)]) {
        if self.y < self.area.bottom() {
            let mut x = self.area.x;
            for (text, style) in spans {
                let room = usize::from(self.area.right().saturating_sub(x));
                if room == 0 {
                    break;
                }
                let text = truncate(&sanitize(text), room).into_owned();
                x = self.buf.set_stringn(x, self.y, &text, room, *style).0;
            }
        }
        self.y = self.y.saturating_add(1);
    }

    /// A paragraph wrapped at spaces to the area's width.
    pub fn wrapped(&mut self, text: &str, style: Style) {
        for line in word_wrap(&sanitize(text), usize::from(self.area.width)) {
            self.line(&line, style);
        }
    }

    /// A paragraph wrapped at spaces, indented by `indent` cells.
    pub fn wrapped_at(&mut self, indent: u16, text: &str, style: Style) {
        let room = usize::from(self.area.width.saturating_sub(indent));
        for line in word_wrap(&sanitize(text), room) {
            self.line_at(indent, &line, style);
        }
    }

    pub fn gap(&mut self) {
        self.y = self.y.saturating_add(1);
    }

    /// Reserves `height` rows and returns them (empty when nothing is left).
    pub fn take(&mut self, height: u16) -> Rect {
        let height = height.min(self.rows_left());
        let rect = Rect::new(self.area.x, self.y, self.area.width, height);
        self.y = self.y.saturating_add(height);
        rect
    }

    /// The rest of the area.
    pub fn rest(&self) -> Rect {
        Rect::new(self.area.x, self.y, self.area.width, self.rows_left())
    }

    /// The form-level notice (errors the server did not pin to a field, news), the rate-limit
    /// countdown and the retry hint.
    pub fn notice(&mut self, app: &App, notice: Option<&Notice>) {
        if let Some(secs) = app.blocked_secs() {
            let line = format!(
                "Error: Too many attempts. You can try again in {}.",
                duration(secs)
            );
            self.wrapped(&line, self.theme.error());
            return;
        }
        let Some(notice) = notice else { return };
        // A locked account: the time left, counting down, instead of Clerk's fixed sentence.
        if let (Some(left), NoticeKind::Error) = (app.locked_secs(), notice.kind) {
            let left = left.map(duration);
            let line = format!("Error: {}", crate::flow::locked(left.as_deref()));
            self.wrapped(&line, self.theme.error());
            return;
        }
        match notice.kind {
            NoticeKind::Error => {
                let mut line = format!("Error: {}", notice.message);
                if can_retry(app) {
                    line.push_str(" Press r to retry.");
                } else if notice.retryable && !app.polling {
                    // The call carried a secret and was not kept: the form is sent again.
                    line.push_str(" Enter it again to retry.");
                }
                // What Clerk's support asks for; it names a request, not a person.
                if let Some(trace_id) = app.notice_trace_id() {
                    line.push_str(&format!(" (Clerk trace id: {})", sanitize(trace_id)));
                }
                self.wrapped(&line, self.theme.error());
            }
            NoticeKind::Info => self.wrapped(&notice.message, self.theme.text()),
        }
    }
}

/// The QR code in the rows left, when it fits there; else a word on where it can be seen.
pub(crate) fn qr_below(col: &mut Column<'_>, qr: &QrWidget) {
    let rest = col.rest();
    if qr.fits(rest) {
        qr.render(rest, col.buf, col.theme);
        return;
    }
    let Some((w, h)) = qr.required_size() else {
        return;
    };
    let screen = col.buf.area;
    let line = if w <= screen.width && h <= screen.height {
        "The QR code does not fit beside the text: v shows it full screen.".to_string()
    } else {
        format!(
            "The QR code needs {w}×{h} characters and this terminal is {}×{}: enlarge it to scan the code, or use t.",
            screen.width, screen.height
        )
    };
    col.wrapped(&line, col.theme.hint());
}

/// Whether `r` can repeat the call that just failed: it failed for a reason retrying may
/// fix, it carried no secret (so it was kept), and no poller is already retrying on its own.
pub(crate) fn can_retry(app: &App) -> bool {
    app.notice.as_ref().is_some_and(|n| n.retryable) && app.last_call.is_some() && !app.polling
}

/// Display width in terminal cells.
pub(crate) fn width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Cuts `s` to at most `max` cells, ending with `…` when something was cut.
pub(crate) use crate::tui::widgets::text::truncate;

/// "45 s", "9:05 min", "2 h 5 min", "3 d 4 h": short enough for a status bar.
pub(crate) fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{}:{:02} min", secs / 60, secs % 60),
        3600..86_400 => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} d {} h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// A countdown for the status bar: "9:41" or "45 s".
pub(crate) fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// A time in ms since the epoch as `2027-01-15 08:00:00 UTC`.
pub(crate) fn utc(ms: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// What a factor is called in a list, with its masked target, and that target alone: `flow`'s
/// words, the same ones the line mode prints.
pub(crate) use crate::flow::{factor_label as describe, factor_target as target};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(7), "7 s");
        assert_eq!(duration(545), "9:05 min");
        assert_eq!(duration(7500), "2 h 5 min");
        assert_eq!(duration(3 * 86_400 + 4 * 3600), "3 d 4 h");
        assert_eq!(duration(-3), "0 s");
        assert_eq!(utc(1_800_000_000_000), "2027-01-15 08:00:00 UTC");
    }

    #[test]
    fn wrap_and_truncate_count_cells() {
        assert_eq!(word_wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(word_wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(truncate("hello world", 8), "hello w…");
    }
}
