//! Items 11-13: another local user against the token file and the log. A symlink planted at
//! the token file, a token file or directory someone else owns or can write, two processes
//! signing in at once with one config directory, and the log's mode.

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::sync::{Arc, Barrier};

use clerk_tui::devserver::{DevServer, DevServerConfig};
use clerk_tui::fapi::{FileTokenStore, StoreError, TokenStore};
use secrecy::SecretString;

use crate::hostile::*;

const NOBODY: u32 = 65534;

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).expect("exists").mode() & 0o7777
}

fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    dir
}

fn assert_untrusted(err: StoreError, why: &str) {
    assert!(matches!(err, StoreError::Untrusted { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(why), "{text}");
    assert!(text.contains("Nothing was changed"), "{text}");
}

#[tokio::test]
async fn a_symlink_planted_at_the_token_file_is_never_followed() {
    let dir = private_dir();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, r#"{"tokens":{"127.0.0.1:1":"Bearer planted"}}"#).expect("write");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    symlink(&victim, &path).expect("symlink");

    let store = FileTokenStore::at(&path);
    assert_untrusted(
        store.load_token("127.0.0.1:1").unwrap_err(),
        "symbolic link",
    );
    let secret = SecretString::from("Bearer mine".to_string());
    assert_untrusted(store.save_token("x", &secret).unwrap_err(), "symbolic link");
    assert_eq!(mode(&victim), 0o644, "the link's target is not chmod-ed");
    assert!(
        std::fs::read_to_string(&victim)
            .unwrap()
            .contains("planted")
    );
    assert!(
        std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // The binary says so and stops.
    let ran = run_bin(
        dir.path(),
        &["--frontend-api", "http://127.0.0.1:1", "status"],
        &[],
        "",
    )
    .await;
    assert_ne!(ran.code, 0);
    assert!(ran.stderr.contains("symbolic link"), "{}", ran.stderr);
    assert_eq!(mode(&victim), 0o644);
}

#[test]
fn a_symlink_planted_at_the_lock_file_is_refused() {
    let dir = private_dir();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "").expect("write");
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    symlink(&victim, dir.path().join("client-tokens.json.lock")).expect("symlink");
    let secret = SecretString::from("Bearer mine".to_string());
    let err = FileTokenStore::at(&path)
        .save_token("x", &secret)
        .unwrap_err();
    assert_untrusted(err, "symbolic link");
    assert!(!path.exists(), "nothing was written");
}

#[test]
fn a_token_file_in_a_directory_others_can_write_is_refused() {
    let dir = private_dir();
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    let store = FileTokenStore::at(&path);
    let secret = SecretString::from("Bearer mine".to_string());
    store
        .save_token("h", &secret)
        .expect("saved in a private directory");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    assert_untrusted(store.load_token("h").unwrap_err(), "writable by others");
    assert_untrusted(
        store.save_token("h", &secret).unwrap_err(),
        "writable by others",
    );
    assert_eq!(mode(dir.path()), 0o777, "nothing is chmod-ed");
}

/// Only root can give a file away; elsewhere the suite says why it skips.
fn can_chown() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!("SKIPPED: files owned by another user need root to create (chown)");
    }
    root
}

