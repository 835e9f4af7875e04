//! Password field tests: nothing typed reaches the screen, Debug or a snapshot unless
//! revealed, and taking the secret empties the field.

use super::*;
use crate::tui::widgets::testing::{chars, ctrl, key, render, screen, snapshot};
use secrecy::ExposeSecret;

fn typed(s: &str) -> MaskedInput {
    let mut field = MaskedInput::new("Password");
    for k in chars(s) {
        assert_eq!(field.handle_key(k), Outcome::Changed);
    }
    field
}

fn draw(
    field: &MaskedInput,
    theme: Theme,
) -> (
    ratatui::Terminal<ratatui::backend::TestBackend>,
    Option<Position>,
) {
    render(80, 24, |area, buf| {
        let area = Rect::new(area.x, area.y + 1, area.width, field.height(area.width));
        field.render(area, buf, theme, true)
    })
}

#[test]
fn typed_password_never_reaches_the_screen_unless_revealed() {
    let mut field = typed("hunter2");
    for theme in [Theme::Default, Theme::Monochrome, Theme::HighContrast] {
        let (terminal, _) = draw(&field, theme);
        let text = screen(&terminal);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("[•••••••"), "{text}");
        assert!(!text.contains("••••••••"), "one dot per character: {text}");
    }
    assert_eq!(field.handle_key(ctrl('r')), Outcome::Changed);
    let (terminal, _) = draw(&field, Theme::Default);
    assert!(screen(&terminal).contains("[hunter2"));
    assert!(screen(&terminal).contains("Password shown"));
    assert_eq!(field.handle_key(ctrl('r')), Outcome::Changed);
    let (terminal, _) = draw(&field, Theme::Default);
    assert!(!screen(&terminal).contains("hunter2"));
}

#[test]
fn take_secret_moves_the_value_out_and_empties_the_field() {
    let mut field = typed("hunter2");
    field.set_revealed(true);
    field.set_error(Some("Password is incorrect.".into()));
    let secret = field.take_secret();
    assert_eq!(secret.expose_secret(), "hunter2");
    assert!(field.is_empty());
    assert!(!field.is_revealed());
    assert_eq!(field.error(), None);
    let (terminal, _) = draw(&field, Theme::Default);
    assert!(!screen(&terminal).contains('•'));
    assert_eq!(field.take_secret().expose_secret(), "");
}

#[test]
fn debug_output_hides_the_value() {
    let field = typed("hunter2");
    let debug = format!("{field:?}");
    assert!(debug.contains("***"), "{debug}");
    assert!(!debug.contains("hunter2"), "{debug}");
}

#[test]
fn one_dot_per_grapheme_and_cursor_follows_editing() {
    let mut field = MaskedInput::new("Password");
    // "e" + combining acute, a family emoji, a plain letter: three characters to a person.
    assert_eq!(field.handle_paste("e\u{301}👨‍👩‍👧x"), Outcome::Changed);
    assert_eq!(field.len(), 3);
    let (terminal, cursor) = draw(&field, Theme::Default);
    assert!(screen(&terminal).contains("[•••]") || screen(&terminal).contains("[•••  "));
    assert_eq!(cursor, Some(Position::new(6, 2)));
    assert_eq!(field.handle_key(key(KeyCode::Left)), Outcome::Changed);
    let (_, cursor) = draw(&field, Theme::Default);
    assert_eq!(cursor, Some(Position::new(5, 2)));
    assert_eq!(field.handle_key(key(KeyCode::Backspace)), Outcome::Changed);
    assert_eq!(field.len(), 2);
}

#[test]
fn cut_keys_wipe_without_a_yank_copy() {
    let mut field = typed("hunter2");
    assert_eq!(field.handle_key(ctrl('u')), Outcome::Changed);
    assert!(field.is_empty());
    // Ctrl-Y would paste tui-input's yank buffer back; nothing was put there.
    assert_eq!(field.handle_key(ctrl('y')), Outcome::Ignored);
    assert!(field.is_empty());
    let mut field = typed("hunter2");
    assert_eq!(field.handle_key(ctrl('w')), Outcome::Changed);
    assert!(field.is_empty());
}

