//! How `clerk-tui sign-in` answers each question of the flow from what it was given: the
//! identifier, a password, codes from stdin, TOTP codes computed from a secret, a preferred
//! strategy. Pure decisions over `App`; the loop in `script.rs` carries them out.

use secrecy::{ExposeSecret, SecretString};

use crate::app::effects::now_ms;
use crate::app::{Action, App};
use crate::cli::ExitStatus;
use crate::fapi::Strategy;
use crate::flow::{FactorStep, Stage, Step};

use super::describe::expired;

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
    /// A sign-in ticket, already read (from an environment variable): no identifier needed.
    pub ticket: Option<SecretString>,
    /// The ticket is the first line of the input.
    pub ticket_from_input: bool,
}

impl Answers {
    /// A ticket signs in on its own: given, or to be read.
    pub fn has_ticket(&self) -> bool {
        self.ticket.is_some() || self.ticket_from_input
    }
}

/// What the script needs next from its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Password,
    Code,
    Ticket,
    /// The address a browser hand-off ended on, or its nonce.
    Return,
}

/// What the script has done so far.
pub(crate) struct State {
    pub answers: Answers,
    pub submitted_identifier: bool,
    /// Stages where `--strategy` was already applied.
    pub switched: Vec<Stage>,
    /// The last question answered (see `answer_key`).
    pub last_answer: Option<String>,
    pub password_line_used: bool,
    /// A ticket was sent: a refusal from here on is about it.
    pub used_ticket: bool,
}

pub(crate) enum Decision {
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
pub(crate) fn decide(app: &App, state: &mut State) -> Decision {
    match app.step() {
        Step::Identifier if state.submitted_identifier => Decision::Stop(
            ExitStatus::Other,
            "sign_in_restarted",
            notice_or(app, "The sign-in was started over."),
        ),
        Step::Identifier if state.answers.has_ticket() => match state.answers.ticket.take() {
            Some(ticket) => {
                state.submitted_identifier = true;
                state.used_ticket = true;
                state.answers.ticket_from_input = false;
                Decision::Dispatch(vec![Action::SubmitTicket(ticket)])
            }
            None => Decision::Read(Need::Ticket),
        },
        Step::Identifier => match state.answers.identifier.take() {
            // `--strategy oauth_<provider>` (or SAML, enterprise SSO) with no identifier: a
            // browser hand-off; its address goes out as an event and the nonce comes on stdin.
            None if state
                .answers
                .strategy
                .as_ref()
                .is_some_and(crate::app::handoff::is_hand_off) =>
            {
                state.submitted_identifier = true;
                let strategy = state.answers.strategy.clone().unwrap_or_default();
                Decision::Dispatch(vec![Action::StartOAuth(strategy)])
            }
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
        _ if !state.submitted_identifier
            && (state.answers.identifier.is_some() || state.answers.has_ticket()) =>
        {
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
pub(crate) fn answer_key(app: &App, step: &Step) -> Option<String> {
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
        s if crate::app::handoff::is_hand_off(s) => {
            let handoff = app.handoff.as_ref();
            if let Some(words) = handoff.and_then(|h| h.ended.clone()) {
                Answer::Stop(ExitStatus::WrongCredentials, "hand_off_failed", words)
            } else if f.ended.is_some() || expired(app) {
                Answer::Stop(
                    ExitStatus::WrongCredentials,
                    "verification_ended",
                    "The browser sign-in expired or failed.".into(),
                )
            } else if f.sent && handoff.is_some_and(|h| h.returned_by.is_none()) {
                Answer::Read(Need::Return)
            } else {
                Answer::Wait
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
pub(crate) fn session_matches(app: &App, identifier: &str) -> bool {
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
