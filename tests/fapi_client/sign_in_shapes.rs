//! Method, path, query, headers and form body of every sign-in call.

use clerk_tui::fapi::*;

use crate::harness::*;

#[tokio::test]
async fn create_sign_in_variants_send_their_form_fields() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let cases: Vec<(CreateSignInParams, Vec<(String, String)>)> = vec![
        (
            CreateSignInParams::identifier("jane@example.com"),
            form(&[("identifier", "jane@example.com")]),
        ),
        (
            CreateSignInParams::password("jane@example.com", secret("p&ss w=rd")),
            form(&[
                ("strategy", "password"),
                ("identifier", "jane@example.com"),
                ("password", "p&ss w=rd"),
            ]),
        ),
        (
            CreateSignInParams::strategy_with_identifier(Strategy::EmailLink, "jane@example.com"),
            form(&[
                ("strategy", "email_link"),
                ("identifier", "jane@example.com"),
            ]),
        ),
        (
            CreateSignInParams::redirect(
                Strategy::Oauth("google".into()),
                "http://127.0.0.1:9/callback",
                Some("http://127.0.0.1:9/done".into()),
            ),
            form(&[
                ("strategy", "oauth_google"),
                ("redirect_url", "http://127.0.0.1:9/callback"),
                ("action_complete_redirect_url", "http://127.0.0.1:9/done"),
            ]),
        ),
        (
            CreateSignInParams::redirect(Strategy::EnterpriseSso, "http://127.0.0.1:9/cb", None),
            form(&[
                ("strategy", "enterprise_sso"),
                ("redirect_url", "http://127.0.0.1:9/cb"),
            ]),
        ),
        (
            CreateSignInParams::ticket(secret("tkt_abc")),
            form(&[("strategy", "ticket"), ("ticket", "tkt_abc")]),
        ),
        (
            CreateSignInParams::transfer(),
            form(&[("transfer", "true")]),
        ),
        (
            CreateSignInParams::strategy(Strategy::Passkey),
            form(&[("strategy", "passkey")]),
        ),
    ];
    for (params, expected) in cases {
        srv.reply(200, wrap(sign_in_json("needs_first_factor")));
        let sign_in = client.create_sign_in(&params).await.unwrap();
        assert_eq!(sign_in.id, "sia_1");
        assert_eq!(sign_in.status, SignInStatus::NeedsFirstFactor);
        let r = srv.last();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/v1/client/sign_ins")
        );
        assert_eq!(r.form, expected);
        assert_native_request(&r, client.device_id());
    }
}

#[tokio::test]
async fn get_sign_in_sends_the_rotating_token_nonce_only_when_given() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    srv.reply(200, wrap(sign_in_json("complete")));
    client
        .get_sign_in("sia_1", Some("nonce_123"))
        .await
        .unwrap();
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/client/sign_ins/sia_1")
    );
    assert_eq!(r.query_value("rotating_token_nonce"), Some("nonce_123"));
    assert!(r.form.is_empty());
    assert_native_request(&r, client.device_id());

    srv.reply(200, wrap(sign_in_json("complete")));
    client.reload_sign_in("sia_1").await.unwrap();
    assert_eq!(srv.last().query_value("rotating_token_nonce"), None);
}

