//! Typed parameters of creating a sign-in and of its first factor, one struct per endpoint with
//! a constructor per strategy. Field names are the form keys from Clerk's OpenAPI description; passwords, codes
//! and tokens are `SecretString` and leave it only when the form body is built.

use secrecy::SecretString;

use super::form::Form;
use super::models::{Factor, Strategy};

/// `POST /v1/client/sign_ins`.
#[derive(Debug, Default, Clone)]
pub struct CreateSignInParams {
    pub strategy: Option<Strategy>,
    pub identifier: Option<String>,
    pub password: Option<SecretString>,
    pub ticket: Option<SecretString>,
    pub redirect_url: Option<String>,
    pub action_complete_redirect_url: Option<String>,
    pub transfer: Option<bool>,
    /// OAuth grant code (`oauth_token_<provider>`).
    pub code: Option<SecretString>,
    /// OpenID Connect ID token (`oauth_token_<provider>`, `google_one_tap`).
    pub token: Option<SecretString>,
    pub oidc_login_hint: Option<String>,
    pub oidc_prompt: Option<String>,
    pub trusted_device_id: Option<String>,
}

impl CreateSignInParams {
    /// Identifier only: the answer lists `supported_first_factors` to choose from.
    pub fn identifier(identifier: impl Into<String>) -> Self {
        Self {
            identifier: Some(identifier.into()),
            ..Self::default()
        }
    }

    /// One-shot password sign-in.
    pub fn password(identifier: impl Into<String>, password: SecretString) -> Self {
        Self {
            strategy: Some(Strategy::Password),
            identifier: Some(identifier.into()),
            password: Some(password),
            ..Self::default()
        }
    }

    /// A strategy with an identifier (`email_code`, `phone_code`, `email_link`, `reset_password_*`).
    pub fn strategy_with_identifier(strategy: Strategy, identifier: impl Into<String>) -> Self {
        Self {
            strategy: Some(strategy),
            identifier: Some(identifier.into()),
            ..Self::default()
        }
    }

    /// A strategy on its own (`passkey`).
    pub fn strategy(strategy: Strategy) -> Self {
        Self {
            strategy: Some(strategy),
            ..Self::default()
        }
    }

    /// A browser-based strategy (`oauth_<provider>`, `saml`, `enterprise_sso`, `email_link`).
    pub fn redirect(
        strategy: Strategy,
        redirect_url: impl Into<String>,
        action_complete_redirect_url: Option<String>,
    ) -> Self {
        Self {
            strategy: Some(strategy),
            redirect_url: Some(redirect_url.into()),
            action_complete_redirect_url,
            ..Self::default()
        }
    }

    /// Sign-in token from an invitation or the Backend API.
    pub fn ticket(ticket: SecretString) -> Self {
        Self {
            strategy: Some(Strategy::Ticket),
            ticket: Some(ticket),
            ..Self::default()
        }
    }

    /// Turn a transferable sign-up (OAuth to an unknown account) into a sign-in.
    pub fn transfer() -> Self {
        Self {
            transfer: Some(true),
            ..Self::default()
        }
    }

    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .opt(
                "strategy",
                self.strategy.as_ref().map(|s| s.as_str()).as_deref(),
            )
            .opt("identifier", self.identifier.as_deref())
            .secret("password", self.password.as_ref())
            .secret("ticket", self.ticket.as_ref())
            .opt("redirect_url", self.redirect_url.as_deref())
            .opt(
                "action_complete_redirect_url",
                self.action_complete_redirect_url.as_deref(),
            )
            .opt_bool("transfer", self.transfer)
            .secret("code", self.code.as_ref())
            .secret("token", self.token.as_ref())
            .opt("oidc_login_hint", self.oidc_login_hint.as_deref())
            .opt("oidc_prompt", self.oidc_prompt.as_deref())
            .opt("trusted_device_id", self.trusted_device_id.as_deref())
    }
}

