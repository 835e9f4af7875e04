//! QR tests: the drawn cells are read back into modules and decoded with rqrr, the way a
//! phone camera would, for every style and inversion.

use super::*;
use crate::tui::widgets::testing::{render, screen};
use ratatui::backend::TestBackend;

/// What `clerk-tui` shows to set up an authenticator app (a realistic-length URI).
const OTPAUTH: &str = "otpauth://totp/Clerk%20Demo:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Clerk%20Demo&algorithm=SHA1&digits=6&period=30";

/// Reads the drawn cells back into a module matrix (true = drawn in the "dark" colour).
fn read_modules(buf: &Buffer, at: Rect, style: QrStyle, dark: Color) -> Vec<Vec<bool>> {
    let mut rows = Vec::new();
    for y in at.y..at.bottom() {
        match style {
            QrStyle::HalfBlock => {
                let (mut top, mut bottom) = (Vec::new(), Vec::new());
                for x in at.x..at.right() {
                    let cell = &buf[(x, y)];
                    let (fg, bg) = (cell.fg, cell.bg);
                    let (t, b) = match cell.symbol() {
                        "█" => (fg, fg),
                        "▀" => (fg, bg),
                        "▄" => (bg, fg),
                        " " => (bg, bg),
                        other => panic!("unexpected cell {other:?}"),
                    };
                    top.push(t == dark);
                    bottom.push(b == dark);
                }
                rows.push(top);
                rows.push(bottom);
            }
            QrStyle::FullBlock => {
                let row = (at.x..at.right())
                    .step_by(2)
                    .map(|x| {
                        let cell = &buf[(x, y)];
                        let color = if cell.symbol() == "█" {
                            cell.fg
                        } else {
                            cell.bg
                        };
                        assert_eq!(
                            buf[(x + 1, y)].symbol(),
                            cell.symbol(),
                            "module is two cells"
                        );
                        color == dark
                    })
                    .collect();
                rows.push(row);
            }
        }
    }
    rows
}

