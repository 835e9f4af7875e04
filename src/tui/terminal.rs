//! Terminal setup and restore. Whatever ends the app (normal exit, a quit signal, an error
//! unwinding out, a panic), the terminal comes back in cooked mode, on the main screen,
//! with bracketed paste off and the cursor shown.

use crate::tui::backend::TrackingBackend;
use ratatui::Terminal;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::style::{Attribute, SetAttribute};
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::{self, Stdout};
use std::ops::{Deref, DerefMut};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// The terminal type the app draws on: it writes only what changed (see `backend`).
pub type Tui = Terminal<TrackingBackend<Stdout>>;

/// Whether the terminal is currently in TUI mode, so the panic hook (installed once for the
/// whole process) only writes restore sequences when there is something to restore.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Owns the TUI terminal; dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: Tui,
    restored: bool,
}

/// Enters TUI mode: raw mode, alternate screen, bracketed paste.
///
/// Installs (once) a panic hook that restores the terminal and then runs the hook that was
/// there before (Rust's default report), so the report prints on the normal screen. A hook set
/// after this would replace the restoring one: set any other panic hook before.
pub fn setup() -> io::Result<TerminalGuard> {
    install_panic_hook();
    let entered = enter().and_then(|()| Terminal::new(TrackingBackend::new(io::stdout())));
    match entered {
        Ok(terminal) => Ok(TerminalGuard {
            terminal,
            restored: false,
        }),
        Err(e) => {
            let _ = restore();
            Err(e)
        }
    }
}

/// Raw mode, the alternate screen and bracketed paste, on a cleared screen: at start and
/// again after a suspend (`fg`).
pub fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    // Clearing with a plain escape, not `Terminal::clear`, which asks the terminal for the
    // cursor position and can time out on slow links.
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )
}

/// Leaves TUI mode. Every step is attempted even if an earlier one fails; the first error
/// is returned. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    ACTIVE.store(false, Ordering::SeqCst);
    let raw = disable_raw_mode();
    // The tracking backend leaves the last cell's colours in effect between frames.
    let screen = execute!(
        io::stdout(),
        SetAttribute(Attribute::Reset),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    raw.and(screen)
}

/// Chains a restoring hook in front of the current panic hook (once per process).
pub fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) {
                let _ = restore();
            }
            previous(info);
        }));
    });
}

impl TerminalGuard {
    /// Restores now and reports failure (dropping restores too, silently).
    pub fn restore(mut self) -> io::Result<()> {
        self.restored = true;
        restore()
    }
}

impl Deref for TerminalGuard {
    type Target = Tui;

    fn deref(&self) -> &Tui {
        &self.terminal
    }
}

impl DerefMut for TerminalGuard {
    fn deref_mut(&mut self) -> &mut Tui {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if !self.restored {
            let _ = restore();
        }
    }
}

#[cfg(test)]
#[path = "terminal_pty_tests.rs"]
mod pty_tests;
