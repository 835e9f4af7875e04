//! 80×24 is the size every screen is designed for: on every screen, and with the help, the
//! dev outbox, the QR view and the demo list open over it, no text is cut short and nothing
//! runs into the last column. And no size, however small or sudden, makes a frame panic.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Position, Size};
use std::cell::{Cell as StdCell, RefCell};

use super::fixtures::*;
use super::on_key;
use super::tests_keytable::{states, ui_at};
use crate::app::App;
use crate::tui::Theme;
use crate::tui::widgets::OutboxMessage;
use crate::tui::widgets::testing::rows;
use crate::tui::widgets::text::take_cuts;

/// A link as long as the emulator's email links and Clerk's old consent addresses.
const LONG_LINK: &str = "http://127.0.0.1:40123/v1/verify?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWduX2luX2lkIjoic2lhXzEiLCJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20iLCJleHAiOjE4MDAwMDA2MDB9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU&redirect_url=http%3A%2F%2F127.0.0.1%3A40123%2F__dev%2Fverified";

/// Characters a frame may put in the 80th column: borders and QR blocks, drawn to the edge
/// on purpose. Text there ran off its area.
fn edge_ok(c: char) -> bool {
    c == ' ' || "│┐┘┤▀▄█".contains(c)
}

/// Draws `ui` over `app` at 80×24 and names anything cut short or run to the edge.
fn cut_or_clipped(app: &App, ui: &mut super::Ui) -> Vec<String> {
    let _ = take_cuts();
    let (terminal, _) = draw(app, ui, Theme::Default, 80, 24);
    let mut found: Vec<String> = take_cuts()
        .into_iter()
        .map(|t| format!("cut: {t:?}"))
        .collect();
    let rows = rows(&terminal);
    for (y, row) in rows.iter().enumerate() {
        let trimmed = row.trim_end();
        // The status bar's keys end in the last column by design.
        let last = y + 1 == rows.len();
        if !last && row.chars().nth(79).is_some_and(|c| !edge_ok(c)) {
            found.push(format!("row {y} runs into column 80: {trimmed:?}"));
        }
    }
    found
}

fn feed_outbox(ui: &mut super::Ui) {
    ui.set_outbox_messages(vec![
        OutboxMessage {
            to: "jane@example.com".into(),
            kind: "email link".into(),
            code: None,
            link: Some(LONG_LINK.into()),
            age: std::time::Duration::from_secs(3),
        },
        OutboxMessage {
            to: "+14155552671".into(),
            kind: "sms code".into(),
            code: Some("123456".into()),
            link: None,
            age: std::time::Duration::from_secs(75),
        },
    ]);
}

