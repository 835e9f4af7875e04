//! Code box tests: digits only, paste rules, completion for auto-submit, cursor placement.

use super::*;
use crate::tui::widgets::testing::{chars, key, render, screen, snapshot};
use secrecy::ExposeSecret;

type Term = ratatui::Terminal<ratatui::backend::TestBackend>;

fn draw(code: &CodeInput, theme: Theme) -> (Term, Option<Position>) {
    render(80, 24, |area, buf| {
        let area = Rect::new(area.x, area.y + 1, area.width, code.height(area.width));
        code.render(area, buf, theme, true)
    })
}

#[test]
fn digits_fill_boxes_and_the_last_one_completes() {
    let mut code = CodeInput::new("Code sent to j***@example.com");
    let outcomes: Vec<_> = chars("424242").map(|k| code.handle_key(k)).collect();
    assert_eq!(outcomes[..5], [const { Outcome::Changed }; 5]);
    assert_eq!(outcomes[5], Outcome::Complete);
    let (terminal, cursor) = draw(&code, Theme::Default);
    assert!(screen(&terminal).contains("> [4] [2] [4] [2] [4] [2]"));
    assert!(screen(&terminal).contains("6 of 6 digits entered."));
    assert_eq!(cursor, Some(Position::new(23, 2)), "stays on the last box");
    assert_eq!(code.handle_key(key(KeyCode::Enter)), Outcome::Submit);
    assert!(matches!(
        code.handle_key(key(KeyCode::Char('1'))),
        Outcome::Rejected(_)
    ));
}

#[test]
fn letters_are_rejected_with_a_reason_and_change_nothing() {
    let mut code = CodeInput::new("Code");
    let _ = code.handle_key(key(KeyCode::Char('1')));
    match code.handle_key(key(KeyCode::Char('a'))) {
        Outcome::Rejected(reason) => assert!(reason.contains("digits"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(code.filled(), 1);
    assert!(
        matches!(code.handle_key(key(KeyCode::Enter)), Outcome::Rejected(r) if r.contains("6 digits"))
    );
    assert_eq!(code.handle_key(key(KeyCode::Tab)), Outcome::Ignored);
    assert_eq!(code.handle_key(key(KeyCode::Esc)), Outcome::Ignored);
}

#[test]
fn backspace_and_cursor_on_the_next_box() {
    let mut code = CodeInput::new("Code");
    for k in chars("12") {
        let _ = code.handle_key(k);
    }
    let (_, cursor) = draw(&code, Theme::Default);
    assert_eq!(cursor, Some(Position::new(11, 2)), "third box");
    assert_eq!(code.handle_key(key(KeyCode::Backspace)), Outcome::Changed);
    let (_, cursor) = draw(&code, Theme::Default);
    assert_eq!(cursor, Some(Position::new(7, 2)));
    let _ = code.handle_key(key(KeyCode::Backspace));
    assert_eq!(code.handle_key(key(KeyCode::Backspace)), Outcome::Consumed);
}

#[test]
fn paste_strips_separators_and_rejects_other_characters() {
    let mut code = CodeInput::new("Code");
    assert_eq!(code.handle_paste(" 123-456\n"), Outcome::Complete);
    assert_eq!(code.take_code().expose_secret(), "123456");
    let _ = code.handle_key(key(KeyCode::Char('9')));
    assert!(
        matches!(code.handle_paste("12a456"), Outcome::Rejected(r) if r.contains("left as it was"))
    );
    assert_eq!(code.filled(), 1, "kept what was there");
    assert!(
        matches!(code.handle_paste("12345678"), Outcome::Rejected(r) if r.contains("8 digits"))
    );
    assert_eq!(code.handle_paste("12 3"), Outcome::Changed);
    assert_eq!(code.handle_paste("45"), Outcome::Complete);
    assert_eq!(code.take_code().expose_secret(), "912345");
    // A whole code pasted over a partial one replaces it.
    let _ = code.handle_key(key(KeyCode::Char('7')));
    assert_eq!(code.handle_paste("000 111"), Outcome::Complete);
    assert_eq!(code.take_code().expose_secret(), "000111");
}

#[test]
fn take_code_wipes_and_debug_hides() {
    let mut code = CodeInput::with_length("Code", 8);
    let _ = code.handle_paste("1234 5678");
    assert!(!format!("{code:?}").contains("1234"));
    assert!(format!("{code:?}").contains("***"));
    assert_eq!(code.take_code().expose_secret(), "12345678");
    assert_eq!(code.filled(), 0);
    let (terminal, _) = draw(&code, Theme::Default);
    assert!(screen(&terminal).contains("> [ ] [ ] [ ] [ ] [ ] [ ] [ ] [ ]"));
}

#[test]
fn masked_boxes_hide_digits() {
    let mut code = CodeInput::new("Code").masked(true);
    let _ = code.handle_paste("987");
    let (terminal, _) = draw(&code, Theme::Default);
    assert!(screen(&terminal).contains("[•] [•] [•] [ ]"));
    assert!(!screen(&terminal).contains("987"));
}

#[test]
fn snapshots() {
    // Snapshots never hold typed digits: empty, then masked.
    let mut code = CodeInput::new("Enter the code sent to j***@example.com");
    let (terminal, cursor) = draw(&code, Theme::Default);
    insta::assert_snapshot!("code_empty_default", snapshot(&terminal, cursor));
    code.set_error(Some("Incorrect code. 2 attempts left.".into()));
    let (terminal, cursor) = draw(&code, Theme::Monochrome);
    insta::assert_snapshot!("code_error_monochrome", snapshot(&terminal, cursor));
    let mut code = CodeInput::new("Authenticator app code").masked(true);
    let _ = code.handle_paste("314");
    let (terminal, cursor) = draw(&code, Theme::HighContrast);
    insta::assert_snapshot!(
        "code_partial_masked_high_contrast",
        snapshot(&terminal, cursor)
    );
    let (terminal, cursor) = draw(&code, Theme::Monochrome);
    insta::assert_snapshot!(
        "code_partial_masked_monochrome",
        snapshot(&terminal, cursor)
    );
}
