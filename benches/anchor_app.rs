//! The anchor for the whole-process figures: the smallest ratatui app that does what the
//! first screen does (a title, a labelled text field, typed characters echoed), drawn with
//! ratatui's own crossterm backend. `benches/process.sh` starts it beside clerk-tui in the
//! same pty and reports its first frame, peak RSS, binary size and bytes per typed character.
//!
//! Runs only with `--anchor-run` (a bare `cargo bench` must not take over the terminal).

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::Position;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

fn main() -> std::io::Result<()> {
    if !std::env::args().any(|a| a == "--anchor-run") {
        println!("anchor_app: run by benches/process.sh with --anchor-run");
        return Ok(());
    }
    let mut terminal = ratatui::init();
    let mut field = String::new();
    let result = loop {
        let drawn = terminal.draw(|f| {
            let lines = vec![
                Line::from("anchor: a trivial ratatui app").bold(),
                Line::from(""),
                Line::from("Email address"),
                Line::from(field.as_str()).style(Style::default().fg(Color::Cyan)),
            ];
            f.render_widget(Paragraph::new(lines), f.area());
            let x = u16::try_from(field.chars().count()).unwrap_or(u16::MAX);
            f.set_cursor_position(Position { x, y: 3 });
        });
        if let Err(e) = drawn {
            break Err(e);
        }
        match event::read() {
            Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => match key.code {
                KeyCode::Esc => break Ok(()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Ok(());
                }
                KeyCode::Char(c) => field.push(c),
                KeyCode::Backspace => {
                    field.pop();
                }
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(e),
        }
    };
    ratatui::restore();
    result
}
