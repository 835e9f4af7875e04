//! Command-line interface: which backend (embedded server, a publishable key, or an explicit
//! Frontend API URL), which front end, the scripting subcommands, and the exit codes they
//! promise.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

/// What the exit codes mean and two examples, for the end of `--help`.
const EXIT_CODES_HELP: &str = "\
Exit codes (stable, for scripts):
  0  success (for `status`: signed in; for `doctor`: no check failed)
  1  any other failure (for `doctor`: at least one check failed)
  2  usage: bad arguments, a bad publishable key or Frontend API URL
  3  input was needed but not given (no identifier, no password, no code, end of input;
     for `token` and `status`: not signed in)
  4  wrong credentials: unknown account, wrong password or code, expired link or code
  5  locked account, or rate-limited (too many requests)
  6  the Frontend API could not be reached (network, timeout, server error)

Environment: CLERK_PUBLISHABLE_KEY, CLERK_FRONTEND_API, CLERK_TUI_CONFIG_DIR, CLERK_TUI_LOG,
CLERK_TUI_REDIRECT_URL, NO_COLOR.

Examples:
  clerk-tui                # try it: the embedded demo server, no Clerk account or network needed
  export CLERK_PUBLISHABLE_KEY=pk_test_...; clerk-tui && curl -H \"Authorization: Bearer $(clerk-tui token)\" https://api.example.com/";

/// The process exit status of every `clerk-tui` command; scripts may rely on these values.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success (`status`: signed in) |
/// | 1 | any other failure (`doctor`: a check failed) |
/// | 2 | usage: bad arguments, a bad publishable key or Frontend API URL |
/// | 3 | input was needed but not given (`token`/`status`: not signed in) |
/// | 4 | wrong credentials: unknown account, wrong password or code, expired link or code |
/// | 5 | locked account, or rate-limited |
/// | 6 | the Frontend API could not be reached (network, timeout, 5xx) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitStatus {
    Success,
    Other,
    Usage,
    NeedsInput,
    WrongCredentials,
    LockedOrRateLimited,
    Unreachable,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Other => 1,
            ExitStatus::Usage => 2,
            ExitStatus::NeedsInput => 3,
            ExitStatus::WrongCredentials => 4,
            ExitStatus::LockedOrRateLimited => 5,
            ExitStatus::Unreachable => 6,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "clerk-tui",
    version,
    about = "Sign in to a Clerk application from a terminal",
    long_about = "Sign in to a Clerk application from a terminal.\n\nWith no key it starts an embedded \
                  Clerk Frontend API emulator with demo users, so it works with no account and no network.",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub backend: BackendArgs,

    #[command(flatten)]
    pub hand_off: HandOffArgs,

    /// Keep the client token in memory only (nothing is written to disk).
    #[arg(long, global = true)]
    pub no_store: bool,

    /// Keep the client token and the embedded server's database in this directory.
    #[arg(long, global = true, env = "CLERK_TUI_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Line-by-line mode for screen readers and scripts (also when TERM=dumb or not a terminal).
    #[arg(long, global = true)]
    pub plain: bool,

    /// Black and white, no colours (setting NO_COLOR does the same).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// High-contrast theme: only the terminal's own colours, with bold and reverse video.
    #[arg(long, global = true)]
    pub high_contrast: bool,

    /// Write a log to this file (secrets are never logged).
    #[arg(long, global = true, env = "CLERK_TUI_LOG", value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct BackendArgs {
    /// A Clerk publishable key (pk_test_… or pk_live_…): sign in to that instance.
    #[arg(
        long,
        env = "CLERK_PUBLISHABLE_KEY",
        global = true,
        value_name = "KEY",
        conflicts_with = "frontend_api"
    )]
    pub publishable_key: Option<String>,

    /// An explicit Frontend API URL, e.g. http://127.0.0.1:8787 from `clerk-tui serve`
    /// (plain http only for loopback addresses).
    #[arg(long, env = "CLERK_FRONTEND_API", global = true, value_name = "URL")]
    pub frontend_api: Option<String>,
}

/// How a browser sign-in (Google, GitHub, SAML, enterprise SSO) comes back to the terminal.
#[derive(Debug, Args)]
pub struct HandOffArgs {
    /// Port of the browser sign-in's loopback callback http://127.0.0.1:PORT/callback.
    ///
    /// A browser on this computer (or through `ssh -L PORT:127.0.0.1:PORT`) returns there.
    /// Allowlist that address as a native redirect URL in Clerk's Dashboard. 0 picks any
    /// free port. [default: 8976]
    // No clap default: a global with a default value breaks parsing once the per-subcommand
    // help hides it (`command()`); `port()` supplies it.
    #[arg(long, global = true, value_name = "PORT")]
    pub callback_port: Option<u16>,

    /// An allowlisted page the browser sign-in ends on instead of the loopback callback.
    ///
    /// Paste the address the browser ends on (or its rotating_token_nonce) into the terminal.
    #[arg(
        long,
        global = true,
        env = "CLERK_TUI_REDIRECT_URL",
        value_name = "URL"
    )]
    pub redirect_url: Option<String>,
}

