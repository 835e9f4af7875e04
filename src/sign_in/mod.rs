//! `SignInFuture`: the Rust twin of clerk-js's `SignInFuture` (Clerk's recommended sign-in
//! surface), over [`FapiClient`]. One value holds the client and the current `SignIn`; each
//! method makes the Frontend API request Clerk's method of the same name makes and keeps the
//! answer. `docs/SIGN_IN_API.md` maps every method to Clerk's and to its request.

mod email_link;
mod error;
mod first_factor;
mod mfa;
mod sso;

use secrecy::SecretString;

use crate::fapi::{
    AttemptFirstFactorParams, AttemptSecondFactorParams, CreateSignInParams, Factor, FapiClient,
    FapiError, PrepareFirstFactorParams, PrepareSecondFactorParams, Session, SignIn, SignInStatus,
    Strategy, Token, TouchSessionParams, UserData, Verification,
};

pub use email_link::{EmailLink, EmailLinkSendParams, PollOptions};
pub use error::SignInError;
pub use first_factor::{
    EmailCode, EmailCodeSendParams, PhoneCode, PhoneCodeSendParams, ResetPasswordEmailCode,
    ResetPasswordPhoneCode,
};
pub use mfa::Mfa;
pub use sso::SsoParams;

/// The client's sign-in in progress and the methods that move it on.
///
/// Methods take `&mut self`: a sign-in is one sequence of steps, and each answer replaces the
/// `SignIn` the next step starts from. On an error the `SignIn` stays as it was.
#[derive(Debug, Clone)]
pub struct SignInFuture {
    client: FapiClient,
    resource: SignIn,
}

/// `signIn.password({ identifier, password })`.
#[derive(Debug, Clone)]
pub struct PasswordParams {
    /// An email address, phone number or username; `None` reuses the sign-in's identifier
    /// (clerk-js falls back to the previous identifier the same way). Clerk's `emailAddress` and
    /// `phoneNumber` variants send this same field.
    pub identifier: Option<String>,
    pub password: SecretString,
}

impl PasswordParams {
    pub fn new(identifier: impl Into<String>, password: SecretString) -> Self {
        Self {
            identifier: Some(identifier.into()),
            password,
        }
    }
}

/// `signIn.existingSession`: a session of this client that already holds the identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingSession {
    pub session_id: String,
}

/// What `finalize()` leaves behind: the session, now the client's active one, and a fresh
/// session token for it.
#[derive(Debug, Clone)]
pub struct Finalized {
    pub session: Session,
    pub token: Token,
}

impl SignInFuture {
    /// No sign-in yet: start with [`create`](Self::create), [`password`](Self::password) or a
    /// `send_code` that carries the identifier.
    pub fn new(client: FapiClient) -> Self {
        Self::from_sign_in(client, SignIn::default())
    }

    /// Continue a sign-in already under way (e.g. the one the app last received).
    pub fn from_sign_in(client: FapiClient, sign_in: SignIn) -> Self {
        Self {
            client,
            resource: sign_in,
        }
    }

    /// Continue the sign-in the client's last known `Client` holds (`client.signIn` in clerk-js);
    /// a fresh one when there is none.
    pub fn from_client(client: FapiClient) -> Self {
        let sign_in = client
            .cached_client()
            .and_then(|c| c.sign_in)
            .unwrap_or_default();
        Self::from_sign_in(client, sign_in)
    }

    pub fn client(&self) -> &FapiClient {
        &self.client
    }

    /// The whole `SignIn` as the server last sent it.
    pub fn resource(&self) -> &SignIn {
        &self.resource
    }

    pub fn into_resource(self) -> SignIn {
        self.resource
    }

    /// `signIn.id`: `None` until a sign-in is created.
    pub fn id(&self) -> Option<&str> {
        Some(self.resource.id.as_str()).filter(|id| !id.is_empty())
    }

    /// `signIn.status`: `needs_identifier` before a sign-in exists, as in clerk-js.
    pub fn status(&self) -> SignInStatus {
        if self.id().is_none() {
            return SignInStatus::NeedsIdentifier;
        }
        self.resource.status.clone()
    }

    pub fn identifier(&self) -> Option<&str> {
        self.resource.identifier.as_deref()
    }

    /// `signIn.createdSessionId`: set once the status is `complete`.
    pub fn created_session_id(&self) -> Option<&str> {
        self.resource.created_session_id.as_deref()
    }

    pub fn user_data(&self) -> Option<&UserData> {
        self.resource.user_data.as_ref()
    }

    pub fn supported_first_factors(&self) -> &[Factor] {
        &self.resource.supported_first_factors
    }

