//! The tracking backend against a terminal model (vt100): whatever it leaves out, the screen a
//! person sees is the buffer ratatui drew, cell for cell, colour for colour, cursor included.

use super::*;
use ratatui::buffer::Buffer;
use ratatui::style::Style;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::rc::Rc;

const W: u16 = 12;
const H: u16 = 4;

#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Shared {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<TrackingBackend<Shared>>;

fn terminal(out: &Shared) -> Term {
    let backend = TrackingBackend::with_size(out.clone(), Size::new(W, H));
    let options = TerminalOptions {
        viewport: Viewport::Fullscreen,
    };
    match Terminal::with_options(backend, options) {
        Ok(t) => t,
        Err(e) => panic!("terminal: {e}"),
    }
}

fn draw(term: &mut Term, buffer: &Buffer, cursor: Option<Position>) {
    let drawn = term.draw(|f| {
        *f.buffer_mut() = buffer.clone();
        if let Some(at) = cursor {
            f.set_cursor_position(at);
        }
    });
    if let Err(e) = drawn {
        panic!("draw: {e}");
    }
}

fn vt_colour(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
        Color::Indexed(i) => vt100::Color::Idx(i),
        named => {
            let mut params = String::new();
            colour_params(&mut params, named, Layer::Fg);
            let index = params.trim_end_matches(';').rsplit(';').next();
            vt100::Color::Idx(index.and_then(|i| i.parse().ok()).unwrap_or(0))
        }
    }
}

/// Every cell the model shows matches the buffer, and so does the cursor.
fn assert_screen(vt: &vt100::Parser, buffer: &Buffer, cursor: Option<Position>, frame: usize) {
    let screen = vt.screen();
    for y in 0..H {
        for x in 0..W {
            let want = &buffer[(x, y)];
            let Some(got) = screen.cell(y, x) else {
                panic!("frame {frame}: no cell at {x},{y}")
            };
            if got.is_wide_continuation() {
                continue;
            }
            let at = format!("frame {frame}, cell {x},{y}");
            // The model keeps a never-written cell empty; ratatui's blank is a space.
            let shown = if got.has_contents() {
                got.contents()
            } else {
                " "
            };
            assert_eq!(shown, want.symbol(), "{at}");
            assert_eq!(got.fgcolor(), vt_colour(want.fg), "{at} fg");
            assert_eq!(got.bgcolor(), vt_colour(want.bg), "{at} bg");
            let m = want.modifier;
            assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{at} bold");
            assert_eq!(got.dim(), m.contains(Modifier::DIM), "{at} dim");
            assert_eq!(got.italic(), m.contains(Modifier::ITALIC), "{at} italic");
            assert_eq!(
                got.underline(),
                m.contains(Modifier::UNDERLINED),
                "{at} underline"
            );
            assert_eq!(
                got.inverse(),
                m.contains(Modifier::REVERSED),
                "{at} reverse"
            );
        }
    }
    assert_eq!(
        screen.hide_cursor(),
        cursor.is_none(),
        "frame {frame} cursor"
    );
    if let Some(at) = cursor {
        assert_eq!(
            screen.cursor_position(),
            (at.y, at.x),
            "frame {frame} cursor"
        );
    }
}

/// A tiny deterministic generator, so a failure names a reproducible frame.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % below
    }
}

/// Writes one symbol as a widget would: a wide one never half-covered (no terminal can show
/// a buffer where a glyph starts in the middle of a wide one).
fn put(buffer: &mut Buffer, x: u16, y: u16, symbol: &str, style: Style) {
    const WIDE: &str = "界";
    if symbol == WIDE && (x % 2 == 1 || x + 1 >= W) {
        return;
    }
    if x % 2 == 1 && buffer[(x - 1, y)].symbol() == WIDE {
        buffer.set_string(x - 1, y, " ", style);
    }
    // A terminal blanks the right half of a wide glyph that is overwritten, in colours of
    // its own choosing; ratatui's diff does not redraw that half unless it changed, so a
    // widget that replaces a wide glyph redraws both halves.
    let was_wide = buffer[(x, y)].symbol() == WIDE;
    buffer.set_string(x, y, symbol, style);
    if was_wide && symbol != WIDE {
        let next = if buffer[(x + 1, y)].symbol() == "~" {
            "a"
        } else {
            "~"
        };
        buffer.set_string(x + 1, y, next, style);
    }
}

