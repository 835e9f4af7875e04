//! The signed-in screens: snapshots (token with its JWKS check, several sessions, TOTP
//! enrolment with a fixed fake secret, backup codes, the removal question), the enrolment QR
//! read back from the cells and decoded with rqrr in every style, and their keys.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Color;
use secrecy::ExposeSecret;
use serde_json::json;

use super::fixtures::*;
use super::{Ui, on_key, on_paste};
use crate::app::{AccountTask, Action, App, Confirm, Reply, TokenCheck};
use crate::tui::Theme;
use crate::tui::widgets::testing;

/// A fixed fake secret (RFC 6238's test key), never a real user's.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const URI: &str = "otpauth://totp/clerk-tui%20dev%20server:jane%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=clerk-tui%20dev%20server";

fn snap(name: &str, app: &App, ui: &mut Ui) {
    insta::assert_snapshot!(name, shot(app, ui, Theme::Default));
}

fn press(app: &App, ui: &mut Ui, code: KeyCode) -> Vec<Action> {
    on_key(app, ui, key(code))
}

fn verified(mut app: App) -> App {
    let jwt = app
        .signed_in
        .as_ref()
        .and_then(|s| s.jwt.clone())
        .unwrap_or_default();
    let check = TokenCheck {
        signature: jwt.rsplit('.').next().unwrap_or_default().to_string(),
        kid: Some("ins_demo".into()),
        outcome: Ok(()),
    };
    api(&mut app, Reply::TokenCheck(check));
    app
}

pub(super) fn enrolling() -> App {
    enrolling_with(URI)
}

fn enrolling_with(uri: &str) -> App {
    let mut app = signed_in();
    let totp = serde_json::from_value(json!({"object": "totp", "id": "totp_1",
        "secret": SECRET, "uri": uri, "verified": false}));
    let Ok(totp) = totp else {
        panic!("totp fixture")
    };
    let _ = crate::app::update(&mut app, Action::SetUpTotp);
    api(&mut app, Reply::Totp(Ok(Box::new(totp))));
    assert!(matches!(app.account, Some(AccountTask::EnrolTotp { .. })));
    app
}

pub(super) fn with_backup_codes() -> App {
    let mut app = enrolling();
    let totp = serde_json::from_value(json!({"object": "totp", "id": "totp_1", "verified": true,
        "backup_codes": ["k7m2q9xa", "p3v8d1zr", "t6n4w2cy", "b9h5j7ke", "r2f8s3lu",
            "m4x6c9qa", "e1g7y5nd", "w8k3p6vt", "z5q2r9hb", "c7d4m1sj"]}));
    let Ok(totp) = totp else {
        panic!("totp fixture")
    };
    api(&mut app, Reply::Totp(Ok(Box::new(totp))));
    app
}

#[test]
fn signed_in_with_a_verified_token() {
    let app = verified(signed_in());
    snap("signed_in_verified", &app, &mut Ui::new());
    let text = screen(&app, &mut Ui::new());
    assert!(text.contains("Signature verified with the emulator's JWKS (kid ins_demo)."));
    assert!(text.contains("valid for 1:00 min more; renewed 15 s before expiry"));
    assert!(text.contains("Two-step    off (a sets up an authenticator app)"));
}

#[test]
fn a_failed_check_and_several_sessions_are_shown() {
    let mut app = signed_in();
    let client = serde_json::from_value(json!({
        "object": "client", "id": "client_1", "last_active_session_id": "sess_1",
        "sessions": [
            {"object": "session", "id": "sess_1", "status": "active", "expire_at": NOW + 86_400_000,
             "user": {"object": "user", "id": "user_1", "first_name": "Jane",
                "primary_email_address_id": "e1", "email_addresses": [{"id": "e1", "email_address": "jane@example.com"}]}},
            {"object": "session", "id": "sess_2", "status": "active", "expire_at": NOW + 86_400_000,
             "user": {"object": "user", "id": "user_2", "first_name": "Grace",
                "primary_email_address_id": "e2", "email_addresses": [{"id": "e2", "email_address": "grace@example.com"}]}}]
    }));
    let Ok(client) = client else {
        panic!("client fixture")
    };
    app.client = Some(client);
    let check = TokenCheck {
        signature: "c2lnbmF0dXJl".into(),
        kid: Some("ins_demo".into()),
        outcome: Err("the JWKS has no key ins_demo".into()),
    };
    api(&mut app, Reply::TokenCheck(check));
    let text = screen(&app, &mut Ui::new());
    assert!(
        text.contains("Error: signature not verified: the JWKS has no key ins_demo."),
        "{text}"
    );
    assert!(
        text.contains("1 jane@example.com (this) · 2 grace@example.com"),
        "{text}"
    );
    let mut ui = Ui::new();
    let actions = press(&app, &mut ui, KeyCode::Char('2'));
    assert!(matches!(actions.as_slice(), [Action::SwitchSession(id)] if id == "sess_2"));
    assert!(press(&app, &mut ui, KeyCode::Char('3')).is_empty());
}