/// `POST /v1/client/sign_ins/{id}/prepare_first_factor`.
#[derive(Debug, Clone)]
pub struct PrepareFirstFactorParams {
    pub strategy: Strategy,
    pub email_address_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub web3_wallet_id: Option<String>,
    pub passkey_id: Option<String>,
    pub trusted_device_id: Option<String>,
    pub redirect_url: Option<String>,
    pub action_complete_redirect_url: Option<String>,
    /// `enterprise_sso`: which of the account's connections (clerk-js `SignInFuture.sso`
    /// sends `enterpriseConnectionId` with its prepare).
    pub enterprise_connection_id: Option<String>,
    pub oidc_login_hint: Option<String>,
    pub oidc_prompt: Option<String>,
}

impl PrepareFirstFactorParams {
    pub fn new(strategy: Strategy) -> Self {
        Self {
            strategy,
            email_address_id: None,
            phone_number_id: None,
            web3_wallet_id: None,
            passkey_id: None,
            trusted_device_id: None,
            redirect_url: None,
            action_complete_redirect_url: None,
            enterprise_connection_id: None,
            oidc_login_hint: None,
            oidc_prompt: None,
        }
    }

    /// Copies the ids a factor from `supported_first_factors` carries, which is what the
    /// prepare call needs for `email_code`, `phone_code`, `reset_password_*`, web3 and
    /// `enterprise_sso` (its connection).
    pub fn from_factor(factor: &Factor) -> Self {
        Self {
            email_address_id: factor.email_address_id.clone(),
            phone_number_id: factor.phone_number_id.clone(),
            web3_wallet_id: factor.web3_wallet_id.clone(),
            passkey_id: factor.passkey_id.clone(),
            enterprise_connection_id: factor.enterprise_connection_id.clone(),
            ..Self::new(factor.strategy.clone())
        }
    }

    pub fn email_code(email_address_id: impl Into<String>) -> Self {
        Self {
            email_address_id: Some(email_address_id.into()),
            ..Self::new(Strategy::EmailCode)
        }
    }

    pub fn phone_code(phone_number_id: impl Into<String>) -> Self {
        Self {
            phone_number_id: Some(phone_number_id.into()),
            ..Self::new(Strategy::PhoneCode)
        }
    }

    pub fn email_link(
        email_address_id: impl Into<String>,
        redirect_url: impl Into<String>,
    ) -> Self {
        Self {
            email_address_id: Some(email_address_id.into()),
            redirect_url: Some(redirect_url.into()),
            ..Self::new(Strategy::EmailLink)
        }
    }

    pub fn reset_password_email_code(email_address_id: impl Into<String>) -> Self {
        Self {
            email_address_id: Some(email_address_id.into()),
            ..Self::new(Strategy::ResetPasswordEmailCode)
        }
    }

    pub fn reset_password_phone_code(phone_number_id: impl Into<String>) -> Self {
        Self {
            phone_number_id: Some(phone_number_id.into()),
            ..Self::new(Strategy::ResetPasswordPhoneCode)
        }
    }

    /// `oauth_<provider>`, `saml`, `enterprise_sso`: the answer carries the URL to open.
    pub fn redirect(
        strategy: Strategy,
        redirect_url: impl Into<String>,
        action_complete_redirect_url: Option<String>,
    ) -> Self {
        Self {
            redirect_url: Some(redirect_url.into()),
            action_complete_redirect_url,
            ..Self::new(strategy)
        }
    }

    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .field("strategy", self.strategy.as_str())
            .opt("email_address_id", self.email_address_id.as_deref())
            .opt("phone_number_id", self.phone_number_id.as_deref())
            .opt("web3_wallet_id", self.web3_wallet_id.as_deref())
            .opt("passkey_id", self.passkey_id.as_deref())
            .opt("trusted_device_id", self.trusted_device_id.as_deref())
            .opt("redirect_url", self.redirect_url.as_deref())
            .opt(
                "action_complete_redirect_url",
                self.action_complete_redirect_url.as_deref(),
            )
            .opt(
                "enterprise_connection_id",
                self.enterprise_connection_id.as_deref(),
            )
            .opt("oidc_login_hint", self.oidc_login_hint.as_deref())
            .opt("oidc_prompt", self.oidc_prompt.as_deref())
    }
}

