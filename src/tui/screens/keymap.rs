//! Key tables: every screen lists its keys once, as rows of (keys, condition, command, help).
//! The same rows decide what a key does, what the help overlay lists and what the status bar
//! offers, so the three cannot drift apart (the shape of television's and atuin's keymaps).

use std::borrow::Cow;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::App;
use crate::tui::widgets::KeyHelp;

/// One key a row answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// A key pressed without Ctrl or Alt: Enter, Esc, Tab, Up, F1, ...
    Code(KeyCode),
    /// Shift-Tab (terminals send BackTab, or Tab with Shift).
    BackTab,
    /// A printable character typed without Ctrl or Alt (Shift allowed: `S`, `?`, `+`).
    Char(char),
    /// Ctrl with a letter, either case.
    Ctrl(char),
    /// Any digit from the one given up to 9.
    Digits(char),
}

impl Key {
    pub(crate) const ENTER: Key = Key::Code(KeyCode::Enter);
    pub(crate) const ESC: Key = Key::Code(KeyCode::Esc);
    pub(crate) const TAB: Key = Key::Code(KeyCode::Tab);
    pub(crate) const UP: Key = Key::Code(KeyCode::Up);
    pub(crate) const DOWN: Key = Key::Code(KeyCode::Down);
    pub(crate) const HOME: Key = Key::Code(KeyCode::Home);
    pub(crate) const END: Key = Key::Code(KeyCode::End);
    pub(crate) const BACKSPACE: Key = Key::Code(KeyCode::Backspace);
    pub(crate) const DELETE: Key = Key::Code(KeyCode::Delete);

    pub(crate) fn matches(self, key: &KeyEvent) -> bool {
        let held = key.modifiers;
        let plain = !held.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let shift = held.contains(KeyModifiers::SHIFT);
        match self {
            Key::Code(KeyCode::Tab) => plain && !shift && key.code == KeyCode::Tab,
            Key::Code(code) => plain && key.code == code,
            Key::BackTab => {
                key.code == KeyCode::BackTab || (key.code == KeyCode::Tab && plain && shift)
            }
            Key::Char(c) => plain && key.code == KeyCode::Char(c),
            Key::Ctrl(c) => {
                held.contains(KeyModifiers::CONTROL)
                    && matches!(key.code, KeyCode::Char(k) if k.eq_ignore_ascii_case(&c))
            }
            Key::Digits(from) => {
                plain && matches!(key.code, KeyCode::Char(d) if (from..='9').contains(&d))
            }
        }
    }

    /// Typed text where a text field has focus, so never a shortcut there (UX.md).
    pub(crate) fn is_printable(self) -> bool {
        matches!(self, Key::Char(_) | Key::Digits(_))
    }

    /// How help and the status bar name the key.
    pub(crate) fn name(self) -> Cow<'static, str> {
        match self {
            Key::Code(KeyCode::Enter) => "Enter".into(),
            Key::Code(KeyCode::Esc) => "Esc".into(),
            Key::Code(KeyCode::Tab) => "Tab".into(),
            Key::Code(KeyCode::Up) => "Up".into(),
            Key::Code(KeyCode::Down) => "Down".into(),
            Key::Code(KeyCode::Left) => "Left".into(),
            Key::Code(KeyCode::Right) => "Right".into(),
            Key::Code(KeyCode::Home) => "Home".into(),
            Key::Code(KeyCode::End) => "End".into(),
            Key::Code(KeyCode::Backspace) => "Backspace".into(),
            Key::Code(KeyCode::Delete) => "Delete".into(),
            Key::Code(KeyCode::F(n)) => format!("F{n}").into(),
            Key::Code(other) => format!("{other}").into(),
            Key::BackTab => "Shift-Tab".into(),
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string().into(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()).into(),
            Key::Digits(from) => format!("{from}-9").into(),
        }
    }
}

