//! What keys and pastes do on each screen: the `Action`s they produce, where the cursor goes,
//! that secrets are wiped on submit and never drawn, and that shortcuts stay out of text fields.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Position;
use secrecy::ExposeSecret;
use serde_json::json;

use super::fixtures::*;
use super::{Ui, needs_tick, on_key, on_paste};
use crate::app::{Action, App, Call, Effect, update};
use crate::fapi::Strategy;
use crate::tui::Theme;

fn press(app: &App, ui: &mut Ui, code: KeyCode) -> Vec<Action> {
    on_key(app, ui, key(code))
}

fn code_screen() -> App {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = update(&mut app, Action::ChooseAnotherMethod);
    let _ = update(&mut app, Action::PickFactor(Strategy::EmailCode));
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": sent("email_code")}),
        ),
    );
    app
}

fn code_of(actions: &[Action]) -> Option<String> {
    match actions {
        [Action::SubmitCode(code)] => Some(code.expose_secret().to_string()),
        _ => None,
    }
}

#[test]
fn identifier_enter_submits_and_wipes_the_password() {
    let app = ready();
    let mut ui = Ui::new();
    assert!(type_text(&app, &mut ui, "jane@example.com").is_empty());
    assert!(press(&app, &mut ui, KeyCode::Tab).is_empty());
    assert!(type_text(&app, &mut ui, "hunter2").is_empty());
    let text = screen(&app, &mut ui);
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("•••••••"), "{text}");
    let actions = press(&app, &mut ui, KeyCode::Enter);
    match actions.as_slice() {
        [
            Action::SubmitIdentifier {
                identifier,
                password: Some(p),
            },
        ] => {
            assert_eq!(identifier, "jane@example.com");
            assert_eq!(p.expose_secret(), "hunter2");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ui.screen.typed_secret_len(),
        0,
        "the field is wiped on submit"
    );
}

#[test]
fn enter_while_a_call_is_in_flight_does_not_send_twice() {
    let mut app = ready();
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "jane@example.com");
    let first = press(&app, &mut ui, KeyCode::Enter);
    assert_eq!(first.len(), 1);
    for action in first {
        let _ = update(&mut app, action);
    }
    assert!(app.busy.is_some());
    assert!(press(&app, &mut ui, KeyCode::Enter).is_empty());
    assert!(screen(&app, &mut ui).contains("Starting the sign-in…"));
}

#[test]
fn identifier_without_password_and_empty_identifier() {
    let mut app = ready();
    let mut ui = Ui::new();
    assert!(press(&app, &mut ui, KeyCode::Enter).is_empty());
    assert!(screen(&app, &mut ui).contains("Error: Enter your email address"));
    let _ = type_text(&app, &mut ui, "jane@example.com");
    let actions = press(&app, &mut ui, KeyCode::Enter);
    assert!(
        matches!(
            actions.as_slice(),
            [Action::SubmitIdentifier { password: None, .. }]
        ),
        "{actions:?}"
    );
    // Through the real update: the sign-in is created with exactly what was typed.
    let fx: Vec<Effect> = actions
        .into_iter()
        .flat_map(|a| update(&mut app, a))
        .collect();
    assert!(
        matches!(fx.as_slice(), [Effect::Call { call: Call::CreateSignIn { identifier, password: None }, .. }] if identifier == "jane@example.com"),
        "{fx:?}"
    );
}

#[test]
fn cursor_sits_on_the_focused_field() {
    let app = ready();
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "jane");
    let (_, cursor) = draw(&app, &mut ui, Theme::Default, 80, 24);
    // Body starts at (2, 2): title, gap, then the field's label row and `> [` row.
    assert_eq!(cursor, Position::new(2 + 3 + 4, 5));
    let _ = press(&app, &mut ui, KeyCode::Tab);
    let (terminal, cursor) = draw(&app, &mut ui, Theme::Default, 80, 24);
    assert_eq!(cursor, Position::new(2 + 3, 8));
    let rows = crate::tui::widgets::testing::rows(&terminal);
    assert!(rows[8].trim_start().starts_with("> ["), "{}", rows[8]);

    let app = code_screen();
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "12");
    let (terminal, cursor) = draw(&app, &mut ui, Theme::Default, 80, 24);
    let row = &crate::tui::widgets::testing::rows(&terminal)[usize::from(cursor.y)];
    assert!(row.contains("> [1] [2] [ ]"), "{row}");
    assert_eq!(
        row.chars().nth(usize::from(cursor.x)),
        Some(' '),
        "in the third box"
    );
}

