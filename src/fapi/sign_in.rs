//! The sign-in endpoints (`/v1/client/sign_ins…`). Every answer is `{response: SignIn,
//! client}`; the piggy-backed client refreshes the cache before the sign-in is returned.

use reqwest::Method;

use super::client::{Call, FapiClient};
use super::error::FapiError;
use super::models::SignIn;
use super::params::{AttemptFirstFactorParams, CreateSignInParams, PrepareFirstFactorParams};
use super::response::{self, ClientUpdate, Reply};
use super::second_factor_params::{
    AttemptSecondFactorParams, PrepareSecondFactorParams, ResetPasswordParams,
};

impl FapiClient {
    /// `POST /v1/client/sign_ins`: starts (or replaces) the client's sign-in.
    pub async fn create_sign_in(&self, params: &CreateSignInParams) -> Result<SignIn, FapiError> {
        let call = Call::new(Method::POST, "/v1/client/sign_ins", Some(params.to_form()));
        self.sign_in_call(call).await
    }

    /// `GET /v1/client/sign_ins/{id}`: the current state (polling for an email link, or
    /// after a browser redirect with the `rotating_token_nonce` it returned).
    pub async fn get_sign_in(
        &self,
        sign_in_id: &str,
        rotating_token_nonce: Option<&str>,
    ) -> Result<SignIn, FapiError> {
        let call = Call::get(sign_in_path(sign_in_id, ""))
            .query("rotating_token_nonce", rotating_token_nonce);
        self.sign_in_call(call).await
    }

    /// Same as [`get_sign_in`](Self::get_sign_in) without a nonce: Clerk's `reload()`.
    pub async fn reload_sign_in(&self, sign_in_id: &str) -> Result<SignIn, FapiError> {
        self.get_sign_in(sign_in_id, None).await
    }

    /// `POST …/prepare_first_factor`: sends the code or link, or builds the OAuth URL.
    pub async fn prepare_first_factor(
        &self,
        sign_in_id: &str,
        params: &PrepareFirstFactorParams,
    ) -> Result<SignIn, FapiError> {
        self.sign_in_post(sign_in_id, "/prepare_first_factor", params.to_form())
            .await
    }

    /// `POST …/attempt_first_factor`: checks a password, code, passkey or signature.
    pub async fn attempt_first_factor(
        &self,
        sign_in_id: &str,
        params: &AttemptFirstFactorParams,
    ) -> Result<SignIn, FapiError> {
        self.sign_in_post(sign_in_id, "/attempt_first_factor", params.to_form())
            .await
    }

    /// `POST …/prepare_second_factor` (`needs_second_factor` or `needs_client_trust`).
    pub async fn prepare_second_factor(
        &self,
        sign_in_id: &str,
        params: &PrepareSecondFactorParams,
    ) -> Result<SignIn, FapiError> {
        self.sign_in_post(sign_in_id, "/prepare_second_factor", params.to_form())
            .await
    }

    /// `POST …/attempt_second_factor`.
    pub async fn attempt_second_factor(
        &self,
        sign_in_id: &str,
        params: &AttemptSecondFactorParams,
    ) -> Result<SignIn, FapiError> {
        self.sign_in_post(sign_in_id, "/attempt_second_factor", params.to_form())
            .await
    }

    /// `POST …/reset_password` (status `needs_new_password`).
    pub async fn reset_password(
        &self,
        sign_in_id: &str,
        params: &ResetPasswordParams,
    ) -> Result<SignIn, FapiError> {
        self.sign_in_post(sign_in_id, "/reset_password", params.to_form())
            .await
    }

    async fn sign_in_post(
        &self,
        sign_in_id: &str,
        action: &str,
        form: super::form::Form,
    ) -> Result<SignIn, FapiError> {
        let call = Call::new(Method::POST, sign_in_path(sign_in_id, action), Some(form));
        self.sign_in_call(call).await
    }

    async fn sign_in_call(&self, call: Call) -> Result<SignIn, FapiError> {
        let reply = self.execute(call).await?;
        self.apply_client_update(&reply)?;
        response::required_response(&reply, "sign-in")
    }

    /// Refreshes the cached client from an envelope's `client` / `meta.client`.
    pub(crate) fn apply_client_update(&self, reply: &Reply) -> Result<(), FapiError> {
        match response::client_update(reply)? {
            ClientUpdate::Keep => {}
            ClientUpdate::Replace(client) => self.set_cached_client(Some(*client)),
            ClientUpdate::Clear => self.set_cached_client(None),
        }
        Ok(())
    }
}

/// Ids go into the path: percent-encode anything that is not a plain id character so a
/// hostile id cannot change the path.
pub(crate) fn encode_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn sign_in_path(sign_in_id: &str, action: &str) -> String {
    format!("/v1/client/sign_ins/{}{action}", encode_segment(sign_in_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(
            sign_in_path("sia_123", "/reset_password"),
            "/v1/client/sign_ins/sia_123/reset_password"
        );
        assert_eq!(encode_segment("../me?x=1"), "..%2Fme%3Fx%3D1");
    }
}