#[test]
fn signed_in_keys_and_help() {
    let app = signed_in();
    let mut ui = Ui::new();
    let one = |ui: &mut Ui, code| press(&app, ui, code);
    assert!(matches!(
        one(&mut ui, KeyCode::Char('a')).as_slice(),
        [Action::SetUpTotp]
    ));
    assert!(matches!(
        one(&mut ui, KeyCode::Char('b')).as_slice(),
        [Action::AskRegenerateBackupCodes]
    ));
    assert!(matches!(
        one(&mut ui, KeyCode::Char('d')).as_slice(),
        [Action::ToggleDemoTotp]
    ));
    assert!(matches!(
        one(&mut ui, KeyCode::Char('+')).as_slice(),
        [Action::ShiftClock { seconds: 300 }]
    ));
    assert!(matches!(
        one(&mut ui, KeyCode::Char('r')).as_slice(),
        [Action::RefreshToken]
    ));
    assert!(matches!(
        one(&mut ui, KeyCode::Char('S')).as_slice(),
        [Action::SignOut { all: true }]
    ));
    let _ = one(&mut ui, KeyCode::Char('?'));
    let text = screen(&app, &mut ui);
    for needed in [
        "set up authenticator app",
        "copy token",
        "sign out of all sessions",
        "new backup codes",
        "demo user's authenticator code",
        "5 minutes ahead",
        "quit",
    ] {
        assert!(text.contains(needed), "help lists {needed:?}:\n{text}");
    }
    let remote = {
        let mut a = remote();
        a.signed_in = app.signed_in.clone();
        a.client = app.client.clone();
        a
    };
    assert!(press(&remote, &mut Ui::new(), KeyCode::Char('d')).is_empty());
    assert!(press(&remote, &mut Ui::new(), KeyCode::Char('+')).is_empty());
    assert!(super::needs_tick(&app), "the token's lifetime counts down");
}

#[test]
fn enrolment_at_80x24_shows_the_secret_in_groups_the_size_needed_and_the_uri() {
    let app = enrolling();
    let mut ui = Ui::new();
    snap("enrol_totp_80x24", &app, &mut ui);
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"),
        "{text}"
    );
    // The code needs the whole screen: a key shows it there, another prints the URI whole.
    assert!(text.contains("v shows it full screen"), "{text}");
    let keys = ui.help_keys(&app);
    assert!(keys.iter().any(|k| k.keys == "v"), "{keys:?}");
    assert!(keys.iter().any(|k| k.keys == "t"), "{keys:?}");
    let _ = press(&app, &mut ui, KeyCode::Char('t'));
    let printed = ui.take_printout().map(|p| p.text);
    assert_eq!(printed.as_deref(), Some(URI), "the URI as text");
}

#[test]
fn enrolment_with_room_shows_the_qr_beside_the_secret() {
    let app = enrolling();
    let mut ui = Ui::new();
    let (terminal, cursor) = draw(&app, &mut ui, Theme::Default, 110, 34);
    insta::assert_snapshot!("enrol_totp_qr", testing::snapshot(&terminal, Some(cursor)));
}

/// The smallest box holding every cell drawn in the QR's explicit colours.
fn qr_box(buf: &Buffer, dark: Color, light: Color) -> Rect {
    let area = buf.area;
    let cells: Vec<(u16, u16)> = (area.y..area.bottom())
        .flat_map(|y| (area.x..area.right()).map(move |x| (x, y)))
        .filter(|&(x, y)| (buf[(x, y)].fg, buf[(x, y)].bg) == (dark, light))
        .collect();
    let xs = cells.iter().map(|c| c.0);
    let ys = cells.iter().map(|c| c.1);
    let (x0, x1) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0));
    let (y0, y1) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0));
    Rect::new(x0, y0, x1 - x0 + 1, y1 - y0 + 1)
}

