//! One cell of the matrix: put the app in the state where the call is made, let the call meet
//! the fault through `effects::execute` (or the poller), feed the result to `update`, draw the
//! screen, then check that retry and back still do something sensible.

use std::sync::Arc;
use std::time::Duration;

use clerk_tui::app::effects::{EffectRunner, execute};
use clerk_tui::app::{Action, App, Call, Effect, NoticeKind, Reply, update};
use clerk_tui::fapi::{FapiClient, MemoryTokenStore};
use clerk_tui::flow::{Stage, Step};
use secrecy::SecretString;

use super::server::{Fault, FaultServer, TIMEOUT};
use super::states::{self, screen, words};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    CreateSignIn,
    AttemptFirstFactor,
    AttemptSecondFactor,
    Poll,
    MintToken,
}

pub const CALLS: [Target; 5] = [
    Target::CreateSignIn,
    Target::AttemptFirstFactor,
    Target::AttemptSecondFactor,
    Target::Poll,
    Target::MintToken,
];

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::CreateSignIn => "create sign-in",
            Target::AttemptFirstFactor => "attempt 1st factor",
            Target::AttemptSecondFactor => "attempt 2nd factor",
            Target::Poll => "email-link poll",
            Target::MintToken => "mint token",
        }
    }
}

/// The app after the faulty answer, its step before, the effects it asked for, the client,
/// and the server (kept running: a 401 is followed by a client reload against it).
type Injected = (App, Step, Vec<Effect>, Arc<FapiClient>, FaultServer);

pub struct Outcome {
    pub summary: String,
    pub message: Option<String>,
}

/// Text a person should never see: Rust's debug formatting and library internals.
const NOISE: [&str; 13] = [
    "\\n",
    "\\r",
    "\\\"",
    "Some(",
    "None",
    "Error {",
    "kind:",
    "source:",
    "reqwest::",
    "hyper::",
    "Os {",
    "Custom {",
    "error trying to connect",
];

fn check_readable(message: &str) -> Result<(), String> {
    if message.trim().is_empty() {
        return Err("an empty message".into());
    }
    if let Some(n) = NOISE.iter().find(|n| message.contains(*n)) {
        return Err(format!("debug noise {n:?} in {message:?}"));
    }
    if message.chars().count() > 400 {
        return Err(format!("a message too long to read: {message:?}"));
    }
    Ok(())
}

/// Words that show the message names the problem.
fn names_problem(fault: Fault, message: &str) -> bool {
    let m = message.to_lowercase();
    match fault {
        Fault::Slow => m.contains("did not answer"),
        Fault::Reset => m.contains("connection"),
        Fault::Status500 => m.contains("internal error"),
        Fault::BadGatewayHtml => m.contains("502") && m.contains("instead of json"),
        Fault::TruncatedJson => m.contains("cut off"),
        Fault::WrongShape => m.contains("cannot read"),
        Fault::RateLimited => m.contains("too many"),
        Fault::AuthInvalid => m.contains("authenticate"),
        // A sign-in body sent to a token call is simply the wrong shape.
        Fault::UnknownStatus | Fault::UnknownStrategy => m.contains("cannot read"),
    }
}

/// A client holding a token from an earlier run (the server may reject it).
fn client(base_url: &str) -> Result<Arc<FapiClient>, String> {
    let host = base_url.trim_start_matches("http://");
    let store = MemoryTokenStore::with_token(host, "client_token_from_an_earlier_run");
    FapiClient::with_base_url(base_url, Arc::new(store))
        .map(|c| {
            Arc::new(
                c.with_timeout(TIMEOUT)
                    .with_retry_delays(vec![Duration::from_millis(20)]),
            )
        })
        .map_err(|e| format!("client: {e}"))
}

fn the_call(fx: Vec<Effect>) -> Result<(u64, clerk_tui::app::Call), String> {
    fx.into_iter()
        .find_map(|e| match e {
            Effect::Call { epoch, call } => Some((epoch, call)),
            _ => None,
        })
        .ok_or_else(|| "the user's action made no call".to_string())
}