impl HandOffArgs {
    /// The loopback callback's port: `--callback-port`, else the fixed default (so the exact
    /// address can be allowlisted once).
    pub fn port(&self) -> u16 {
        self.callback_port
            .unwrap_or(crate::app::callback::DEFAULT_CALLBACK_PORT)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Clerk Frontend API emulator on its own (for other apps and SDKs).
    Serve(ServeArgs),
    /// Sign in without questions: answers come from flags, the environment and stdin.
    SignIn(SignInArgs),
    /// Print a fresh session token (JWT) of the signed-in session to stdout, nothing else.
    Token(TokenArgs),
    /// Say whether a session is signed in (exit 0) or not (exit 3).
    Status(StatusArgs),
    /// Sign out; the local client token is forgotten even if the server cannot be reached.
    SignOut(SignOutArgs),
    /// Check this terminal, the clock, token storage and the Frontend API, and say what to fix.
    Doctor(DoctorArgs),
    /// Print a shell completion script to stdout, e.g. `clerk-tui completions bash`.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, e.g. `clerk-tui man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// One JSON object on stdout (every check with its status and fix) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// The options shared by every command that a subcommand reads; its `--help` hides the rest
/// (they are still accepted, so a script that passes them everywhere keeps working).
const GLOBALS_READ: &[(&str, &[&str])] = &[
    ("serve", &["config_dir", "log_file"]),
    ("sign-in", SIGN_IN),
    ("token", CONNECTION),
    ("status", CONNECTION),
    ("sign-out", CONNECTION),
    (
        "doctor",
        &[
            "publishable_key",
            "frontend_api",
            "no_store",
            "config_dir",
            "plain",
            "no_color",
            "high_contrast",
            "log_file",
            "callback_port",
            "redirect_url",
        ],
    ),
    ("completions", &[]),
    ("man", &[]),
];

/// What `sign-in` reads: a connection, and how a browser sign-in comes back.
const SIGN_IN: &[&str] = &[
    "publishable_key",
    "frontend_api",
    "no_store",
    "config_dir",
    "log_file",
    "callback_port",
    "redirect_url",
];

/// What the commands that talk to a Frontend API read.
const CONNECTION: &[&str] = &[
    "publishable_key",
    "frontend_api",
    "no_store",
    "config_dir",
    "log_file",
];

/// One example per subcommand, at the end of its `--help`.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "serve",
        "Example:\n  clerk-tui serve --addr 127.0.0.1:8787 --ephemeral\n  clerk-tui --frontend-api http://127.0.0.1:8787",
    ),
    (
        "sign-in",
        "Example:\n  PW=... clerk-tui sign-in --identifier ada@example.com --password-env PW --json",
    ),
    (
        "token",
        "Example:\n  curl -H \"Authorization: Bearer $(clerk-tui token)\" https://api.example.com/me",
    ),
    ("status", "Example:\n  clerk-tui status --json"),
    ("sign-out", "Example:\n  clerk-tui sign-out --all"),
    ("doctor", "Example:\n  clerk-tui doctor --json"),
    (
        "completions",
        "Example:\n  clerk-tui completions bash > ~/.local/share/bash-completion/completions/clerk-tui",
    ),
    ("man", "Example:\n  clerk-tui man | man -l -"),
];

/// The command line as parsed and documented: each subcommand's help lists only the shared
/// options it reads, and ends with an example.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    // Built first, so the shared options are already copied into each subcommand to hide.
    command.build();
    for (name, read) in GLOBALS_READ {
        let example = EXAMPLES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| *e)
            .unwrap_or_default();
        command = command.mut_subcommand(*name, |mut sub| {
            let unread: Vec<String> = sub
                .get_arguments()
                .filter(|a| a.is_global_set() && !read.contains(&a.get_id().as_str()))
                .map(|a| a.get_id().to_string())
                .collect();
            for id in unread {
                sub = sub.mut_arg(id, |a| a.hide(true));
            }
            sub.after_help(example)
        });
    }
    command
}

/// Parses this process's arguments with [`command`] (exits with clap's message on error).
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    // Arguments are parsed by the plain definition: hiding options in an already-built command
    // (`command()`) leaves clap's lookup of long flags pointing at the wrong arguments once
    // flattened globals follow them (`serve --config-dir D` was read as `--callback-port D`).
    // Help, which only renders, comes from `command()`.
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => print_help(e),
        Err(e) => e.exit(),
    };
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

/// Prints the help clap asked for from `command()` (the subcommand's own options only) and
/// exits 0; without a subcommand, clap's own help is already right.
fn print_help(asked: clap::Error) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut command = command();
    let Some(name) = args
        .iter()
        .find(|a| command.find_subcommand(a.as_str()).is_some())
        .cloned()
    else {
        asked.exit()
    };
    let long = args.iter().any(|a| a == "--help");
    let Some(sub) = command.find_subcommand_mut(&name) else {
        asked.exit()
    };
    let help = if long {
        sub.render_long_help()
    } else {
        sub.render_help()
    };
    print!("{help}");
    std::process::exit(0)
}