/// Cells back to modules (true = dark), for half-block and full-block drawing.
fn modules(buf: &Buffer, at: Rect, full_block: bool, dark: Color) -> Vec<Vec<bool>> {
    let mut rows = Vec::new();
    for y in at.y..at.bottom() {
        if full_block {
            rows.push(
                (at.x..at.right())
                    .step_by(2)
                    .map(|x| {
                        let c = &buf[(x, y)];
                        (if c.symbol() == "█" { c.fg } else { c.bg }) == dark
                    })
                    .collect(),
            );
            continue;
        }
        let (mut top, mut bottom) = (Vec::new(), Vec::new());
        for x in at.x..at.right() {
            let c = &buf[(x, y)];
            let (t, b) = match c.symbol() {
                "█" => (c.fg, c.fg),
                "▀" => (c.fg, c.bg),
                "▄" => (c.bg, c.fg),
                _ => (c.bg, c.bg),
            };
            top.push(t == dark);
            bottom.push(b == dark);
        }
        rows.push(top);
        rows.push(bottom);
    }
    rows
}

fn decode(modules: &[Vec<bool>]) -> String {
    const PX: usize = 4;
    let (h, w) = (modules.len() * PX, modules[0].len() * PX);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        if modules[y / PX][x / PX] { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on screen");
    match grids[0].decode() {
        Ok((_, content)) => content,
        Err(e) => panic!("decode: {e:?}"),
    }
}

/// As long as Clerk's own enrolment URIs get (an issuer and account name of some length).
const CLERK_LENGTH_URI: &str = "otpauth://totp/Acme%20Inc:jane.doe%40example.com?algorithm=SHA1&digits=6&issuer=Acme%20Inc&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn the_enrolment_qr_decodes_from_an_80x24_screen_in_both_polarities() {
    assert!((120..=150).contains(&CLERK_LENGTH_URI.len()));
    let app = enrolling_with(CLERK_LENGTH_URI);
    for inverted in [false, true] {
        let mut ui = Ui::new();
        ui.shared.qr_inverted = inverted;
        // The screen says where the code is when it does not fit beside the text.
        assert!(screen(&app, &mut ui).contains("v shows it full screen"));
        let _ = press(&app, &mut ui, KeyCode::Char('v'));
        let (terminal, _) = draw(&app, &mut ui, Theme::Default, 80, 24);
        let buf = terminal.backend().buffer();
        let (dark, light) = if inverted {
            (Color::White, Color::Black)
        } else {
            (Color::Black, Color::White)
        };
        let at = qr_box(buf, dark, light);
        let read = modules(buf, at, false, dark);
        assert_eq!(decode(&read), CLERK_LENGTH_URI, "inverted {inverted}");
        // Any other key goes back to the form.
        let _ = press(&app, &mut ui, KeyCode::Esc);
        assert!(screen(&app, &mut ui).contains("Set up an authenticator app"));
    }
}

#[test]
fn the_enrolment_qr_decodes_to_the_servers_uri_in_every_style() {
    let app = enrolling();
    let uri = match &app.account {
        Some(AccountTask::EnrolTotp { uri, .. }) => uri.expose_secret().to_string(),
        _ => panic!("enrolling"),
    };
    for (full_block, inverted) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut ui = Ui::new();
        ui.shared.qr_full_block = full_block;
        ui.shared.qr_inverted = inverted;
        let (w, h) = ui
            .shared
            .qr(uri.clone())
            .required_size()
            .unwrap_or_default();
        // Room for the text column beside the code, the margins, header and status bar.
        let (tw, th) = (w + 2 + 44 + 4, h + 4);
        let (terminal, _) = draw(&app, &mut ui, Theme::Default, tw, th);
        let buf = terminal.backend().buffer();
        let (dark, light) = if inverted {
            (Color::White, Color::Black)
        } else {
            (Color::Black, Color::White)
        };
        let at = qr_box(buf, dark, light);
        assert_eq!((at.width, at.height), (w, h), "the whole code is drawn");
        let read = modules(buf, at, full_block, dark);
        assert_eq!(
            decode(&read),
            uri,
            "full_block {full_block}, inverted {inverted}"
        );
    }
}