#[test]
fn nothing_is_cut_at_80x24_on_any_screen_or_view() {
    let mut problems = Vec::new();
    for (name, app, setup) in states() {
        let mut views: Vec<(&str, super::Ui)> = Vec::new();
        views.push(("", ui_at(&app, &setup)));
        let mut help = ui_at(&app, &setup);
        // With something in the outbox, help lists its key too (the longest words there).
        feed_outbox(&mut help);
        let _ = on_key(&app, &mut help, key(KeyCode::F(1)));
        assert!(help.help_open(), "{name}: F1 opens help");
        views.push(("help", help));
        let mut outbox = ui_at(&app, &setup);
        feed_outbox(&mut outbox);
        outbox.outbox_open = true;
        views.push(("outbox", outbox));
        let mut qr = ui_at(&app, &setup);
        if qr.screen.qr(&app).is_some() {
            let _ = on_key(&app, &mut qr, key(KeyCode::Char('v')));
            assert!(qr.qr_view, "{name}: v opens the QR view");
            views.push(("QR view", qr));
        }
        let mut demo = ui_at(&app, &setup);
        let _ = on_key(&app, &mut demo, key(KeyCode::F(2)));
        if demo.demo_list.is_some() {
            views.push(("demo users", demo));
        }
        for (view, mut ui) in views {
            for p in cut_or_clipped(&app, &mut ui) {
                problems.push(format!("{name} {view}: {p}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every demo user is on the identifier screen or in the list F2 opens, whole.
#[test]
fn every_demo_user_is_one_key_away() {
    let app = ready();
    let mut ui = super::Ui::new();
    let _ = on_key(&app, &mut ui, key(KeyCode::F(2)));
    let mut seen = String::new();
    for _ in 0..super::demo_list::users(&app).len() {
        seen.push_str(&screen(&app, &mut ui));
        let _ = on_key(&app, &mut ui, key(KeyCode::Down));
    }
    for user in super::demo_list::users(&app) {
        assert!(seen.contains(&user.identifier), "{}", user.identifier);
        assert!(seen.contains(&user.demonstrates), "{}", user.demonstrates);
    }
    // Enter puts the chosen one in the field.
    let _ = on_key(&app, &mut ui, key(KeyCode::Down));
    let _ = on_key(&app, &mut ui, key(KeyCode::Enter));
    assert!(ui.demo_list.is_none());
    assert!(screen(&app, &mut ui).contains("[bob@example.com"));
}

/// A terminal whose size changes every time it is asked (as during a window drag), drawing
/// nowhere: ratatui's diff panics when the frame it is handed has another size than the one
/// it kept ("buffer areas must have the same x, y, and width").
struct Storm {
    rng: RefCell<StdRng>,
    size: StdCell<Size>,
}

impl Storm {
    fn new(seed: u64) -> Self {
        Storm {
            rng: RefCell::new(StdRng::seed_from_u64(seed)),
            size: StdCell::new(Size::new(1, 1)),
        }
    }
}

impl Backend for Storm {
    type Error = std::io::Error;

    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        content: I,
    ) -> std::io::Result<()> {
        content.for_each(drop);
        Ok(())
    }
    fn hide_cursor(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn show_cursor(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn get_cursor_position(&mut self) -> std::io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, _: P) -> std::io::Result<()> {
        Ok(())
    }
    fn clear(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn clear_region(&mut self, _: ClearType) -> std::io::Result<()> {
        Ok(())
    }
    fn size(&self) -> std::io::Result<Size> {
        let mut rng = self.rng.borrow_mut();
        let size = match rng.random_range(0..10) {
            0 => Size::new(1, 1),
            1..=3 => Size::new(rng.random_range(1..=12), rng.random_range(1..=6)),
            4..=6 => Size::new(rng.random_range(1..80), rng.random_range(1..24)),
            _ => Size::new(rng.random_range(80..=200), rng.random_range(24..=60)),
        };
        self.size.set(size);
        Ok(size)
    }
    fn window_size(&mut self) -> std::io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size.get(),
            pixels: Size::default(),
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keys that redraw something on most screens without leaving it.
const REDRAW_KEYS: &[KeyCode] = &[
    KeyCode::F(1),
    KeyCode::Esc,
    KeyCode::Char('f'),
    KeyCode::Char('i'),
    KeyCode::Char('v'),
    KeyCode::Char('o'),
    KeyCode::F(2),
    KeyCode::Tab,
    KeyCode::Down,
];

#[test]
fn a_resize_storm_never_panics_on_any_screen() {
    for (seed, (name, app, setup)) in (0u64..).zip(states()) {
        let mut ui = ui_at(&app, &setup);
        let mut terminal = match Terminal::new(Storm::new(seed)) {
            Ok(t) => t,
            Err(e) => panic!("{name}: {e}"),
        };
        let mut keys = StdRng::seed_from_u64(seed ^ 0x5eed);
        let mut last: Option<(Buffer, Position)> = None;
        for _ in 0..200 {
            let code = REDRAW_KEYS[keys.random_range(0..REDRAW_KEYS.len())];
            let _ = on_key(&app, &mut ui, key(code));
            if let Err(e) =
                crate::tui::run::present(&mut terminal, &app, &mut ui, Theme::Default, &mut last)
            {
                panic!("{name}: {e}");
            }
        }
    }
}

/// The screens and views new at 80×24: the unfinished-sign-in question, the demo users' list
/// and the enrolment QR code full screen (a fixed fake secret).
#[test]
fn snapshots_of_the_new_views() {
    let app = unfinished();
    insta::assert_snapshot!(
        "unfinished_sign_in",
        shot(&app, &mut super::Ui::new(), Theme::Default)
    );
    let app = ready();
    let mut ui = super::Ui::new();
    let _ = on_key(&app, &mut ui, key(KeyCode::F(2)));
    let _ = on_key(&app, &mut ui, key(KeyCode::Down));
    insta::assert_snapshot!("demo_users_list", shot(&app, &mut ui, Theme::Default));
    let app = super::tests_signed_in::enrolling();
    let mut ui = super::Ui::new();
    let _ = on_key(&app, &mut ui, key(KeyCode::Char('v')));
    insta::assert_snapshot!("enrolment_qr_view", shot(&app, &mut ui, Theme::Default));
}
