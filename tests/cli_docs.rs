//! The command line documents itself: every subcommand and flag has help, `--help` ends with
//! the exit codes and examples, and the completions and man page come from the same definition.

use std::process::Command;

use clap::CommandFactory;
use clerk_tui::cli::Cli;

const SUBCOMMANDS: [&str; 8] = [
    "serve",
    "sign-in",
    "token",
    "status",
    "sign-out",
    "doctor",
    "completions",
    "man",
];

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clerk-tui"))
        .args(args)
        .env_remove("CLERK_PUBLISHABLE_KEY")
        .env_remove("CLERK_FRONTEND_API")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn every_subcommand_and_flag_has_one_line_help() {
    let mut missing = Vec::new();
    let root = Cli::command();
    let mut commands = vec![root.clone()];
    commands.extend(root.get_subcommands().cloned());
    let names: Vec<String> = root
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    assert_eq!(names, SUBCOMMANDS);
    for cmd in &commands {
        if cmd.get_about().is_none() {
            missing.push(format!("subcommand {}", cmd.get_name()));
        }
        for arg in cmd.get_arguments() {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let first_line = help.lines().next().unwrap_or_default();
            if first_line.trim().is_empty() || first_line.len() > 120 {
                missing.push(format!("{} {}: {help:?}", cmd.get_name(), arg.get_id()));
            }
        }
    }
    assert!(missing.is_empty(), "without a one-line help: {missing:#?}");
}

#[test]
fn help_ends_with_exit_codes_and_examples() {
    let (code, help) = run(&["--help"]);
    assert_eq!(code, 0);
    for sub in SUBCOMMANDS {
        assert!(
            help.contains(&format!("\n  {sub} ")),
            "{sub} not in --help:\n{help}"
        );
    }
    let exit = help.find("Exit codes").expect("exit codes");
    let examples = help.find("\nExamples:\n").expect("examples");
    assert!(exit < examples, "{help}");
    let block: Vec<&str> = help[examples..].trim().lines().skip(1).collect();
    assert_eq!(block.len(), 2, "two example lines:\n{help}");
    assert!(block[0].trim_start().starts_with("clerk-tui ") && block[0].contains("embedded"));
    assert!(block[1].contains("CLERK_PUBLISHABLE_KEY=pk_test_"));
    assert!(block[1].contains(r#"curl -H "Authorization: Bearer $(clerk-tui token)""#));
    assert!(help.contains("1  any other failure (for `doctor`: at least one check failed)"));
}

#[test]
fn bash_completions_know_the_subcommands_and_flags() {
    let (code, script) = run(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(
        script.contains("complete -F _clerk__tui") && script.contains(" clerk-tui\n"),
        "{script}"
    );
    for word in SUBCOMMANDS.iter().copied().chain([
        "--publishable-key",
        "--frontend-api",
        "--config-dir",
        "--no-store",
        "--plain",
        "--json",
        "--template",
        "--all",
    ]) {
        assert!(
            script.contains(word),
            "{word} missing from the bash completions"
        );
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let (code, script) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(
            script.contains("doctor") && script.contains("frontend-api"),
            "{shell}"
        );
    }
    let (code, _) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error");
}

#[test]
fn man_page_has_name_synopsis_and_every_subcommand() {
    let (code, page) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        page.starts_with(".ie") || page.contains(".TH clerk-tui"),
        "{page}"
    );
    assert!(
        page.contains(".SH NAME\nclerk\\-tui \\- Sign in to a Clerk application"),
        "{page}"
    );
    assert!(page.contains(".SH SYNOPSIS"), "{page}");
    assert!(page.contains("Exit codes"), "{page}");
    for sub in SUBCOMMANDS {
        let roff = sub.replace('-', "\\-");
        assert!(
            page.contains(&format!("clerk\\-tui\\-{roff}(1)")),
            "{sub} missing:\n{page}"
        );
    }
}
