use super::*;
use crate::doctor::report::Status;

fn target() -> Target {
    Target {
        origin: "--frontend-api",
        base_url: "https://clerk.example.com".into(),
        store_key: "clerk.example.com".into(),
    }
}

fn answer(status: u16, ms: u64, body: &str) -> Outcome {
    Outcome::Answered {
        status,
        elapsed: Duration::from_millis(ms),
        body: body.as_bytes().to_vec(),
        clock: ClockSample {
            local_midpoint: SystemTime::UNIX_EPOCH,
            round_trip: Duration::from_millis(ms),
            date_header: None,
        },
    }
}

const ENV: &str = r#"{
  "auth_config": {"test_mode": true, "first_factors": ["password", "email_code", "oauth_github"],
                  "second_factors": ["totp"]},
  "user_settings": {
    "attributes": {
      "email_address": {"enabled": true, "used_for_first_factor": true, "first_factors": ["email_code"]},
      "username": {"enabled": true, "used_for_first_factor": true},
      "password": {"enabled": true, "required": true},
      "authenticator_app": {"enabled": true, "used_for_second_factor": true, "second_factors": ["totp"]},
      "backup_code": {"enabled": true, "used_for_second_factor": true, "second_factors": ["backup_code"]}
    },
    "social": {
      "oauth_github": {"enabled": true, "authenticatable": true, "strategy": "oauth_github", "name": "GitHub"},
      "oauth_google": {"enabled": false, "authenticatable": true, "strategy": "oauth_google", "name": "Google"}
    }
  },
  "display_config": {"application_name": "Acme", "instance_environment_type": "development"},
  "maintenance_mode": false
}"#;

#[test]
fn environment_is_listed_in_words() {
    let check = frontend_api(Ok(&target()), &answer(200, 120, ENV));
    assert_eq!(check.status, Status::Pass, "{check:?}");
    assert_eq!(
        check.summary,
        "https://clerk.example.com (--frontend-api) answered in 120 ms"
    );
    let details = check.details.join("\n");
    assert!(
        details.contains("instance: development, test mode on, application \"Acme\""),
        "{details}"
    );
    assert!(
        details.contains("identifiers: email_address, username"),
        "{details}"
    );
    assert!(
        details.contains("first factors: password, email_code, oauth_github"),
        "{details}"
    );
    assert!(
        details.contains("second factors: totp, backup_code"),
        "{details}"
    );
    assert!(
        details.contains("social providers: GitHub\n")
            || details.ends_with("social providers: GitHub"),
        "{details}"
    );
}

#[test]
fn slow_answers_and_maintenance_warn() {
    let slow = frontend_api(Ok(&target()), &answer(200, 4_500, ENV));
    assert_eq!(slow.status, Status::Warn);
    assert!(slow.summary.contains("slowly: 4500 ms"));
    let maintenance = ENV.replace(
        r#""maintenance_mode": false"#,
        r#""maintenance_mode": true"#,
    );
    let check = frontend_api(Ok(&target()), &answer(200, 10, &maintenance));
    assert_eq!(check.status, Status::Warn);
    assert!(check.summary.contains("maintenance mode"));
}

#[test]
fn native_api_disabled_says_where_to_enable_it() {
    let body = r#"{"errors":[{"code":"native_api_disabled","message":"Native API is disabled","long_message":"The Native API has been disabled for this instance."}]}"#;
    let check = frontend_api(Ok(&target()), &answer(403, 80, body));
    assert_eq!(check.status, Status::Fail);
    assert!(
        check
            .summary
            .contains("the Native API is disabled (HTTP 403)"),
        "{}",
        check.summary
    );
    assert!(check.fix.unwrap_or_default().contains("Clerk Dashboard"));
}

#[test]
fn other_errors_and_non_clerk_answers_fail_readably() {
    let body = r#"{"errors":[{"code":"resource_not_found","message":"not found","long_message":"No instance here."}]}"#;
    let check = frontend_api(Ok(&target()), &answer(404, 80, body));
    assert_eq!(check.status, Status::Fail);
    assert!(
        check
            .summary
            .ends_with("answered HTTP 404 in 80 ms: No instance here. (resource_not_found)"),
        "{}",
        check.summary
    );

    let check = frontend_api(Ok(&target()), &answer(502, 80, "<html>Bad gateway</html>"));
    assert!(
        check
            .summary
            .ends_with("HTTP 502 in 80 ms: not a Clerk error answer"),
        "{}",
        check.summary
    );

    let check = frontend_api(Ok(&target()), &answer(200, 80, "<html></html>"));
    assert_eq!(check.status, Status::Fail);
    assert!(check.summary.contains("not with a Clerk environment"));
}

#[test]
fn unreachable_and_invalid_targets_fail() {
    let outcome = Outcome::Unreachable {
        url: "http://127.0.0.1:9/v1/environment?_is_native=true".into(),
        detail: "could not connect: Connection refused (os error 111)".into(),
    };
    let check = frontend_api(Ok(&target()), &outcome);
    assert_eq!(check.status, Status::Fail);
    assert!(
        check
            .summary
            .starts_with("cannot reach the Frontend API at https://clerk.example.com")
    );
    assert!(check.fix.is_some());

    let check = frontend_api(
        Err("the publishable key is not valid: x"),
        &Outcome::Invalid(String::new()),
    );
    assert_eq!(check.status, Status::Fail);
    assert!(check.fix.unwrap_or_default().contains("API keys"));
}

#[test]
fn resolve_checks_keys_and_urls_like_the_client() {
    let t =
        resolve(&BackendChoice::FrontendApi("http://127.0.0.1:9".into())).expect("loopback http");
    assert_eq!(t.base_url, "http://127.0.0.1:9");
    assert_eq!(t.store_key, "127.0.0.1:9");
    assert!(
        resolve(&BackendChoice::FrontendApi(
            "http://clerk.example.com".into()
        ))
        .unwrap_err()
        .contains("use https")
    );
    assert!(
        resolve(&BackendChoice::PublishableKey("pk_nope".into()))
            .unwrap_err()
            .starts_with("the publishable key is not valid")
    );
    let key = PublishableKey::for_host("clerk.example.com", false).expect("key");
    let t = resolve(&BackendChoice::PublishableKey(key.as_str().to_owned())).expect("key resolves");
    assert_eq!(t.base_url, "https://clerk.example.com");
    assert_eq!(t.store_key, "clerk.example.com");
}
