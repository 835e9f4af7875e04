//! The keys that work on every screen, in one table: Ctrl-C quits, F1 or `?` opens help, `o`
//! shows the dev outbox, Esc goes back a step where the screen says what that means, `v` shows
//! the screen's QR code full screen and `t` prints its address or token as plain text.

use ratatui::crossterm::event::KeyCode;

use super::keymap::{Binding, Key, bind};
use crate::app::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GlobalCmd {
    Quit,
    Help,
    Outbox,
    Back,
    QrView,
    AsText,
    Suspend,
    DemoUsers,
}

/// What the global rows' conditions and words depend on.
pub(crate) struct Global {
    /// A text field has focus (`?` and `o` are typed there).
    pub typing: bool,
    /// The dev outbox has something to show.
    pub outbox: bool,
    /// The screen's words for Esc, if Esc goes back there.
    pub esc: Option<&'static str>,
    /// The screen shows a QR code.
    pub qr: bool,
    /// What `t` would print, in the words of its help row.
    pub text: Option<&'static str>,
    /// The emulator's demo users can be listed here (start and identifier screens).
    pub demo_users: bool,
}

/// In the order help lists them; none of them shares a key with a screen's table.
pub(crate) const GLOBAL_KEYS: &[Binding<Global, GlobalCmd>] = &[
    bind(&[Key::ESC], GlobalCmd::Back, "back")
        .when(|g: &Global, _: &App| g.esc.is_some())
        .words(esc_words),
    bind(
        &[Key::Char('?'), Key::Code(KeyCode::F(1))],
        GlobalCmd::Help,
        "this help",
    ),
    bind(
        &[Key::Char('o')],
        GlobalCmd::Outbox,
        "show or hide the dev outbox (codes and links sent)",
    )
    .when(|g: &Global, app: &App| g.outbox && app.backend.is_embedded()),
    // A function key, so it works while the identifier field has focus.
    bind(
        &[Key::Code(KeyCode::F(2))],
        GlobalCmd::DemoUsers,
        "list every demo user",
    )
    .when(|g: &Global, _: &App| g.demo_users),
    bind(
        &[Key::Char('v')],
        GlobalCmd::QrView,
        "show the QR code full screen",
    )
    .when(|g: &Global, _: &App| g.qr),
    bind(
        &[Key::Char('t')],
        GlobalCmd::AsText,
        "show it as plain text",
    )
    .when(|g: &Global, _: &App| g.text.is_some())
    .words(text_words),
    bind(
        &[Key::Ctrl('z')],
        GlobalCmd::Suspend,
        "suspend (fg in the shell resumes)",
    ),
    bind(
        &[Key::Ctrl('c')],
        GlobalCmd::Quit,
        "quit (the terminal is restored)",
    ),
];

fn esc_words(g: &Global, _: &App) -> &'static str {
    g.esc.unwrap_or("back")
}

fn text_words(g: &Global, _: &App) -> &'static str {
    g.text.unwrap_or("show it as plain text")
}