/// Puts the app where `target` is called, makes the call against the faulty server and feeds
/// the result back; returns the app (and the step it was on).
async fn inject(fault: Fault, target: Target) -> Result<Injected, String> {
    let server = FaultServer::start(fault).await;
    let fapi = client(&server.base_url)?;
    if !fapi.has_client_token() {
        return Err("the stored token was not loaded".into());
    }
    let secret = || SecretString::from("not-the-real-one-123".to_string());
    let (mut app, user_action) = match target {
        Target::CreateSignIn => (
            states::ready(),
            Action::SubmitIdentifier {
                identifier: "jane@example.com".into(),
                password: None,
            },
        ),
        Target::AttemptFirstFactor => (states::password_step(), Action::SubmitPassword(secret())),
        Target::AttemptSecondFactor => (
            states::totp_step(),
            Action::SubmitCode(SecretString::from("123456".to_string())),
        ),
        Target::MintToken => (states::signed_in(), Action::RefreshToken),
        Target::Poll => {
            let (mut app, start) = states::email_link_waiting();
            let before = app.step();
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let mut runner = EffectRunner::new(fapi.clone(), tx, None);
            runner.run(start);
            let action = tokio::time::timeout(Duration::from_secs(15), rx.recv())
                .await
                .map_err(|_| "the poller sent nothing".to_string())?
                .ok_or("the poller stopped without a result")?;
            drop(runner);
            let fx = update(&mut app, action);
            return Ok((app, before, fx, fapi, server));
        }
    };
    let before = app.step();
    let (epoch, call) = the_call(update(&mut app, user_action))?;
    // A token is minted in the background (the signed-in screen shows "minting"), every
    // other call shows the busy indicator.
    let minting = app.signed_in.as_ref().is_some_and(|s| s.minting);
    if app.busy.is_none() && !minting {
        return Err("no busy indicator while the call runs".into());
    }
    let reply = execute(&fapi, call, None).await;
    if server.hits.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        return Err(format!("the call never reached the server: {reply:?}"));
    }
    let fx = update(&mut app, Action::Api { epoch, reply });
    Ok((app, before, fx, fapi, server))
}

pub async fn run_cell(fault: Fault, target: Target) -> Result<Outcome, String> {
    let (mut app, before, fx, fapi, _server) = inject(fault, target).await?;
    // A 401 on one call reloads the client, as clerk-js does (`Base.ts` → `handleUnauthenticated`);
    // the token goes only when that reload is refused too (checked at the end).
    let token_kept = fapi.has_client_token();
    if !token_kept {
        return Err("the client token was dropped before the client was reloaded".into());
    }
    let reloads = fx.iter().any(|e| {
        matches!(
            e,
            Effect::Call {
                call: Call::LoadClient,
                ..
            }
        )
    });
    if fault == Fault::AuthInvalid && !reloads {
        return Err("a 401 authentication_invalid did not reload the client".into());
    }
    if app.busy.is_some() {
        return Err("still busy after the answer".into());
    }
    let text = words(&screen(&app));
    let step = app.step();
    // A token refused for the client (401) asks the server whether the session still exists
    // instead of showing an error: the answer decides between the summary and "sign in again".
    if target == Target::MintToken && fault == Fault::AuthInvalid {
        return Ok(Outcome {
            summary: format!(
                "client reloaded to check the session{}",
                reload_refused(&fapi).await?
            ),
            message: None,
        });
    }
    let sign_in_answer = target != Target::MintToken
        && matches!(fault, Fault::UnknownStatus | Fault::UnknownStrategy);
    let (mut summary, message) = if sign_in_answer {
        // The server moved the sign-in somewhere this client cannot follow: a screen says so.
        let ok = match (fault, &step) {
            (Fault::UnknownStatus, Step::Unsupported { status }) => {
                status == "needs_quantum_check" && text.contains("needs_quantum_check")
            }
            (Fault::UnknownStrategy, Step::NoFactor(stage)) => {
                let want = if target == Target::AttemptSecondFactor {
                    Stage::Second
                } else {
                    Stage::First
                };
                *stage == want && text.contains("No way to continue")
            }
            _ => false,
        };
        if !ok {
            return Err(format!("step {step:?}, screen: {text}"));
        }
        if app.polling || fx.iter().any(|e| matches!(e, Effect::StartPolling { .. })) {
            return Err("still polling a sign-in that cannot continue".into());
        }
        let label = match step {
            Step::Unsupported { .. } => "'cannot continue' screen",
            _ => "'no way to continue' screen",
        };
        (label.to_string(), None)
    } else {
        let Some(notice) = app.notice.clone() else {
            return Err(format!("no message; screen: {text}"));
        };
        if notice.kind != NoticeKind::Error {
            return Err(format!("an error shown as news: {}", notice.message));
        }
        check_readable(&notice.message)?;
        if !names_problem(fault, &notice.message) {
            return Err(format!(
                "the message does not name the problem: {}",
                notice.message
            ));
        }
        if step != before {
            return Err(format!("the step jumped from {before:?} to {step:?}"));
        }
        let shown = if fault == Fault::RateLimited {
            let secs = app.blocked_secs().ok_or("no rate-limit countdown")?;
            if !(1..=7).contains(&secs) {
                return Err(format!("countdown of {secs} s for Retry-After: 7"));
            }
            text.contains("Too many attempts. You can try again in")
        } else {
            let head: String = notice
                .message
                .split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" ");
            text.contains(&head)
        };
        if !shown {
            return Err(format!(
                "message not on screen: {:?}; screen: {text}",
                notice.message
            ));
        }
        let kind = if target == Target::Poll && app.polling {
            if !notice.message.ends_with("Still trying.") {
                return Err("polling on without saying so".into());
            }
            "error, still polling"
        } else if app.polling {
            return Err("a failed call left a poller running".into());
        } else if fault == Fault::RateLimited {
            "countdown 7 s"
        } else {
            "error"
        };
        (kind.to_string(), Some(notice.message.clone()))
    };
    if fault == Fault::AuthInvalid {
        summary.push_str("; client reloaded");
        summary.push_str(reload_refused(&fapi).await?);
    }
    summary.push_str(&retry(&mut app, target, &text)?);
    summary.push_str(&back(&mut app, target)?);
    Ok(Outcome { summary, message })
}

