//! A ratatui backend that remembers what the terminal already has - where its cursor is, the
//! colours and attributes in effect, whether the cursor is shown - and writes only changes.
//! crossterm's backend moves the cursor before each run of cells and resets every attribute
//! after each frame, so one typed character cost ~50 bytes; here it costs the glyph.

use std::cell::Cell as StdCell;
use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// The SGR state of the terminal: what a printed glyph would look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    /// What `ESC[0m` leaves.
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

/// Wraps crossterm's backend (which still answers size and cursor queries and clears) and
/// buffers a whole frame, so it reaches the terminal in one write.
pub struct TrackingBackend<W: Write> {
    inner: CrosstermBackend<W>,
    out: Vec<u8>,
    /// Where the terminal's cursor is, when we know for sure.
    cursor: Option<Position>,
    /// The attributes in effect, when we know for sure.
    pen: Option<Pen>,
    /// Whether the cursor is shown, when we know for sure.
    visible: Option<bool>,
    /// The width last reported by `size`: a glyph printed in the last column leaves the
    /// cursor in the terminal's "pending wrap" state, which no position describes.
    width: StdCell<u16>,
    /// A size to report instead of asking the terminal (tests and benches write to memory).
    fixed: Option<Size>,
}

impl<W: Write> TrackingBackend<W> {
    /// Nothing is assumed about the terminal: the first draw positions and styles in full.
    pub fn new(writer: W) -> Self {
        TrackingBackend {
            inner: CrosstermBackend::new(writer),
            out: Vec::with_capacity(4096),
            cursor: None,
            pen: None,
            visible: None,
            width: StdCell::new(0),
            fixed: None,
        }
    }

    /// A backend for a writer that is not a terminal, reporting `size` as the terminal's.
    pub fn with_size(writer: W, size: Size) -> Self {
        TrackingBackend {
            fixed: Some(size),
            ..TrackingBackend::new(writer)
        }
    }

    /// Forget what the terminal holds (something else wrote to it).
    fn forget(&mut self) {
        self.cursor = None;
        self.pen = None;
        self.visible = None;
    }

    /// Hands the buffered frame to the writer, ahead of anything written directly to it.
    fn spill(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.inner.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    fn move_to(&mut self, to: Position) {
        if self.cursor != Some(to) {
            // CUP is 1-based.
            let _ = write!(
                VecFmt(&mut self.out),
                "\x1b[{};{}H",
                u32::from(to.y) + 1,
                u32::from(to.x) + 1
            );
            self.cursor = Some(to);
        }
    }

    /// One SGR sequence from the pen in effect to `to`; nothing when they already agree.
    fn set_pen(&mut self, to: Pen) {
        if self.pen == Some(to) {
            return;
        }
        let mut from = self.pen.unwrap_or(Pen::RESET);
        let mut params = String::new();
        // Turning one attribute off has no short, portable form for every attribute (bold and
        // dim share one "off"): start from a reset instead.
        if self.pen.is_none() || !to.modifier.contains(from.modifier) {
            params.push_str("0;");
            from = Pen::RESET;
        }
        for (flag, code) in MODIFIER_CODES {
            if to.modifier.contains(flag) && !from.modifier.contains(flag) {
                let _ = write!(params, "{code};");
            }
        }
        if to.fg != from.fg {
            colour_params(&mut params, to.fg, Layer::Fg);
        }
        if to.bg != from.bg {
            colour_params(&mut params, to.bg, Layer::Bg);
        }
        if to.underline != from.underline {
            colour_params(&mut params, to.underline, Layer::Underline);
        }
        if let Some(params) = params.strip_suffix(';') {
            self.out.extend_from_slice(b"\x1b[");
            self.out.extend_from_slice(params.as_bytes());
            self.out.push(b'm');
        }
        self.pen = Some(to);
    }

    /// The attributes back to the terminal's defaults (before a clear, which paints with the
    /// current background on most terminals).
    fn reset_pen(&mut self) {
        self.set_pen(Pen::RESET);
    }
}

/// Adapts a `Vec<u8>` to `fmt::Write`, so numbers are formatted without a `String` per move.
struct VecFmt<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for VecFmt<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

/// The SGR parameters for one colour, each followed by `;`. Named colours go out as 256-colour
/// indices, as crossterm's backend writes them, so every terminal shows the same colours.
fn colour_params(out: &mut String, colour: Color, layer: Layer) {
    let (base, reset) = match layer {
        Layer::Fg => (38, 39),
        Layer::Bg => (48, 49),
        Layer::Underline => (58, 59),
    };
    let index = match colour {
        Color::Reset => {
            let _ = write!(out, "{reset};");
            return;
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(out, "{base};2;{r};{g};{b};");
            return;
        }
        Color::Indexed(i) => i,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    let _ = write!(out, "{base};5;{index};");
}

impl<W: Write> Backend for TrackingBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let width = self.width.get();
        for (x, y, cell) in content {
            self.move_to(Position { x, y });
            self.set_pen(Pen::of(cell));
            let symbol = cell.symbol();
            self.out.extend_from_slice(symbol.as_bytes());
            // Only a printable ASCII glyph is one column on every terminal; after anything
            // else (wide, ambiguous, combining) the next cell is positioned explicitly.
            let one_column = matches!(symbol.as_bytes(), [b' '..=b'~']);
            self.cursor = (one_column && x + 1 < width).then_some(Position { x: x + 1, y });
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(false) {
            self.out.extend_from_slice(b"\x1b[?25l");
            self.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(true) {
            self.out.extend_from_slice(b"\x1b[?25h");
            self.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        // Asking the terminal is a round trip (and races the key reader): only when unsure.
        if let Some(at) = self.cursor {
            return Ok(at);
        }
        Backend::flush(self)?;
        let at = self.inner.get_cursor_position()?;
        self.cursor = Some(at);
        Ok(at)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.move_to(position.into());
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.reset_pen();
        self.spill()?;
        self.inner.clear_region(clear_type)?;
        // A clear follows a resize, which some terminals answer by moving the cursor.
        self.cursor = None;
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.reset_pen();
        self.spill()?;
        self.cursor = None;
        self.inner.append_lines(n)
    }

    fn size(&self) -> io::Result<Size> {
        let size = match self.fixed {
            Some(size) => size,
            None => self.inner.size()?,
        };
        self.width.set(size.width);
        Ok(size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(size) = self.fixed {
            return Ok(WindowSize {
                columns_rows: size,
                pixels: Size::default(),
            });
        }
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.spill()?;
        Backend::flush(&mut self.inner)
    }
}

/// Raw bytes from outside the frame (OSC 8 hyperlinks, OSC 52 copies): they may move the
/// cursor or change attributes, so nothing is assumed afterwards.
impl<W: Write> Write for TrackingBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.forget();
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(self)
    }
}

#[cfg(test)]
#[path = "backend_tests.rs"]
mod tests;
