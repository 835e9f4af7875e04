//! Test helpers: draw into a `TestBackend`, read rows back, press keys.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

/// Draws with `draw` on a `width`×`height` test terminal; returns the terminal (for
/// snapshots) and the cursor position `draw` returned.
pub(crate) fn render(
    width: u16,
    height: u16,
    draw: impl FnOnce(Rect, &mut Buffer) -> Option<Position>,
) -> (Terminal<TestBackend>, Option<Position>) {
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    let mut cursor = None;
    let drew = terminal.draw(|frame| {
        let area = frame.area();
        cursor = draw(area, frame.buffer_mut());
        if let Some(pos) = cursor {
            frame.set_cursor_position(pos);
        }
    });
    if let Err(e) = drew {
        panic!("draw: {e}");
    }
    (terminal, cursor)
}

/// The buffer's rows as strings (wide characters' trailing cells skipped).
pub(crate) fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

/// All rows joined with newlines, for `contains` checks.
pub(crate) fn screen(terminal: &Terminal<TestBackend>) -> String {
    rows(terminal).join("\n")
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(crate) fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub(crate) fn chars(s: &str) -> impl Iterator<Item = KeyEvent> + '_ {
    s.chars().map(|c| key(KeyCode::Char(c)))
}

/// Snapshot text: the screen's rows, the cursor, and each styled run (so themes differ).
pub(crate) fn snapshot(terminal: &Terminal<TestBackend>, cursor: Option<Position>) -> String {
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    let rows = rows(terminal);
    let used = rows
        .iter()
        .rposition(|r| !r.trim().is_empty())
        .map_or(0, |i| i + 1);
    for row in &rows[..used] {
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "({} blank rows below, {}x{})\n",
        rows.len() - used,
        buf.area.width,
        buf.area.height
    ));
    out.push_str(&format!("cursor: {cursor:?}\nstyles:\n"));
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let style = buf[(x, y)].style();
            let start = x;
            while x < buf.area.width && buf[(x, y)].style() == style {
                x += 1;
            }
            if style
                != ratatui::style::Style::default()
                    .fg(ratatui::style::Color::Reset)
                    .bg(ratatui::style::Color::Reset)
                    .underline_color(ratatui::style::Color::Reset)
            {
                out.push_str(&format!(
                    "  row {y} cols {start}..{x}: {}\n",
                    describe(style)
                ));
            }
        }
    }
    out
}

fn describe(style: ratatui::style::Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = style.fg.filter(|c| *c != ratatui::style::Color::Reset) {
        parts.push(format!("fg={fg}"));
    }
    if let Some(bg) = style.bg.filter(|c| *c != ratatui::style::Color::Reset) {
        parts.push(format!("bg={bg}"));
    }
    if !style.add_modifier.is_empty() {
        parts.push(format!("{:?}", style.add_modifier));
    }
    if parts.is_empty() {
        parts.push("default colours".to_string());
    }
    parts.join(" ")
}
