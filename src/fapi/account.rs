//! The client, environment, session and `/v1/me` endpoints: what surrounds a sign-in
//! (starting, signing out, minting session tokens, enrolling TOTP and backup codes).

use reqwest::Method;

use super::client::{Call, FapiClient};
use super::error::FapiError;
use super::form::Form;
use super::models::{BackupCodes, Client, DeletedObject, Environment, Session, Token, Totp, User};
use super::response;
use super::sign_in::encode_segment;

/// How to ask Clerk for a new client: clerk-js uses PUT, other SDKs POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreateClientMethod {
    #[default]
    Put,
    Post,
}

impl FapiClient {
    /// `GET /v1/environment`: the instance's settings (a bare object, no envelope).
    pub async fn environment(&self) -> Result<Environment, FapiError> {
        let reply = self.execute(Call::get("/v1/environment")).await?;
        response::bare(&reply, "environment")
    }

    /// `GET /v1/client`: `None` when this device has no client yet.
    pub async fn get_client(&self) -> Result<Option<Client>, FapiError> {
        self.client_call(Call::get("/v1/client")).await
    }

    /// `PUT` or `POST /v1/client`: a fresh client (and client token).
    pub async fn create_client(&self, method: CreateClientMethod) -> Result<Client, FapiError> {
        let method = match method {
            CreateClientMethod::Put => Method::PUT,
            CreateClientMethod::Post => Method::POST,
        };
        let reply = self
            .execute(Call::new(method, "/v1/client", Some(Form::new())))
            .await?;
        let client: Client = response::required_response(&reply, "client")?;
        self.set_cached_client(Some(client.clone()));
        Ok(client)
    }

    /// `DELETE /v1/client`: ends every session of this client (sign out everywhere here).
    pub async fn destroy_client(&self) -> Result<Option<Client>, FapiError> {
        self.client_call(Call::new(Method::DELETE, "/v1/client", Some(Form::new())))
            .await
    }

    /// `DELETE /v1/client/sessions`: removes all sessions but keeps the client.
    pub async fn remove_client_sessions(&self) -> Result<Option<Client>, FapiError> {
        let call = Call::new(Method::DELETE, "/v1/client/sessions", Some(Form::new()));
        self.client_call(call).await
    }

    /// For `/v1/client` the client is the `response` itself; `null` means there is none.
    async fn client_call(&self, call: Call) -> Result<Option<Client>, FapiError> {
        let reply = self.execute(call).await?;
        let client: Option<Client> = response::envelope_response(&reply, "client")?;
        self.set_cached_client(client.clone());
        Ok(client)
    }

    /// `GET /v1/client/sessions/{id}`.
    pub async fn get_session(&self, session_id: &str) -> Result<Session, FapiError> {
        self.session_call(Call::get(session_path(session_id, "")))
            .await
    }

    /// `POST …/touch`: makes the session the active one.
    pub async fn touch_session(
        &self,
        session_id: &str,
        params: &TouchSessionParams,
    ) -> Result<Session, FapiError> {
        let call = Call::new(
            Method::POST,
            session_path(session_id, "/touch"),
            Some(params.to_form()),
        );
        self.session_call(call).await
    }

    /// `POST …/end`: signs this session out (status `ended`).
    pub async fn end_session(&self, session_id: &str) -> Result<Session, FapiError> {
        let call = Call::new(
            Method::POST,
            session_path(session_id, "/end"),
            Some(Form::new()),
        );
        self.session_call(call).await
    }

    /// `POST …/remove`: removes the session from the client (status `removed`).
    pub async fn remove_session(&self, session_id: &str) -> Result<Session, FapiError> {
        let call = Call::new(
            Method::POST,
            session_path(session_id, "/remove"),
            Some(Form::new()),
        );
        self.session_call(call).await
    }

    async fn session_call(&self, call: Call) -> Result<Session, FapiError> {
        let reply = self.execute(call).await?;
        self.apply_client_update(&reply)?;
        response::required_response(&reply, "session")
    }

