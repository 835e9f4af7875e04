//! An instance whose native redirect-URL allowlist matches the whole URL (the emulator's
//! `redirect_urls_exact`), allowing exactly `http://127.0.0.1:PORT/callback`: the app's first
//! address, carrying `?state=`, is refused; the app says so, sends the bare address, and the
//! hand-off still finishes through the callback, which then counts only what Clerk accepts.

use clerk_tui::devserver::{DEFAULT_SEED, DevServerConfig};

use crate::consent::consent;
use crate::hand_off::{
    line_mode_app, line_mode_signs_in_through_the_provider, tui_at_hand_off, tui_signed_in_as_ada,
};
use crate::support::server::Background;

const LOOPBACK: &str =
    r#"redirect_urls = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]"#;

/// A server config whose allowlist is the bare callback address on any port, matched
/// exactly (its seed written into `dir`).
fn exact_config(dir: &std::path::Path) -> DevServerConfig {
    let seed = dir.join("seed.toml");
    let text = DEFAULT_SEED.replace(
        LOOPBACK,
        "redirect_urls = [\"http://127.0.0.1:*/callback\"]\nredirect_urls_exact = true",
    );
    assert_ne!(text, DEFAULT_SEED, "the seed names its allowlist");
    std::fs::write(&seed, text).expect("seed written");
    DevServerConfig {
        seed: Some(seed),
        ..Default::default()
    }
}

async fn exact_server(dir: &std::path::Path) -> clerk_tui::devserver::DevServerHandle {
    crate::support::server::start_with(exact_config(dir)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_instance_that_allows_only_the_bare_callback_address_still_finishes() {
    let dir = tempfile::tempdir().expect("dir");
    let server = &exact_server(dir.path()).await;
    // The emulator refuses the address with its query, as such an instance would.
    let mut fapi = crate::harness::Fapi::new(server);
    fapi.create_sign_in(&[
        ("strategy", "oauth_mock"),
        ("redirect_url", "http://127.0.0.1:8976/callback?state=0123"),
    ])
    .await
    .expect_error(400, "resource_missmatch");

    let app = line_mode_app(server);
    let text = line_mode_signs_in_through_the_provider(server, app, |input, out, url| async move {
        out.wait_for("This instance allows only http://127.0.0.1:")
            .await;
        // The browser follows the redirect to the bare callback address.
        assert!(
            consent(&url, "ada@example.com")
                .await
                .contains("the terminal continues")
        );
        input
    })
    .await;
    assert!(
        text.contains("Signed in as Ada Lovelace (ada@example.com)."),
        "{text}"
    );
    let said = text
        .lines()
        .find(|l| l.contains("allows only"))
        .expect("the exact address is said");
    assert!(said.contains("/callback exactly"), "{said}");
    assert!(!said.contains("state="), "{said}");
}

#[test]
fn the_full_screen_app_says_the_exact_address_and_finishes_through_it() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Background::start_with(exact_config(dir.path()));
    let mut at = tui_at_hand_off(&server, &[]);
    let screen = at.term.wait_for("allows only http://127.0.0.1:");
    assert!(!screen.contains("state="), "{screen}");
    let page = server.rt.block_on(consent(&at.url, "ada@example.com"));
    assert!(page.contains("the terminal continues"), "{page}");
    tui_signed_in_as_ada(&mut at.term);
}
