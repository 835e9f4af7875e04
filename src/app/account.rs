//! The signed-in user's own security settings: authenticator app (TOTP) enrolment and removal,
//! backup codes shown once, and the confirmations in front of the destructive ones. Secrets
//! (the TOTP secret, its `otpauth://` URI, backup codes) live in `SecretString`s.

use secrecy::SecretString;
use zeroize::Zeroize;

use crate::fapi::{BackupCodes, Totp, User};

use super::NoticeKind;
use super::calls::{background, call, info, show_failure};
use super::{AccountTask, Action, App, BackupCodesReason, Call, Confirm, Effect, Failure, Notice};

/// The account actions of the signed-in screen.
pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(session_id) = app.session_id() else {
        return Vec::new();
    };
    // One account call at a time: a second `a` would replace the secret being shown.
    if app.busy.is_some() && !matches!(action, Action::BackupCodesSaved) {
        return Vec::new();
    }
    let user = app.user().cloned().unwrap_or_default();
    match action {
        Action::SetUpTotp if app.account.is_none() => {
            if user.totp_enabled {
                return info(
                    app,
                    "An authenticator app is already set up. Press a to remove it.".to_string(),
                );
            }
            app.notice = None;
            call(app, Call::CreateTotp { session_id })
        }
        Action::VerifyTotp(code) => match app.account {
            Some(AccountTask::EnrolTotp { .. }) => {
                app.notice = None;
                call(app, Call::VerifyTotp { session_id, code })
            }
            _ => Vec::new(),
        },
        Action::AskRemoveTotp if app.account.is_none() => {
            if !user.totp_enabled {
                return info(app, "No authenticator app is set up.".to_string());
            }
            app.notice = None;
            app.account = Some(AccountTask::Confirm(Confirm::RemoveTotp));
            Vec::new()
        }
        Action::AskRegenerateBackupCodes if app.account.is_none() => {
            if !user.two_factor_enabled {
                return info(
                    app,
                    "Backup codes need two-step verification first: press a to set up an \
                     authenticator app."
                        .to_string(),
                );
            }
            app.notice = None;
            app.account = Some(AccountTask::Confirm(Confirm::RegenerateBackupCodes));
            Vec::new()
        }
        Action::Confirm => match app.account {
            Some(AccountTask::Confirm(which)) => {
                app.account = None;
                app.notice = None;
                match which {
                    Confirm::RemoveTotp => call(app, Call::DeleteTotp { session_id }),
                    Confirm::RegenerateBackupCodes => {
                        call(app, Call::CreateBackupCodes { session_id })
                    }
                }
            }
            _ => Vec::new(),
        },
        Action::BackupCodesSaved => match app.account.take() {
            Some(AccountTask::BackupCodes { reason, .. }) => info(
                app,
                match reason {
                    BackupCodesReason::TotpEnabled => {
                        "Authenticator app set up: signing in now asks for its code."
                    }
                    BackupCodesReason::Regenerated => {
                        "New backup codes saved; the old ones no longer work."
                    }
                }
                .to_string(),
            ),
            other => {
                app.account = other;
                Vec::new()
            }
        },
        _ => Vec::new(),
    }
}