/// `POST /v1/client/sign_ins/{id}/attempt_first_factor`.
#[derive(Debug, Clone)]
pub struct AttemptFirstFactorParams {
    pub strategy: Strategy,
    pub code: Option<SecretString>,
    pub password: Option<SecretString>,
    /// web3 and `trusted_device` signatures.
    pub signature: Option<String>,
    /// Passkey assertion, JSON-encoded.
    pub public_key_credential: Option<String>,
    pub token: Option<SecretString>,
    pub trusted_device_id: Option<String>,
    pub client_data: Option<String>,
    /// `ES256` with `trusted_device`.
    pub algorithm: Option<String>,
}

impl AttemptFirstFactorParams {
    pub fn new(strategy: Strategy) -> Self {
        Self {
            strategy,
            code: None,
            password: None,
            signature: None,
            public_key_credential: None,
            token: None,
            trusted_device_id: None,
            client_data: None,
            algorithm: None,
        }
    }

    pub fn password(password: SecretString) -> Self {
        Self {
            password: Some(password),
            ..Self::new(Strategy::Password)
        }
    }

    /// A one-time code for `email_code`, `phone_code` or `reset_password_*_code`.
    pub fn code(strategy: Strategy, code: SecretString) -> Self {
        Self {
            code: Some(code),
            ..Self::new(strategy)
        }
    }

    pub fn email_code(code: SecretString) -> Self {
        Self::code(Strategy::EmailCode, code)
    }

    pub fn phone_code(code: SecretString) -> Self {
        Self::code(Strategy::PhoneCode, code)
    }

    pub fn passkey(public_key_credential: impl Into<String>) -> Self {
        Self {
            public_key_credential: Some(public_key_credential.into()),
            ..Self::new(Strategy::Passkey)
        }
    }

    /// `web3_<wallet>_signature`.
    pub fn web3(strategy: Strategy, signature: impl Into<String>) -> Self {
        Self {
            signature: Some(signature.into()),
            ..Self::new(strategy)
        }
    }

    pub fn google_one_tap(token: SecretString) -> Self {
        Self {
            token: Some(token),
            ..Self::new(Strategy::GoogleOneTap)
        }
    }

    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .field("strategy", self.strategy.as_str())
            .secret("code", self.code.as_ref())
            .secret("password", self.password.as_ref())
            .opt("signature", self.signature.as_deref())
            .opt(
                "public_key_credential",
                self.public_key_credential.as_deref(),
            )
            .secret("token", self.token.as_ref())
            .opt("trusted_device_id", self.trusted_device_id.as_deref())
            .opt("client_data", self.client_data.as_deref())
            .opt("algorithm", self.algorithm.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_passwords_and_codes() {
        let create =
            CreateSignInParams::password("jane@example.com", SecretString::from("hunter2!"));
        let attempt = AttemptFirstFactorParams::email_code(SecretString::from("424242"));
        let text = format!("{create:?} {attempt:?}");
        assert!(text.contains("jane@example.com"));
        assert!(
            !text.contains("hunter2!") && !text.contains("424242"),
            "{text}"
        );
    }

    #[test]
    fn from_factor_copies_the_ids_the_server_listed() {
        let factor: Factor = serde_json::from_value(serde_json::json!({
            "strategy": "reset_password_phone_code", "phone_number_id": "idn_p", "safe_identifier": "+1***0100"
        }))
        .unwrap();
        let params = PrepareFirstFactorParams::from_factor(&factor);
        assert_eq!(params.strategy, Strategy::ResetPasswordPhoneCode);
        assert_eq!(
            params.to_form().encode().as_str(),
            "strategy=reset_password_phone_code&phone_number_id=idn_p"
        );
    }
}
