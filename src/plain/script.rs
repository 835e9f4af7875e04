//! `clerk-tui sign-in`: the same app and flow, answered from flags, the environment and stdin
//! instead of a person. It stops with a documented exit code as soon as an answer is missing
//! or the server refuses one; it never guesses or retries credentials.

use std::io::Write;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::io::AsyncBufRead;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use zeroize::Zeroize;

use crate::app::effects::EffectRunner;
use crate::app::{Action, App, FailureKind};
use crate::cli::ExitStatus;

pub use super::answer::Answers;
use super::answer::{Decision, Need, State, answer_key, decide, session_matches};
use super::engine::{Engine, exit_status_for};
use super::events::{self, EventLog};
use super::input::LineInput;

#[derive(Debug, Clone, Default)]
pub struct ScriptOptions {
    /// NDJSON events on `out`; otherwise sentences on `err` only.
    pub json: bool,
}

struct Reporter<O: Write, E: Write> {
    out: O,
    err: E,
    json: bool,
}

impl<O: Write, E: Write> Reporter<O, E> {
    fn event(&mut self, event: &Value) {
        // Every string of an event may come from the server (ids, strategies, messages):
        // serde_json would escape C0 controls but pass C1 and bidi characters.
        let mut event = event.clone();
        crate::flow::clean_json(&mut event);
        if self.json {
            let _ = writeln!(self.out, "{event}");
            let _ = self.out.flush();
        } else {
            let _ = writeln!(
                self.err,
                "{}",
                crate::flow::clean(&events::sentence(&event))
            );
        }
    }

    fn say(&mut self, sentence: &str) {
        let _ = writeln!(self.err, "{}", crate::flow::clean(sentence));
    }

    /// Report an error and give the exit status to end with.
    fn fail(&mut self, status: ExitStatus, code: &str, message: &str) -> ExitStatus {
        let event = events::error(code, message, None, status.code());
        if self.json {
            self.event(&event);
        }
        self.say(&format!("Error: {message}"));
        status
    }
}

/// Where a script reads its answers and writes its events and sentences.
pub struct ScriptIo<R, O, E> {
    /// Passwords and codes, one per line (only read when the answers say so).
    pub input: R,
    /// NDJSON events (with `ScriptOptions::json`), nothing otherwise.
    pub out: O,
    /// Sentences and prompts for a person.
    pub err: E,
}