/// Esc on the signed-in screen: close the enrolment or the question; the backup codes stay
/// until the user says they saved them (they are never shown again).
pub(super) fn back(app: &mut App) -> Vec<Effect> {
    match &app.account {
        Some(AccountTask::BackupCodes { .. }) => info(
            app,
            "These codes are shown only now. Save them, then press Enter.".to_string(),
        ),
        Some(AccountTask::EnrolTotp { .. }) if app.busy.is_none() => {
            app.account = None;
            info(
                app,
                "Authenticator app setup cancelled; nothing changed.".to_string(),
            )
        }
        Some(AccountTask::Confirm(_)) => {
            app.account = None;
            app.notice = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A `/v1/me/totp` answer: a new secret to enrol, or the verified app with its backup codes.
pub(super) fn on_totp(app: &mut App, result: Result<Box<Totp>, Failure>) -> Vec<Effect> {
    let mut totp = match result {
        Ok(totp) => totp,
        Err(failure) => return on_failure(app, failure),
    };
    // Moved out of the reply into `SecretString`s; what is left is wiped.
    let codes = totp.backup_codes.take().unwrap_or_default();
    let (secret, uri) = (totp.secret.take(), totp.uri.take());
    let verified = totp.verified;
    totp.zeroize();
    if verified {
        app.account = (!codes.is_empty()).then(|| AccountTask::BackupCodes {
            codes: codes.into_iter().map(SecretString::from).collect(),
            reason: BackupCodesReason::TotpEnabled,
        });
        if app.account.is_none() {
            app.notice = Some(info_notice(
                "Authenticator app set up: signing in now asks for its code.",
            ));
        }
        return reload_user(app);
    }
    match (secret, uri) {
        (Some(secret), Some(uri)) if !secret.is_empty() => {
            app.account = Some(AccountTask::EnrolTotp {
                secret: SecretString::from(secret),
                uri: SecretString::from(uri),
            });
        }
        _ => {
            app.notice = Some(Notice {
                kind: NoticeKind::Error,
                message: "The server did not send a secret to set up the app with.".to_string(),
                param_name: None,
                retryable: false,
            });
        }
    }
    Vec::new()
}

pub(super) fn on_totp_removed(app: &mut App, result: Result<(), Failure>) -> Vec<Effect> {
    if let Err(failure) = result {
        return on_failure(app, failure);
    }
    app.account = None;
    app.demo_totp = None;
    app.notice = Some(info_notice(
        "Authenticator app removed: signing in no longer asks for its code.",
    ));
    reload_user(app)
}

pub(super) fn on_backup_codes(
    app: &mut App,
    result: Result<Box<BackupCodes>, Failure>,
) -> Vec<Effect> {
    let codes = match result {
        Ok(codes) => codes,
        Err(failure) => return on_failure(app, failure),
    };
    app.account = Some(AccountTask::BackupCodes {
        codes: codes.codes.into_iter().map(SecretString::from).collect(),
        reason: BackupCodesReason::Regenerated,
    });
    reload_user(app)
}

/// The reloaded user replaces the copy inside the signed-in session.
pub(super) fn on_user(app: &mut App, result: Result<Box<User>, Failure>) {
    let user = match result {
        Ok(user) => *user,
        Err(failure) => return show_failure(app, failure),
    };
    let Some(id) = app.session_id() else { return };
    if let Some(session) = app
        .client
        .as_mut()
        .and_then(|c| c.sessions.iter_mut().find(|s| s.id == id))
    {
        session.user = Some(user);
    }
}

/// A failed account call: a wrong code lands under the code field; a vanished enrolment
/// closes the screen.
fn on_failure(app: &mut App, failure: Failure) -> Vec<Effect> {
    let enrolling = matches!(app.account, Some(AccountTask::EnrolTotp { .. }));
    let retryable = failure.retryable();
    let message = if enrolling && failure.code() == Some("resource_not_found") {
        app.account = None;
        "This setup is no longer pending. Press a to start again.".to_string()
    } else {
        match failure.code() {
            // A wrong code from the app being set up: the app shows a new one every 30 s.
            Some(code) => crate::flow::with_next_step_for(
                &failure.message,
                code,
                failure.param_name.as_deref(),
                enrolling.then_some(&crate::fapi::Strategy::Totp),
            ),
            None => failure.message,
        }
    };
    let param_name = failure
        .param_name
        .or_else(|| enrolling.then(|| "code".to_string()));
    app.notice = Some(Notice {
        kind: NoticeKind::Error,
        message,
        param_name,
        retryable,
    });
    Vec::new()
}

fn reload_user(app: &mut App) -> Vec<Effect> {
    match app.session_id() {
        Some(session_id) => background(app, Call::LoadUser { session_id }),
        None => Vec::new(),
    }
}

fn info_notice(message: &str) -> Notice {
    Notice {
        kind: NoticeKind::Info,
        message: message.to_string(),
        param_name: None,
        retryable: false,
    }
}