#[test]
fn code_auto_submits_on_the_last_digit_and_enter_submits_a_full_code() {
    let app = code_screen();
    let mut ui = Ui::new();
    assert!(type_text(&app, &mut ui, "12345").is_empty());
    let actions = press(&app, &mut ui, KeyCode::Char('6'));
    assert_eq!(code_of(&actions).as_deref(), Some("123456"));
    assert_eq!(ui.screen.typed_secret_len(), 0, "the boxes are wiped");
    // Enter on a partial code says what is missing; Enter on a full one submits.
    let _ = type_text(&app, &mut ui, "12");
    assert!(press(&app, &mut ui, KeyCode::Enter).is_empty());
    assert!(screen(&app, &mut ui).contains("Error: Enter all 6 digits."));
    assert!(
        on_paste(&app, &mut ui, "98-765").is_empty(),
        "7 digits do not fit"
    );
    assert!(screen(&app, &mut ui).contains("Error: The pasted code has 5 digits"));
    // A whole code pasted (spaces, dashes, a line break) replaces what was there and submits.
    assert_eq!(
        code_of(&on_paste(&app, &mut ui, " 987-654\n")).as_deref(),
        Some("987654")
    );
}

#[test]
fn code_screen_letters_are_shortcuts() {
    let app = code_screen();
    let mut ui = Ui::new();
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('r')).as_slice(),
        [Action::SendCode]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('m')).as_slice(),
        [Action::ChooseAnotherMethod]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Esc).as_slice(),
        [Action::Back]
    ));
    let _ = press(&app, &mut ui, KeyCode::Char('?'));
    assert!(ui.help_open());
    assert!(
        press(&app, &mut ui, KeyCode::Char('m')).is_empty(),
        "help swallows keys"
    );
    let _ = press(&app, &mut ui, KeyCode::Esc);
    assert!(!ui.help_open());
    assert!(matches!(
        on_key(&app, &mut ui, ctrl('c')).as_slice(),
        [Action::Quit]
    ));
}

#[test]
fn password_field_keeps_letters_and_ctrl_o_switches_method() {
    let app = at(sign_in("needs_first_factor", json!({})));
    let mut ui = Ui::new();
    assert!(
        type_text(&app, &mut ui, "m?r").is_empty(),
        "typed, not shortcuts"
    );
    assert!(!ui.help_open());
    assert_eq!(ui.screen.typed_secret_len(), 3);
    assert!(matches!(
        on_key(&app, &mut ui, ctrl('o')).as_slice(),
        [Action::ChooseAnotherMethod]
    ));
    let actions = press(&app, &mut ui, KeyCode::Enter);
    assert!(
        matches!(actions.as_slice(), [Action::SubmitPassword(p)] if p.expose_secret() == "m?r")
    );
    assert_eq!(ui.screen.typed_secret_len(), 0);
    // Tab reaches "forgot password?" and "use another method"; digits pick there.
    let _ = press(&app, &mut ui, KeyCode::Tab);
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('1')).as_slice(),
        [Action::ForgotPassword]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('2')).as_slice(),
        [Action::ChooseAnotherMethod]
    ));
}

#[test]
fn method_list_digits_pick_and_disabled_methods_explain() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = update(&mut app, Action::ChooseAnotherMethod);
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(text.contains("1. Password (current)"), "{text}");
    assert!(
        text.contains("2. Email a code to j***@example.com"),
        "{text}"
    );
    assert!(text.contains("Passkey — passkeys need a browser"), "{text}");
    assert!(
        !text.contains("reset"),
        "reset codes come through forgot password: {text}"
    );
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('2')).as_slice(),
        [Action::PickFactor(Strategy::EmailCode)]
    ));
    assert!(press(&app, &mut ui, KeyCode::Char('5')).is_empty());
    assert!(screen(&app, &mut ui).contains("Error: Passkey: passkeys need a browser"));
    // Focus stayed on the passkey (5); two up is the email link.
    let _ = press(&app, &mut ui, KeyCode::Up);
    let _ = press(&app, &mut ui, KeyCode::Up);
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Enter).as_slice(),
        [Action::PickFactor(Strategy::EmailLink)]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Esc).as_slice(),
        [Action::Back]
    ));
}

