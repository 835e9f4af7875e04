//! The first-factor code methods of `SignInFuture`: `emailCode`, `phoneCode`,
//! `resetPasswordEmailCode` and `resetPasswordPhoneCode`, each a `sendCode` (prepare) and a
//! `verifyCode` (attempt), plus the reset's `submitPassword`.

use secrecy::SecretString;

use crate::fapi::{
    AttemptFirstFactorParams, CreateSignInParams, PrepareFirstFactorParams, ResetPasswordParams,
    SignIn, Strategy,
};

use super::{SignInError, SignInFuture};

/// `signIn.emailCode.sendCode({ emailAddress } | { emailAddressId })`.
#[derive(Debug, Clone, Default)]
pub struct EmailCodeSendParams {
    /// Creates the sign-in for this address first (needed when there is none yet).
    pub email_address: Option<String>,
    /// Which of the user's addresses gets the code, among `supported_first_factors`.
    pub email_address_id: Option<String>,
}

impl EmailCodeSendParams {
    pub fn email_address(email_address: impl Into<String>) -> Self {
        Self {
            email_address: Some(email_address.into()),
            email_address_id: None,
        }
    }
}

/// `signIn.phoneCode.sendCode({ phoneNumber } | { phoneNumberId })`. Clerk's `channel`
/// (`sms`, `whatsapp`) is not in the Frontend API's OpenAPI description and is left to the
/// server's default, SMS.
#[derive(Debug, Clone, Default)]
pub struct PhoneCodeSendParams {
    /// Creates the sign-in for this number first (needed when there is none yet).
    pub phone_number: Option<String>,
    pub phone_number_id: Option<String>,
}

impl PhoneCodeSendParams {
    pub fn phone_number(phone_number: impl Into<String>) -> Self {
        Self {
            phone_number: Some(phone_number.into()),
            phone_number_id: None,
        }
    }
}

/// `signIn.emailCode`.
pub struct EmailCode<'a>(pub(super) &'a mut SignInFuture);

/// `signIn.phoneCode`.
pub struct PhoneCode<'a>(pub(super) &'a mut SignInFuture);

/// `signIn.resetPasswordEmailCode`.
pub struct ResetPasswordEmailCode<'a>(pub(super) &'a mut SignInFuture);

/// `signIn.resetPasswordPhoneCode`.
pub struct ResetPasswordPhoneCode<'a>(pub(super) &'a mut SignInFuture);

impl<'a> EmailCode<'a> {
    /// `signIn.emailCode.sendCode()`: with `email_address`, first `POST /v1/client/sign_ins`
    /// (`identifier`); then `POST …/prepare_first_factor` (`strategy=email_code`,
    /// `email_address_id`), which emails a code.
    pub async fn send_code(self, params: EmailCodeSendParams) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        start_with_identifier(
            future,
            params.email_address,
            params.email_address_id.is_some(),
        )
        .await?;
        let factor = future.select_first_factor(
            &Strategy::EmailCode,
            params.email_address_id.as_deref(),
            None,
        )?;
        prepare(future, PrepareFirstFactorParams::from_factor(&factor)).await
    }

    /// `signIn.emailCode.verifyCode({ code })`: `POST …/attempt_first_factor`
    /// (`strategy=email_code`, `code`).
    pub async fn verify_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        attempt(self.0, AttemptFirstFactorParams::email_code(code)).await
    }
}

impl<'a> PhoneCode<'a> {
    /// `signIn.phoneCode.sendCode()`: with `phone_number`, first `POST /v1/client/sign_ins`
    /// (`identifier`); then `POST …/prepare_first_factor` (`strategy=phone_code`,
    /// `phone_number_id`), which texts a code.
    pub async fn send_code(self, params: PhoneCodeSendParams) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        start_with_identifier(
            future,
            params.phone_number,
            params.phone_number_id.is_some(),
        )
        .await?;
        let factor = future.select_first_factor(
            &Strategy::PhoneCode,
            None,
            params.phone_number_id.as_deref(),
        )?;
        prepare(future, PrepareFirstFactorParams::from_factor(&factor)).await
    }

    /// `signIn.phoneCode.verifyCode({ code })`: `POST …/attempt_first_factor`
    /// (`strategy=phone_code`, `code`).
    pub async fn verify_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        attempt(self.0, AttemptFirstFactorParams::phone_code(code)).await
    }
}

