//! Base URLs and keys picking the host, and the token stores on disk and in memory.

use std::sync::Arc;

use clerk_tui::fapi::*;
use rstest::rstest;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::harness::*;

#[rstest]
#[case::loopback_ipv4("http://127.0.0.1:4010")]
#[case::localhost("http://localhost:4010")]
#[case::loopback_ipv6("http://[::1]:4010")]
#[case::https_anywhere("https://clerk.example.com")]
fn base_urls_accepted(#[case] url: &str) {
    assert!(
        FapiClient::with_base_url(url, Arc::new(MemoryTokenStore::new())).is_ok(),
        "{url}"
    );
}

#[test]
fn plain_http_refused_beyond_loopback() {
    let err = FapiClient::with_base_url(
        "http://clerk.example.com",
        Arc::new(MemoryTokenStore::new()),
    )
    .unwrap_err();
    assert!(matches!(err, FapiError::InvalidBaseUrl { .. }));
    assert!(err.to_string().contains("use https"), "{err}");
}

#[test]
fn a_publishable_key_selects_https_on_its_host() {
    let key = PublishableKey::parse("pk_test_bW9jay5jbGVyay5hY2NvdW50cy5kZXYk").unwrap();
    let client = FapiClient::new(&key, Arc::new(MemoryTokenStore::new())).unwrap();
    assert_eq!(
        client.base_url().as_str(),
        "https://mock.clerk.accounts.dev/"
    );
    let err: FapiError = PublishableKey::parse("pk_test_").unwrap_err().into();
    assert!(
        err.to_string().starts_with("invalid publishable key"),
        "{err}"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "clerk-tui-test-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn file_store_round_trips_per_host_and_keeps_one_device_id() {
    let dir = temp_dir("roundtrip");
    let path = dir.join("nested").join("tokens.json");
    let store = FileTokenStore::at(&path);
    assert!(store.load_token("clerk.example.com").unwrap().is_none());
    let device = store.device_id().unwrap();
    assert!(uuid::Uuid::parse_str(&device).is_ok());

    store
        .save_token("clerk.example.com", &secret("Bearer real"))
        .unwrap();
    store
        .save_token("127.0.0.1:4010", &secret("Bearer dev"))
        .unwrap();

    let reopened = FileTokenStore::at(&path);
    assert_eq!(reopened.device_id().unwrap(), device);
    assert_eq!(
        reopened
            .load_token("clerk.example.com")
            .unwrap()
            .unwrap()
            .expose_secret(),
        "Bearer real"
    );
    assert_eq!(
        reopened
            .load_token("127.0.0.1:4010")
            .unwrap()
            .unwrap()
            .expose_secret(),
        "Bearer dev"
    );
    reopened.clear_token("127.0.0.1:4010").unwrap();
    assert!(store.load_token("127.0.0.1:4010").unwrap().is_none());
    assert!(store.load_token("clerk.example.com").unwrap().is_some());
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left behind");
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn file_store_is_private_and_tightens_loose_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("modes");
    let created_dir = dir.join("config");
    let path = created_dir.join("tokens.json");
    let store = FileTokenStore::at(&path);
    store
        .save_token("clerk.example.com", &secret("tok"))
        .unwrap();
    assert_eq!(
        mode(&created_dir),
        0o700,
        "a directory the store creates is 0700"
    );
    assert_eq!(mode(&path), 0o600);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(store.load_token("clerk.example.com").unwrap().is_some());
    assert_eq!(
        mode(&path),
        0o600,
        "a world-readable token file is fixed on read"
    );

    store
        .save_token("clerk.example.com", &secret("tok2"))
        .unwrap();
    assert_eq!(mode(&path), 0o600, "a write leaves a private file");

    // Writable by others, its token may be someone else's: refused, and left as it is
    // (tests/client_attacks covers the owner and symlink cases).
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let err = store
        .save_token("clerk.example.com", &secret("tok3"))
        .unwrap_err();
    assert!(matches!(err, StoreError::Untrusted { .. }), "{err}");
    assert!(err.to_string().contains("writable by others"), "{err}");
    assert_eq!(mode(&path), 0o666, "nothing is chmod-ed");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_damaged_token_file_is_a_readable_error() {
    let dir = temp_dir("corrupt");
    let path = dir.join("tokens.json");
    std::fs::write(&path, "{not json").unwrap();
    let err = FileTokenStore::at(&path)
        .load_token("clerk.example.com")
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }));
    assert!(
        err.to_string().contains("delete it to sign in again"),
        "{err}"
    );
    let fapi_err = FapiClient::with_base_url(
        "https://clerk.example.com",
        Arc::new(FileTokenStore::at(&path)),
    )
    .unwrap_err();
    assert!(matches!(fapi_err, FapiError::Store(_)));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_file_store_carries_the_token_across_clients() {
    let srv = Server::start().await;
    let dir = temp_dir("across");
    let path = dir.join("tokens.json");
    let first = FapiClient::with_base_url(&srv.url(), Arc::new(FileTokenStore::at(&path))).unwrap();
    srv.reply_with(
        200,
        &[("authorization", "Bearer persisted")],
        json!({"response": client_json("c", None), "client": null}).to_string(),
    );
    first.get_client().await.unwrap();

    let second =
        FapiClient::with_base_url(&srv.url(), Arc::new(FileTokenStore::at(&path))).unwrap();
    assert_eq!(second.device_id(), first.device_id());
    srv.reply(
        200,
        json!({"response": client_json("c", None), "client": null}),
    );
    second.get_client().await.unwrap();
    assert_eq!(srv.last().header("authorization"), Some("Bearer persisted"));
    assert_eq!(
        srv.last().header("x-native-device-id"),
        Some(first.device_id())
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_default_token_file_lives_in_clerk_tuis_config_directory() {
    let path = FileTokenStore::default_path().unwrap();
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        FileTokenStore::FILE_NAME
    );
    assert!(
        path.parent()
            .unwrap()
            .to_string_lossy()
            .contains("clerk-tui"),
        "{}",
        path.display()
    );
}