#[tokio::test]
async fn first_factor_calls_send_strategy_specific_fields() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let prepares: Vec<(PrepareFirstFactorParams, Vec<(String, String)>)> = vec![
        (
            PrepareFirstFactorParams::email_code("idn_e"),
            form(&[("strategy", "email_code"), ("email_address_id", "idn_e")]),
        ),
        (
            PrepareFirstFactorParams::phone_code("idn_p"),
            form(&[("strategy", "phone_code"), ("phone_number_id", "idn_p")]),
        ),
        (
            PrepareFirstFactorParams::email_link("idn_e", "http://127.0.0.1:9/verified"),
            form(&[
                ("strategy", "email_link"),
                ("email_address_id", "idn_e"),
                ("redirect_url", "http://127.0.0.1:9/verified"),
            ]),
        ),
        (
            PrepareFirstFactorParams::reset_password_email_code("idn_e"),
            form(&[
                ("strategy", "reset_password_email_code"),
                ("email_address_id", "idn_e"),
            ]),
        ),
        (
            PrepareFirstFactorParams::reset_password_phone_code("idn_p"),
            form(&[
                ("strategy", "reset_password_phone_code"),
                ("phone_number_id", "idn_p"),
            ]),
        ),
        (
            PrepareFirstFactorParams::redirect(
                Strategy::Saml,
                "http://127.0.0.1:9/cb",
                Some("http://127.0.0.1:9/done".into()),
            ),
            form(&[
                ("strategy", "saml"),
                ("redirect_url", "http://127.0.0.1:9/cb"),
                ("action_complete_redirect_url", "http://127.0.0.1:9/done"),
            ]),
        ),
        (
            PrepareFirstFactorParams::new(Strategy::Passkey),
            form(&[("strategy", "passkey")]),
        ),
    ];
    for (params, expected) in prepares {
        srv.reply(200, wrap(sign_in_json("needs_first_factor")));
        client.prepare_first_factor("sia_1", &params).await.unwrap();
        let r = srv.last();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/v1/client/sign_ins/sia_1/prepare_first_factor")
        );
        assert_eq!(r.form, expected);
        assert_native_request(&r, client.device_id());
    }

    // The ids come straight from a factor the server listed.
    let sign_in: SignIn = serde_json::from_value(sign_in_json("needs_first_factor")).unwrap();
    let from_factor = PrepareFirstFactorParams::from_factor(&sign_in.supported_first_factors[0]);
    srv.reply(200, wrap(sign_in_json("needs_first_factor")));
    client
        .prepare_first_factor("sia_1", &from_factor)
        .await
        .unwrap();
    assert_eq!(
        srv.last().form,
        form(&[("strategy", "email_code"), ("email_address_id", "idn_1")])
    );

    let attempts: Vec<(AttemptFirstFactorParams, Vec<(String, String)>)> = vec![
        (
            AttemptFirstFactorParams::password(secret("hunter2!")),
            form(&[("strategy", "password"), ("password", "hunter2!")]),
        ),
        (
            AttemptFirstFactorParams::email_code(secret("424242")),
            form(&[("strategy", "email_code"), ("code", "424242")]),
        ),
        (
            AttemptFirstFactorParams::phone_code(secret("424242")),
            form(&[("strategy", "phone_code"), ("code", "424242")]),
        ),
        (
            AttemptFirstFactorParams::code(Strategy::ResetPasswordEmailCode, secret("111111")),
            form(&[
                ("strategy", "reset_password_email_code"),
                ("code", "111111"),
            ]),
        ),
        (
            AttemptFirstFactorParams::passkey("{\"id\":\"cred\"}"),
            form(&[
                ("strategy", "passkey"),
                ("public_key_credential", "{\"id\":\"cred\"}"),
            ]),
        ),
        (
            AttemptFirstFactorParams::web3(Strategy::Web3("metamask".into()), "0xsig"),
            form(&[
                ("strategy", "web3_metamask_signature"),
                ("signature", "0xsig"),
            ]),
        ),
        (
            AttemptFirstFactorParams::google_one_tap(secret("id.token.jwt")),
            form(&[("strategy", "google_one_tap"), ("token", "id.token.jwt")]),
        ),
    ];
    for (params, expected) in attempts {
        srv.reply(200, wrap(sign_in_json("complete")));
        client.attempt_first_factor("sia_1", &params).await.unwrap();
        let r = srv.last();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/v1/client/sign_ins/sia_1/attempt_first_factor")
        );
        assert_eq!(r.form, expected);
    }
}

#[tokio::test]
async fn second_factor_and_reset_password_calls() {
    let srv = Server::start().await;
    let (client, _) = srv.client();
    let prepares: Vec<(PrepareSecondFactorParams, Vec<(String, String)>)> = vec![
        (
            PrepareSecondFactorParams::phone_code(Some("idn_p".into())),
            form(&[("strategy", "phone_code"), ("phone_number_id", "idn_p")]),
        ),
        (
            PrepareSecondFactorParams::phone_code(None),
            form(&[("strategy", "phone_code")]),
        ),
        (
            PrepareSecondFactorParams::email_code(Some("idn_e".into())),
            form(&[("strategy", "email_code"), ("email_address_id", "idn_e")]),
        ),
        (
            PrepareSecondFactorParams::email_link(Some("idn_e".into()), "http://127.0.0.1:9/v"),
            form(&[
                ("strategy", "email_link"),
                ("email_address_id", "idn_e"),
                ("redirect_url", "http://127.0.0.1:9/v"),
            ]),
        ),
    ];
    for (params, expected) in prepares {
        srv.reply(200, wrap(sign_in_json("needs_second_factor")));
        client
            .prepare_second_factor("sia_1", &params)
            .await
            .unwrap();
        let r = srv.last();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/v1/client/sign_ins/sia_1/prepare_second_factor")
        );
        assert_eq!(r.form, expected);
        assert_native_request(&r, client.device_id());
    }
    let attempts = [
        (AttemptSecondFactorParams::totp(secret("123456")), "totp"),
        (
            AttemptSecondFactorParams::phone_code(secret("123456")),
            "phone_code",
        ),
        (
            AttemptSecondFactorParams::email_code(secret("123456")),
            "email_code",
        ),
        (
            AttemptSecondFactorParams::backup_code(secret("123456")),
            "backup_code",
        ),
    ];
    for (params, strategy) in attempts {
        srv.reply(200, wrap(sign_in_json("complete")));
        client
            .attempt_second_factor("sia_1", &params)
            .await
            .unwrap();
        let r = srv.last();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/v1/client/sign_ins/sia_1/attempt_second_factor")
        );
        assert_eq!(r.form, form(&[("strategy", strategy), ("code", "123456")]));
    }

    srv.reply(200, wrap(sign_in_json("complete")));
    client
        .reset_password(
            "sia_1",
            &ResetPasswordParams::new(secret("N3w-passw0rd"), Some(true)),
        )
        .await
        .unwrap();
    let r = srv.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/client/sign_ins/sia_1/reset_password")
    );
    assert_eq!(
        r.form,
        form(&[
            ("password", "N3w-passw0rd"),
            ("sign_out_of_other_sessions", "true")
        ])
    );
    srv.reply(200, wrap(sign_in_json("complete")));
    client
        .reset_password(
            "sia_1",
            &ResetPasswordParams::new(secret("N3w-passw0rd"), None),
        )
        .await
        .unwrap();
    assert_eq!(srv.last().form, form(&[("password", "N3w-passw0rd")]));
}
