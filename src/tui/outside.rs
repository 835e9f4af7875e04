//! Leaving the full screen for a moment and coming back: text printed on the terminal's main
//! screen (an address or token wider than the screen, which the terminal soft-wraps, so a
//! selection or `tmux capture-pane -J` gives it as one line), and Ctrl-Z (suspend, `fg`).

use std::io::{self, Write};

use ratatui::layout::Rect;

use crate::flow::clean;
use crate::tui::screens::Printout;
use crate::tui::terminal::{self, TerminalGuard};

/// Leaves the alternate screen (raw mode stays, so the next key still reaches the app) and
/// prints `printout` with nothing around it but its heading and how to come back.
pub fn print(guard: &mut TerminalGuard, printout: &Printout) -> io::Result<()> {
    let backend = guard.backend_mut();
    // Raw mode: a bare newline would not return the carriage.
    let text = format!(
        "\x1b[0m\x1b[?1049l\x1b[?25h\r\n{}\r\n\r\n{}\r\n\r\nPress any key to go back to clerk-tui.\r\n",
        clean(printout.heading),
        clean(&printout.text),
    );
    backend.write_all(text.as_bytes())?;
    backend.flush()
}

/// Back on the alternate screen after [`print`]; the next frame is drawn in full.
pub fn back(guard: &mut TerminalGuard) -> io::Result<()> {
    let backend = guard.backend_mut();
    backend.write_all(b"\x1b[?1049h")?;
    redraw_all(guard)
}

/// Ctrl-Z: restores the terminal, stops the process as the shell expects (SIGTSTP), and on
/// `fg` takes the terminal again and draws the whole frame.
pub fn suspend(guard: &mut TerminalGuard) -> io::Result<()> {
    terminal::restore()?;
    // SAFETY: raise only sends a signal to this process; SIGTSTP's default action stops it
    // until SIGCONT (the shell's `fg`), and raise returns then.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    terminal::enter()?;
    redraw_all(guard)
}

/// Forgets what the terminal shows, so the next draw writes every cell.
fn redraw_all(guard: &mut TerminalGuard) -> io::Result<()> {
    let size = guard.size()?;
    // `resize` clears the screen and the kept frame without asking the terminal where its
    // cursor is (`clear` would, racing the key reader).
    guard.resize(Rect::new(0, 0, size.width, size.height))
}
