//! `signIn.mfa`: the second factor of `SignInFuture`. Used for `needs_second_factor` and, as
//! in Clerk, for `needs_client_trust` (a new device proves itself with an emailed or texted code).

use secrecy::SecretString;

use crate::fapi::{AttemptSecondFactorParams, PrepareSecondFactorParams, SignIn, Strategy};

use super::{SignInError, SignInFuture};

/// `signIn.mfa`.
pub struct Mfa<'a>(pub(super) &'a mut SignInFuture);

impl<'a> Mfa<'a> {
    /// `signIn.mfa.sendPhoneCode()`: `POST …/prepare_second_factor` (`strategy=phone_code`,
    /// `phone_number_id` of the offered second factor), which texts a code.
    pub async fn send_phone_code(self) -> Result<&'a SignIn, SignInError> {
        self.send(Strategy::PhoneCode).await
    }

    /// `signIn.mfa.verifyPhoneCode({ code })`: `POST …/attempt_second_factor`
    /// (`strategy=phone_code`, `code`).
    pub async fn verify_phone_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        self.verify(AttemptSecondFactorParams::phone_code(code))
            .await
    }

    /// `signIn.mfa.sendEmailCode()`: `POST …/prepare_second_factor` (`strategy=email_code`,
    /// `email_address_id` of the offered second factor), which emails a code.
    pub async fn send_email_code(self) -> Result<&'a SignIn, SignInError> {
        self.send(Strategy::EmailCode).await
    }

    /// `signIn.mfa.verifyEmailCode({ code })`: `POST …/attempt_second_factor`
    /// (`strategy=email_code`, `code`).
    pub async fn verify_email_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        self.verify(AttemptSecondFactorParams::email_code(code))
            .await
    }

    /// `signIn.mfa.verifyTOTP({ code })`: `POST …/attempt_second_factor` (`strategy=totp`,
    /// `code` from the authenticator app). Nothing to send first.
    pub async fn verify_totp(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        self.verify(AttemptSecondFactorParams::totp(code)).await
    }

    /// `signIn.mfa.verifyBackupCode({ code })`: `POST …/attempt_second_factor`
    /// (`strategy=backup_code`, `code`); each backup code works once.
    pub async fn verify_backup_code(self, code: SecretString) -> Result<&'a SignIn, SignInError> {
        self.verify(AttemptSecondFactorParams::backup_code(code))
            .await
    }

    async fn send(self, strategy: Strategy) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        let id = future.require_id()?;
        let factor = future.select_second_factor(&strategy)?;
        let params = PrepareSecondFactorParams::from_factor(&factor);
        let answer = future.client.prepare_second_factor(&id, &params).await;
        future.keep(answer)
    }

    async fn verify(self, params: AttemptSecondFactorParams) -> Result<&'a SignIn, SignInError> {
        let future = self.0;
        let id = future.require_id()?;
        let answer = future.client.attempt_second_factor(&id, &params).await;
        future.keep(answer)
    }
}
