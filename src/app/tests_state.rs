//! What the screens read off `App` between calls: the countdowns (rate limit, resend, code
//! expiry) at their edges, and `Debug` output that names an outbox entry or a token check
//! without the code, link or signature in it.

use serde_json::json;

use super::tests_signed_in::{backend, parse};
use super::*;

const NOW: i64 = 1_800_000_000_000;

#[test]
fn countdowns_round_up_and_end_exactly_at_their_time() {
    let mut a = App::new(backend(false), NOW);
    assert_eq!((a.blocked_secs(), a.resend_secs()), (None, None));
    a.blocked_until = Some(NOW + 1_001);
    a.resend_at = Some(NOW + 29_000);
    assert_eq!(a.blocked_secs(), Some(2));
    assert_eq!(a.resend_secs(), Some(29));
    a.blocked_until = Some(NOW);
    a.resend_at = Some(NOW);
    assert_eq!((a.blocked_secs(), a.resend_secs()), (None, None));
    a.blocked_until = Some(NOW + 1);
    a.resend_at = Some(NOW + 1);
    assert_eq!((a.blocked_secs(), a.resend_secs()), (Some(1), Some(1)));
}

#[test]
fn a_sent_code_counts_down_to_zero_and_an_unsent_one_not_at_all() {
    let mut a = App::new(backend(false), NOW);
    let sign_in = |verification: serde_json::Value| {
        parse(json!({"object": "sign_in_attempt", "id": "sia_1",
            "status": "needs_first_factor",
            "supported_first_factors": [{"strategy": "email_code", "email_address_id": "idn_e"}],
            "first_factor_verification": verification}))
    };
    a.sign_in = Some(sign_in(serde_json::Value::Null));
    assert_eq!(a.expires_in_secs(), None, "nothing sent yet");
    a.sign_in = Some(sign_in(
        json!({"status": "unverified", "strategy": "email_code",
        "expire_at": NOW + 600_000}),
    ));
    a.now_ms = NOW + 1_500;
    assert_eq!(a.expires_in_secs(), Some(598));
    a.now_ms = NOW + 700_000;
    assert_eq!(a.expires_in_secs(), Some(0), "never negative");
    a.now_ms = NOW;
    // A verification that failed, or one that is no longer under way, has nothing to expire.
    for status in ["failed", "transferable"] {
        a.sign_in = Some(sign_in(
            json!({"status": status, "strategy": "email_code", "expire_at": NOW + 600_000}),
        ));
        assert_eq!(a.expires_in_secs(), None, "{status}");
    }
}

#[test]
fn the_app_is_loading_until_the_environment_comes() {
    let mut a = App::new(backend(false), NOW);
    assert!(a.loading(), "no environment yet: the splash screen");
    a.environment = Some(parse(json!({})));
    assert!(!a.loading());
}

#[test]
fn an_instance_that_keeps_email_links_to_their_client_is_not_offered_one_here() {
    let mut a = App::new(backend(false), NOW);
    a.environment = Some(parse(json!({"user_settings": {"attack_protection":
        {"email_link": {"require_same_client": true}}}})));
    assert!(a.email_link_same_client());
    a.sign_in = Some(parse(json!({"object": "sign_in_attempt", "id": "sia_1",
        "status": "needs_first_factor",
        "supported_first_factors": [{"strategy": "email_link", "email_address_id": "idn_e"}]})));
    assert_eq!(
        a.step(),
        crate::flow::Step::NoFactor(crate::flow::Stage::First)
    );
}

#[test]
fn debug_output_names_what_it_is_without_the_secret_parts() {
    let entry = OutboxEntry {
        id: "msg_1".into(),
        to: "jane@example.com".into(),
        kind: "code".into(),
        channel: "email".into(),
        code: Some("424242".into()),
        link: Some("http://127.0.0.1/verify?token=t0k3n".into()),
        sign_in_id: None,
        created_at: NOW,
    };
    let shown = format!("{entry:?}");
    assert!(shown.contains("msg_1") && shown.contains("code"), "{shown}");
    assert!(
        !shown.contains("424242") && !shown.contains("t0k3n"),
        "{shown}"
    );
    let check = TokenCheck {
        signature: "s1gnature".into(),
        kid: Some("ins_test".into()),
        outcome: Err("the JWKS has no key ins_test".into()),
    };
    let shown = format!("{check:?}");
    assert!(
        shown.contains("ins_test") && shown.contains("no key"),
        "{shown}"
    );
    assert!(!shown.contains("s1gnature"), "{shown}");
}

#[test]
fn the_backend_says_where_it_is_and_whether_it_is_the_emulator() {
    assert!(backend(true).is_embedded());
    assert!(!backend(false).is_embedded());
    assert_eq!(backend(false).base_url(), super::tests_signed_in::BASE);
    assert_eq!(backend(true).base_url(), super::tests_signed_in::BASE);
}
