//! Keys and drawing of the browser hand-off: the identifier screen's providers are reached
//! with Tab and started with Enter or their number, the hand-off screen starts a hand-off
//! again with `r`, says when it ended, marks the address as an OSC 8 hyperlink, names the
//! ways back (the loopback callback with its `ssh -L` line, paste-back) and takes a pasted
//! address into its field, cleared once submitted.

use ratatui::crossterm::event::KeyCode;
use serde_json::json;

use super::fixtures::*;
use super::{Ui, on_key, on_paste};
use crate::app::{Action, App, CallbackEvent, update};
use crate::fapi::Strategy;

fn github() -> Strategy {
    Strategy::Oauth("github".into())
}

fn hand_off(status: &str) -> App {
    let mut app = ready();
    let _ = update(&mut app, Action::StartOAuth(github()));
    let mut v = sent("oauth_github");
    v["status"] = json!(status);
    v["external_verification_redirect_url"] =
        json!("https://github.com/login/oauth/authorize?state=abc");
    reply(
        &mut app,
        sign_in(
            "needs_identifier",
            json!({"first_factor_verification": v, "supported_first_factors": null,
                   "identifier": null}),
        ),
    );
    app
}

#[test]
fn providers_are_reached_with_tab_and_started_with_enter_or_a_digit() {
    let app = ready();
    let mut ui = Ui::new();
    // Digits go into the identifier field while it has focus.
    assert!(type_text(&app, &mut ui, "1").is_empty());
    let text = screen(&app, &mut ui);
    assert!(text.contains("1. Continue with GitHub"), "{text}");
    assert!(!text.contains("> 1. Continue with GitHub"), "{text}");
    // Identifier, password, then the provider row.
    for _ in 0..2 {
        assert!(on_key(&app, &mut ui, key(KeyCode::Tab)).is_empty());
    }
    let text = screen(&app, &mut ui);
    assert!(text.contains("> 1. Continue with GitHub"), "{text}");
    assert!(text.contains("continue with this provider"), "{text}");
    let actions = on_key(&app, &mut ui, key(KeyCode::Enter));
    assert!(
        matches!(actions.as_slice(), [Action::StartOAuth(s)] if *s == github()),
        "{actions:?}"
    );
    let actions = on_key(&app, &mut ui, key(KeyCode::Char('1')));
    assert!(matches!(actions.as_slice(), [Action::StartOAuth(s)] if *s == github()));
    assert!(on_key(&app, &mut ui, key(KeyCode::Char('7'))).is_empty());
}

#[test]
fn the_hand_off_is_one_line_a_hyperlink_and_r_starts_again() {
    let app = hand_off("unverified");
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("https://github.com/login/oauth/authorize?state=abc"),
        "{text}"
    );
    assert!(text.contains("The address expires in"), "{text}");
    let link = ui.hyperlink().expect("the address is a hyperlink").clone();
    assert_eq!(
        link.url,
        "https://github.com/login/oauth/authorize?state=abc"
    );
    let seq = link.sequence().expect("printable address");
    assert!(seq.contains("\x1b]8;;https://github.com/login/oauth/authorize?state=abc\x1b\\"));
    assert!(seq.ends_with("\x1b]8;;\x1b\\\x1b[0m\x1b8"), "{seq:?}");
    let actions = on_key(&app, &mut ui, key(KeyCode::Char('r')));
    assert!(matches!(actions.as_slice(), [Action::StartOAuth(s)] if *s == github()));
    let _ = on_key(&app, &mut ui, key(KeyCode::Char('c')));
    assert!(screen(&app, &mut ui).contains("Copy sent to the terminal (OSC 52)"));
    assert!(matches!(
        on_key(&app, &mut ui, key(KeyCode::Esc)).as_slice(),
        [Action::Back]
    ));
    // An address with an escape in it is never echoed into the terminal.
    let mut evil = link;
    evil.url = "https://x/\x1b]52;c;aGk=\x07".into();
    assert!(evil.sequence().is_none());
}

#[test]
fn an_expired_hand_off_says_so_instead_of_the_address() {
    let mut app = hand_off("unverified");
    let mut expired = sent("oauth_github");
    expired["status"] = json!("expired");
    api(
        &mut app,
        crate::app::Reply::Poll(Ok(crate::app::SignInReply {
            sign_in: Box::new(sign_in(
                "needs_identifier",
                json!({"first_factor_verification": expired, "supported_first_factors": null}),
            )),
            client: None,
        })),
    );
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(text.contains("has ended without signing in"), "{text}");
    assert!(text.contains("expired before it was finished"), "{text}");
    assert!(ui.hyperlink().is_none());
    assert!(!app.polling);
}

#[test]
fn the_ways_back_are_named_and_a_paste_lands_in_the_field() {
    let mut app = hand_off("unverified");
    app.handoff_config.ssh_host = Some("203.0.113.7".into());
    let epoch = app.epoch;
    let _ = update(
        &mut app,
        Action::Callback {
            epoch,
            event: CallbackEvent::Listening { port: 8976 },
        },
    );
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(text.contains("http://127.0.0.1:8976/callback"), "{text}");
    assert!(
        text.contains("ssh -L 8976:127.0.0.1:8976 203.0.113.7"),
        "{text}"
    );
    assert!(
        text.contains("Browser elsewhere: paste the address"),
        "{text}"
    );
    // Letters are shortcuts until the field has focus; Tab gives it.
    assert!(on_key(&app, &mut ui, key(KeyCode::Tab)).is_empty());
    assert!(type_text(&app, &mut ui, "rtn_secret_nonce").is_empty());
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("rtn_secret_nonce"),
        "shown to be checked: {text}"
    );
    let actions = on_key(&app, &mut ui, key(KeyCode::Enter));
    match actions.as_slice() {
        [Action::SubmitReturn(s)] => {
            assert_eq!(secrecy::ExposeSecret::expose_secret(s), "rtn_secret_nonce");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ui.screen.typed_secret_len(), 0, "wiped after submit");
    // A paste anywhere on the screen goes to the field.
    let mut ui = Ui::new();
    assert!(
        on_paste(
            &app,
            &mut ui,
            "http://127.0.0.1:8976/callback?rotating_token_nonce=rtn_x"
        )
        .is_empty()
    );
    assert!(matches!(
        on_key(&app, &mut ui, key(KeyCode::Enter)).as_slice(),
        [Action::SubmitReturn(_)]
    ));
}

#[test]
fn a_configured_redirect_url_or_a_port_in_use_leaves_paste_back_named() {
    let mut app = hand_off("unverified");
    let epoch = app.epoch;
    let _ = update(
        &mut app,
        Action::Callback {
            epoch,
            event: CallbackEvent::NotListening {
                port: 8976,
                why: "another program is already listening on it".into(),
            },
        },
    );
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("Nothing listens on http://127.0.0.1:8976/callback"),
        "{text}"
    );
    let mut app = hand_off("unverified");
    app.handoff_config.redirect_url = Some("https://example.com/native".into());
    let mut ui = Ui::new();
    let text = screen(&app, &mut ui);
    assert!(
        text.contains("It ends on https://example.com/native"),
        "{text}"
    );
    assert!(!text.contains("ssh -L"), "{text}");
}
