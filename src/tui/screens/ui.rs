//! `Ui`: the screen the app is at (a [`Screen`], rebuilt when the sign-in moves on), the
//! overlays over it (help, dev outbox, the full-screen QR view, text printed outside the full
//! screen), the display choices and the clipboard. Keys come in here: the shared table of
//! global keys first, then the screen's own table.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::borrow::Cow;

use super::demo_list::{self, DemoKey, DemoList};
use super::global::{GLOBAL_KEYS, Global, GlobalCmd};
use super::keymap::{self, Key};
use super::screen::{Screen, ScreenId};
use super::shared::{Cx, Hyperlink, Printout, QrToggle, Shared};
use super::start::StartScreen;
use crate::app::{Action, App};
use crate::tui::widgets::{HelpOverlay, KeyHelp, OutboxMessage, OutboxPane, Outcome, is_press};

/// View state between frames; `render` only reads it, keys and pastes change it.
#[derive(Debug)]
pub struct Ui {
    id: ScreenId,
    pub(crate) screen: Screen,
    /// Display choices and the clipboard, shared by every screen.
    pub shared: Shared,
    pub(crate) help: Option<HelpOverlay>,
    /// The dev outbox as fed by [`Ui::set_outbox_messages`] (the app's own copy wins).
    pub(crate) outbox: Option<OutboxPane>,
    pub outbox_open: bool,
    /// The address the last frame drew, for the loop to mark as a hyperlink (OSC 8).
    pub(crate) hyperlink: Option<Hyperlink>,
    /// The screen's QR code fills the terminal.
    pub(crate) qr_view: bool,
    /// Text for the loop to print outside the full screen, once.
    printout: Option<Printout>,
    /// Printed text is on the terminal's main screen; the next key comes back.
    outside: bool,
    /// Ctrl-Z was pressed: the loop suspends the process.
    suspend: bool,
    /// The list of every demo user (F2), over the screen.
    pub(crate) demo_list: Option<DemoList>,
}

/// What the status bar says about help, on every screen.
const HELP_KEY: KeyHelp = KeyHelp {
    keys: Cow::Borrowed("F1"),
    action: "help",
};

impl Default for Ui {
    fn default() -> Self {
        Ui::new()
    }
}

impl Ui {
    pub fn new() -> Self {
        Ui {
            id: ScreenId::Start,
            screen: Screen::Start(StartScreen),
            shared: Shared::default(),
            help: None,
            outbox: None,
            outbox_open: false,
            hyperlink: None,
            qr_view: false,
            printout: None,
            outside: false,
            suspend: false,
            demo_list: None,
        }
    }

    /// Whether Ctrl-Z asked to suspend, once.
    pub fn take_suspend(&mut self) -> bool {
        std::mem::take(&mut self.suspend)
    }

    /// Text to print outside the full screen, once: the loop leaves the alternate screen,
    /// prints it, and waits for a key (see [`Ui::outside`]).
    pub fn take_printout(&mut self) -> Option<Printout> {
        let printout = self.printout.take();
        self.outside |= printout.is_some();
        printout
    }

    /// Printed text is showing outside the full screen: the loop must not draw. A key, or
    /// the sign-in moving on to another screen, ends it.
    pub fn outside(&mut self, app: &App) -> bool {
        self.sync(app);
        self.outside
    }

    /// Text to put on the clipboard, once: the event loop writes it as an OSC 52 sequence.
    pub fn take_copy(&mut self) -> Option<String> {
        self.shared.copy.0.take()
    }

    /// Feeds the dev outbox pane; `o` toggles it from then on.
    pub fn set_outbox_messages(&mut self, messages: Vec<OutboxMessage>) {
        self.outbox
            .get_or_insert_with(OutboxPane::new)
            .set_messages(messages);
    }

    /// The hyperlink of the last frame, for the loop to write (OSC 8).
    pub fn hyperlink(&self) -> Option<&Hyperlink> {
        self.hyperlink.as_ref()
    }

    /// Whether a help overlay is open.
    pub fn help_open(&self) -> bool {
        self.help.is_some()
    }

    /// Follows the app to its current screen; a new screen starts fresh (inputs empty).
    pub(crate) fn sync(&mut self, app: &App) {
        let id = ScreenId::of(app);
        if id == self.id {
            return;
        }
        self.screen = Screen::build(&id, app);
        self.id = id;
        self.shared.copied = None;
        self.help = None;
        self.qr_view = false;
        self.outside = false;
        self.demo_list = None;
    }

    /// The dev outbox has something to show: the app's copy of the server's, or a fed one.
    pub(crate) fn outbox_available(&self, app: &App) -> bool {
        !app.outbox.is_empty() || self.outbox.is_some()
    }

    fn global(&self, app: &App) -> Global {
        Global {
            typing: self.screen.typing(),
            outbox: self.outbox_available(app),
            esc: self.screen.esc(),
            qr: self.screen.qr(app).is_some(),
            text: self.screen.as_text(app).map(|p| p.help),
            demo_users: matches!(self.screen, Screen::Start(_) | Screen::Identifier(_))
                && !demo_list::users(app).is_empty(),
        }
    }