#[test]
fn enrolment_keys_type_the_code_toggle_the_qr_and_copy_the_secret() {
    let app = enrolling();
    let mut ui = Ui::new();
    let _ = screen(&app, &mut ui);
    assert!(press(&app, &mut ui, KeyCode::Char('i')).is_empty());
    assert!(ui.shared.qr_inverted);
    assert!(press(&app, &mut ui, KeyCode::Char('f')).is_empty());
    assert!(ui.shared.qr_full_block);
    let _ = press(&app, &mut ui, KeyCode::Char('c'));
    assert_eq!(ui.take_copy().as_deref(), Some(SECRET));
    let actions = type_text(&app, &mut ui, "123456");
    let code = actions.iter().find_map(|a| match a {
        Action::VerifyTotp(code) => Some(code.expose_secret().to_string()),
        _ => None,
    });
    assert_eq!(code.as_deref(), Some("123456"), "the last digit submits");
    let actions = on_paste(&app, &mut ui, "654 321");
    assert!(matches!(actions.as_slice(), [Action::VerifyTotp(_)]));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Esc).as_slice(),
        [Action::Back]
    ));
}

#[test]
fn backup_codes_are_shown_once_with_copy_and_a_confirmation() {
    let app = with_backup_codes();
    let mut ui = Ui::new();
    snap("backup_codes", &app, &mut ui);
    let text = screen(&app, &mut ui);
    assert!(
        text.contains(" 1. k7m2q9xa") && text.contains("10. c7d4m1sj"),
        "{text}"
    );
    let _ = press(&app, &mut ui, KeyCode::Char('c'));
    let copied = ui.take_copy().unwrap_or_default();
    assert_eq!(copied.lines().count(), 10);
    assert!(screen(&app, &mut ui).contains("clipboard (OSC 52)"));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Esc).as_slice(),
        [Action::Back]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Enter).as_slice(),
        [Action::BackupCodesSaved]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('y')).as_slice(),
        [Action::BackupCodesSaved]
    ));
    assert!(!format!("{app:?} {ui:?}").contains("k7m2q9xa"));
}

#[test]
fn removing_the_authenticator_app_asks_first() {
    let mut app = signed_in();
    with_user(&mut app, |u| {
        u.totp_enabled = true;
        u.two_factor_enabled = true;
        u.backup_code_enabled = true;
    });
    let mut ui = Ui::new();
    let actions = press(&app, &mut ui, KeyCode::Char('a'));
    assert!(matches!(actions.as_slice(), [Action::AskRemoveTotp]));
    let _ = crate::app::update(&mut app, Action::AskRemoveTotp);
    assert!(matches!(
        app.account,
        Some(AccountTask::Confirm(Confirm::RemoveTotp))
    ));
    snap("confirm_remove_totp", &app, &mut ui);
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('y')).as_slice(),
        [Action::Confirm]
    ));
    assert!(matches!(
        press(&app, &mut ui, KeyCode::Char('n')).as_slice(),
        [Action::Back]
    ));
}

#[test]
fn an_ended_session_is_explained_on_the_identifier_screen() {
    let mut app = signed_in();
    let ended = serde_json::from_value(json!({"object": "client", "id": "client_1",
        "sessions": [{"object": "session", "id": "sess_1", "status": "expired"}]}));
    let Ok(ended) = ended else {
        panic!("client fixture")
    };
    api(&mut app, Reply::Client(Ok(Some(Box::new(ended)))));
    let text = screen(&app, &mut Ui::new());
    assert!(text.contains("Email address"), "{text}");
    assert!(
        text.contains("Your session has ended; sign in again."),
        "{text}"
    );
}

/// A session Clerk left `pending` with a task is signed in, and the screen names the task.
#[test]
fn a_pending_session_shows_the_task_left() {
    let mut app = signed_in();
    if let Some(session) = app.client.as_mut().and_then(|c| c.sessions.first_mut()) {
        session.status = crate::fapi::SessionStatus::Pending;
        session.tasks = vec![crate::fapi::SessionTask {
            key: "choose-organization".into(),
        }];
    }
    let text = screen(&app, &mut Ui::new());
    assert!(text.contains("sess_1 (pending)"), "{text}");
    assert!(
        text.contains("Task left   choose an organization (in the application)"),
        "{text}"
    );
    let active = screen(&signed_in(), &mut Ui::new());
    assert!(!active.contains("Task left"), "{active}");
}
