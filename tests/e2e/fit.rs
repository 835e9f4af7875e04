//! What "nothing is cut off at 80×24" means, checked on the emulated screen: no row ends in
//! "…" (except sentences that say something is under way), and no text reaches the last
//! column, where a word would be cut or a line run on past the frame.

use super::pty::Term;

/// Rows that end in "…" only where a sentence says something is under way.
pub const PROGRESS: &[&str] = &["settings…", "address…", "one…", "now…", "way…", "JWKS…"];

/// Nothing on screen is cut short or runs into the 80th column (the status bar's keys end
/// there by design, and borders and QR blocks may).
pub fn assert_nothing_cut(t: &Term, what: &str) {
    let vt = t.vt();
    let (rows, cols) = vt.size();
    let (rows, cols) = (rows.get(), cols.get());
    for y in 0..rows {
        let row: String = vt.rows(0, cols).nth(usize::from(y)).unwrap_or_default();
        let trimmed = row.trim_end();
        // Inside a box ("…shown (codes and links se… │") the border follows the cut.
        let text = trimmed.trim_end_matches(|c: char| c == ' ' || "│┐┘┤".contains(c));
        assert!(
            !text.ends_with('…') || PROGRESS.iter().any(|p| text.ends_with(p)),
            "{what}: row {y} is cut: {trimmed:?}\n{}",
            t.screen()
        );
        let edge = vt
            .cell(y, cols - 1)
            .map(|c| c.contents().to_string())
            .unwrap_or_default();
        let edge_ok = edge.is_empty() || edge == " " || "│┐┘┤▀▄█".contains(edge.as_str());
        assert!(
            y + 1 == rows || edge_ok,
            "{what}: row {y} runs into column {cols}: {trimmed:?}\n{}",
            t.screen()
        );
    }
}

/// The status bar (the last row) keeps help in sight, whole: a key cut at the edge ("F1 hel")
/// or help dropped for a key with longer words fails.
pub fn assert_help_in_sight(t: &Term, what: &str) {
    let screen = t.screen();
    let last = screen.lines().last().unwrap_or_default().trim_end();
    assert!(
        last.ends_with(" help") || last.contains(" help · "),
        "{what}: the status bar ends {last:?}, not with help\n{screen}"
    );
}
