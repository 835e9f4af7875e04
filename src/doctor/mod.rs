//! `clerk-tui doctor`: checks the terminal, the clock, token storage and the chosen Frontend
//! API, and says for each what to fix. Facts are gathered once; every check is a pure function
//! over them (see `facts`), so each branch is unit-tested without a terminal or a network.

pub mod clock;
pub mod facts;
pub mod frontend_api;
pub mod hand_off;
pub mod report;
pub mod storage;
pub mod terminal;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use facts::{Env, TerminalFacts, UiFlags};
pub use frontend_api::{BackendChoice, Outcome, Target};
pub use report::{Check, Report, Status};

use std::io::IsTerminal;

use crate::cli::Cli;
use crate::devserver::{DbLocation, DevServer, DevServerConfig};
use crate::tui::Theme;

/// The embedded server's token is filed under this key whatever port it gets (as in `main`).
pub const EMBEDDED_STORE_KEY: &str = "embedded";

/// What the command line chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorOptions {
    pub backend: BackendChoice,
    pub no_store: bool,
    pub config_dir: Option<PathBuf>,
    pub ui: UiFlags,
    /// `--callback-port` and `--redirect-url`: where a browser sign-in comes back.
    pub callback_port: u16,
    pub redirect_url: Option<String>,
}

impl DoctorOptions {
    /// The backend and storage the other commands would use with the same flags.
    pub fn from_cli(cli: &Cli) -> Self {
        let backend = if let Some(key) = &cli.backend.publishable_key {
            BackendChoice::PublishableKey(key.clone())
        } else if let Some(url) = &cli.backend.frontend_api {
            BackendChoice::FrontendApi(url.clone())
        } else {
            BackendChoice::Embedded
        };
        DoctorOptions {
            backend,
            no_store: cli.no_store,
            config_dir: cli.config_dir.clone(),
            ui: UiFlags {
                plain: cli.plain,
                no_color: cli.no_color,
                high_contrast: cli.high_contrast,
            },
            callback_port: cli.hand_off.port(),
            redirect_url: cli.hand_off.redirect_url.clone(),
        }
    }
}

/// Colour the status words only on a terminal with the default theme and a real TERM.
pub fn colour_output(cli: &Cli) -> bool {
    std::io::stdout().is_terminal()
        && !cli.plain
        && Theme::detect(cli.no_color, cli.high_contrast) == Theme::Default
        && std::env::var("TERM").is_ok_and(|t| !t.is_empty() && t != "dumb")
}

/// Everything the checks look at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub env: Env,
    pub terminal: TerminalFacts,
    pub os: &'static str,
    pub target: Result<Target, String>,
    pub outcome: Outcome,
    pub storage: storage::StorageFacts,
}

/// Gathers the facts (starting the embedded server in-process if that is the backend) and
/// runs every check.
pub async fn run(opts: &DoctorOptions) -> Report {
    let facts = gather(opts).await;
    let mut report = checks(&facts, opts.ui);
    let free = match opts.redirect_url {
        Some(_) => None,
        None => hand_off::port_free(opts.callback_port),
    };
    // After `headless`, which says whether a browser can open here at all.
    let at = report
        .checks
        .iter()
        .position(|c| c.name == "headless")
        .map_or(report.checks.len(), |i| i + 1);
    report.checks.insert(
        at,
        hand_off::browser_sign_in(opts.callback_port, opts.redirect_url.as_deref(), free),
    );
    report
}

pub async fn gather(opts: &DoctorOptions) -> Facts {
    let (target, outcome) = match &opts.backend {
        BackendChoice::Embedded => probe_embedded().await,
        other => match frontend_api::resolve(other) {
            Ok(target) => {
                let outcome = frontend_api::probe(&target.base_url).await;
                (Ok(target), outcome)
            }
            Err(why) => (Err(why.clone()), Outcome::Invalid(why)),
        },
    };
    let store_key = match &target {
        Ok(t) => t.store_key.clone(),
        Err(_) => "this backend".to_owned(),
    };
    Facts {
        env: Env::capture(),
        terminal: TerminalFacts::capture(),
        os: std::env::consts::OS,
        target,
        outcome,
        storage: storage::gather(opts.no_store, opts.config_dir.as_deref(), &store_key),
    }
}

/// The embedded server runs in memory here: the doctor must not create or change its database.
async fn probe_embedded() -> (Result<Target, String>, Outcome) {
    let config = DevServerConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        db: DbLocation::Ephemeral,
        ..Default::default()
    };
    let handle = match DevServer::start(config).await {
        Ok(handle) => handle,
        Err(e) => {
            let why = format!("the embedded server did not start: {e}");
            return (Err(why.clone()), Outcome::Invalid(why));
        }
    };
    let target = Target {
        origin: "embedded server",
        base_url: handle.base_url().to_owned(),
        store_key: EMBEDDED_STORE_KEY.to_owned(),
    };
    let outcome = frontend_api::probe(&target.base_url).await;
    let _ = handle.shutdown().await;
    (Ok(target), outcome)
}

/// Every check, in the order a person reads them.
pub fn checks(facts: &Facts, ui: UiFlags) -> Report {
    let clock_input = match &facts.outcome {
        Outcome::Answered { clock, .. } => Ok(clock),
        Outcome::Invalid(_) | Outcome::Unreachable { .. } => {
            Err("the Frontend API could not be reached")
        }
    };
    Report {
        checks: vec![
            terminal::terminal(&facts.env, &facts.terminal, ui),
            terminal::terminal_size(&facts.terminal),
            terminal::locale(&facts.env),
            terminal::colour(&facts.env, ui),
            terminal::headless(&facts.env, facts.os),
            frontend_api::frontend_api(
                facts.target.as_ref().map_err(String::as_str),
                &facts.outcome,
            ),
            clock::clock(clock_input),
            storage::keyring(&facts.storage),
            storage::token_storage(&facts.storage),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn options_follow_the_same_flags_as_the_other_commands() {
        let cli = Cli::try_parse_from([
            "clerk-tui",
            "doctor",
            "--frontend-api",
            "http://127.0.0.1:4010",
            "--no-store",
            "--plain",
        ])
        .expect("parses");
        let opts = DoctorOptions::from_cli(&cli);
        assert_eq!(
            opts.backend,
            BackendChoice::FrontendApi("http://127.0.0.1:4010".into())
        );
        assert!(opts.no_store && opts.ui.plain && !opts.ui.no_color);
    }

    #[test]
    fn clock_is_unchecked_when_the_server_was_not_reached() {
        let facts = Facts {
            env: Env::from_pairs([("TERM", "xterm"), ("LANG", "C.UTF-8")]),
            terminal: TerminalFacts {
                stdout_is_terminal: true,
                stdin_is_terminal: true,
                size: Some((200, 60)),
            },
            os: "linux",
            target: Err("the publishable key is not valid: bad".into()),
            outcome: Outcome::Invalid("the publishable key is not valid: bad".into()),
            storage: storage::gather(true, None, "x"),
        };
        let report = checks(&facts, UiFlags::default());
        assert_eq!(report.checks.len(), 9);
        assert_eq!(
            report.get("frontend_api").map(|c| c.status),
            Some(Status::Fail)
        );
        assert_eq!(report.get("clock").map(|c| c.status), Some(Status::Warn));
        assert_eq!(
            report.get("terminal_size").map(|c| c.status),
            Some(Status::Pass)
        );
        assert_eq!(report.exit_status().code(), 1);
    }
}