#[test]
fn new_password_checks_rules_and_match_before_submitting() {
    let app = at(sign_in("needs_new_password", json!({})));
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "hunter2");
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("✗ Use at least 8 characters (not met)"),
        "{text}"
    );
    assert!(text.contains("✓ Add a number (0-9) (met)"), "{text}");
    assert!(press(&app, &mut ui, KeyCode::Enter).is_empty());
    assert!(screen(&app, &mut ui).contains("Error: Use at least 8 characters."));
    let _ = type_text(&app, &mut ui, "X!");
    let _ = press(&app, &mut ui, KeyCode::Tab);
    let _ = type_text(&app, &mut ui, "hunter2X");
    assert!(screen(&app, &mut ui).contains("✗ The two passwords do not match (not met)"));
    assert!(press(&app, &mut ui, KeyCode::Enter).is_empty());
    let _ = type_text(&app, &mut ui, "!");
    let _ = press(&app, &mut ui, KeyCode::Tab);
    let _ = press(&app, &mut ui, KeyCode::Char(' '));
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("[ ] Sign out of all other sessions"),
        "{text}"
    );
    assert!(!text.contains("hunter2"));
    match press(&app, &mut ui, KeyCode::Enter).as_slice() {
        [
            Action::SubmitNewPassword {
                password,
                sign_out_of_other_sessions: false,
            },
        ] => assert_eq!(password.expose_secret(), "hunter2X!"),
        other => panic!("{other:?}"),
    }
    assert_eq!(ui.screen.typed_secret_len(), 0);
}

#[test]
fn signed_in_keys() {
    let app = signed_in();
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("Jane Doe") && text.contains("valid for 1:00 min more"),
        "{text}"
    );
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('r')).as_slice(),
        [Action::RefreshToken]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('s')).as_slice(),
        [Action::SignOut { all: false }]
    ));
    assert!(matches!(
        on_key(
            &app,
            &mut ui,
            KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)
        )
        .as_slice(),
        [Action::SignOut { all: true }]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('q')).as_slice(),
        [Action::Quit]
    ));
    assert!(needs_tick(&app), "the token's lifetime counts down");
    assert!(press(&app, &mut ui, KeyCode::Char('c')).is_empty());
    assert!(screen(&app, &mut ui).contains("Copy sent to the terminal (OSC 52)"));
    assert_eq!(ui.take_copy(), Some(jwt()), "the loop gets the token once");
    assert_eq!(ui.take_copy(), None);
    assert!(
        !format!("{ui:?}").contains(&jwt()),
        "Debug hides the pending copy"
    );
}

#[test]
fn inputs_are_wiped_when_the_screen_changes() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "hunter2");
    let _ = update(&mut app, Action::Back);
    let text = screen(&app, &mut ui);
    assert!(
        ui.screen.typed_secret_len() == 0,
        "the typed password did not survive Back"
    );
    assert!(
        text.contains("> [jane@example.com"),
        "identifier kept: {text}"
    );
}

#[test]
fn too_small_terminal_says_what_it_needs() {
    let app = ready();
    let (terminal, cursor) = draw(&app, &mut Ui::new(), Theme::Default, 79, 24);
    let text = crate::tui::widgets::testing::screen(&terminal);
    assert!(text.contains("at least 80×24"), "{text}");
    assert!(text.contains("79×24"), "{text}");
    assert_eq!(cursor, Position::new(0, 0));
}

#[test]
fn server_text_is_sanitized_on_screen() {
    let app = at(sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [{"strategy": "email_code",
            "safe_identifier": "j\u{1b}]0;pwned\u{7}***@example.com\u{1b}[2J"}],
            "first_factor_verification": sent("email_code")}),
    ));
    let text = screen(&app, &mut Ui::new());
    assert!(text.contains("sent to j***@example.com."), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains("pwned"));
}

#[test]
fn ticks_only_while_something_counts_down() {
    assert!(!needs_tick(&ready()));
    assert!(needs_tick(&code_screen()), "resend cooldown and expiry");
    let mut app = code_screen();
    let _ = update(
        &mut app,
        Action::Tick {
            now_ms: NOW + 700_000,
        },
    );
    assert!(!needs_tick(&app), "expired and cooled down: nothing moves");
}

