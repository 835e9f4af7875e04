//! `describe`: the app's state as plain sentences, for the line mode. Pure: everything comes
//! from `App` (time from `App::now_ms`), so the same state always reads the same.
//! The front end prints the situation when it changes, a notice when one appears, then what to type.

use crate::app::{App, NoticeKind};
use crate::fapi::{PasswordSettings, Strategy, password_length_bounds};
use crate::flow::{FactorStep, Stage, Step, factor_label, factor_target, mask_identifier};

use super::demo::backend_sentences;
use super::interpret::{can_send, has_password_reset, method_choices};
use super::words::{clean, code_sent, duration, utc_time};

/// Everything there is to say about the current state: the situation, any notice, and what
/// the user can type now.
pub fn describe(app: &App) -> Vec<String> {
    let mut lines = situation(app);
    lines.extend(notice(app));
    lines.extend(instruction(app));
    lines
}

/// The sentences that say where the sign-in stands (empty while a code is being sent).
pub fn situation(app: &App) -> Vec<String> {
    if app.loading() {
        return if app.load_failed {
            vec!["The instance settings could not be loaded.".to_string()]
        } else {
            backend_sentences(&app.backend)
        };
    }
    match app.step() {
        Step::Identifier => {
            let mut lines = vec![
                match app.environment.as_ref().and_then(|e| e.application_name()) {
                    Some(name) => format!("Sign in to {}.", clean(name)),
                    None => "Sign in.".to_string(),
                },
            ];
            lines.extend(super::handoff::provider_lines(app));
            if app.unfinished.is_some() {
                // Said, not resumed: the next line answers this question, not an old one.
                lines.push(
                    "A sign-in an earlier run left unfinished was set aside; this one starts again."
                        .to_string(),
                );
            }
            lines
        }
        Step::Factor(f) => factor_situation(app, &f),
        Step::ChooseFactor(stage) => {
            let mut lines = vec!["Choose how to continue:".to_string()];
            for (i, method) in method_choices(app, stage).iter().enumerate() {
                let label = factor_label(method.factor);
                lines.push(match method.support {
                    Ok(()) => format!("{}. {label}", i + 1),
                    Err(why) => format!("{}. {label} (not possible here: {why})", i + 1),
                });
            }
            lines
        }
        Step::NoFactor(_) => vec!["This account has no sign-in method this app can use.".into()],
        Step::NewPassword => {
            let rules = app
                .environment
                .as_ref()
                .map(|e| password_rules(&e.user_settings.password_settings))
                .unwrap_or_default();
            vec![format!(
                "Your password must be changed. The new password needs {}.",
                rules.join(", ")
            )]
        }
        Step::Complete { .. } => {
            super::account::situation(app).unwrap_or_else(|| signed_in_sentences(app))
        }
        Step::Unsupported { status } => vec![crate::flow::unsupported_status(&status)],
    }
}

/// The notice under the form: errors start with "Error:", so colour is never the only signal.
pub fn notice(app: &App) -> Option<String> {
    let n = app.notice.as_ref()?;
    if let (Some(left), NoticeKind::Error) = (app.locked_secs(), n.kind) {
        let left = left.map(super::words::duration);
        return Some(format!("Error: {}", crate::flow::locked(left.as_deref())));
    }
    let mut message = clean(n.message.trim());
    if !message.ends_with(['.', '!', '?']) {
        message.push('.');
    }
    let mut said = match n.kind {
        NoticeKind::Error if n.retryable => format!("Error: {message} Type 'r' to try again."),
        NoticeKind::Error => format!("Error: {message}"),
        NoticeKind::Info => message,
    };
    // On a line of its own, so the error's own line reads the same with or without it.
    if let Some(trace_id) = app.notice_trace_id() {
        said.push_str(&format!(
            "\nClerk's trace id for this error is {}.",
            clean(trace_id)
        ));
    }
    Some(said)
}

