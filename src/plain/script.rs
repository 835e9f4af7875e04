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

use crate::app::effects::{EffectRunner, now_ms};
use crate::app::{Action, App, FailureKind};
use crate::cli::ExitStatus;
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Stage, Step};

use super::describe::expired;
use super::engine::{Engine, exit_status_for};
use super::events::{self, EventLog};
use super::input::LineInput;

/// Everything a non-interactive sign-in may answer with.
#[derive(Debug, Default)]
pub struct Answers {
    pub identifier: Option<String>,
    /// The password, already read (from an environment variable).
    pub password: Option<SecretString>,
    /// The password is the first line of the input.
    pub password_from_input: bool,
    /// Each one-time code is the next line of the input.
    pub codes_from_input: bool,
    /// Base32 TOTP secret: authenticator codes are computed locally.
    pub totp_secret: Option<SecretString>,
    /// Use this strategy wherever the sign-in offers it.
    pub strategy: Option<Strategy>,
}

#[derive(Debug, Clone, Default)]
pub struct ScriptOptions {
    /// NDJSON events on `out`; otherwise sentences on `err` only.
    pub json: bool,
}

/// What the script needs next from its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Password,
    Code,
}

struct Reporter<O: Write, E: Write> {
    out: O,
    err: E,
    json: bool,
}

impl<O: Write, E: Write> Reporter<O, E> {
    fn event(&mut self, event: &Value) {
        if self.json {
            let _ = writeln!(self.out, "{event}");
            let _ = self.out.flush();
        } else {
            let _ = writeln!(self.err, "{}", events::sentence(event));
        }
    }

