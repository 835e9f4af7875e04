//! A first-ever run with the embedded server: the first frame is drawn before the server
//! starts (creating the database, hashing the demo passwords, generating the signing key),
//! the requests made meanwhile wait for it (none is turned away), a sign-in goes through and
//! the session token verifies (the server answers on the very address the client knows).

mod e2e;

use e2e::pty::Term;

#[test]
fn the_first_frame_comes_before_the_server_and_a_sign_in_waits_for_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().to_string_lossy().into_owned();
    let config = dir.path().join("never-used-before");
    let log = dir.path().join("clerk-tui.log");
    let (config_arg, log_arg) = (
        config.to_string_lossy().into_owned(),
        log.to_string_lossy().into_owned(),
    );
    let mut t = Term::spawn(
        &["--config-dir", &config_arg, "--log-file", &log_arg],
        &[
            ("HOME", home.as_str()),
            ("XDG_CONFIG_HOME", home.as_str()),
            ("XDG_DATA_HOME", home.as_str()),
            ("RUST_LOG", "clerk_tui=debug,info"),
        ],
    );
    t.wait_for("Email address");
    t.type_text("ada@example.com");
    t.enter();
    t.wait_for("Enter your password");
    t.type_text("clerk-demo-password");
    t.enter();
    t.wait_for("Signed in");
    t.wait_for("Signature verified with the emulator's JWKS");
    t.send_bytes(b"q");
    assert!(t.wait_exit().success());
    t.assert_restored();

    let log = std::fs::read_to_string(&log).expect("the log file");
    let at = |needle: &str| {
        log.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in the log:\n{log}"))
    };
    assert!(
        at("first frame drawn") < at("devserver listening"),
        "the server started only after the first frame:\n{log}"
    );
    assert!(
        log.contains("status=200") && !log.contains("status=429"),
        "no request was turned away while the server started:\n{log}"
    );
    assert!(
        !log.contains("fapi request failed"),
        "no request was refused (and retried) before the server listened:\n{log}"
    );
    assert!(
        config.join("devserver.sqlite3").exists(),
        "the embedded server created its database in the fresh config dir"
    );
}
