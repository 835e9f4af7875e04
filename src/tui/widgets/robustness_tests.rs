//! Checks across all widgets: no panic at any size or position (terminals get resized to
//! anything), the cursor never leaves the screen, a whole sign-in screen fits 80×24 in each
//! theme, and no snapshot file holds a typed secret.

use super::testing::{chars, render, screen, snapshot};
use super::*;
use crate::tui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::borrow::Cow;
use std::time::Duration;

const THEMES: [Theme; 3] = [Theme::Default, Theme::Monochrome, Theme::HighContrast];
const KEYS: &[KeyHelp] = &[
    KeyHelp {
        keys: Cow::Borrowed("Enter"),
        action: "sign in",
    },
    KeyHelp {
        keys: Cow::Borrowed("Tab"),
        action: "next field",
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

struct All {
    masked: MaskedInput,
    code: CodeInput,
    text: TextInput,
    choices: ChoiceList,
    help: HelpOverlay,
    outbox: OutboxPane,
    qr: QrWidget,
}

fn all() -> All {
    let mut masked = MaskedInput::new("Password");
    chars("hunter2").for_each(|k| {
        let _ = masked.handle_key(k);
    });
    masked.set_error(Some("Password is incorrect.".into()));
    let mut code = CodeInput::new("Code").masked(true);
    let _ = code.handle_paste("12");
    let mut outbox = OutboxPane::new();
    outbox.set_messages(vec![OutboxMessage {
        to: "alice@example.com".into(),
        kind: "email_code".into(),
        code: Some("111111".into()),
        link: None,
        age: Duration::from_secs(3),
    }]);
    All {
        masked,
        code,
        text: TextInput::new("Email address").with_value("alice@example.com"),
        choices: ChoiceList::new(vec![
            Choice::new("Password"),
            Choice::disabled("Passkey", "needs a browser"),
        ]),
        help: HelpOverlay::new("Password", KEYS),
        outbox,
        qr: QrWidget::new("https://example.com/v1/verify?token=abc"),
    }
}

fn draw_all(w: &All, area: Rect, buf: &mut Buffer, theme: Theme) -> Vec<Option<Position>> {
    let status = StatusBar {
        state: "Enter your password",
        keys: KEYS,
        dev: true,
    };
    status.render(area, buf, theme);
    w.qr.render(area, buf, theme);
    vec![
        w.masked.render(area, buf, theme, true),
        w.code.render(area, buf, theme, true),
        w.text.render(area, buf, theme, true),
        w.choices.render(area, buf, theme, true),
        w.outbox.render(area, buf, theme, true),
        w.help.render(area, buf, theme),
    ]
}

#[test]
fn any_size_and_position_renders_without_panic_and_keeps_the_cursor_on_screen() {
    let widgets = all();
    for theme in THEMES {
        for (bw, bh) in [(1, 1), (5, 2), (12, 3), (80, 24)] {
            for (x, y, w, h) in [
                (0, 0, 0, 0),
                (0, 0, 1, 1),
                (0, 0, 3, 1),
                (0, 0, 7, 2),
                (2, 1, 90, 30),
                (0, 0, bw, bh),
            ] {
                let mut buf = Buffer::empty(Rect::new(0, 0, bw, bh));
                for cursor in draw_all(&widgets, Rect::new(x, y, w, h), &mut buf, theme)
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        buf.area.contains(cursor),
                        "{cursor:?} outside {:?} ({x},{y},{w},{h})",
                        buf.area
                    );
                }
            }
        }
    }
}

#[test]
fn a_whole_sign_in_screen_fits_80_by_24_in_every_theme() {
    let w = all();
    for theme in THEMES {
        let (terminal, cursor) = render(80, 24, |area, buf| {
            buf.set_string(2, 0, "Sign in to Clerk Demo", theme.title());
            let _ = w
                .text
                .render(Rect::new(0, 2, area.width, 3), buf, theme, false);
            let cursor = w
                .masked
                .render(Rect::new(0, 5, area.width, 3), buf, theme, true);
            buf.set_string(2, 9, "Other ways to sign in:", theme.text());
            let _ = w
                .choices
                .render(Rect::new(0, 10, area.width, 2), buf, theme, false);
            let _ = w
                .code
                .render(Rect::new(0, 13, area.width, 3), buf, theme, false);
            StatusBar {
                state: "Enter your password",
                keys: KEYS,
                dev: true,
            }
            .render(Rect::new(0, 23, area.width, 1), buf, theme);
            cursor
        });
        let text = screen(&terminal);
        assert!(!text.contains("hunter2"));
        assert!(text.contains("> [•••••••"));
        assert!(text.contains("Error: Password is incorrect."));
        let name = format!("screen_{theme:?}").to_lowercase();
        insta::assert_snapshot!(name, snapshot(&terminal, cursor));
    }
}

#[test]
fn no_snapshot_holds_a_typed_secret() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/widgets/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no snapshots in {}", dir.display());
    };
    let mut checked = 0;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        // The passwords and codes the tests type.
        for secret in [
            "hunter2", "s3cret", "424242", "912345", "000111", "12345678",
        ] {
            let is_outbox = entry.file_name().to_string_lossy().contains("outbox");
            if is_outbox && secret == "424242" {
                continue; // the dev outbox shows what the server sent, by design
            }
            assert!(
                !text.contains(secret),
                "{} contains {secret}",
                entry.path().display()
            );
        }
        // A typed digit in a code box ("[4]").
        let typed_digit = text
            .as_bytes()
            .windows(3)
            .any(|w| w[0] == b'[' && w[1].is_ascii_digit() && w[2] == b']');
        assert!(
            !typed_digit,
            "{} shows a typed code digit",
            entry.path().display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} snapshots found");
}