/// Sign in without questions. Events go to `out` (with `--json`), sentences to `err`.
pub async fn sign_in<R, O, E>(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    answers: Answers,
    io: ScriptIo<R, O, E>,
    opts: ScriptOptions,
) -> ExitStatus
where
    R: AsyncBufRead + Unpin + Send + 'static,
    O: Write,
    E: Write,
{
    let mut engine = Engine::new(app, runner, tx, rx);
    let ScriptIo { input, out, err } = io;
    let mut report = Reporter {
        out,
        err,
        json: opts.json,
    };
    let mut log = EventLog::default();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut state = State {
        answers,
        submitted_identifier: false,
        switched: Vec::new(),
        last_answer: None,
        password_line_used: false,
        used_ticket: false,
    };
    // Only read stdin when answers are to come from it; otherwise leave it to the caller. A
    // browser hand-off reads the address the browser ended on (or its nonce) from it.
    let hand_off = state
        .answers
        .strategy
        .as_ref()
        .is_some_and(crate::app::handoff::is_hand_off);
    let mut lines = if state.answers.password_from_input
        || state.answers.codes_from_input
        || state.answers.ticket_from_input
        || hand_off
    {
        LineInput::from_reader(input)
    } else {
        drop(input);
        LineInput::from_reader(tokio::io::empty())
    };
    let mut pending: Option<Need> = None;
    // Stdin ended while a hand-off waited: its callback (or its expiry) still ends the wait.
    let mut input_open = true;
    engine.start();
    loop {
        for event in log.changes(&engine.app) {
            report.event(&event);
        }
        if pending == Some(Need::Return) && !waiting_for_return(&engine.app) {
            pending = None;
        }
        if engine.ready() && pending.is_none() {
            // Signed in is signed in, even if minting the first session token failed.
            if engine.app.signed_in.is_some() {
                // A ticket names its own user; one left unused is not "signed in as asked", and
                // neither is a session of another identifier than the one asked for.
                let unused_ticket = !state.submitted_identifier && state.answers.has_ticket();
                let someone_else = state
                    .answers
                    .identifier
                    .as_deref()
                    .is_some_and(|wanted| !session_matches(&engine.app, wanted));
                if unused_ticket || someone_else {
                    let who = engine
                        .app
                        .session()
                        .and_then(|s| s.display_identifier())
                        .unwrap_or("another account")
                        .to_string();
                    return report.fail(
                        ExitStatus::Other,
                        "session_exists",
                        &format!("Already signed in as {who}; run `clerk-tui sign-out` first."),
                    );
                }
                let event = events::complete(&engine.app, !state.submitted_identifier);
                report.event(&event);
                if opts.json {
                    report.say(&events::sentence(&event));
                }
                return ExitStatus::Success;
            }
            if let Some(f) = engine.last_failure.as_ref() {
                let status = match (exit_status_for(f), &f.kind) {
                    // Clerk refuses an unknown, used or expired ticket with a form error.
                    (ExitStatus::Other, FailureKind::Api { status, .. })
                        if *status < 500
                            && state.used_ticket
                            && f.param_name.as_deref() == Some("identifier") =>
                    {
                        ExitStatus::WrongCredentials
                    }
                    (status, _) => status,
                };
                let code = match &f.kind {
                    FailureKind::Api { code, .. } => code.as_str(),
                    FailureKind::RateLimited { .. } => "too_many_requests",
                    FailureKind::Locked { .. } => "user_locked",
                    FailureKind::Network => "network_error",
                    FailureKind::Timeout => "timeout",
                    FailureKind::BadResponse => "bad_response",
                    FailureKind::Setup => "setup",
                };
                let event = events::error_traced(
                    code,
                    &f.message,
                    f.param_name.as_deref(),
                    status.code(),
                    f.trace_id.as_deref(),
                );
                report.event(&event);
                if opts.json {
                    report.say(&format!("Error: {}", f.message));
                }
                return status;
            }
            match decide(&engine.app, &mut state) {
                Decision::Dispatch(actions) => {
                    for a in actions {
                        engine.dispatch(a);
                    }
                    continue;
                }
                Decision::Read(need) => {
                    if need == Need::Code {
                        report.say("Type the code on standard input.");
                    }
                    pending = Some(need);
                }
                Decision::Wait => {}
                Decision::Stop(status, code, message) => {
                    return report.fail(status, code, &message);
                }
            }
        }
        tokio::select! {
            action = engine.recv() => {
                if let Some(action) = action {
                    engine.dispatch(action);
                    engine.drain();
                }
            }
            _ = ticker.tick() => engine.tick(),
            line = lines.recv(), if pending.is_some() && input_open => {
                let need = pending.take();
                match line {
                    Some(Ok(mut line)) => {
                        let secret = SecretString::from(line.trim_end_matches('\r').to_string());
                        line.zeroize();
                        state.last_answer = answer_key(&engine.app, &engine.app.step());
                        match need {
                            Some(Need::Ticket) => {
                                let Some(ticket) = crate::flow::ticket_from_pasted(secret.expose_secret()) else {
                                    return report.fail(
                                        ExitStatus::Usage,
                                        "ticket_invalid",
                                        "The first line of standard input is not a sign-in ticket \
                                         (a __clerk_ticket link or the token itself).",
                                    );
                                };
                                state.submitted_identifier = true;
                                state.used_ticket = true;
                                state.answers.ticket_from_input = false;
                                engine.dispatch(Action::SubmitTicket(ticket));
                            }
                            Some(Need::Password) => {
                                state.password_line_used = true;
                                engine.dispatch(Action::SubmitPassword(secret));
                            }
                            Some(Need::Return) => engine.dispatch(Action::SubmitReturn(secret)),
                            _ => {
                                let code = crate::flow::normalize_code(secret.expose_secret());
                                engine.dispatch(Action::SubmitCode(SecretString::from(code)));
                            }
                        }
                    }
                    Some(Err(_)) | None if need == Some(Need::Return) => {
                        input_open = false;
                        pending = need;
                    }
                    Some(Err(_)) | None => {
                        let what = match need {
                            Some(Need::Password) => "password",
                            Some(Need::Ticket) => "sign-in ticket",
                            _ => "code",
                        };
                        return report.fail(
                            ExitStatus::NeedsInput,
                            "input_ended",
                            &format!("Standard input ended before a {what} was given."),
                        );
                    }
                }
            }
        }
    }
}

/// A hand-off is still waiting for the browser's address (nothing came back yet).
fn waiting_for_return(app: &crate::app::App) -> bool {
    app.signed_in.is_none()
        && app
            .handoff
            .as_ref()
            .is_some_and(|h| h.returned_by.is_none() && h.ended.is_none())
}