/// What the user can type now; `None` while nothing can be typed.
pub fn instruction(app: &App) -> Option<String> {
    if app.loading() {
        return app
            .load_failed
            .then(|| "Type 'r' to try again, or 'q' to quit.".to_string());
    }
    Some(match app.step() {
        Step::Identifier => super::handoff::identifier_instruction(app, identifier_kinds(app)),
        Step::Factor(f) => return factor_instruction(app, &f),
        Step::ChooseFactor(_) => "Type a number, or 'b' to go back.".to_string(),
        Step::NoFactor(_) | Step::Unsupported { .. } => {
            "Type 'b' to start again, or 'q' to quit.".to_string()
        }
        Step::NewPassword => {
            "Type the new password (other sessions will be signed out), or 'b' to start over."
                .to_string()
        }
        Step::Complete { .. } if app.account.is_some() => {
            return super::account::instruction(app);
        }
        Step::Complete { .. } => "Type 't' to print the session token, 'r' for a fresh one, \
                                  'a' for the authenticator app, 'b' for new backup codes, \
                                  's' to sign out, 'S' to sign out of every session, or 'q' to quit."
            .to_string(),
    })
}

/// While waiting for an email link or a browser: how long ago the server was last asked.
pub fn waiting_line(app: &App) -> Option<String> {
    let Step::Factor(f) = app.step() else {
        return None;
    };
    if !app.polling || !f.sent || expired(app) {
        return None;
    }
    let what = match f.strategy() {
        Strategy::EmailLink => "Waiting for the link to be opened…",
        _ => "Waiting for the sign-in to finish in the browser…",
    };
    Some(match app.last_poll_at {
        Some(at) => format!(
            "{what} checked {} s ago.",
            ((app.now_ms - at) / 1000).max(0)
        ),
        None => format!("{what} not checked yet."),
    })
}

/// A code or link that was sent has passed its expiry time.
pub fn expired(app: &App) -> bool {
    match app.step() {
        Step::Factor(f) => f.is_expired(app.now_ms),
        _ => false,
    }
}

/// The instance's password rules as phrases ("at least 8 characters", "a number", ...).
pub fn password_rules(settings: &PasswordSettings) -> Vec<String> {
    let (min, max) = password_length_bounds(settings);
    let mut rules = vec![format!("at least {min} characters and at most {max}")];
    if settings.require_uppercase {
        rules.push("an uppercase letter (A-Z)".to_string());
    }
    if settings.require_lowercase {
        rules.push("a lowercase letter (a-z)".to_string());
    }
    if settings.require_numbers {
        rules.push("a number (0-9)".to_string());
    }
    if settings.require_special_char {
        rules.push("a special character".to_string());
    }
    rules
}

