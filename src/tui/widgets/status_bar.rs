//! The one-line status bar: the sign-in state in words on the left, the three or four keys
//! that matter now on the right, and a `DEV` badge against the embedded server. It fits
//! 80 columns by dropping the least important keys first, then shortening the state with `…`.

use super::{KeyHelp, sanitize, text};
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const BADGE: &str = " DEV ";
const SEPARATOR: &str = " · ";
/// What the help key says it does: the one key kept while any key fits.
pub const HELP: &str = "help";
/// The state keeps at least this many cells before keys are dropped for it.
const MIN_STATE: usize = 24;

/// What the bar shows; built per frame from the screen's state.
#[derive(Debug, Clone, Copy)]
pub struct StatusBar<'a> {
    /// "Enter your password", "Waiting for the email link", ...
    pub state: &'a str,
    /// Most important first; the bar keeps as many as fit.
    pub keys: &'a [KeyHelp],
    /// Show the `DEV` badge (embedded server).
    pub dev: bool,
}

/// The parts that fit, as laid out by [`StatusBar::fit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FittedStatus {
    pub badge: bool,
    pub state: String,
    pub keys: Vec<KeyHelp>,
}

impl StatusBar<'_> {
    /// Decides what fits in `width` cells.
    pub fn fit(&self, width: usize) -> FittedStatus {
        let badge_w = if self.dev { text::width(BADGE) + 1 } else { 0 };
        let state = sanitize(self.state);
        let state_w = text::width(&state);
        let mut keys: Vec<KeyHelp> = self.keys.iter().take(4).cloned().collect();
        // The screen's most important key and how to get help stay while the rest make room
        // for the whole state; only then is the state cut, and last of all those two go.
        let kept = |i: usize, k: &KeyHelp| i == 0 || k.action == HELP;
        while !keys.is_empty() {
            let room = width.saturating_sub(badge_w + keys_width(&keys) + 2);
            if room >= state_w {
                break;
            }
            if let Some(i) = keys.iter().enumerate().rposition(|(i, k)| !kept(i, k)) {
                keys.remove(i);
                continue;
            }
            if room >= state_w.min(MIN_STATE) {
                break;
            }
            // Help goes last: it lists the screen's first key too.
            match keys.iter().rposition(|k| k.action == HELP) {
                Some(help) if keys.len() > 1 => {
                    keys.remove(if help == 0 { 1 } else { 0 });
                }
                _ => {
                    keys.pop();
                }
            }
        }
        let keys_w = if keys.is_empty() {
            0
        } else {
            keys_width(&keys) + 2
        };
        let room = width.saturating_sub(badge_w + keys_w);
        FittedStatus {
            badge: self.dev && width >= badge_w,
            state: text::truncate(&state, room).into_owned(),
            keys,
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: Theme) {
        // Callers may hand over an area that pokes out of the buffer; never draw there.
        let area = area.intersection(buf.area);
        if area.height == 0 {
            return;
        }
        let fitted = self.fit(usize::from(area.width));
        let y = area.y;
        let mut x = area.x;
        if fitted.badge {
            let (nx, _) = buf.set_stringn(x, y, BADGE, usize::from(area.width), theme.badge());
            x = nx + 1;
        }
        buf.set_stringn(
            x,
            y,
            &fitted.state,
            usize::from(area.right() - x),
            theme.title(),
        );
        let keys_w = u16::try_from(keys_width(&fitted.keys)).unwrap_or(0);
        if fitted.keys.is_empty() || keys_w > area.width {
            return;
        }
        let mut x = area.right() - keys_w;
        for (i, k) in fitted.keys.iter().enumerate() {
            if i > 0 {
                x = buf.set_stringn(x, y, SEPARATOR, usize::MAX, theme.text()).0;
            }
            x = buf.set_stringn(x, y, &k.keys, usize::MAX, theme.key()).0;
            x = buf
                .set_stringn(x, y, format!(" {}", k.action), usize::MAX, theme.text())
                .0;
        }
    }
}