impl<'a> ResetPasswordEmailCode<'a> {
    /// `signIn.resetPasswordEmailCode.sendCode()`: `POST …/prepare_first_factor`
    /// (`strategy=reset_password_email_code`, `email_address_id`). Needs a sign-in.
    pub async fn send_code(self) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        future.require_id()?;
        let factor = future.select_first_factor(&Strategy::ResetPasswordEmailCode, None, None)?;
        prepare(future, PrepareFirstFactorParams::from_factor(&factor)).await
    }

    /// `signIn.resetPasswordEmailCode.verifyCode({ code })`: `POST …/attempt_first_factor`
    /// (`strategy=reset_password_email_code`, `code`); the status becomes
    /// `needs_new_password`.
    pub async fn verify_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        let params = AttemptFirstFactorParams::code(Strategy::ResetPasswordEmailCode, code);
        attempt(self.0, params).await
    }

    /// `signIn.resetPasswordEmailCode.submitPassword({ password, signOutOfOtherSessions })`:
    /// `POST …/reset_password` (`password`, `sign_out_of_other_sessions`; clerk-js defaults the
    /// latter to `true`). The status becomes `complete`, or a second factor is still due.
    pub async fn submit_password(
        self,
        password: SecretString,
        sign_out_of_other_sessions: bool,
    ) -> Result<&'a SignIn, SignInError> {
        submit_password(self.0, password, sign_out_of_other_sessions).await
    }
}

impl<'a> ResetPasswordPhoneCode<'a> {
    /// `signIn.resetPasswordPhoneCode.sendCode({ phoneNumber })`: with `phone_number`, first
    /// `POST /v1/client/sign_ins` (`identifier`); then `POST …/prepare_first_factor`
    /// (`strategy=reset_password_phone_code`, `phone_number_id`).
    pub async fn send_code(self, phone_number: Option<String>) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        start_with_identifier(future, phone_number, false).await?;
        let factor = future.select_first_factor(&Strategy::ResetPasswordPhoneCode, None, None)?;
        prepare(future, PrepareFirstFactorParams::from_factor(&factor)).await
    }

    /// `signIn.resetPasswordPhoneCode.verifyCode({ code })`: `POST …/attempt_first_factor`
    /// (`strategy=reset_password_phone_code`, `code`).
    pub async fn verify_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        let params = AttemptFirstFactorParams::code(Strategy::ResetPasswordPhoneCode, code);
        attempt(self.0, params).await
    }

    /// `signIn.resetPasswordPhoneCode.submitPassword({ password, signOutOfOtherSessions })`:
    /// the same `POST …/reset_password` as the email-code reset's.
    pub async fn submit_password(
        self,
        password: SecretString,
        sign_out_of_other_sessions: bool,
    ) -> Result<&'a SignIn, SignInError> {
        submit_password(self.0, password, sign_out_of_other_sessions).await
    }
}

/// Both reset namespaces share clerk-js's one `submitResetPassword`.
async fn submit_password(
    future: &mut SignInFuture,
    password: SecretString,
    sign_out_of_other_sessions: bool,
) -> Result<&SignIn, SignInError> {
    let id = future.require_id()?;
    let params = ResetPasswordParams::new(password, Some(sign_out_of_other_sessions));
    let answer = future.client.reset_password(&id, &params).await;
    future.keep(answer)
}

/// The `sendCode` preamble of clerk-js: an identifier given means a new sign-in for it; without
/// one there must already be a sign-in (and an id of an address belongs to an existing one).
pub(super) async fn start_with_identifier(
    future: &mut SignInFuture,
    identifier: Option<String>,
    names_an_id: bool,
) -> Result<(), SignInError> {
    match identifier {
        Some(identifier) if !names_an_id || future.id().is_some() => {
            future
                .create(&CreateSignInParams::identifier(identifier))
                .await?;
            Ok(())
        }
        Some(_) => Err(SignInError::NoSignIn),
        None => future.require_id().map(drop),
    }
}

async fn prepare(
    future: &mut SignInFuture,
    params: PrepareFirstFactorParams,
) -> Result<&SignIn, SignInError> {
    let id = future.require_id()?;
    let answer = future.client.prepare_first_factor(&id, &params).await;
    future.keep(answer)
}

async fn attempt(
    future: &mut SignInFuture,
    params: AttemptFirstFactorParams,
) -> Result<&SignIn, SignInError> {
    let id = future.require_id()?;
    let answer = future.client.attempt_first_factor(&id, &params).await;
    future.keep(answer)
}