#[test]
fn the_terminal_shows_exactly_the_buffer_through_many_frames() {
    let colours = [
        Color::Reset,
        Color::Cyan,
        Color::DarkGray,
        Color::White,
        Color::Indexed(202),
        Color::Rgb(10, 20, 30),
    ];
    let modifiers = [
        Modifier::empty(),
        Modifier::BOLD,
        Modifier::DIM,
        Modifier::BOLD | Modifier::REVERSED,
        Modifier::UNDERLINED | Modifier::ITALIC,
    ];
    let symbols = ["a", "Z", " ", "•", "é", "界", "~"];
    let out = Shared::default();
    let mut term = terminal(&out);
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN);
    let mut vt = vt100::Parser::new(nz(H), nz(W), 0);
    let mut rng = Lcg(7);
    let mut buffer = Buffer::empty(ratatui::layout::Rect::new(0, 0, W, H));
    for frame in 0..400 {
        // A few cells change per frame, as when typing; now and then many.
        let changes = if frame % 37 == 0 { 30 } else { 1 + rng.next(4) };
        for _ in 0..changes {
            let (x, y) = (
                u16::try_from(rng.next(usize::from(W))).unwrap_or(0),
                u16::try_from(rng.next(usize::from(H))).unwrap_or(0),
            );
            let modifier = modifiers[rng.next(modifiers.len())];
            // Exactly these attributes (a style patch would add to the cell's).
            let style = Style::default()
                .fg(colours[rng.next(colours.len())])
                .bg(colours[rng.next(colours.len())])
                .add_modifier(modifier)
                .remove_modifier(Modifier::all() - modifier);
            put(&mut buffer, x, y, symbols[rng.next(symbols.len())], style);
        }
        let cursor = (rng.next(5) > 0).then(|| Position {
            x: u16::try_from(rng.next(usize::from(W))).unwrap_or(0),
            y: u16::try_from(rng.next(usize::from(H))).unwrap_or(0),
        });
        if frame % 53 == 0 {
            // Something else wrote to the terminal (a hyperlink, a copy): nothing is assumed.
            let _ = term.backend_mut().write_all(b"\x1b[2;3H\x1b[31;1m");
        }
        draw(&mut term, &buffer, cursor);
        vt.process(&out.take());
        assert_screen(&vt, &buffer, cursor, frame);
    }
}

#[test]
fn a_typed_character_costs_only_its_glyph() {
    let out = Shared::default();
    let mut term = terminal(&out);
    let mut buffer = Buffer::empty(ratatui::layout::Rect::new(0, 0, W, H));
    let cyan = Style::default().fg(Color::Cyan);
    buffer.set_string(1, 1, "ab", cyan);
    draw(&mut term, &buffer, Some(Position { x: 3, y: 1 }));
    let first = String::from_utf8_lossy(&out.take()).into_owned();
    assert!(
        first.starts_with("\x1b[2;2H") && first.contains("ab"),
        "{first:?}"
    );
    buffer.set_string(3, 1, "c", cyan);
    draw(&mut term, &buffer, Some(Position { x: 4, y: 1 }));
    assert_eq!(String::from_utf8_lossy(&out.take()), "c");
    // Nothing changed: nothing written.
    draw(&mut term, &buffer, Some(Position { x: 4, y: 1 }));
    assert_eq!(out.take(), b"");
    // A masked field's bullet is not trusted to be one column wide: the cursor is placed.
    buffer.set_string(4, 1, "•", cyan);
    draw(&mut term, &buffer, Some(Position { x: 5, y: 1 }));
    assert_eq!(String::from_utf8_lossy(&out.take()), "•\x1b[2;6H");
}

#[test]
fn a_clear_paints_with_the_default_background() {
    let out = Shared::default();
    let mut term = terminal(&out);
    let mut buffer = Buffer::empty(ratatui::layout::Rect::new(0, 0, W, H));
    buffer.set_string(0, 0, "x", Style::default().bg(Color::Blue));
    draw(&mut term, &buffer, None);
    let _ = out.take();
    if let Err(e) = term.clear() {
        panic!("clear: {e}");
    }
    let written = String::from_utf8_lossy(&out.take()).into_owned();
    // The SGR right before the clear puts the background back to the default (49, or 0).
    let before_clear = written.split("\x1b[2J").next().unwrap_or_default();
    let last_sgr = before_clear
        .rsplit("\x1b[")
        .next()
        .and_then(|s| s.strip_suffix('m'))
        .unwrap_or_default();
    assert!(
        written.contains("\x1b[2J") && last_sgr.split(';').any(|p| p == "49" || p == "0"),
        "{written:?}"
    );
}