fn keys_width(keys: &[KeyHelp]) -> usize {
    let items: usize = keys
        .iter()
        .map(|k| text::width(&k.keys) + 1 + text::width(k.action))
        .sum();
    items + text::width(SEPARATOR) * keys.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::testing::{render, rows, snapshot};
    use std::borrow::Cow;

    const KEYS: &[KeyHelp] = &[
        KeyHelp {
            keys: Cow::Borrowed("Enter"),
            action: "sign in",
        },
        KeyHelp {
            keys: Cow::Borrowed("Ctrl-R"),
            action: "reveal",
        },
        KeyHelp {
            keys: Cow::Borrowed("?"),
            action: "help",
        },
        KeyHelp {
            keys: Cow::Borrowed("Ctrl-C"),
            action: "quit",
        },
    ];

    fn line(
        bar: &StatusBar<'_>,
        width: u16,
        theme: Theme,
    ) -> (ratatui::Terminal<ratatui::backend::TestBackend>, String) {
        let (terminal, _) = render(width, 1, |area, buf| {
            bar.render(area, buf, theme);
            None
        });
        let row = rows(&terminal)[0].clone();
        (terminal, row)
    }

    #[test]
    fn state_left_keys_right_badge_first() {
        let bar = StatusBar {
            state: "Enter your password",
            keys: KEYS,
            dev: true,
        };
        let (_, row) = line(&bar, 80, Theme::Default);
        assert!(row.starts_with(" DEV  Enter your password"), "{row:?}");
        assert!(
            row.ends_with("Enter sign in · Ctrl-R reveal · ? help · Ctrl-C quit"),
            "{row:?}"
        );
    }

    #[test]
    fn long_state_drops_keys_from_the_end_then_truncates() {
        let state =
            "Waiting for you to open the link we emailed to j***@example.com (expires in 9:59)";
        let bar = StatusBar {
            state,
            keys: KEYS,
            dev: true,
        };
        let fitted = bar.fit(80);
        assert!(fitted.keys.len() < 4, "{fitted:?}");
        assert_eq!(fitted.keys[0].keys, "Enter");
        let (_, row) = line(&bar, 80, Theme::Default);
        assert_eq!(text::width(&row), 80);
        assert!(row.contains('…'), "{row:?}");
        let narrow = bar.fit(30);
        assert!(narrow.keys.is_empty());
        assert!(narrow.state.ends_with('…'));
        assert!(text::width(&narrow.state) <= 30 - 6);
    }

    #[test]
    fn help_outlasts_a_first_key_with_long_words() {
        let keys = [
            KeyHelp {
                keys: Cow::Borrowed("Tab"),
                action: "paste the address the browser ended on",
            },
            KeyHelp {
                keys: Cow::Borrowed("F1"),
                action: "help",
            },
        ];
        let bar = StatusBar {
            state: "Waiting for the browser",
            keys: &keys,
            dev: true,
        };
        let fitted = bar.fit(80);
        assert_eq!(fitted.state, "Waiting for the browser");
        assert_eq!(
            fitted.keys.iter().map(|k| k.action).collect::<Vec<_>>(),
            ["help"]
        );
    }

    #[test]
    fn at_most_four_keys_and_control_characters_removed() {
        let five: Vec<KeyHelp> = KEYS
            .iter()
            .cloned()
            .chain([KeyHelp {
                keys: Cow::Borrowed("Esc"),
                action: "back",
            }])
            .collect();
        let bar = StatusBar {
            state: "Signed in as \x1b[31malice",
            keys: &five,
            dev: false,
        };
        let fitted = bar.fit(200);
        assert_eq!(fitted.keys.len(), 4);
        assert_eq!(fitted.state, "Signed in as alice");
    }

    #[test]
    fn snapshots() {
        let bar = StatusBar {
            state: "Enter your password",
            keys: KEYS,
            dev: true,
        };
        for (name, theme) in [
            ("status_default", Theme::Default),
            ("status_monochrome", Theme::Monochrome),
            ("status_high_contrast", Theme::HighContrast),
        ] {
            let (terminal, _) = line(&bar, 80, theme);
            insta::assert_snapshot!(name, snapshot(&terminal, None));
        }
    }
}