#[test]
fn retry_is_offered_only_where_r_can_repeat_the_call() {
    let network = || {
        failure(
            crate::app::FailureKind::Network,
            "The connection was reset.",
            None,
        )
    };
    // The code was sent (a call without a secret): r repeats it.
    let mut app = code_screen();
    let _ = update(&mut app, Action::SendCode);
    api(&mut app, crate::app::Reply::SignIn(Err(network())));
    let mut ui = Ui::new();
    assert!(screen(&app, &mut ui).contains("The connection was reset. Press r to retry."));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('r')).as_slice(),
        [Action::Retry]
    ));
    // A password attempt is never kept, so the form says to send it again and r is typed.
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let mut ui = Ui::new();
    let _ = type_text(&app, &mut ui, "pw");
    for action in press(&app, &mut ui, KeyCode::Enter) {
        let _ = update(&mut app, action);
    }
    api(&mut app, crate::app::Reply::SignIn(Err(network())));
    let text = screen(&app, &mut ui);
    assert!(text.contains("Enter it again to retry."), "{text}");
    assert!(!text.contains("Press r"), "{text}");
    assert!(press(&app, &mut ui, KeyCode::Char('r')).is_empty());
    assert_eq!(
        ui.screen.typed_secret_len(),
        1,
        "r went into the password field"
    );
}

#[test]
fn hand_off_shows_a_qr_when_it_fits_and_i_inverts_it() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = update(&mut app, Action::ChooseAnotherMethod);
    let _ = update(
        &mut app,
        Action::PickFactor(Strategy::Oauth("github".into())),
    );
    let mut v = sent("oauth_github");
    v["external_verification_redirect_url"] =
        json!("https://github.com/login/oauth/authorize?state=abc");
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": v}),
        ),
    );
    let mut ui = Ui::new();
    let (terminal, _) = draw(&app, &mut ui, Theme::Default, 120, 60);
    let text = crate::tui::widgets::testing::screen(&terminal);
    assert!(
        text.contains("https://github.com/login/oauth/authorize?state=abc"),
        "{text}"
    );
    assert!(
        text.contains('▀') || text.contains('▄'),
        "a half-block QR code: {text}"
    );
    assert!(press(&app, &mut ui, KeyCode::Char('i')).is_empty());
    assert!(ui.shared.qr_inverted);
    assert!(press(&app, &mut ui, KeyCode::Char('f')).is_empty());
    assert!(ui.shared.qr_full_block);
    let _ = press(&app, &mut ui, KeyCode::F(1));
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("m, Ctrl-O") && text.contains("copy the address"),
        "{text}"
    );
}

#[test]
fn dev_outbox_pane_toggles_with_o_once_fed() {
    let app = at(sign_in(
        "needs_first_factor",
        json!({"supported_first_factors": [{"strategy": "email_code",
            "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}],
            "first_factor_verification": sent("email_code")}),
    ));
    let mut ui = Ui::new();
    assert!(press(&app, &mut ui, KeyCode::Char('o')).is_empty());
    assert!(!ui.outbox_open, "nothing to show until the outbox is fed");
    ui.set_outbox_messages(vec![crate::tui::widgets::OutboxMessage {
        to: "jane@example.com".into(),
        kind: "email_code".into(),
        code: Some("424242".into()),
        link: None,
        age: std::time::Duration::from_secs(3),
    }]);
    let _ = press(&app, &mut ui, KeyCode::Char('o'));
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("Outbox (dev server)") && text.contains("424242"),
        "{text}"
    );
    let _ = press(&app, &mut ui, KeyCode::Char('o'));
    assert!(!screen(&app, &mut ui).contains("Outbox"));
}

#[test]
fn an_expired_email_link_says_so_and_r_sends_a_new_one() {
    let mut app = at(sign_in("needs_first_factor", json!({})));
    let _ = update(&mut app, Action::ChooseAnotherMethod);
    let _ = update(&mut app, Action::PickFactor(Strategy::EmailLink));
    let mut expired = sent("email_link");
    expired["status"] = json!("expired");
    reply(
        &mut app,
        sign_in(
            "needs_first_factor",
            json!({"first_factor_verification": expired}),
        ),
    );
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("The last link can no longer be used"),
        "{text}"
    );
    assert!(text.contains("Error: The link expired."), "{text}");
    assert!(!app.polling);
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('r')).as_slice(),
        [Action::SendCode]
    ));
}
