//! What every screen may read while drawing and change while handling a key, beyond its own
//! inputs: the QR display choices, a copy on its way to the clipboard and what it said; and
//! what a drawing hands back (the cursor and the address to mark as a hyperlink).

use ratatui::layout::Position;

use super::keymap::{Bar, Binding, Key, bind};
use crate::app::App;
use crate::tui::Theme;
use crate::tui::widgets::{QrStyle, QrWidget};

/// Display choices and the clipboard, shared by the screens (they outlive any one screen).
#[derive(Debug, Default)]
pub struct Shared {
    pub qr_inverted: bool,
    pub qr_full_block: bool,
    /// Text the user asked to copy, until the loop sends it to the terminal (OSC 52).
    pub(crate) copy: PendingCopy,
    /// What the last copy did, in words, until the next key.
    pub(crate) copied: Option<&'static str>,
}

impl Shared {
    /// Asks for `text` to be copied and says so on screen.
    pub(crate) fn request_copy(&mut self, text: String, what: &'static str) {
        self.copy.0 = Some(text);
        self.copied = Some(what);
    }

    /// The QR widget for `text` in the style the user chose.
    pub(crate) fn qr(&self, text: impl Into<String>) -> QrWidget {
        let style = if self.qr_full_block {
            QrStyle::FullBlock
        } else {
            QrStyle::HalfBlock
        };
        QrWidget::new(text).style(style).inverted(self.qr_inverted)
    }

    /// `i` or `f` on a screen (or the view) showing a QR code.
    pub(crate) fn toggle_qr(&mut self, toggle: QrToggle) {
        match toggle {
            QrToggle::Invert => self.qr_inverted = !self.qr_inverted,
            QrToggle::FullBlock => self.qr_full_block = !self.qr_full_block,
        }
    }
}

/// The QR code's display toggles: one key and one meaning on every screen that draws one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QrToggle {
    Invert,
    FullBlock,
}

impl QrToggle {
    /// The toggle a key press asks for (`i`, `f`), for the full-screen QR view.
    pub(crate) fn of(c: char) -> Option<QrToggle> {
        match c {
            'i' => Some(QrToggle::Invert),
            'f' => Some(QrToggle::FullBlock),
            _ => None,
        }
    }
}

/// A key-table row for a QR toggle; only in help, since the hint under the code names them.
pub(crate) const fn qr_key<S, C: Copy>(toggle: QrToggle, cmd: C) -> Binding<S, C> {
    match toggle {
        QrToggle::Invert => bind(&[Key::Char('i')], cmd, "invert the QR code").bar(Bar::Hide),
        QrToggle::FullBlock => bind(&[Key::Char('f')], cmd, "full-block QR code").bar(Bar::Hide),
    }
}

/// A session token or link on its way to the clipboard; Debug never shows it.
#[derive(Default)]
pub(crate) struct PendingCopy(pub(crate) Option<String>);

impl std::fmt::Debug for PendingCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(***)"
        } else {
            "None"
        })
    }
}

/// What a screen reads while drawing: never mutable.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub app: &'a App,
    pub shared: &'a Shared,
    pub theme: Theme,
}

/// What a screen may change while handling a key, besides itself.
pub(crate) struct Cx<'a> {
    pub app: &'a App,
    pub shared: &'a mut Shared,
}

/// What drawing a screen produced besides cells.
#[derive(Debug, Default)]
pub(crate) struct Drawn {
    /// Where the hardware cursor belongs (the focused field or choice).
    pub cursor: Option<Position>,
    /// The address drawn this frame that the loop also marks as an OSC 8 hyperlink.
    pub hyperlink: Option<Hyperlink>,
}

impl Drawn {
    pub(crate) fn at(cursor: Option<Position>) -> Drawn {
        Drawn {
            cursor,
            hyperlink: None,
        }
    }
}

/// An address on screen to wrap in an OSC 8 hyperlink after the frame is drawn: where it
/// starts, the target, and exactly the text the frame shows there: its first row, and the
/// rows it continues on (at the same column) when it was wider than the screen.
#[derive(Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub x: u16,
    pub y: u16,
    pub url: String,
    pub visible: String,
    /// The next rows of the address, each starting at `x`.
    pub continued: Vec<String>,
    /// SGR parameters that match how the frame drew the text (plus underline).
    pub sgr: &'static str,
}

/// Text to print outside the full screen (`t`), where the terminal soft-wraps it: an address
/// or a token wider than the screen, whole, for selection or `tmux capture-pane -J`.
#[derive(Clone, PartialEq, Eq)]
pub struct Printout {
    /// The line over it ("The sign-in address:").
    pub heading: &'static str,
    /// What the key's help row says it does.
    pub help: &'static str,
    pub text: String,
}

impl std::fmt::Debug for Printout {
    // A token or a hand-off address: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Printout({:?}, ***)", self.heading)
    }
}

impl std::fmt::Debug for Hyperlink {
    // A hand-off address is a capability for this sign-in: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hyperlink")
            .field("x", &self.x)
            .field("y", &self.y)
            .field("url", &"***")
            .finish()
    }
}

impl Hyperlink {
    /// The bytes that redraw the text as a hyperlink in place, leaving the cursor where it
    /// was. `None` when the address holds anything but printable ASCII (no escape can leak).
    pub fn sequence(&self) -> Option<String> {
        let printable = |s: &str| s.bytes().all(|b| (0x21..0x7f).contains(&b));
        let rows = std::iter::once(&self.visible).chain(&self.continued);
        if !printable(&self.url) || self.visible.is_empty() {
            return None;
        }
        let mut out = String::from("\x1b7");
        for (row, visible) in (0u32..).zip(rows) {
            if !printable(visible) {
                return None;
            }
            out.push_str(&format!(
                "\x1b[{};{}H\x1b[{}m\x1b]8;;{}\x1b\\{}\x1b]8;;\x1b\\\x1b[0m",
                u32::from(self.y) + 1 + row,
                u32::from(self.x) + 1,
                self.sgr,
                self.url,
                visible
            ));
        }
        out.push_str("\x1b8");
        Some(out)
    }
}
