//! `clerk-tui token`, `status` and `sign-out`: one-shot commands over the stored client token.
//! Their stdout is the contract (a JWT, a sentence or a JSON object); messages go to stderr
//! through the `CommandError` the caller prints.

use std::io::Write;

use serde_json::json;

use crate::app::Failure;
use crate::cli::ExitStatus;
use crate::fapi::{Client, FapiClient, FapiError, Session};

use super::engine::exit_status_for;
use super::words::{clean, utc_time};

/// A command failed: how to exit and what to say on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub status: ExitStatus,
    pub message: String,
}

impl CommandError {
    fn not_signed_in() -> Self {
        CommandError {
            status: ExitStatus::NeedsInput,
            message: "Not signed in. Run `clerk-tui sign-in` (or `clerk-tui`) first.".to_string(),
        }
    }
}

impl From<FapiError> for CommandError {
    fn from(e: FapiError) -> Self {
        let failure = Failure::from(&e);
        CommandError {
            status: exit_status_for(&failure),
            message: failure.with_next_step(),
        }
    }
}

fn io_error(e: std::io::Error) -> CommandError {
    CommandError {
        status: ExitStatus::Other,
        message: format!("cannot write the output: {e}"),
    }
}

/// The session a command acts on: the client's last active one, else any signed-in one.
fn active_session(client: &Client) -> Option<&Session> {
    client
        .last_active_session()
        .filter(|s| s.is_signed_in())
        .or_else(|| client.signed_in_sessions().next())
}

async fn signed_in_client(client: &FapiClient) -> Result<Option<Client>, CommandError> {
    if !client.has_client_token() {
        return Ok(None);
    }
    match client.get_client().await {
        Ok(c) => Ok(c),
        // A token this server does not know (its data was reset): nobody is signed in.
        Err(e) if e.status() == Some(401) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Print a fresh session JWT and a newline to `out`, nothing else.
pub async fn print_token(
    client: &FapiClient,
    template: Option<&str>,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    let fapi_client = signed_in_client(client)
        .await?
        .ok_or_else(CommandError::not_signed_in)?;
    let session = active_session(&fapi_client).ok_or_else(CommandError::not_signed_in)?;
    let token = match template {
        Some(name) => {
            client
                .create_session_token_with_template(&session.id, name)
                .await?
        }
        None => client.create_session_token(&session.id, None).await?,
    };
    // The fapi layer refused anything that is not a JWT; cleaning is the second guard.
    writeln!(out, "{}", crate::flow::clean(&token.jwt)).map_err(io_error)?;
    out.flush().map_err(io_error)
}

/// What `status` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStatus {
    SignedIn {
        session_id: String,
        user_id: Option<String>,
        identifier: Option<String>,
        expires_at: Option<i64>,
    },
    SignedOut,
}

/// Print whether a session is signed in: a sentence, or one JSON object with `json`.
/// `embedded`: the client talks to the in-process server, whose port means nothing later.
pub async fn status(
    client: &FapiClient,
    embedded: bool,
    json: bool,
    out: &mut impl Write,
) -> Result<SessionStatus, CommandError> {
    let found = match signed_in_client(client).await {
        Ok(found) => found,
        Err(e) => {
            // A script reading `--json` gets an answer whatever happened: no state, and why.
            if json {
                let frontend_api = if embedded {
                    "embedded".to_string()
                } else {
                    client.base_url().as_str().trim_end_matches('/').to_string()
                };
                let mut value = json!({
                    "signed_in": null,
                    "error": e.message,
                    "frontend_api": frontend_api,
                });
                crate::flow::clean_json(&mut value);
                let _ = writeln!(out, "{value}");
            }
            return Err(e);
        }
    };
    let status = match found.as_ref().and_then(active_session) {
        Some(s) => SessionStatus::SignedIn {
            session_id: s.id.clone(),
            user_id: s.user.as_ref().map(|u| u.id.clone()),
            identifier: s.display_identifier().map(clean),
            expires_at: s.expire_at,
        },
        None => SessionStatus::SignedOut,
    };
    let backend = if embedded {
        "embedded".to_string()
    } else {
        client.base_url().as_str().trim_end_matches('/').to_string()
    };
    let at = if embedded {
        "the embedded development server".to_string()
    } else {
        backend.clone()
    };
    let text = match (&status, json) {
        (
            SessionStatus::SignedIn {
                session_id,
                user_id,
                identifier,
                expires_at,
            },
            true,
        ) => {
            let mut value = json!({
                "signed_in": true,
                "session_id": session_id,
                "user_id": user_id,
                "identifier": identifier,
                "expires_at": expires_at,
                "frontend_api": backend,
            });
            crate::flow::clean_json(&mut value);
            value.to_string()
        }
        (SessionStatus::SignedOut, true) => {
            json!({"signed_in": false, "frontend_api": backend}).to_string()
        }
        (
            SessionStatus::SignedIn {
                session_id,
                identifier,
                expires_at,
                ..
            },
            false,
        ) => format!(
            "Signed in{} at {at}. Session {session_id}{}.",
            identifier
                .as_deref()
                .map(|i| format!(" as {i}"))
                .unwrap_or_default(),
            expires_at
                .map(|at| format!(", until {}", utc_time(at)))
                .unwrap_or_default()
        ),
        (SessionStatus::SignedOut, false) => format!("Not signed in at {at}."),
    };
    // Session and user ids are the server's text too.
    writeln!(out, "{}", clean(&text)).map_err(io_error)?;
    Ok(status)
}

/// Sign out of the active session (or all of them); the local client token is forgotten when
/// the server cannot be told, so the next run does not resume. Returns a sentence to print.
pub async fn sign_out(client: &FapiClient, all: bool) -> Result<String, CommandError> {
    if !client.has_client_token() {
        return Ok("Not signed in; nothing to do.".to_string());
    }
    let result: Result<(), FapiError> = async {
        if all {
            client.destroy_client().await?;
            return Ok(());
        }
        match client.get_client().await? {
            Some(c) => match active_session(&c) {
                Some(s) => client.remove_session(&s.id).await.map(|_| ()),
                None => Ok(()),
            },
            None => Ok(()),
        }
    }
    .await;
    match result {
        Ok(()) => {
            if all {
                client.forget_client()?;
                Ok("Signed out of every session.".to_string())
            } else {
                Ok("Signed out.".to_string())
            }
        }
        Err(e) => {
            let failure = Failure::from(&e);
            client.forget_client()?;
            Err(CommandError {
                status: exit_status_for(&failure),
                message: format!(
                    "{} The local client token was removed, but the server may still hold the session.",
                    failure.message
                ),
            })
        }
    }
}
