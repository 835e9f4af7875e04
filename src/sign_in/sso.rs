//! `signIn.sso(...)`: a sign-in finished in a browser (an OAuth provider, SAML, enterprise SSO),
//! and how a native client finishes it: the browser comes back to `redirect_url` with a
//! `rotating_token_nonce`, and reloading the sign-in with it hands this client the session.

use crate::fapi::{CreateSignInParams, PrepareFirstFactorParams, SignIn, Strategy};

use super::{SignInError, SignInFuture};

/// `signIn.sso({ strategy, redirectUrl, identifier, enterpriseConnectionId, oidcPrompt })`.
#[derive(Debug, Clone)]
pub struct SsoParams {
    /// `oauth_<provider>`, `oauth_custom_<name>`, `saml` or `enterprise_sso`.
    pub strategy: Strategy,
    /// Where the browser lands when the provider is done; the instance must allow it (a
    /// production instance passes the nonce only to an allowlisted native redirect URL).
    pub redirect_url: String,
    /// Where the browser goes once the sign-in has nothing left to do (clerk-js sends its
    /// `redirectUrl` here); `None` leaves it to the server.
    pub action_complete_redirect_url: Option<String>,
    /// Enterprise SSO picks the connection from the email address.
    pub identifier: Option<String>,
    pub enterprise_connection_id: Option<String>,
    pub oidc_prompt: Option<String>,
}

impl SsoParams {
    pub fn new(strategy: Strategy, redirect_url: impl Into<String>) -> Self {
        Self {
            strategy,
            redirect_url: redirect_url.into(),
            action_complete_redirect_url: None,
            identifier: None,
            enterprise_connection_id: None,
            oidc_prompt: None,
        }
    }
}

impl SignInFuture {
    /// `signIn.sso(params)` as clerk-js's `SignInFuture.sso` sends it: `POST /v1/client/sign_ins`
    /// with `strategy`, `redirect_url`, `action_complete_redirect_url` and `identifier`, and for
    /// `enterprise_sso` also `POST …/prepare_first_factor` with the same redirects,
    /// `enterprise_connection_id` and `oidc_prompt`. Where clerk-js then navigates the window,
    /// this returns the sign-in: open [`external_verification_url`](Self::external_verification_url)
    /// in a browser and bring the nonce back to [`reload`](Self::reload).
    pub async fn sso(&mut self, params: &SsoParams) -> Result<&SignIn, SignInError> {
        let create = CreateSignInParams {
            identifier: params.identifier.clone(),
            ..CreateSignInParams::redirect(
                params.strategy.clone(),
                params.redirect_url.clone(),
                params.action_complete_redirect_url.clone(),
            )
        };
        self.create(&create).await?;
        if params.strategy == Strategy::EnterpriseSso {
            let prepare = PrepareFirstFactorParams {
                enterprise_connection_id: params.enterprise_connection_id.clone(),
                oidc_prompt: params.oidc_prompt.clone(),
                ..PrepareFirstFactorParams::redirect(
                    Strategy::EnterpriseSso,
                    params.redirect_url.clone(),
                    params.action_complete_redirect_url.clone(),
                )
            };
            self.prepare_first_factor(&prepare).await?;
        }
        Ok(&self.resource)
    }

    /// The provider's page the browser must open (`first_factor_verification
    /// .external_verification_redirect_url`), while the hand-off waits for it.
    pub fn external_verification_url(&self) -> Option<&str> {
        self.resource
            .first_factor_verification
            .as_ref()
            .and_then(|v| v.external_verification_redirect_url.as_deref())
            .filter(|u| !u.is_empty())
    }

    /// `signIn.reload({ rotatingTokenNonce })`: `GET /v1/client/sign_ins/{id}`, with
    /// `rotating_token_nonce` when the browser brought one back. With the nonce the answer's
    /// `Authorization` header is this client's new token, holding the new session (clerk-js
    /// `utils/authenticateWithTransport.ts`, Android `sso/SSOService.kt` `handleSignIn`); the
    /// client adopts it as it adopts every rotation. Without it this is the plain reload that
    /// polling uses, which never finishes a browser sign-in.
    pub async fn reload(
        &mut self,
        rotating_token_nonce: Option<&str>,
    ) -> Result<&SignIn, SignInError> {
        let id = self.require_id()?;
        let answer = self.client.get_sign_in(&id, rotating_token_nonce).await;
        self.keep(answer)
    }

    /// `signIn.isTransferable`: the provider's account belongs to no user, so the sign-in cannot
    /// finish; a sign-up with `transfer=true` could take it over.
    pub fn is_transferable(&self) -> bool {
        self.resource.is_transferable()
    }
}