    /// `POST …/tokens`: a short-lived session JWT (bare `{object:"token", jwt}`).
    /// `organization_id`: `None` = last active organization, `Some("")` = personal account.
    pub async fn create_session_token(
        &self,
        session_id: &str,
        organization_id: Option<&str>,
    ) -> Result<Token, FapiError> {
        let form = Form::new().opt("organization_id", organization_id);
        let call = Call::new(
            Method::POST,
            session_path(session_id, "/tokens"),
            Some(form),
        );
        let reply = self.execute(call).await?;
        session_token(&reply)
    }

    /// `POST …/tokens/{template}`: a session JWT shaped by a JWT template.
    pub async fn create_session_token_with_template(
        &self,
        session_id: &str,
        template: &str,
    ) -> Result<Token, FapiError> {
        let path = session_path(session_id, &format!("/tokens/{}", encode_segment(template)));
        let reply = self
            .execute(Call::new(Method::POST, path, Some(Form::new())))
            .await?;
        session_token(&reply)
    }

    /// `GET /v1/me`: the signed-in user.
    pub async fn get_me(&self) -> Result<User, FapiError> {
        self.me_call(Method::GET, "/v1/me", None, "user").await
    }

    /// `POST /v1/me/totp`: a new TOTP secret and `otpauth://` URI, not yet verified.
    pub async fn create_totp(&self) -> Result<Totp, FapiError> {
        self.me_call(Method::POST, "/v1/me/totp", Some(Form::new()), "TOTP")
            .await
    }

    /// `POST /v1/me/totp/attempt_verification`: confirms enrollment with a code from the app.
    pub async fn attempt_totp_verification(
        &self,
        code: &secrecy::SecretString,
    ) -> Result<Totp, FapiError> {
        let form = Form::new().secret("code", Some(code));
        self.me_call(
            Method::POST,
            "/v1/me/totp/attempt_verification",
            Some(form),
            "TOTP",
        )
        .await
    }

    /// `DELETE /v1/me/totp`.
    pub async fn delete_totp(&self) -> Result<DeletedObject, FapiError> {
        self.me_call(
            Method::DELETE,
            "/v1/me/totp",
            Some(Form::new()),
            "deleted object",
        )
        .await
    }

    /// `POST /v1/me/backup_codes`: a new set of backup codes (replaces the old set).
    pub async fn create_backup_codes(&self) -> Result<BackupCodes, FapiError> {
        self.me_call(
            Method::POST,
            "/v1/me/backup_codes",
            Some(Form::new()),
            "backup codes",
        )
        .await
    }

    async fn me_call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        form: Option<Form>,
        what: &str,
    ) -> Result<T, FapiError> {
        let session_id = self.active_session_id();
        let call = Call::new(method, path, form).query("_clerk_session_id", session_id.as_deref());
        let reply = self.execute(call).await?;
        self.apply_client_update(&reply)?;
        response::required_response(&reply, what)
    }
}

fn session_path(session_id: &str, action: &str) -> String {
    format!("/v1/client/sessions/{}{action}", encode_segment(session_id))
}

/// `POST /v1/client/sessions/{id}/touch`.
#[derive(Debug, Default, Clone)]
pub struct TouchSessionParams {
    /// Empty string = personal account.
    pub active_organization_id: Option<String>,
    /// `focus`, `select_session` or `select_org`.
    pub intent: Option<String>,
}

impl TouchSessionParams {
    pub(crate) fn to_form(&self) -> Form {
        Form::new()
            .opt(
                "active_organization_id",
                self.active_organization_id.as_deref(),
            )
            .opt("intent", self.intent.as_deref())
    }
}

/// A token answer must carry the JWT: the lenient model would read any other object as an
/// empty token, which the app would show as "signed in" with an unreadable token. And it must
/// be a JWT: `clerk-tui token` prints it as it is, so an escape sequence in it would reach
/// the terminal (a clipboard write, a cleared screen).
fn session_token(reply: &response::Reply) -> Result<Token, FapiError> {
    let mut token: Token = response::bare(reply, "session token")?;
    if token.jwt.trim().is_empty() {
        return Err(FapiError::Shape {
            status: reply.status,
            detail: "the session token answer has no jwt".to_owned(),
        });
    }
    if let Some(why) = super::jwt_shape::not_a_jwt(&token.jwt) {
        zeroize::Zeroize::zeroize(&mut token);
        return Err(FapiError::Shape {
            status: reply.status,
            detail: format!("the session token is not a JWT ({why}); it was refused"),
        });
    }
    Ok(token)
}