fn identifier_kinds(app: &App) -> String {
    let kinds: Vec<&str> = app
        .environment
        .as_ref()
        .map(|e| e.first_factor_identifiers())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| match k {
            "email_address" => Some("email address"),
            "phone_number" => Some("phone number"),
            "username" => Some("username"),
            _ => None,
        })
        .collect();
    match kinds.as_slice() {
        [] => "email address, username or phone number".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The account the sign-in is for, masked.
fn who(app: &App) -> Option<String> {
    app.sign_in
        .as_ref()
        .and_then(|s| s.identifier.as_deref())
        .or(app.identifier.as_deref())
        .map(|id| mask_identifier(&clean(id)))
}

fn factor_situation(app: &App, f: &FactorStep) -> Vec<String> {
    let second = if f.stage == Stage::Second {
        "Second step: "
    } else {
        ""
    };
    let expires = |f: &FactorStep| match f.expire_at {
        Some(at) if at > app.now_ms => {
            format!(" It expires in {}.", duration((at - app.now_ms) / 1000))
        }
        _ => String::new(),
    };
    let sentence = match f.strategy() {
        Strategy::Password => match who(app) {
            Some(who) => format!("Enter the password for {who}."),
            None => "Enter your password.".to_string(),
        },
        Strategy::Totp => format!("{second}enter the 6-digit code from your authenticator app."),
        Strategy::BackupCode => format!("{second}enter one of your backup codes."),
        s if s.is_code() || matches!(s, Strategy::EmailLink) => {
            if expired(app) {
                let what = if *s == Strategy::EmailLink {
                    "link"
                } else {
                    "code"
                };
                format!("The {what} expired.")
            } else if f.sent && *s == Strategy::EmailLink {
                let to = factor_target(&f.factor)
                    .map(|t| format!(" to {t}"))
                    .unwrap_or_default();
                format!(
                    "{second}a sign-in link was sent{to}. Open it on any device.{}",
                    expires(f)
                )
            } else if f.sent {
                format!("{second}{}{}", code_sent(&f.factor, f.stage), expires(f))
            } else {
                match f.ended {
                    Some(crate::fapi::VerificationStatus::Expired) => "It expired.".to_string(),
                    Some(_) => "It could not be verified; too many wrong attempts.".to_string(),
                    None if app.busy.is_some() => return Vec::new(),
                    None => "Nothing has been sent yet.".to_string(),
                }
            }
        }
        s if crate::app::handoff::is_hand_off(s) && (f.sent || f.ended.is_some()) => {
            return super::handoff::hand_off_sentences(app, f);
        }
        s if f.sent && app.support(s).is_ok() => {
            let url = app
                .sign_in
                .as_ref()
                .and_then(|si| f.stage.verification(si))
                .and_then(|v| v.external_verification_redirect_url.as_deref());
            match url {
                Some(url) => format!("Open this address in a browser to continue: {}", clean(url)),
                None => "The server gave no address to open in a browser.".to_string(),
            }
        }
        s => match app.support(s) {
            Ok(()) if app.busy.is_some() => return Vec::new(),
            Ok(()) => format!("{} has not started yet.", factor_label(&f.factor)),
            Err(why) => format!("{} can't be used here: {why}.", factor_label(&f.factor)),
        },
    };
    vec![capitalize(&sentence)]
}

fn factor_instruction(app: &App, f: &FactorStep) -> Option<String> {
    let s = f.strategy();
    let sendable = can_send(s);
    if sendable && !f.sent && f.ended.is_none() && app.busy.is_some() {
        // Being sent: there is nothing to type until it arrives.
        return None;
    }
    let live = f.sent && !expired(app);
    let mut options: Vec<String> = Vec::new();
    let came_back = app
        .handoff
        .as_ref()
        .is_some_and(|h| h.ended.is_some() || h.returned_by.is_some());
    if crate::app::handoff::is_hand_off(s) && live && f.ended.is_none() && !came_back {
        options.push("paste the address the browser ended on (or its nonce)".into());
    }
    if *s == Strategy::Password {
        options.push("type the password".into());
    } else if s.is_code() && (live || !sendable) {
        options.push("type the code".into());
    }
    if sendable {
        let what = match s {
            Strategy::EmailLink => "link",
            _ if s.is_code() => "code",
            _ => "",
        };
        options.push(match (what, live) {
            ("", _) => "'r' to start again".into(),
            (what, true) => format!("'r' to send a new {what}"),
            (what, false) => format!("'r' to send a {what}"),
        });
    }
    options.push("'m' for another method".into());
    if f.stage == Stage::First && *s == Strategy::Password && has_password_reset(app) {
        options.push("'f' if you forgot it".into());
    }
    options.push("'b' to go back".into());
    let first_is_key = options.first().is_some_and(|o| o.starts_with('\''));
    let text = join_options(&options);
    Some(capitalize(&if first_is_key {
        format!("type {text}.")
    } else {
        format!("{text}.")
    }))
}

fn join_options(options: &[String]) -> String {
    match options {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, or {last}", rest.join(", ")),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn signed_in_sentences(app: &App) -> Vec<String> {
    let mut lines = Vec::new();
    let session = app.session();
    let user = app.user();
    let name = user.and_then(|u| u.full_name()).map(|n| clean(&n));
    let ident = session.and_then(|s| s.display_identifier()).map(clean);
    lines.push(match (name, ident) {
        (Some(n), Some(i)) => format!("Signed in as {n} ({i})."),
        (Some(one), None) | (None, Some(one)) => format!("Signed in as {one}."),
        (None, None) => "Signed in.".to_string(),
    });
    if let Some(s) = &app.signed_in {
        let until = session
            .and_then(|s| s.expire_at)
            .map(|at| format!(" and lasts until {}", utc_time(at)))
            .unwrap_or_default();
        lines.push(format!(
            "The session id is {}{until}.",
            clean(&s.session_id)
        ));
        lines.extend(token_sentence(app));
    }
    lines.extend(session.and_then(crate::flow::session_task_sentence));
    lines
}

/// "A fresh session token is ready", once one was minted.
pub fn token_sentence(app: &App) -> Option<String> {
    let s = app.signed_in.as_ref()?;
    s.jwt.as_ref()?;
    let exp = s
        .jwt_expires_at
        .map(|at| format!(" It expires in {}.", duration((at - app.now_ms) / 1000)))
        .unwrap_or_default();
    Some(format!("A fresh session token is ready.{exp}"))
}
