//! Width-aware string helpers shared by the widgets: terminal cells, not bytes or chars,
//! decide what fits, and cutting never splits a grapheme.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width in terminal cells.
pub(crate) fn width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Cuts `s` to at most `max` cells, ending with `…` when something was cut.
pub(crate) fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    #[cfg(test)]
    CUTS.with(|cuts| cuts.borrow_mut().push(s.to_string()));
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
thread_local! {
    /// Every text cut short on this thread since the last [`take_cuts`]: tests of whole screens
    /// assert that nothing was, which no look at the drawn cells can tell for sure.
    static CUTS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The texts cut short on this thread since the last call.
#[cfg(test)]
pub(crate) fn take_cuts() -> Vec<String> {
    CUTS.with(|cuts| std::mem::take(&mut *cuts.borrow_mut()))
}

/// The part of `s` that starts `skip` cells in and is at most `max` cells wide, and the
/// number of cells actually skipped (a wide grapheme straddling `skip` is skipped whole).
pub(crate) fn window(s: &str, skip: usize, max: usize) -> (String, usize) {
    let mut skipped = 0;
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if skipped < skip {
            skipped += w;
            continue;
        }
        if used + w > max {
            break;
        }
        out.push_str(g);
        used += w;
    }
    (out, skipped)
}

/// Splits `s` into pieces of at most `max` cells, for long unbreakable text such as URLs.
pub(crate) fn hard_wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w > max && used > 0 {
            lines.push(String::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push_str(g);
        }
        used += w;
    }
    lines
}

/// Wraps `s` at spaces into lines of at most `max` cells; words longer than a line are cut.
pub(crate) fn word_wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let needed = if current.is_empty() {
            width(word)
        } else {
            width(&current) + 1 + width(word)
        };
        if needed <= max {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let mut pieces = hard_wrap(word, max);
        current = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_cells_and_marks_the_cut() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 8), "hello w…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn window_skips_whole_graphemes() {
        assert_eq!(window("abcdef", 2, 3), ("cde".to_string(), 2));
        assert_eq!(window("日本語", 1, 4), ("本語".to_string(), 2));
    }

    #[test]
    fn word_wrap_breaks_at_spaces() {
        assert_eq!(
            word_wrap("QR needs 49×25, only 30×10 is free", 16),
            ["QR needs 49×25,", "only 30×10 is", "free"]
        );
        assert_eq!(word_wrap("abcdefghij kl", 4), ["abcd", "efgh", "ij", "kl"]);
    }

    #[test]
    fn hard_wrap_keeps_every_character() {
        let url = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP";
        let lines = hard_wrap(url, 10);
        assert!(lines.iter().all(|l| width(l) <= 10));
        assert_eq!(lines.concat(), url);
    }
}