/// The client reload meets the same 401: now the client is gone, and its token must go too,
/// or every later call fails the same way.
async fn reload_refused(fapi: &FapiClient) -> Result<&'static str, String> {
    let reply = execute(fapi, Call::LoadClient, None).await;
    if !matches!(reply, Reply::Client(Err(_))) {
        return Err(format!("the refused reload answered {reply:?}"));
    }
    if fapi.has_client_token() {
        return Err("the client reload was refused and the token is still used".into());
    }
    Ok(", refused too: token dropped")
}

/// `r`: repeats a kept call, or the screen asks to send the form again.
fn retry(app: &mut App, target: Target, text: &str) -> Result<String, String> {
    let retryable = app.notice.as_ref().is_some_and(|n| n.retryable);
    if !retryable {
        return Ok(String::new());
    }
    if app.polling {
        return Ok(String::new());
    }
    let epoch = app.epoch;
    let fx = update(app, Action::Retry);
    let repeated = fx.iter().any(|e| {
        matches!(e, Effect::Call { epoch: e2, call } if *e2 == epoch
        && (target != Target::MintToken || call.label() == "Minting a session token"))
    });
    if repeated {
        if !text.contains("Press r to retry") {
            return Err("r repeats the call but the screen does not offer it".into());
        }
        // The repeated call is in flight; forget it for the Back check.
        return Ok("; r repeats".into());
    }
    if !fx.is_empty() {
        return Err(format!("Retry did something unexpected: {fx:?}"));
    }
    if !text.contains("Enter it again to retry") {
        return Err(format!("no way to retry offered; screen: {text}"));
    }
    Ok("; resend form".into())
}

/// Esc: leaves the failed state for the step before (nothing to leave once signed in).
fn back(app: &mut App, target: Target) -> Result<String, String> {
    let was_polling = app.polling;
    let epoch = app.epoch;
    let fx = update(app, Action::Back);
    let _ = screen(app);
    if target == Target::MintToken {
        return match (fx.is_empty(), app.signed_in.is_some()) {
            (true, true) => Ok(String::new()),
            _ => Err("Esc on the signed-in screen changed something".into()),
        };
    }
    if app.epoch == epoch || app.busy.is_some() || app.notice.is_some() {
        return Err("Esc did not leave the failed state".into());
    }
    if was_polling && !fx.iter().any(|e| matches!(e, Effect::StopPolling)) {
        return Err("Esc left the poller running".into());
    }
    if app.step() != Step::Identifier {
        return Err(format!("Esc went to {:?}", app.step()));
    }
    Ok("; Esc ok".into())
}