    /// Every key that works now, the screen's first: what the help overlay lists.
    pub(crate) fn help_keys(&self, app: &App) -> Vec<KeyHelp> {
        let global = self.global(app);
        let mut keys = self.screen.keys(app);
        keys.extend(keymap::help(GLOBAL_KEYS, &global, app, global.typing));
        keys
    }

    /// The screen's two most important keys (Esc among them when the screen has fewer),
    /// how to get help, then how to go back or the screen's third key: what the status bar
    /// shows, dropping keys from the end when the line is full.
    pub(crate) fn status_keys(&self, app: &App) -> Vec<KeyHelp> {
        let mut rows = self.screen.bar_keys(app).into_iter();
        let mut esc = self.screen.esc().map(|action| KeyHelp {
            keys: Key::ESC.name(),
            action,
        });
        let mut bar: Vec<KeyHelp> = rows.by_ref().take(2).collect();
        if bar.len() < 2 {
            bar.extend(esc.take());
        }
        bar.insert(bar.len().min(2), HELP_KEY);
        bar.extend(esc.or_else(|| rows.next()));
        bar
    }

    /// The row (global or the screen's) that `key` would run now, as help shows it.
    #[cfg(test)]
    pub(crate) fn binding_for(&self, app: &App, key: &KeyEvent) -> Option<KeyHelp> {
        let global = self.global(app);
        keymap::find(GLOBAL_KEYS, &global, app, global.typing, key)
            .map(|(_, help)| help)
            .or_else(|| self.screen.binding_for(app, key))
    }

    /// Turns a key into the user's intent: the global table first, then the screen's table,
    /// then the focused field (where letters are typed, never shortcuts).
    pub(crate) fn on_key(&mut self, app: &App, key: KeyEvent) -> Vec<Action> {
        if !is_press(&key) {
            return Vec::new();
        }
        self.sync(app);
        // Ctrl-C quits even over the help overlay.
        if Key::Ctrl('c').matches(&key) {
            return vec![Action::Quit];
        }
        if self.outside {
            // Any key brings the full screen back; it does nothing else.
            self.outside = false;
            return Vec::new();
        }
        self.shared.copied = None;
        if self.qr_view {
            match (key.code, key.code.as_char().and_then(QrToggle::of)) {
                (_, Some(toggle)) => self.shared.toggle_qr(toggle),
                (KeyCode::Char('t'), _) => self.printout = self.screen.as_text(app),
                _ => self.qr_view = false,
            }
            return Vec::new();
        }
        if let Some(list) = self.demo_list.as_mut() {
            match list.on_key(app, key) {
                DemoKey::Stay => {}
                DemoKey::Close => self.demo_list = None,
                DemoKey::Pick(identifier) => {
                    self.demo_list = None;
                    if let Screen::Identifier(form) = &mut self.screen {
                        form.fill(&identifier);
                    }
                }
            }
            return Vec::new();
        }
        if let Some(help) = self.help.as_mut() {
            if help.handle_key(key) == Outcome::Close {
                self.help = None;
            }
            return Vec::new();
        }
        let global = self.global(app);
        if let Some((cmd, _)) = keymap::find(GLOBAL_KEYS, &global, app, global.typing, &key) {
            return match cmd {
                GlobalCmd::Quit => vec![Action::Quit],
                GlobalCmd::Back => vec![Action::Back],
                GlobalCmd::Help => {
                    let keys = self.help_keys(app);
                    self.help = Some(HelpOverlay::new(self.screen.title(), keys));
                    Vec::new()
                }
                GlobalCmd::Outbox => {
                    self.outbox_open = !self.outbox_open;
                    Vec::new()
                }
                GlobalCmd::QrView => {
                    self.qr_view = true;
                    Vec::new()
                }
                GlobalCmd::AsText => {
                    self.printout = self.screen.as_text(app);
                    Vec::new()
                }
                GlobalCmd::Suspend => {
                    self.suspend = true;
                    Vec::new()
                }
                GlobalCmd::DemoUsers => {
                    self.demo_list = Some(DemoList::default());
                    Vec::new()
                }
            };
        }
        // A second Enter while the first is still on its way would send the form twice; the
        // status bar already says what is in flight.
        if key.code == KeyCode::Enter && app.busy.is_some() {
            return Vec::new();
        }
        let mut cx = Cx {
            app,
            shared: &mut self.shared,
        };
        self.screen.on_key(&mut cx, key)
    }

    /// A bracketed paste goes to the focused field, whole (never as keys, so it cannot
    /// trigger shortcuts); a complete pasted code submits at once.
    pub(crate) fn on_paste(&mut self, app: &App, text: &str) -> Vec<Action> {
        self.sync(app);
        if self.help.is_some() || self.qr_view || self.outside || self.demo_list.is_some() {
            return Vec::new();
        }
        let mut cx = Cx {
            app,
            shared: &mut self.shared,
        };
        self.screen.on_paste(&mut cx, text)
    }
}

/// Turns a key into the user's intent (see [`Ui::on_key`]).
pub fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    ui.on_key(app, key)
}

/// A bracketed paste into the focused field (see [`Ui::on_paste`]).
pub fn on_paste(app: &App, ui: &mut Ui, text: &str) -> Vec<Action> {
    ui.on_paste(app, text)
}