#[tokio::test]
async fn a_token_planted_by_another_user_is_refused_even_as_root() {
    if !can_chown() {
        return;
    }
    let server = Hostile::start(Arc::new(|_, _| json_reply(500, &serde_json::json!({})))).await;
    let dir = private_dir();
    config_with_token(dir.path(), &server.store_key());
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    std::os::unix::fs::chown(&path, Some(NOBODY), Some(NOBODY)).expect("chown");

    let store = FileTokenStore::at(&path);
    assert_untrusted(
        store.load_token(&server.store_key()).unwrap_err(),
        "belongs to another user (uid 65534",
    );
    let ran = run_bin(
        dir.path(),
        &["--frontend-api", &server.url, "token"],
        &[],
        "",
    )
    .await;
    assert_ne!(ran.code, 0, "session fixation: the planted token was used");
    assert!(
        ran.stderr.contains("belongs to another user"),
        "{}",
        ran.stderr
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(
        (meta.uid(), meta.mode() & 0o777),
        (NOBODY, 0o600),
        "left as it was"
    );

    // A directory someone else owns is refused the same way, with our own file inside.
    let theirs = private_dir();
    let ours = theirs.path().join(FileTokenStore::FILE_NAME);
    let secret = SecretString::from("Bearer mine".to_string());
    FileTokenStore::at(&ours)
        .save_token("h", &secret)
        .expect("saved");
    std::os::unix::fs::chown(theirs.path(), Some(NOBODY), None).expect("chown");
    assert_untrusted(
        FileTokenStore::at(&ours).load_token("h").unwrap_err(),
        "its directory belongs to another user",
    );
}

#[test]
fn stores_in_many_threads_keep_every_token() {
    // Separate store objects share no in-process lock: only the file lock keeps them apart.
    let dir = private_dir();
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    let barrier = Arc::new(Barrier::new(6));
    let threads: Vec<_> = (0..6)
        .map(|i| {
            let (path, barrier) = (path.clone(), barrier.clone());
            std::thread::spawn(move || {
                let store = FileTokenStore::at(&path);
                barrier.wait();
                for round in 0..20 {
                    let token = SecretString::from(format!("Bearer {i}-{round}"));
                    store
                        .save_token(&format!("host{i}"), &token)
                        .expect("saved");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no panic");
    }
    let store = FileTokenStore::at(&path);
    for i in 0..6 {
        let token = store.load_token(&format!("host{i}")).expect("readable");
        assert!(token.is_some(), "host{i}'s token was lost");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_signing_in_at_once_keep_both_tokens() {
    let a = DevServer::start(DevServerConfig::default())
        .await
        .expect("server a");
    let b = DevServer::start(DevServerConfig::default())
        .await
        .expect("server b");
    let urls = [a.base_url().to_string(), b.base_url().to_string()];
    for round in 0..6 {
        let dir = private_dir();
        let barrier = Arc::new(Barrier::new(2));
        let runs: Vec<_> = urls
            .iter()
            .map(|url| {
                let (url, dir, barrier) = (url.clone(), dir.path().to_owned(), barrier.clone());
                tokio::task::spawn_blocking(move || {
                    barrier.wait();
                    std::process::Command::new(env!("CARGO_BIN_EXE_clerk-tui"))
                        .arg("--config-dir")
                        .arg(&dir)
                        .args(["--frontend-api", &url, "sign-in"])
                        .args(["--identifier", "ada@example.com", "--password-env", "PW"])
                        .env("PW", "clerk-demo-password")
                        .env_remove("CLERK_TUI_LOG")
                        .output()
                        .expect("the binary runs")
                })
            })
            .collect();
        for run in runs {
            let out = run.await.expect("joined");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let store = FileTokenStore::at(dir.path().join(FileTokenStore::FILE_NAME));
        for url in &urls {
            let key = url.trim_start_matches("http://").trim_end_matches('/');
            assert!(
                store.load_token(key).expect("readable").is_some(),
                "round {round}: the token for {key} was lost"
            );
        }
    }
}

#[tokio::test]
async fn the_log_file_is_created_private_and_never_through_a_symlink() {
    let dir = private_dir();
    let flag = dir.path().join("flag.log");
    let env = dir.path().join("env.log");
    let flag_arg = flag.to_string_lossy().into_owned();
    run_bin(
        dir.path(),
        &[
            "--log-file",
            &flag_arg,
            "--frontend-api",
            "http://127.0.0.1:1",
            "status",
        ],
        &[],
        "",
    )
    .await;
    let env_arg = env.to_string_lossy().into_owned();
    run_bin(
        dir.path(),
        &["--frontend-api", "http://127.0.0.1:1", "status"],
        &[("CLERK_TUI_LOG", &env_arg)],
        "",
    )
    .await;
    assert_eq!(mode(&flag), 0o600, "--log-file");
    assert_eq!(mode(&env), 0o600, "CLERK_TUI_LOG");

    // A symlink planted at the log's path is not appended through.
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "mine\n").expect("write");
    let planted = dir.path().join("planted.log");
    symlink(&victim, &planted).expect("symlink");
    let planted_arg = planted.to_string_lossy().into_owned();
    let ran = run_bin(
        dir.path(),
        &[
            "--log-file",
            &planted_arg,
            "--frontend-api",
            "http://127.0.0.1:1",
            "status",
        ],
        &[],
        "",
    )
    .await;
    assert_ne!(ran.code, 0);
    assert!(
        ran.stderr.contains("cannot open the log file"),
        "{}",
        ran.stderr
    );
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "mine\n");
}
