//! Keys and drawing of the browser hand-off: the identifier screen's providers are reached
//! with Tab and started with Enter or their number, the waiting screen starts a hand-off
//! again with `r`, says when it ended, and marks the address as an OSC 8 hyperlink.

use ratatui::crossterm::event::KeyCode;
use serde_json::json;

use super::fixtures::*;
use super::{Ui, on_key};
use crate::app::{Action, App, update};
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
