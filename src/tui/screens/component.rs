//! What a screen is: its own inputs and focus, one key table, `render(&self)` (drawing never
//! changes state), and the handlers the table's commands run (after gitui's components).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::keymap::Binding;
use super::shared::{Cx, Drawn, Printout, View};
use crate::app::{Action, App};

pub(crate) trait Component: Sized + 'static {
    /// What the rows of the key table can ask the screen to do.
    type Cmd: Copy + 'static;

    /// The screen's key table, most important first (the status bar shows the first rows).
    fn keymap(&self) -> &'static [Binding<Self, Self::Cmd>];

    /// Runs a command of the key table; `key` is the press that chose it (a digit says which).
    fn run(&mut self, cmd: Self::Cmd, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action>;

    /// A key no row takes: typing and editing in the focused field. It yields no `Action`, so
    /// every key that does something the user would notice is a row that help lists.
    fn on_other_key(&mut self, _app: &App, _key: KeyEvent) {}

    /// A bracketed paste into the focused field.
    fn on_paste(&mut self, _cx: &mut Cx<'_>, _text: &str) -> Vec<Action> {
        Vec::new()
    }

    /// A text field has focus: letters and digits are typed there, not shortcuts.
    fn typing(&self) -> bool {
        false
    }

    /// What Esc (which always goes back a step) means here; `None` when it does nothing.
    fn esc(&self) -> Option<&'static str> {
        None
    }

    /// The form's error memory, cleared when a submission leaves.
    fn notes(&mut self) -> Option<&mut super::form::Notes> {
        None
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn;

    /// The text of the QR code the screen offers, for the full-screen QR view (`v`).
    fn qr(&self, _app: &App) -> Option<String> {
        None
    }

    /// What `t` prints as plain text outside the full screen (an address, the token).
    fn as_text(&self, _app: &App) -> Option<Printout> {
        None
    }

    /// The state in words for the status bar.
    fn state(&self, app: &App) -> String;

    /// The help overlay's title.
    fn title(&self) -> &'static str;
}
