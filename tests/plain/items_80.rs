//! Line mode as a script sees it, through the built binary and its embedded emulator (kept
//! between runs in a private directory): a sign-in an earlier run left unfinished is started
//! again (never resumed under answers meant for another question), `t` right after signing
//! in prints the token, and `q` quits with a word and exit 0.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::harness::{PASSWORD, Ran, TempDir, assert_jwt, bin};

/// Runs the binary in line mode with `input` as its whole stdin.
async fn plain(dir: &TempDir, input: &str) -> Ran {
    let mut child = bin(dir.path())
        .arg("--plain")
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).await.expect("write");
    drop(stdin);
    let done = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("finishes")
        .expect("runs");
    Ran {
        code: done.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&done.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&done.stderr).into_owned(),
    }
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
    let mut child = bin(dir.path())
        .args([
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .await
        .expect("write");
    drop(stdin);
    let done = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("finishes")
        .expect("runs");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
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
