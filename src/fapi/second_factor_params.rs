//! Typed parameters of the second-factor and password-reset calls of a sign-in (also used
//! for `needs_client_trust`). Codes and passwords stay `SecretString` until the form is built.

use secrecy::SecretString;

use super::form::Form;
use super::models::{Factor, Strategy};

/// `POST /v1/client/sign_ins/{id}/prepare_second_factor` (`phone_code`, `email_code`,
/// `email_link`; also used for `needs_client_trust`).
#[derive(Debug, Clone)]
pub struct PrepareSecondFactorParams {
    pub strategy: Strategy,
    pub phone_number_id: Option<String>,
    pub email_address_id: Option<String>,
    pub redirect_url: Option<String>,
}

impl PrepareSecondFactorParams {
    pub fn new(strategy: Strategy) -> Self {
        Self {
            strategy,
            phone_number_id: None,
            email_address_id: None,
            redirect_url: None,
        }
    }

    /// From a factor of `supported_second_factors`.
    pub fn from_factor(factor: &Factor) -> Self {
        Self {
            phone_number_id: factor.phone_number_id.clone(),
            email_address_id: factor.email_address_id.clone(),
            ..Self::new(factor.strategy.clone())
        }
    }

    /// Without an id Clerk picks the default second-factor phone number.
    pub fn phone_code(phone_number_id: Option<String>) -> Self {
        Self {
            phone_number_id,
            ..Self::new(Strategy::PhoneCode)
        }
    }

    pub fn email_code(email_address_id: Option<String>) -> Self {
        Self {
            email_address_id,
            ..Self::new(Strategy::EmailCode)
        }
    }

    pub fn email_link(email_address_id: Option<String>, redirect_url: impl Into<String>) -> Self {
        Self {
            email_address_id,
            redirect_url: Some(redirect_url.into()),
            ..Self::new(Strategy::EmailLink)
        }
    }

    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .field("strategy", self.strategy.as_str())
            .opt("phone_number_id", self.phone_number_id.as_deref())
            .opt("email_address_id", self.email_address_id.as_deref())
            .opt("redirect_url", self.redirect_url.as_deref())
    }
}

/// `POST /v1/client/sign_ins/{id}/attempt_second_factor` (`totp`, `phone_code`,
/// `email_code`, `backup_code`).
#[derive(Debug, Clone)]
pub struct AttemptSecondFactorParams {
    pub strategy: Strategy,
    pub code: SecretString,
}

impl AttemptSecondFactorParams {
    pub fn new(strategy: Strategy, code: SecretString) -> Self {
        Self { strategy, code }
    }
    pub fn totp(code: SecretString) -> Self {
        Self::new(Strategy::Totp, code)
    }
    pub fn phone_code(code: SecretString) -> Self {
        Self::new(Strategy::PhoneCode, code)
    }
    pub fn email_code(code: SecretString) -> Self {
        Self::new(Strategy::EmailCode, code)
    }
    pub fn backup_code(code: SecretString) -> Self {
        Self::new(Strategy::BackupCode, code)
    }

    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .field("strategy", self.strategy.as_str())
            .secret("code", Some(&self.code))
    }
}

/// `POST /v1/client/sign_ins/{id}/reset_password` (status `needs_new_password`).
#[derive(Debug, Clone)]
pub struct ResetPasswordParams {
    pub password: SecretString,
    pub sign_out_of_other_sessions: Option<bool>,
}

impl ResetPasswordParams {
    pub fn new(password: SecretString, sign_out_of_other_sessions: Option<bool>) -> Self {
        Self {
            password,
            sign_out_of_other_sessions,
        }
    }

    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .secret("password", Some(&self.password))
            .opt_bool(
                "sign_out_of_other_sessions",
                self.sign_out_of_other_sessions,
            )
    }
}