/// Scans a module matrix like a camera would: 4 pixels per module, black on white.
fn decode(modules: &[Vec<bool>]) -> String {
    const PX: usize = 4;
    let h = modules.len() * PX;
    let w = modules[0].len() * PX;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        if modules[y / PX][x / PX] { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code found");
    match grids[0].decode() {
        Ok((_, content)) => content,
        Err(e) => panic!("decode failed: {e:?}"),
    }
}

fn drawn(widget: &QrWidget, width: u16, height: u16) -> (ratatui::Terminal<TestBackend>, Rect) {
    let (w, h) = widget
        .drawn_size(Rect::new(0, 0, width, height))
        .unwrap_or_default();
    let (terminal, _) = render(width, height, |area, buf| {
        widget.render(area, buf, Theme::Default);
        None
    });
    let at = Rect::new((width - w) / 2, (height - h) / 2, w, h);
    (terminal, at)
}

#[test]
fn half_block_code_decodes_to_the_input() {
    let widget = QrWidget::new(OTPAUTH);
    let (w, h) = widget.required_size().unwrap_or_default();
    assert_eq!(h, w.div_ceil(2));
    // Error correction L: a 150-character URI is version 7 (45 modules), one light module
    // round it at the least.
    assert_eq!((w, h), (47, 24));
    let (terminal, at) = drawn(&widget, 100, 40);
    let modules = read_modules(
        terminal.backend().buffer(),
        at,
        QrStyle::HalfBlock,
        Color::Black,
    );
    // Quiet zone: the outer four modules all round are light.
    assert!(modules[..4].iter().all(|r| r.iter().all(|d| !d)));
    assert!(modules.iter().all(|r| r[..4].iter().all(|d| !d)));
    assert_eq!(decode(&modules), OTPAUTH);
}

#[test]
fn full_block_code_decodes_to_the_input() {
    let widget = QrWidget::new(OTPAUTH).style(QrStyle::FullBlock);
    let (w, h) = widget.required_size().unwrap_or_default();
    assert_eq!(w, h * 2);
    let (terminal, at) = drawn(&widget, w + 4, h + 2);
    let modules = read_modules(
        terminal.backend().buffer(),
        at,
        QrStyle::FullBlock,
        Color::Black,
    );
    assert_eq!(decode(&modules), OTPAUTH);
}

#[test]
fn inverted_codes_decode_once_inverted_back() {
    for style in [QrStyle::HalfBlock, QrStyle::FullBlock] {
        let widget = QrWidget::new(OTPAUTH).style(style).inverted(true);
        let (w, h) = widget.required_size().unwrap_or_default();
        let (terminal, at) = drawn(&widget, w + 2, h + 2);
        let buf = terminal.backend().buffer();
        // Inverted: the quiet zone is drawn black.
        let corner = &buf[(at.x, at.y)];
        assert_eq!((corner.symbol(), corner.bg), (" ", Color::Black));
        // Reading "dark" as White inverts it back.
        let modules = read_modules(buf, at, style, Color::White);
        assert_eq!(decode(&modules), OTPAUTH, "{style:?}");
    }
}

#[test]
fn code_colours_ignore_the_theme() {
    let widget = QrWidget::new("https://example.com/v1/verify?token=abc");
    for theme in [Theme::Default, Theme::Monochrome, Theme::HighContrast] {
        let (terminal, _) = render(80, 24, |area, buf| {
            widget.render(area, buf, theme);
            None
        });
        let buf = terminal.backend().buffer();
        let (w, h) = widget.required_size().unwrap_or_default();
        let at = Rect::new((80 - w) / 2, (24 - h) / 2, w, h);
        for y in at.y..at.bottom() {
            for x in at.x..at.right() {
                assert_eq!(
                    (buf[(x, y)].fg, buf[(x, y)].bg),
                    (Color::Black, Color::White)
                );
            }
        }
    }
}

/// A hand-off address of the length Clerk's OAuth consent pages had (256 characters).
const LONG: &str = "https://accounts.example.com/o/oauth2/v2/auth?client_id=9876543210-abcdefghijklmnopqrstuvwxyz012345.apps.example.com&redirect_uri=https%3A%2F%2Fclerk.example.com%2Fv1%2Foauth_callback&response_type=code&scope=openid+email+profile&state=abcdefghij0123";

#[test]
fn the_quiet_zone_shrinks_to_one_module_before_the_code_gives_way() {
    let widget = QrWidget::new(OTPAUTH);
    let (w, h) = widget.required_size().unwrap_or_default();
    // The whole 80×24 screen: only the least quiet zone fits, and the code still decodes.
    assert!(widget.fits(Rect::new(0, 0, 80, 24)));
    let (terminal, at) = drawn(&widget, 80, 24);
    assert_eq!((at.width, at.height), (w, h));
    let modules = read_modules(
        terminal.backend().buffer(),
        at,
        QrStyle::HalfBlock,
        Color::Black,
    );
    assert!(modules[0].iter().all(|d| !d), "one light row above");
    assert_eq!(decode(&modules), OTPAUTH);
}

#[test]
fn too_small_shows_the_needed_size_and_the_whole_text() {
    let widget = QrWidget::new(LONG);
    let (w, h) = widget.required_size().unwrap_or_default();
    assert!(!widget.fits(Rect::new(0, 0, 80, 24)));
    let (terminal, _) = render(80, 24, |area, buf| {
        widget.render(area, buf, Theme::Monochrome);
        None
    });
    let text = screen(&terminal);
    assert!(
        text.contains(&format!(
            "QR needs {w}×{h}, terminal is 80×24 — the text is shown instead:"
        )),
        "{text}"
    );
    let rows: Vec<String> = crate::tui::widgets::testing::rows(&terminal);
    let joined: String = rows[1..].iter().map(|r| r.trim_end()).collect();
    assert!(joined.starts_with(LONG), "{joined}");
    insta::assert_snapshot!("qr_too_small", terminal.backend());
}

#[test]
fn small_area_in_a_big_terminal_says_so() {
    let widget = QrWidget::new("https://example.com/sso-callback?x=1");
    let (terminal, _) = render(120, 50, |_, buf| {
        widget.render(Rect::new(0, 0, 30, 10), buf, Theme::Default);
        None
    });
    let rows = crate::tui::widgets::testing::rows(&terminal);
    let words: Vec<&str> = rows.iter().map(|r| r.trim_end()).collect();
    let text = words.join(" ");
    assert!(
        text.contains("only 30×10 is free here — the text is shown instead:"),
        "{text}"
    );
    assert!(
        rows.iter().all(|r| r.chars().skip(30).all(|c| c == ' ')),
        "stays in its area"
    );
}

#[test]
fn unencodable_text_is_shown_as_text() {
    let long = "x".repeat(8000);
    let widget = QrWidget::new(long);
    assert_eq!(widget.required_size(), None);
    let (terminal, _) = render(80, 24, |area, buf| {
        widget.render(area, buf, Theme::Default);
        None
    });
    assert!(screen(&terminal).contains("too long for a QR code"));
}

#[test]
fn snapshot_half_block() {
    let widget = QrWidget::new("https://example.com/v1/verify?token=abc");
    let (terminal, _) = render(80, 24, |area, buf| {
        widget.render(area, buf, Theme::Default);
        None
    });
    insta::assert_snapshot!("qr_half_block", terminal.backend());
}
