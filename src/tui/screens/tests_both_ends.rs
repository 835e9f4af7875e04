//! One meaning per key across the full screen and line mode: on every screen state where both
//! front ends act on the same letter, they ask `update` for the same thing (issue 14, item 10).
//! Line mode types the letter as a line; the full screen presses it as a key.

use ratatui::crossterm::event::KeyCode;

use super::fixtures::{key, with_user};
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

/// A sentence that names a key names the one that does it: the authenticator is `a` in both
/// front ends (`t` prints the token), so "press t to set up…" would send a person astray.
#[test]
fn sentences_about_the_authenticator_name_its_key() {
    use crate::app::{Action, update};

    let mut app = super::fixtures::signed_in();
    let _ = update(&mut app, Action::AskRegenerateBackupCodes);
    let said = app.notice.as_ref().map(|n| n.message.clone());
    let said = said.unwrap_or_default();
    assert!(said.contains("press a to set up"), "{said}");
    let mut ui = Ui::new();
    let pressed = on_key(&app, &mut ui, key(KeyCode::Char('a')));
    assert!(
        matches!(pressed.as_slice(), [Action::SetUpTotp]),
        "{pressed:?}"
    );
    let line = crate::plain::interpret(&app, "a");
    assert!(matches!(line.as_slice(), [Action::SetUpTotp]), "{line:?}");

    with_user(&mut app, |u| {
        u.totp_enabled = true;
        u.two_factor_enabled = true;
    });
    let _ = update(&mut app, Action::SetUpTotp);
    let said = app.notice.as_ref().map(|n| n.message.clone());
    assert!(
        said.as_deref()
            .unwrap_or_default()
            .contains("Press a to remove it"),
        "{said:?}"
    );
    let pressed = on_key(&app, &mut ui, key(KeyCode::Char('a')));
    assert!(
        matches!(pressed.as_slice(), [Action::AskRemoveTotp]),
        "{pressed:?}"
    );
}