    fn say(&mut self, sentence: &str) {
        let _ = writeln!(self.err, "{sentence}");
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

/// Sign in without questions. Events go to `out` (with `--json`), sentences to `err`.
#[allow(clippy::too_many_arguments)]
pub async fn sign_in<R, O, E>(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    answers: Answers,
    input: R,
    out: O,
    err: E,
    opts: ScriptOptions,
) -> ExitStatus
where
    R: AsyncBufRead + Unpin + Send + 'static,
    O: Write,
    E: Write,
{
    let mut engine = Engine::new(app, runner, tx, rx);
    let mut report = Reporter {
        out,
        err,
        json: opts.json,
    };
    let mut lines = LineInput::from_reader(input);
    let mut log = EventLog::default();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut state = State {
        answers,
        submitted_identifier: false,
        switched: Vec::new(),
        last_answer: None,
        password_line_used: false,
    };
    let mut pending: Option<Need> = None;
    engine.start();
    loop {
        for event in log.changes(&engine.app) {
            report.event(&event);
        }
        if engine.ready() && pending.is_none() {
            if let Some(f) = engine.last_failure.as_ref() {
                let status = exit_status_for(f);
                let code = match &f.kind {
                    FailureKind::Api { code, .. } => code.as_str(),
                    FailureKind::RateLimited { .. } => "too_many_requests",
                    FailureKind::Network => "network_error",
                    FailureKind::Timeout => "timeout",
                    FailureKind::BadResponse => "bad_response",
                    FailureKind::Setup => "setup",
                };
                let event = events::error(code, &f.message, f.param_name.as_deref(), status.code());
                report.event(&event);
                if opts.json {
                    report.say(&format!("Error: {}", f.message));
                }
                return status;
            }
            if engine.app.signed_in.is_some() {
                if let Some(wanted) = state.answers.identifier.as_deref()
                    && !session_matches(&engine.app, wanted)
                {
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
            line = lines.recv(), if pending.is_some() => {
                let need = pending.take();
                match line {
                    Some(Ok(mut line)) => {
                        let secret = SecretString::from(line.trim_end_matches('\r').to_string());
                        line.zeroize();
                        state.last_answer = answer_key(&engine.app, &engine.app.step());
                        match need {
                            Some(Need::Password) => {
                                state.password_line_used = true;
                                engine.dispatch(Action::SubmitPassword(secret));
                            }
                            _ => {
                                let code = super::interpret::normalize_code(secret.expose_secret());
                                engine.dispatch(Action::SubmitCode(SecretString::from(code)));
                            }
                        }
                    }
                    Some(Err(_)) | None => {
                        let what = if need == Some(Need::Password) { "password" } else { "code" };
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

/// What the script has done so far.
struct State {
    answers: Answers,
    submitted_identifier: bool,
    /// Stages where `--strategy` was already applied.
    switched: Vec<Stage>,
    /// The last question answered (see `answer_key`).
    last_answer: Option<String>,
    password_line_used: bool,
}

enum Decision {
    Dispatch(Vec<Action>),
    Read(Need),
    Wait,
    Stop(ExitStatus, &'static str, String),
}

fn notice_or(app: &App, fallback: &str) -> String {
    app.notice
        .as_ref()
        .map(|n| n.message.clone())
        .unwrap_or_else(|| fallback.to_string())
}

/// The next move while the app waits for an answer.
fn decide(app: &App, state: &mut State) -> Decision {
    match app.step() {
        Step::Identifier if state.submitted_identifier => Decision::Stop(
            ExitStatus::Other,
            "sign_in_restarted",
            notice_or(app, "The sign-in was started over."),
        ),
        Step::Identifier => match state.answers.identifier.take() {
            Some(identifier) => {
                state.submitted_identifier = true;
                Decision::Dispatch(vec![Action::SubmitIdentifier {
                    identifier,
                    password: None,
                }])
            }
            None => Decision::Stop(
                ExitStatus::NeedsInput,
                "identifier_missing",
                "No identifier was given (--identifier).".into(),
            ),
        },
        // A sign-in left unfinished on this client is for whoever started it: start afresh.
        _ if !state.submitted_identifier && state.answers.identifier.is_some() => {
            Decision::Dispatch(vec![Action::Back])
        }
        Step::Factor(f) => {
            let key = answer_key(app, &Step::Factor(f.clone()));
            let offered = |wanted: &Strategy| {
                app.sign_in
                    .as_ref()
                    .is_some_and(|s| f.stage.factors(s).iter().any(|x| &x.strategy == wanted))
            };
            if let Some(wanted) = state.answers.strategy.clone()
                && *f.strategy() != wanted
                && !state.switched.contains(&f.stage)
                && offered(&wanted)
            {
                state.switched.push(f.stage);
                return Decision::Dispatch(vec![
                    Action::ChooseAnotherMethod,
                    Action::PickFactor(wanted),
                ]);
            }
            if state.last_answer.is_some() && state.last_answer == key {
                // The app took the answer without a call; its notice says why.
                let status = if app.blocked_secs().is_some() {
                    ExitStatus::LockedOrRateLimited
                } else {
                    ExitStatus::Other
                };
                return Decision::Stop(
                    status,
                    "answer_not_accepted",
                    notice_or(app, "The answer was not accepted."),
                );
            }
            match answer_factor(app, &f, &mut state.answers, state.password_line_used) {
                Answer::Act(actions) => {
                    state.last_answer = key;
                    Decision::Dispatch(actions)
                }
                Answer::Read(need) => Decision::Read(need),
                Answer::Wait => Decision::Wait,
                Answer::Stop(status, code, message) => Decision::Stop(status, code, message),
            }
        }
        Step::NewPassword => Decision::Stop(
            ExitStatus::NeedsInput,
            "new_password_required",
            "The account's password must be changed; sign in interactively to choose one.".into(),
        ),
        Step::ChooseFactor(_) | Step::NoFactor(_) => Decision::Stop(
            ExitStatus::NeedsInput,
            "no_usable_factor",
            "No sign-in method this command can answer was offered.".into(),
        ),
        Step::Unsupported { status } => Decision::Stop(
            ExitStatus::Other,
            "unsupported_status",
            format!("The sign-in needs a step this app cannot do ({status})."),
        ),
        // Signed in: the caller reports it once the session token is minted.
        Step::Complete { .. } => Decision::Wait,
    }
}

enum Answer {
    Act(Vec<Action>),
    Read(Need),
    Wait,
    Stop(ExitStatus, &'static str, String),
}

/// Identifies one question (sign-in, stage, strategy, sent code), so it is answered once.
fn answer_key(app: &App, step: &Step) -> Option<String> {
    let Step::Factor(f) = step else {
        return None;
    };
    Some(format!(
        "{}:{:?}:{}:{:?}",
        app.sign_in.as_ref().map(|s| s.id.as_str()).unwrap_or(""),
        f.stage,
        f.strategy(),
        f.expire_at
    ))
}

fn answer_factor(
    app: &App,
    f: &FactorStep,
    answers: &mut Answers,
    password_line_used: bool,
) -> Answer {
    let strategy = f.strategy();
    match strategy {
        Strategy::Password => {
            if let Some(p) = answers.password.take() {
                Answer::Act(vec![Action::SubmitPassword(p)])
            } else if answers.password_from_input && !password_line_used {
                Answer::Read(Need::Password)
            } else {
                Answer::Stop(
                    ExitStatus::NeedsInput,
                    "password_missing",
                    "A password is needed (--password-env VAR or --password-stdin).".into(),
                )
            }
        }
        Strategy::Totp if answers.totp_secret.is_some() => {
            match answers.totp_secret.as_ref().and_then(totp_now) {
                Some(code) => Answer::Act(vec![Action::SubmitCode(code)]),
                None => Answer::Stop(
                    ExitStatus::Usage,
                    "totp_secret_invalid",
                    "The TOTP secret is not valid base32.".into(),
                ),
            }
        }
        Strategy::Totp | Strategy::BackupCode => code_from_input(answers),
        s if s.is_code() => {
            if f.sent && !expired(app) {
                code_from_input(answers)
            } else if f.ended.is_some() || expired(app) {
                Answer::Stop(
                    ExitStatus::WrongCredentials,
                    "verification_ended",
                    "The code expired or had too many wrong attempts.".into(),
                )
            } else {
                Answer::Act(vec![Action::SendCode])
            }
        }
        Strategy::EmailLink => {
            if f.sent && !expired(app) {
                Answer::Wait
            } else if f.ended.is_some() || expired(app) {
                Answer::Stop(
                    ExitStatus::WrongCredentials,
                    "verification_ended",
                    "The link expired or could not be verified.".into(),
                )
            } else {
                Answer::Act(vec![Action::SendCode])
            }
        }
        other => Answer::Stop(
            ExitStatus::NeedsInput,
            "strategy_not_scriptable",
            format!(
                "The sign-in wants {other}, which needs a browser or a person; pass --strategy to pick another."
            ),
        ),
    }
}

fn code_from_input(answers: &Answers) -> Answer {
    if answers.codes_from_input {
        Answer::Read(Need::Code)
    } else {
        Answer::Stop(
            ExitStatus::NeedsInput,
            "code_missing",
            "A one-time code is needed (--code-stdin, or --totp-secret-env for an authenticator)."
                .into(),
        )
    }
}

/// The current RFC 6238 code (SHA1, 6 digits, 30 s) for a base32 secret.
fn totp_now(secret: &SecretString) -> Option<SecretString> {
    let bytes = totp_rs::Secret::try_from_base32(secret.expose_secret().trim().replace(' ', ""))
        .ok()?
        .as_bytes()
        .to_vec();
    let totp = totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(bytes)
        .build_noncompliant();
    let secs = u64::try_from(now_ms() / 1000).ok()?;
    Some(SecretString::from(totp.generate(secs).to_string()))
}

/// The signed-in user is the one the identifier names (email, phone or username).
fn session_matches(app: &App, identifier: &str) -> bool {
    let Some(user) = app.user() else {
        return true;
    };
    let id = identifier.trim();
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    user.email_addresses
        .iter()
        .any(|e| e.email_address.eq_ignore_ascii_case(id))
        || user
            .username
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(id))
        || user
            .phone_numbers
            .iter()
            .any(|p| !digits(id).is_empty() && digits(&p.phone_number) == digits(id))
}
