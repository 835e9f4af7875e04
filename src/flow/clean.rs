//! Cleans untrusted text (anything a server sent) before it reaches a terminal, stdout, a log or
//! `--json`: escape sequences and control characters could move the cursor, recolour or retitle
//! the terminal, write the clipboard, or hide text. Printable Unicode is kept as is. This is the
//! one cleaner of the crate: every front end and every output calls it.

use std::borrow::Cow;

const REPLACEMENT: char = '\u{FFFD}';

/// Returns `text` ready to show on one line.
///
/// - ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, and two-byte `ESC x`)
///   are removed whole, so `"\x1b[31mred"` becomes `"red"`;
/// - tab, newline and carriage return become a space;
/// - any other control character (C0, DEL, C1) and bidirectional overrides, which can
///   reorder what is shown, become `�` so the reader sees something was there.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_cleaning) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\t' | '\n' | '\r' => out.push(' '),
            c if needs_cleaning(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Cleans every string (keys too) of a JSON value before it is serialized: serde_json
/// escapes C0 controls, but C1 and bidi characters would pass into `--json` output as they are.
pub fn clean_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(cleaned) = clean(s) {
                *s = cleaned;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_json),
        Value::Object(map) => {
            if map.keys().any(|k| matches!(clean(k), Cow::Owned(_))) {
                let old = std::mem::take(map);
                for (k, v) in old {
                    map.insert(clean(&k).into_owned(), v);
                }
            }
            map.values_mut().for_each(clean_json);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn needs_cleaning(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Embedding, override and isolate controls (the "Trojan Source" characters).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Consumes the rest of an escape sequence whose `ESC` was just read.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            // Parameters and intermediates, then one final byte in 0x40..=0x7E.
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']') | Some('P') | Some('_') | Some('^') => {
            chars.next();
            // String sequences end with BEL or ST (`ESC \`).
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        Some(c) if !c.is_control() => {
            chars.next();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        let text = "Jöhn — j***@example.com 日本 🤦🏼‍♂️";
        assert!(matches!(clean(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn colour_and_cursor_sequences_are_removed() {
        assert_eq!(clean("\x1b[31mred\x1b[0m text"), "red text");
        assert_eq!(clean("a\x1b[2J\x1b[1;1Hb"), "ab");
        assert_eq!(clean("x\x1b7y\x1b8z"), "xyz");
    }

    #[test]
    fn osc_title_and_hyperlink_sequences_are_removed() {
        assert_eq!(clean("\x1b]0;pwned\x07hello"), "hello");
        assert_eq!(
            clean("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            "click"
        );
        // An OSC 52 clipboard write must never reach the terminal.
        assert_eq!(clean("\x1b]52;c;ZXZpbA==\x07ok"), "ok");
    }

    #[test]
    fn other_controls_are_made_visible_and_whitespace_flattened() {
        assert_eq!(clean("a\u{7}b\u{0}c\u{7f}d\u{9b}e"), "a�b�c�d�e");
        assert_eq!(clean("line1\nline2\r\tend"), "line1 line2  end");
        assert_eq!(clean("abc\u{202E}fdp.exe"), "abc�fdp.exe");
    }

    #[test]
    fn json_strings_and_keys_are_cleaned_at_any_depth() {
        let mut v = serde_json::json!({
            "a\u{202e}": ["ok", {"b": "x\u{9b}31my\u{1b}]52;c;ZXZp\u{7}"}],
            "n": 1,
        });
        clean_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a\u{fffd}": ["ok", {"b": "x\u{fffd}31my"}], "n": 1})
        );
    }

    #[test]
    fn unterminated_sequences_end_cleanly() {
        assert_eq!(clean("tail\x1b"), "tail");
        assert_eq!(clean("tail\x1b["), "tail");
        assert_eq!(clean("tail\x1b]0;never ends"), "tail");
        assert!(!clean("\x1b\x1b\x1b[").contains('\u{1b}'));
        // An escape followed by a control character ends there; the control is still shown.
        assert_eq!(clean("a\x1b\x01b"), "a\u{FFFD}b");
    }
}