#[test]
fn long_passwords_grow_and_scroll_with_the_cursor_in_view() {
    let long: String = std::iter::repeat_n('a', 300).collect();
    let mut field = MaskedInput::new("Password");
    assert_eq!(field.handle_paste(&long), Outcome::Changed);
    assert_eq!(field.len(), 300);
    let (terminal, cursor) = draw(&field, Theme::Default);
    let cursor = cursor.unwrap_or_default();
    assert!(cursor.x < 79, "{cursor:?}");
    assert!(screen(&terminal).contains("]"));
    assert_eq!(field.take_secret().expose_secret(), long);
}

#[test]
fn paste_drops_trailing_newline_and_rejects_control_characters() {
    let mut field = MaskedInput::new("Password");
    assert_eq!(field.handle_paste("s3cret\n"), Outcome::Changed);
    assert!(matches!(field.handle_paste("a\nb"), Outcome::Rejected(_)));
    assert!(matches!(
        field.handle_paste("a\u{1b}[2Jb"),
        Outcome::Rejected(_)
    ));
    assert_eq!(field.take_secret().expose_secret(), "s3cret");
}

#[test]
fn typing_clears_the_error_and_enter_submits() {
    let mut field = typed("pw");
    field.set_error(Some("Password is incorrect. Try again.".into()));
    let (terminal, _) = draw(&field, Theme::Default);
    assert!(screen(&terminal).contains("Error: Password is incorrect. Try again."));
    assert_eq!(field.handle_key(key(KeyCode::Enter)), Outcome::Submit);
    assert_eq!(field.handle_key(key(KeyCode::Tab)), Outcome::Ignored);
    assert_eq!(field.handle_key(ctrl('c')), Outcome::Ignored);
    let _ = field.handle_key(key(KeyCode::Char('x')));
    assert_eq!(field.error(), None);
}

#[test]
fn unfocused_field_has_no_marker_and_no_cursor() {
    let field = typed("pw");
    let (terminal, cursor) = render(80, 3, |area, buf| {
        field.render(area, buf, Theme::Default, false)
    });
    assert_eq!(cursor, None);
    assert!(!screen(&terminal).contains('>'));
}

#[test]
fn snapshots() {
    let mut field = typed("hunter2");
    let (terminal, cursor) = draw(&field, Theme::Default);
    insta::assert_snapshot!("masked_default", snapshot(&terminal, cursor));
    field.set_error(Some(
        "Password is incorrect. Try again, or use another method.".into(),
    ));
    let (terminal, cursor) = draw(&field, Theme::Monochrome);
    insta::assert_snapshot!("masked_monochrome_error", snapshot(&terminal, cursor));
    let (terminal, cursor) = draw(&field, Theme::HighContrast);
    insta::assert_snapshot!("masked_high_contrast_error", snapshot(&terminal, cursor));
}

#[test]
fn typing_past_the_reserved_room_and_pasting_in_the_middle() {
    let mut field = MaskedInput::new("Password");
    for k in chars(&"b".repeat(200)) {
        assert_eq!(field.handle_key(k), Outcome::Changed);
    }
    assert_eq!(field.len(), 200);
    let _ = field.handle_key(key(KeyCode::Home));
    assert_eq!(field.handle_paste("ä"), Outcome::Changed);
    let secret = field.take_secret();
    assert!(secret.expose_secret().starts_with("äb"));
    assert_eq!(secret.expose_secret().chars().count(), 201);
    // A very large paste is one insertion, not one per character.
    assert_eq!(field.handle_paste(&"c".repeat(500_000)), Outcome::Changed);
    assert_eq!(field.len(), 500_000);
}
