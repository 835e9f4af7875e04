//! What the checks look at, gathered once: environment variables and the terminal. Checks are
//! pure functions over these structs, so every branch is testable without a real terminal.

use std::collections::BTreeMap;
use std::io::IsTerminal;

/// Environment variables, as a map (tests build one by hand).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The variables the checks read, from this process.
    pub fn capture() -> Self {
        const NAMES: [&str; 11] = [
            "TERM",
            "COLORTERM",
            "NO_COLOR",
            "LANG",
            "LC_ALL",
            "LC_CTYPE",
            "SSH_CONNECTION",
            "SSH_TTY",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "HOME",
        ];
        let vars = NAMES
            .iter()
            .filter_map(|name| {
                std::env::var(name)
                    .ok()
                    .map(|value| ((*name).to_owned(), value))
            })
            .collect();
        Env { vars }
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// The value when set and not empty (an empty variable counts as unset, as no-color.org
    /// and POSIX locale rules both treat it).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The terminal as this process sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalFacts {
    pub stdout_is_terminal: bool,
    pub stdin_is_terminal: bool,
    /// Columns × rows, when a terminal could be asked.
    pub size: Option<(u16, u16)>,
}

impl TerminalFacts {
    pub fn capture() -> Self {
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let stdin_is_terminal = std::io::stdin().is_terminal();
        // With no terminal at all crossterm falls back to `tput`, which answers 80×24 for
        // any TERM: a size nobody has. Only ask when there is a terminal to ask.
        let has_tty = stdout_is_terminal || stdin_is_terminal || controlling_tty();
        TerminalFacts {
            stdout_is_terminal,
            stdin_is_terminal,
            size: has_tty
                .then(|| crossterm::terminal::size().ok())
                .flatten()
                .filter(|&(c, r)| c > 0 && r > 0),
        }
    }
}

/// The front-end flags that change what the terminal checks conclude.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UiFlags {
    pub plain: bool,
    pub no_color: bool,
    pub high_contrast: bool,
}

#[cfg(unix)]
fn controlling_tty() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

#[cfg(not(unix))]
fn controlling_tty() -> bool {
    false
}
