//! The line-mode front end (`--plain`, `TERM=dumb`, pipes) and the scripting commands, over
//! the same `App`/`update`/`EffectRunner` as the full-screen app: `describe` turns state into
//! sentences, `interpret` turns a typed line into actions, and nothing here decides the flow.

mod account;
mod answer;
mod commands;
mod demo;
mod describe;
mod engine;
mod events;
mod handoff;
mod input;
mod interpret;
mod run;
mod script;
mod words;

#[cfg(test)]
mod tests;

use std::io::IsTerminal;
use std::time::Duration;

use tokio::io::AsyncBufRead;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::app::effects::EffectRunner;
use crate::app::{Action, App};
use crate::cli::ExitStatus;

pub use crate::flow::normalize_code;
pub use commands::{CommandError, SessionStatus, print_token, sign_out, status};
pub use demo::dev_outbox;
pub use describe::{
    describe, expired, instruction, notice, password_rules, situation, waiting_line,
};
pub use engine::exit_status_for;
pub use interpret::{interpret, method_choices, wants_secret};
pub use script::{Answers, ScriptIo, ScriptOptions, sign_in};

/// How the line mode talks.
#[derive(Debug, Clone)]
pub struct PlainOptions {
    /// Print "> " before each read (when a person is at a terminal).
    pub prompt_marker: bool,
    /// How often "Waiting for the link to be opened…" is repeated.
    pub waiting_every: Duration,
}

impl Default for PlainOptions {
    fn default() -> Self {
        PlainOptions {
            prompt_marker: false,
            waiting_every: Duration::from_secs(15),
        }
    }
}

/// How a line-mode run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlainOutcome {
    /// Signed in (in this run or resumed), then the user quit or input ended.
    SignedIn { session_id: String },
    /// The last thing done was signing out.
    SignedOut,
    /// The user quit before signing in.
    Quit,
    /// Input ended while the sign-in still needed an answer.
    InputEnded,
    /// Input ended (or the user quit) after a failure that still stands.
    Failed { status: ExitStatus, message: String },
}

impl PlainOutcome {
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            // Quitting is a choice the user made, not a failure.
            PlainOutcome::SignedIn { .. } | PlainOutcome::SignedOut | PlainOutcome::Quit => {
                ExitStatus::Success
            }
            PlainOutcome::InputEnded => ExitStatus::NeedsInput,
            PlainOutcome::Failed { status, .. } => *status,
        }
    }
}

/// The line mode on this process's stdin and stdout. Secrets are read without echo when
/// stdin is a terminal.
pub async fn run(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    mut opts: PlainOptions,
) -> PlainOutcome {
    opts.prompt_marker |= std::io::stdout().is_terminal();
    if std::io::stdin().is_terminal() {
        let input = input::LineInput::terminal();
        return run::drive(app, runner, tx, rx, input, std::io::stdout(), opts).await;
    }
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    run_with_io(app, runner, tx, rx, stdin, std::io::stdout(), opts).await
}

/// The line mode on any line stream and writer (tests, embedding).
pub async fn run_with_io<R, W>(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    input: R,
    output: W,
    opts: PlainOptions,
) -> PlainOutcome
where
    R: AsyncBufRead + Unpin + Send + 'static,
    W: std::io::Write,
{
    let input = input::LineInput::from_reader(input);
    run::drive(app, runner, tx, rx, input, output, opts).await
}