/// Writes the completion script for `shell`, generated from the same definition the parser uses.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    let mut command = command();
    clap_complete::generate(shell, &mut command, "clerk-tui", out);
}

/// Writes the man page (roff), generated from the same definition the parser uses.
pub fn write_man_page(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    clap_mangen::Man::new(command()).render(out)
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    /// Email address, username or phone number.
    #[arg(long, value_name = "IDENTIFIER")]
    pub identifier: Option<String>,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "password_stdin")]
    pub password_env: Option<String>,
    /// Read the password from the first line of stdin.
    #[arg(long)]
    pub password_stdin: bool,
    /// Sign in with the ticket (a `__clerk_ticket` link or the token) in this variable.
    ///
    /// An administrator makes one with Clerk's Backend API (`POST /v1/sign_in_tokens`); no
    /// identifier, password or code is needed.
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with_all = ["ticket_stdin", "identifier", "password_env", "password_stdin"]
    )]
    pub ticket_env: Option<String>,
    /// Read the sign-in ticket (link or token) from the first line of stdin.
    #[arg(
        long,
        conflicts_with_all = ["identifier", "password_env", "password_stdin"]
    )]
    pub ticket_stdin: bool,
    /// Read each one-time code (email, SMS, authenticator, backup) from the next line of stdin.
    #[arg(long)]
    pub code_stdin: bool,
    /// Compute authenticator (TOTP) codes from the base32 secret in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub totp_secret_env: Option<String>,
    /// Use this strategy where the sign-in offers it (password, email_code, email_link,
    /// phone_code, totp, backup_code, ...).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Report progress as one JSON object per line on stdout (prompts go to stderr).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Shape the token with this JWT template.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// One JSON object on stdout instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignOutArgs {
    /// Sign out of every session of this client, not only the active one.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// SQLite database file (default: under the user's data directory).
    #[arg(long, value_name = "PATH", conflicts_with = "ephemeral")]
    pub db: Option<PathBuf>,
    /// Keep everything in memory; nothing survives a restart.
    #[arg(long)]
    pub ephemeral: bool,
    /// Seed users from this TOML file instead of the built-in demo users.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Allow binding to a non-loopback address (the emulator has no real security).
    #[arg(long)]
    pub allow_remote: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn key_and_url_conflict() {
        let r = Cli::try_parse_from([
            "clerk-tui",
            "--publishable-key",
            "pk_test_x",
            "--frontend-api",
            "http://127.0.0.1:1",
        ]);
        assert!(r.is_err());
    }

    #[test]
    fn scripting_subcommands_parse() {
        let cli = Cli::try_parse_from([
            "clerk-tui",
            "sign-in",
            "--identifier",
            "a@example.com",
            "--password-env",
            "PW",
            "--code-stdin",
            "--strategy",
            "email_code",
            "--json",
        ])
        .expect("parses");
        match cli.command {
            Some(Command::SignIn(a)) => {
                assert_eq!(a.identifier.as_deref(), Some("a@example.com"));
                assert_eq!(a.password_env.as_deref(), Some("PW"));
                assert!(a.code_stdin && a.json && !a.password_stdin);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Cli::try_parse_from([
                "clerk-tui",
                "sign-in",
                "--password-env",
                "X",
                "--password-stdin"
            ])
            .is_err()
        );
        let cli = Cli::try_parse_from(["clerk-tui", "token", "--template", "api"]).expect("parses");
        assert!(
            matches!(cli.command, Some(Command::Token(TokenArgs { template: Some(t) })) if t == "api")
        );
    }

    #[test]
    fn help_documents_every_exit_code() {
        let help = Cli::command().render_long_help().to_string();
        for status in [
            ExitStatus::Success,
            ExitStatus::Other,
            ExitStatus::Usage,
            ExitStatus::NeedsInput,
            ExitStatus::WrongCredentials,
            ExitStatus::LockedOrRateLimited,
            ExitStatus::Unreachable,
        ] {
            assert!(
                help.contains(&format!("\n  {}  ", status.code())),
                "{status:?} missing:\n{help}"
            );
        }
    }

    #[test]
    fn each_subcommand_help_shows_its_own_options_and_an_example() {
        let mut command = super::command();
        let help = |command: &mut clap::Command, name: &str| {
            command
                .find_subcommand_mut(name)
                .map(|s| s.render_help().to_string())
                .unwrap_or_default()
        };
        let serve = help(&mut command, "serve");
        for shown in ["--addr", "--ephemeral", "--config-dir", "Example:"] {
            assert!(serve.contains(shown), "{shown}:\n{serve}");
        }
        for hidden in [
            "--publishable-key",
            "--no-store",
            "--no-color",
            "--high-contrast",
            "--plain",
        ] {
            assert!(!serve.contains(hidden), "{hidden}:\n{serve}");
        }
        let token = help(&mut command, "token");
        assert!(
            token.contains("--frontend-api") && !token.contains("--no-color"),
            "{token}"
        );
        assert!(help(&mut command, "doctor").contains("--no-color"));
        // Hidden is not refused: a script passing a shared option everywhere still runs.
        let parsed = command.try_get_matches_from(["clerk-tui", "serve", "--no-color"]);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
