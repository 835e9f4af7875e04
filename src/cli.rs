//! Command-line interface: which backend (embedded server, a publishable key, or an explicit
//! Frontend API URL), which front end, and the subcommands.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "clerk-tui",
    version,
    about = "Sign in to a Clerk application from a terminal",
    long_about = "Sign in to a Clerk application from a terminal.\n\nWith no key it starts an embedded \
                  Clerk Frontend API emulator with demo users, so it works with no account and no network."
)]
pub struct Cli {
    #[command(flatten)]
    pub backend: BackendArgs,

    /// Keep the client token in memory only (nothing is written to disk).
    #[arg(long, global = true)]
    pub no_store: bool,

    /// Line-by-line mode for screen readers and scripts (also when TERM=dumb or not a terminal).
    #[arg(long, global = true)]
    pub plain: bool,

    /// No colours (the NO_COLOR environment variable does the same).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Only the terminal's own colours, with bold and reverse.
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Clerk Frontend API emulator on its own.
    Serve(ServeArgs),
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
    use clap::CommandFactory;

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
}