    pub fn supported_second_factors(&self) -> &[Factor] {
        &self.resource.supported_second_factors
    }

    pub fn first_factor_verification(&self) -> Option<&Verification> {
        self.resource.first_factor_verification.as_ref()
    }

    pub fn second_factor_verification(&self) -> Option<&Verification> {
        self.resource.second_factor_verification.as_ref()
    }

    /// `signIn.clientTrustState` (`new`, `known`, `pending`). Clerk has no separate method for
    /// client trust: status `needs_client_trust` is met with [`mfa`](Self::mfa)'s
    /// `send_email_code`/`verify_email_code` (or the phone pair), which this API mirrors.
    pub fn client_trust_state(&self) -> Option<&str> {
        self.resource.client_trust_state.as_deref()
    }

    /// `signIn.create(params)`: `POST /v1/client/sign_ins`. Starts (or replaces) the client's
    /// sign-in; prefer the factor methods, as Clerk's docs do.
    pub async fn create(&mut self, params: &CreateSignInParams) -> Result<&SignIn, SignInError> {
        let answer = self.client.create_sign_in(params).await;
        self.keep(answer)
    }

    /// `signIn.password({ identifier, password })`: `POST /v1/client/sign_ins` with
    /// `identifier` and `password` (no `strategy`, as clerk-js sends it). One request signs in,
    /// or leaves a second factor or client trust to do.
    pub async fn password(&mut self, params: PasswordParams) -> Result<&SignIn, SignInError> {
        let create = CreateSignInParams {
            identifier: params
                .identifier
                .or_else(|| self.resource.identifier.clone()),
            password: Some(params.password),
            ..CreateSignInParams::default()
        };
        self.create(&create).await
    }

    /// `signIn.ticket({ ticket })`: `POST /v1/client/sign_ins` with `strategy=ticket` and the
    /// sign-in token an administrator made with the Backend API (`sign_in_tokens`) or an
    /// invitation carried (clerk-js `SignIn.ts`, `ticket()` sends `create({ strategy: 'ticket',
    /// ticket })`). A valid ticket usually completes the sign-in in this one request.
    pub async fn ticket(&mut self, ticket: SecretString) -> Result<&SignIn, SignInError> {
        self.create(&CreateSignInParams::ticket(ticket)).await
    }

    /// `signIn.existingSession`: the session this client already holds for the identifier, when
    /// the first factor failed with `identifier_already_signed_in` and named it in
    /// `meta.session_id` (clerk-js `SignIn.ts`, `get existingSession()`). Switch to it rather
    /// than sign in again.
    pub fn existing_session(&self) -> Option<ExistingSession> {
        let session_id = self.resource.existing_session_id()?.to_owned();
        Some(ExistingSession { session_id })
    }

    /// `signIn.prepareFirstFactor(params)` of clerk-js's `SignIn` resource: the request the
    /// `send_code`/`send_link` methods end in, for a caller that already chose the factor.
    pub async fn prepare_first_factor(
        &mut self,
        params: &PrepareFirstFactorParams,
    ) -> Result<&SignIn, SignInError> {
        let id = self.require_id()?;
        let answer = self.client.prepare_first_factor(&id, params).await;
        self.keep(answer)
    }

    /// `signIn.attemptFirstFactor(params)`: `POST …/attempt_first_factor` on this sign-in,
    /// e.g. a password for a sign-in that exists (where [`password`](Self::password) starts
    /// a new one).
    pub async fn attempt_first_factor(
        &mut self,
        params: &AttemptFirstFactorParams,
    ) -> Result<&SignIn, SignInError> {
        let id = self.require_id()?;
        let answer = self.client.attempt_first_factor(&id, params).await;
        self.keep(answer)
    }

    /// `signIn.prepareSecondFactor(params)`, for a caller that already chose the factor.
    pub async fn prepare_second_factor(
        &mut self,
        params: &PrepareSecondFactorParams,
    ) -> Result<&SignIn, SignInError> {
        let id = self.require_id()?;
        let answer = self.client.prepare_second_factor(&id, params).await;
        self.keep(answer)
    }

    /// `signIn.attemptSecondFactor(params)`: `POST …/attempt_second_factor`.
    pub async fn attempt_second_factor(
        &mut self,
        params: &AttemptSecondFactorParams,
    ) -> Result<&SignIn, SignInError> {
        let id = self.require_id()?;
        let answer = self.client.attempt_second_factor(&id, params).await;
        self.keep(answer)
    }

