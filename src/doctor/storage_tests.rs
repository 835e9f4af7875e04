use super::*;
use crate::doctor::report::Status;

fn facts(file: FileState, dir_mode: Option<u32>) -> StorageFacts {
    StorageFacts {
        no_store: false,
        path: Ok(PathBuf::from(
            "/home/jo/.config/clerk-tui/client-tokens.json",
        )),
        file,
        dir_mode,
        backend_key: "clerk.example.com".into(),
    }
}

#[test]
fn private_file_with_a_token_passes() {
    let check = token_storage(&facts(
        FileState::Present {
            mode: Some(0o600),
            has_token: true,
        },
        Some(0o700),
    ));
    assert_eq!(check.status, Status::Pass, "{check:?}");
    assert!(check.summary.contains("(mode 0600, directory 0700)"));
    assert!(check.details[0].starts_with("a client token is stored for clerk.example.com"));
}

#[test]
fn readable_file_fails_with_the_chmod_to_run() {
    let check = token_storage(&facts(
        FileState::Present {
            mode: Some(0o644),
            has_token: false,
        },
        Some(0o700),
    ));
    assert_eq!(check.status, Status::Fail);
    assert!(check.summary.contains("mode 0644"), "{}", check.summary);
    assert_eq!(
        check.fix.as_deref(),
        Some("run `chmod 600 /home/jo/.config/clerk-tui/client-tokens.json`")
    );
    assert!(check.details[0].starts_with("no client token stored"));
}

#[test]
fn open_directory_fails_too_and_quotes_spaces() {
    let mut f = facts(
        FileState::Present {
            mode: Some(0o640),
            has_token: true,
        },
        Some(0o755),
    );
    f.path = Ok(PathBuf::from(
        "/Users/jo/Library/Application Support/dev.clerk-tui.clerk-tui/client-tokens.json",
    ));
    let check = token_storage(&f);
    assert_eq!(check.status, Status::Fail);
    let fix = check.fix.unwrap_or_default();
    assert!(
        fix.contains("chmod 600 '/Users/jo/Library/Application Support/"),
        "{fix}"
    );
    assert!(
        fix.contains(
            "&& chmod 700 '/Users/jo/Library/Application Support/dev.clerk-tui.clerk-tui'"
        ),
        "{fix}"
    );
}

#[test]
fn missing_unreadable_no_home_and_no_store() {
    let check = token_storage(&facts(FileState::Missing, None));
    assert_eq!(check.status, Status::Pass);
    assert!(check.summary.contains("not created yet"));

    let check = token_storage(&facts(
        FileState::Unreadable("not JSON".into()),
        Some(0o700),
    ));
    assert_eq!(check.status, Status::Fail);
    assert!(check.fix.unwrap_or_default().contains("rm /home/jo/"));

    let mut f = facts(FileState::Missing, None);
    f.path = Err("no configuration directory".into());
    let check = token_storage(&f);
    assert_eq!(check.status, Status::Fail);
    assert!(check.fix.unwrap_or_default().contains("--config-dir"));

    f.no_store = true;
    assert_eq!(token_storage(&f).status, Status::Pass);
    assert!(keyring(&f).summary.contains("memory only"));
}

#[test]
fn keyring_says_where_the_file_is() {
    let check = keyring(&facts(FileState::Missing, None));
    assert_eq!(check.status, Status::Pass);
    assert!(check.summary.contains("no OS keyring"));
    assert!(check.details[0].ends_with("client-tokens.json"));
}

#[cfg(unix)]
#[test]
fn gather_reads_modes_and_keys_without_changing_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    std::fs::write(
        &path,
        r#"{"device_id":"d","tokens":{"127.0.0.1:4010":"secret"}}"#,
    )
    .expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");

    let f = gather(false, Some(dir.path()), "127.0.0.1:4010");
    assert_eq!(
        f.file,
        FileState::Present {
            mode: Some(0o644),
            has_token: true
        }
    );
    assert_eq!(f.dir_mode, Some(0o700));
    assert_eq!(token_storage(&f).status, Status::Fail);
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "doctor must not change the file");

    let other = gather(false, Some(dir.path()), "embedded");
    assert!(matches!(
        other.file,
        FileState::Present {
            has_token: false,
            ..
        }
    ));

    std::fs::write(&path, "{not json").expect("write");
    assert!(matches!(
        gather(false, Some(dir.path()), "x").file,
        FileState::Unreadable(_)
    ));
    std::fs::remove_file(&path).expect("rm");
    assert_eq!(
        gather(false, Some(dir.path()), "x").file,
        FileState::Missing
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_token_file_fails_the_check_without_being_followed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("elsewhere.json");
    std::fs::write(&target, r#"{"tokens":{"x":"planted"}}"#).expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let path = dir.path().join(FileTokenStore::FILE_NAME);
    std::os::unix::fs::symlink(&target, &path).expect("symlink");
    let f = gather(false, Some(dir.path()), "x");
    assert!(
        matches!(&f.file, FileState::Unreadable(why) if why.contains("symbolic link")),
        "{f:?}"
    );
    let check = token_storage(&f);
    assert_eq!(check.status, Status::Fail);
    assert!(check.fix.as_deref().is_some_and(|fix| fix.contains("rm ")));
    let mode = std::fs::metadata(&target)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644, "the link's target is left alone");
}
