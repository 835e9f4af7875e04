//! One meaning per key across the full screen and line mode (issue 14, item 10): on every
//! screen state where both front ends act on the same letter, they ask `update` for the same
//! thing. Line mode types the letter as a line; the full screen presses it as a key.

use ratatui::crossterm::event::KeyCode;

use super::fixtures::key;
use super::tests_keytable::states;
use super::{Ui, on_key};

/// The letters both front ends have (README "Keys that both front ends share").
const SHARED: &[char] = &['r', 's', 'S', 'a', 'b', 'm', 'f', 'q', 'd'];

#[test]
fn a_letter_both_front_ends_act_on_means_the_same_in_both() {
    let mut compared = 0;
    for (name, app, setup) in states() {
        for &c in SHARED {
            let mut ui = Ui::new();
            for k in &setup {
                let _ = on_key(&app, &mut ui, *k);
            }
            let full = on_key(&app, &mut ui, key(KeyCode::Char(c)));
            let line = crate::plain::interpret(&app, &c.to_string());
            if full.is_empty() || line.is_empty() {
                continue;
            }
            compared += 1;
            assert_eq!(
                format!("{full:?}"),
                format!("{line:?}"),
                "{name}: '{c}' on the full screen and in line mode"
            );
        }
    }
    assert!(
        compared >= 8,
        "only {compared} keys acted in both front ends"
    );
}
