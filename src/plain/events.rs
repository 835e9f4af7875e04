//! The events of a non-interactive sign-in: derived from the app's state as it changes, written
//! as one JSON object per line (`--json`) or as a sentence on stderr. Never a secret: codes,
//! passwords and tokens stay out; targets are the server's masked `safe_identifier`.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::app::App;
use crate::fapi::{SignInStatus, Strategy};
use crate::flow::{Stage, Step};

use super::words::clean;
use crate::flow::factor_target;

/// Remembers which events were already reported for the current sign-in.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    seen: HashSet<String>,
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::First => "first_factor",
        Stage::Second => "second_factor",
        Stage::ClientTrust => "client_trust",
    }
}

fn strategies(list: &[crate::fapi::Factor]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in list {
        let s = f.strategy.as_str().into_owned();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

impl EventLog {
    /// Events for what changed since the last call.
    pub(crate) fn changes(&mut self, app: &App) -> Vec<Value> {
        let mut out = Vec::new();
        let Some(sign_in) = app.sign_in.as_ref() else {
            return out;
        };
        if app.signed_in.is_some() {
            return out;
        }
        let current = match app.step() {
            Step::Factor(f) => Some(f),
            _ => None,
        };
        let current_strategy = current
            .as_ref()
            .map(|f| Value::String(f.strategy().as_str().into_owned()))
            .unwrap_or(Value::Null);
        let status_event = match sign_in.status {
            SignInStatus::NeedsFirstFactor => Some(json!({
                "event": "needs_first_factor",
                "sign_in_id": sign_in.id,
                "identifier": sign_in.identifier.as_deref().map(clean),
                "strategy": current_strategy,
                "strategies": strategies(&sign_in.supported_first_factors),
            })),
            SignInStatus::NeedsSecondFactor => Some(json!({
                "event": "needs_second_factor",
                "sign_in_id": sign_in.id,
                "strategy": current_strategy,
                "strategies": strategies(&sign_in.supported_second_factors),
            })),
            SignInStatus::NeedsClientTrust => Some(json!({
                "event": "needs_client_trust",
                "sign_in_id": sign_in.id,
                "strategy": current_strategy,
                "strategies": strategies(&sign_in.supported_second_factors),
            })),
            SignInStatus::NeedsNewPassword => Some(json!({
                "event": "needs_new_password",
                "sign_in_id": sign_in.id,
            })),
            _ => None,
        };
        if let Some(event) = status_event
            && self
                .seen
                .insert(format!("{}:{}", sign_in.id, sign_in.status.as_str()))
        {
            out.push(event);
        }
        if let Some(f) = current.filter(|f| f.sent) {
            let key = format!(
                "{}:{:?}:{}:{:?}",
                sign_in.id,
                f.stage,
                f.strategy(),
                f.expire_at
            );
            if !self.seen.insert(key) {
            } else if crate::app::handoff::is_hand_off(f.strategy()) {
                out.push(hand_off(app, sign_in, &f));
            } else {
                let event = if *f.strategy() == Strategy::EmailLink {
                    "link_sent"
                } else {
                    "code_sent"
                };
                out.push(json!({
                    "event": event,
                    "sign_in_id": sign_in.id,
                    "stage": stage_name(f.stage),
                    "strategy": f.strategy().as_str(),
                    "to": factor_target(&f.factor),
                    "expires_at": f.expire_at,
                }));
            }
        }
        out
    }
}

/// `hand_off`: the address to open, and how the sign-in comes back (`callback_url` when the
/// loopback listener is up; the final address or nonce may always be written to stdin).
fn hand_off(app: &App, sign_in: &crate::fapi::SignIn, f: &crate::flow::FactorStep) -> Value {
    let url = f
        .stage
        .verification(sign_in)
        .and_then(|v| v.external_verification_redirect_url.as_deref())
        .map(clean);
    let callback_url = match app.handoff.as_ref().map(|h| &h.listening) {
        Some(crate::app::Listening::On { port }) => Some(crate::app::callback::callback_url(*port)),
        _ => None,
    };
    json!({
        "event": "hand_off",
        "sign_in_id": sign_in.id,
        "strategy": f.strategy().as_str(),
        "url": url,
        "callback_url": callback_url,
        "redirect_url": app.handoff_config.redirect_url.as_deref().map(clean),
        "expires_at": f.expire_at,
    })
}

/// The "complete" event of a signed-in app.
pub(crate) fn complete(app: &App, resumed: bool) -> Value {
    let session = app.session();
    let mut event = json!({
        "event": "complete",
        "session_id": app.signed_in.as_ref().map(|s| s.session_id.clone()),
        "user_id": app.user().map(|u| u.id.clone()),
        "identifier": session.and_then(|s| s.display_identifier()).map(clean),
        "expires_at": session.and_then(|s| s.expire_at),
        "resumed": resumed,
    });
    // A `pending` session is signed in with a task left (`flow::session_task`).
    if let (Some(task), Some(map)) = (
        session.and_then(crate::flow::session_task),
        event.as_object_mut(),
    ) {
        map.insert("task".into(), Value::String(task));
    }
    event
}

/// An "error" event with the exit code the command ends with.
pub(crate) fn error(code: &str, message: &str, param: Option<&str>, exit_code: u8) -> Value {
    json!({
        "event": "error",
        "code": code,
        "message": clean(message),
        "param": param,
        "exit_code": exit_code,
    })
}

/// An error event with Clerk's `clerk_trace_id` of the failed call, when Clerk sent one.
pub(crate) fn error_traced(
    code: &str,
    message: &str,
    param: Option<&str>,
    exit_code: u8,
    trace_id: Option<&str>,
) -> Value {
    let mut event = error(code, message, param, exit_code);
    if let (Some(id), Some(map)) = (trace_id, event.as_object_mut()) {
        map.insert("trace_id".into(), Value::String(clean(id)));
    }
    event
}

/// A sentence for an event, for people reading stderr.
pub(crate) fn sentence(event: &Value) -> String {
    let s = |k: &str| {
        event
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let to = match event.get("to").and_then(Value::as_str) {
        Some(t) => format!(" to {t}"),
        None => String::new(),
    };
    match s("event").as_str() {
        "needs_first_factor" => format!("Signing in with {}.", s("strategy")),
        "needs_second_factor" => format!("A second step is needed: {}.", s("strategy")),
        "needs_client_trust" => "This device is new for the account; it must be confirmed.".into(),
        "needs_new_password" => "The account's password must be changed.".into(),
        "code_sent" => format!("A code was sent{to}."),
        "link_sent" => format!("A sign-in link was sent{to}. Waiting for it to be opened."),
        "hand_off" => {
            let back = match event.get("callback_url").and_then(Value::as_str) {
                Some(cb) => format!(" A browser here comes back to {cb} by itself;"),
                None => String::new(),
            };
            format!(
                "Open this address in a browser: {}{back} or write the address the browser ends on (or its nonce) to standard input.",
                s("url")
            )
        }
        "complete" => format!(
            "Signed in{}. Session {}.{}",
            event
                .get("identifier")
                .and_then(Value::as_str)
                .map(|i| format!(" as {i}"))
                .unwrap_or_default(),
            s("session_id"),
            event
                .get("task")
                .and_then(Value::as_str)
                .map(|t| format!(" A task is left: {t}."))
                .unwrap_or_default()
        ),
        "error" => format!("Error: {}", s("message")),
        other => other.to_string(),
    }
}
