//! Line mode as a script sees it, through the built binary and its embedded emulator (kept
//! between runs in a private directory): a sign-in an earlier run left unfinished is started
//! again (never resumed under answers meant for another question), `t` right after signing
//! in prints the token, and `q` quits with a word and exit 0.

use crate::harness::{PASSWORD, Ran, TempDir, assert_jwt, bin, run_with_input};

/// Runs the binary in line mode with `input` as its whole stdin.
async fn plain(dir: &TempDir, input: &str) -> Ran {
    run_with_input(bin(dir.path()).arg("--plain"), input).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_left_unfinished_starts_again_and_answers_never_shift() {
    // Three times, as in the report (each on a fresh device).
    for _ in 0..3 {
        let dir = TempDir::new();
        // The first run stops at the password question: input ends there.
        let first = plain(&dir, "ada@example.com\n").await;
        assert_eq!(first.code, 3, "{}\n{}", first.stdout, first.stderr);
        assert!(
            first.stdout.contains("Enter the password"),
            "{}",
            first.stdout
        );
        // The next run answers from the start, as a script does.
        let next = plain(&dir, &format!("ada@example.com\n{PASSWORD}\nq\n")).await;
        assert_eq!(next.code, 0, "{}\n{}", next.stdout, next.stderr);
        assert!(
            next.stdout.contains("Signed in as Ada Lovelace"),
            "{}",
            next.stdout
        );
        assert!(
            !next.stdout.contains("previous session has ended"),
            "no session had ended:\n{}",
            next.stdout
        );
        assert!(
            next.stdout.contains("left unfinished was set aside"),
            "{}",
            next.stdout
        );
    }
    let dir = TempDir::new();
    let first = plain(&dir, "ada@example.com\n").await;
    assert_eq!(first.code, 3, "{}", first.stdout);
    // `sign-in` starts again too.
    let done = run_with_input(
        bin(dir.path()).args([
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--password-stdin",
        ]),
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert_eq!(done.code, 0, "{}", done.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn t_right_after_signing_in_prints_the_token() {
    let dir = TempDir::new();
    let ran = plain(&dir, &format!("ada@example.com\n{PASSWORD}\nt\nq\n")).await;
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        !ran.stdout.contains("no session token yet"),
        "{}",
        ran.stdout
    );
    let jwt = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("ey"))
        .unwrap_or_else(|| panic!("the token was printed:\n{}", ran.stdout));
    assert_jwt(jwt);
}

#[tokio::test(flavor = "multi_thread")]
async fn q_at_the_first_question_quits_with_a_word_and_exit_0() {
    let dir = TempDir::new();
    let ran = plain(&dir, "q\n").await;
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("Quit without signing in."),
        "{}",
        ran.stdout
    );
}