    /// `signIn.emailCode`: sign in with a one-time code sent by email.
    pub fn email_code(&mut self) -> EmailCode<'_> {
        EmailCode(self)
    }

    /// `signIn.phoneCode`: sign in with a one-time code sent by SMS.
    pub fn phone_code(&mut self) -> PhoneCode<'_> {
        PhoneCode(self)
    }

    /// `signIn.emailLink`: sign in by opening a link sent by email.
    pub fn email_link(&mut self) -> EmailLink<'_> {
        EmailLink(self)
    }

    /// `signIn.resetPasswordEmailCode`: a forgotten password, reset with an emailed code.
    pub fn reset_password_email_code(&mut self) -> ResetPasswordEmailCode<'_> {
        ResetPasswordEmailCode(self)
    }

    /// `signIn.resetPasswordPhoneCode`: a forgotten password, reset with a code by SMS.
    pub fn reset_password_phone_code(&mut self) -> ResetPasswordPhoneCode<'_> {
        ResetPasswordPhoneCode(self)
    }

    /// `signIn.mfa`: the second factor (`needs_second_factor`), also used for client trust
    /// (`needs_client_trust`).
    pub fn mfa(&mut self) -> Mfa<'_> {
        Mfa(self)
    }

    /// `signIn.finalize()`: makes the created session the active one, as clerk-js's
    /// `setActive({ session })` does for a native client: reload the client when it does not
    /// hold the session yet (`GET /v1/client`), `POST /v1/client/sessions/{id}/touch` with
    /// `intent=select_session`, then mint a session token (`POST …/tokens`, `getToken()`).
    /// Later `/v1/me` calls of this client act for that session.
    pub async fn finalize(&mut self) -> Result<Finalized, SignInError> {
        let session_id = self
            .created_session_id()
            .ok_or(SignInError::NoCreatedSession)?
            .to_owned();
        let held = self
            .client
            .cached_client()
            .is_some_and(|c| c.session(&session_id).is_some());
        if !held {
            self.client.get_client().await?;
        }
        let touch = TouchSessionParams {
            intent: Some("select_session".to_owned()),
            ..TouchSessionParams::default()
        };
        let session = self.client.touch_session(&session_id, &touch).await?;
        self.client.set_active_session_id(Some(session_id.clone()));
        let token = self.client.create_session_token(&session_id, None).await?;
        Ok(Finalized { session, token })
    }

    /// `signIn.reset()`: forgets the sign-in locally (clerk-js `client.resetSignIn()`), with no
    /// request; the next step starts a new one. The server's copy is abandoned in time.
    pub fn reset(&mut self) {
        self.resource = SignIn::default();
        if let Some(mut client) = self.client.cached_client() {
            client.sign_in = None;
            self.client.set_cached_client(Some(client));
        }
    }

    /// The sign-in's id for a request that needs one.
    fn require_id(&self) -> Result<String, SignInError> {
        self.id().map(str::to_owned).ok_or(SignInError::NoSignIn)
    }

    /// Keeps a successful answer as the current sign-in.
    fn keep(&mut self, answer: Result<SignIn, FapiError>) -> Result<&SignIn, SignInError> {
        self.resource = answer?;
        Ok(&self.resource)
    }

    /// clerk-js `selectFirstFactor`: the factor with the given id, else the one for the sign-in's
    /// identifier, else any factor of the strategy.
    fn select_first_factor(
        &self,
        strategy: &Strategy,
        email_address_id: Option<&str>,
        phone_number_id: Option<&str>,
    ) -> Result<Factor, SignInError> {
        let offered = || {
            self.resource
                .supported_first_factors
                .iter()
                .filter(move |f| &f.strategy == strategy)
        };
        let by_id = offered().find(|f| {
            (email_address_id.is_some() && f.email_address_id.as_deref() == email_address_id)
                || (phone_number_id.is_some() && f.phone_number_id.as_deref() == phone_number_id)
        });
        let for_identifier = || {
            offered().find(|f| {
                f.safe_identifier.is_some() && f.safe_identifier == self.resource.identifier
            })
        };
        by_id
            .or_else(for_identifier)
            .or_else(|| self.resource.first_factor(strategy))
            .cloned()
            .ok_or_else(|| SignInError::FactorNotFound {
                strategy: strategy.clone(),
            })
    }

    /// clerk-js `mfa.*`: the first offered second factor of the strategy.
    fn select_second_factor(&self, strategy: &Strategy) -> Result<Factor, SignInError> {
        self.resource
            .supported_second_factors
            .iter()
            .find(|f| &f.strategy == strategy)
            .cloned()
            .ok_or_else(|| SignInError::FactorNotFound {
                strategy: strategy.clone(),
            })
    }
}

#[cfg(test)]
mod tests;