/// What a row says it does: fixed words, or words that depend on the screen's state.
pub(crate) enum Words<S> {
    Fixed(&'static str),
    From(fn(&S, &App) -> &'static str),
}

/// How a row shows in the status bar, which has room for three or four short keys.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bar {
    /// By its first key that can fire now.
    First,
    /// By these words for its keys ("Up/Down").
    Label(&'static str),
    /// Only in help (a rarely needed key, or one that cannot act right now).
    Hide,
}

/// One row of a key table: these keys, when the condition holds, run this command.
pub(crate) struct Binding<S, C> {
    pub keys: &'static [Key],
    pub when: fn(&S, &App) -> bool,
    pub cmd: C,
    pub help: Words<S>,
    pub bar: Bar,
}

// Not derived: a derive would ask `S: Copy`, and the screens are not.
impl<S> Clone for Words<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for Words<S> {}
impl<S, C: Copy> Clone for Binding<S, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, C: Copy> Copy for Binding<S, C> {}

fn always<S>(_: &S, _: &App) -> bool {
    true
}

/// A row that always applies.
pub(crate) const fn bind<S, C: Copy>(
    keys: &'static [Key],
    cmd: C,
    help: &'static str,
) -> Binding<S, C> {
    Binding {
        keys,
        when: always::<S>,
        cmd,
        help: Words::Fixed(help),
        bar: Bar::First,
    }
}

impl<S, C: Copy> Binding<S, C> {
    /// The row applies only while `when` holds.
    pub(crate) const fn when(self, when: fn(&S, &App) -> bool) -> Self {
        Binding { when, ..self }
    }

    /// The words depend on the screen's state.
    pub(crate) const fn words(self, words: fn(&S, &App) -> &'static str) -> Self {
        Binding {
            help: Words::From(words),
            ..self
        }
    }

    /// How the status bar names the row's keys.
    pub(crate) const fn bar(self, bar: Bar) -> Self {
        Binding { bar, ..self }
    }

    fn help_text(&self, screen: &S, app: &App) -> &'static str {
        match self.help {
            Words::Fixed(text) => text,
            Words::From(words) => words(screen, app),
        }
    }

    /// The keys that can fire now: letters and digits go to a focused text field instead.
    fn live(&self, typing: bool) -> impl Iterator<Item = Key> + '_ {
        self.keys
            .iter()
            .copied()
            .filter(move |k| !(typing && k.is_printable()))
    }
}

/// The first row that takes `key` now, with its help row (what the user was told it does).
pub(crate) fn find<S, C: Copy>(
    table: &[Binding<S, C>],
    screen: &S,
    app: &App,
    typing: bool,
    key: &KeyEvent,
) -> Option<(C, KeyHelp)> {
    table
        .iter()
        .filter(|b| (b.when)(screen, app))
        .find_map(|b| {
            b.live(typing)
                .any(|k| k.matches(key))
                .then(|| (b.cmd, row(b, screen, app, typing)))
        })
}

/// Every row that applies now, as help and the status bar show it.
pub(crate) fn help<S, C: Copy>(
    table: &[Binding<S, C>],
    screen: &S,
    app: &App,
    typing: bool,
) -> Vec<KeyHelp> {
    table
        .iter()
        .filter(|b| (b.when)(screen, app) && b.live(typing).next().is_some())
        .map(|b| row(b, screen, app, typing))
        .collect()
}

/// The rows that apply now and belong in the status bar, with their short key names.
pub(crate) fn bar<S, C: Copy>(
    table: &[Binding<S, C>],
    screen: &S,
    app: &App,
    typing: bool,
) -> Vec<KeyHelp> {
    table
        .iter()
        .filter(|b| (b.when)(screen, app))
        .filter_map(|b| {
            let keys = match b.bar {
                Bar::Hide => return None,
                Bar::Label(label) => Cow::Borrowed(label),
                Bar::First => b.live(typing).next()?.name(),
            };
            Some(KeyHelp {
                keys,
                action: b.help_text(screen, app),
            })
        })
        .collect()
}

fn row<S, C: Copy>(b: &Binding<S, C>, screen: &S, app: &App, typing: bool) -> KeyHelp {
    let names: Vec<Cow<'static, str>> = b.live(typing).map(Key::name).collect();
    KeyHelp {
        keys: Cow::Owned(names.join(", ")),
        action: b.help_text(screen, app),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_match_what_their_names_say() {
        assert!(Key::TAB.matches(&press(KeyCode::Tab, KeyModifiers::NONE)));
        assert!(!Key::TAB.matches(&press(KeyCode::Tab, KeyModifiers::SHIFT)));
        assert!(Key::BackTab.matches(&press(KeyCode::Tab, KeyModifiers::SHIFT)));
        assert!(Key::BackTab.matches(&press(KeyCode::BackTab, KeyModifiers::SHIFT)));
        assert!(Key::Ctrl('c').matches(&press(KeyCode::Char('C'), KeyModifiers::CONTROL)));
        assert!(!Key::Char('c').matches(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(Key::Char('S').matches(&press(KeyCode::Char('S'), KeyModifiers::SHIFT)));
        assert!(Key::Digits('1').matches(&press(KeyCode::Char('9'), KeyModifiers::NONE)));
        assert!(!Key::Digits('1').matches(&press(KeyCode::Char('0'), KeyModifiers::NONE)));
        assert_eq!(Key::Ctrl('o').name(), "Ctrl-O");
        assert_eq!(Key::Digits('0').name(), "0-9");
        assert_eq!(Key::Char(' ').name(), "Space");
        assert_eq!(Key::BackTab.name(), "Shift-Tab");
    }
}
