//! Programs outside Rust that some tests need (headless Chromium; Node with the pinned npm
//! packages of tests/sdk): found, else set up with `.ci/sdk-setup` the way CI does, else the
//! test skips and says so on the terminal. Under `CI=true` a missing program fails the test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A Chromium binary (Debian's `chromium`; `CLERK_TUI_CHROMIUM` points at another).
    Chromium,
    /// `node` on PATH and `npm ci` done in tests/sdk (Clerk's JS SDK and playwright-core).
    NodeSdk,
}

/// What the test may use once its needs are met.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub chromium: Option<PathBuf>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn sdk_dir() -> PathBuf {
    root().join("tests").join("sdk")
}

fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `CLERK_TUI_CHROMIUM` when set (it must then be there), else the first Chromium on PATH.
pub fn chromium_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CLERK_TUI_CHROMIUM") {
        let path = PathBuf::from(path);
        return executable(&path).then_some(path);
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    names.iter().find_map(|name| {
        std::env::split_paths(&dirs)
            .map(|dir| dir.join(name))
            .find(|p| executable(p))
    })
}

fn node_runs() -> bool {
    std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn no_chromium() -> String {
    match std::env::var_os("CLERK_TUI_CHROMIUM") {
        Some(p) => format!(
            "CLERK_TUI_CHROMIUM={} is not an executable",
            p.to_string_lossy()
        ),
        None => "no chromium, chromium-browser or google-chrome on PATH \
                 (as root: apt-get install chromium)"
            .into(),
    }
}

/// Each unmet need, said with how to meet it.
pub fn missing(needs: &[Need]) -> Vec<String> {
    let mut out = Vec::new();
    for need in needs {
        match need {
            Need::Chromium if chromium_path().is_none() => out.push(no_chromium()),
            Need::Chromium => {}
            Need::NodeSdk => {
                if !node_runs() {
                    out.push("`node` (Node.js 20+) is not on PATH".into());
                }
                for package in ["@clerk/clerk-js", "playwright-core"] {
                    let dir = sdk_dir().join("node_modules").join(package);
                    if !dir.is_dir() {
                        out.push(format!("{package} is not installed in {}", dir.display()));
                    }
                }
            }
        }
    }
    out
}

/// Runs `.ci/sdk-setup` for `needs`, at most once per test binary: its tests run in parallel,
/// and a setup that failed for one (no root, no network) would fail for the next as well.
fn set_up(test: &str, needs: &[Need], missing: &[String]) {
    static TRIED: Mutex<bool> = Mutex::new(false);
    let mut tried = TRIED.lock().unwrap_or_else(|e| e.into_inner());
    if std::mem::replace(&mut *tried, true) || self::missing(needs).is_empty() {
        return; // tried already, or another test set it up meanwhile
    }
    say(&format!(
        "{test}: running .ci/sdk-setup for:\n  - {}",
        missing.join("\n  - ")
    ));
    let mut setup = std::process::Command::new("bash");
    setup.arg(root().join(".ci/sdk-setup")).current_dir(root());
    if let Some(found) = chromium_path() {
        setup.env("CLERK_TUI_CHROMIUM", found); // not in /usr/bin: nothing to install
    }
    if !needs.contains(&Need::NodeSdk) {
        setup.arg("chromium");
    }
    let status = setup.status();
    say(&format!("{test}: .ci/sdk-setup ended with {status:?}"));
}

/// Written past the test harness's capture, so a skip shows in `cargo test` output.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Meets `needs` for `test`, setting them up if missing. `None`: skip the test (said on the
/// terminal), because `skip_var=1` asks so or setup was impossible here. Panics instead under
/// `CI=true`, where a skipped browser test would let a broken build pass.
pub fn ensure_prerequisites(test: &str, skip_var: &str, needs: &[Need]) -> Option<Found> {
    if std::env::var(skip_var).is_ok_and(|v| v == "1") {
        say(&format!("SKIPPED {test}: {skip_var}=1"));
        return None;
    }
    let before = missing(needs);
    if !before.is_empty() {
        set_up(test, needs, &before);
    }
    let after = missing(needs);
    if after.is_empty() {
        return Some(Found {
            chromium: chromium_path().filter(|_| needs.contains(&Need::Chromium)),
        });
    }
    let why = format!(
        "{test} cannot run here, and .ci/sdk-setup could not set it up:\n  - {}\n\
         (sdk-setup installs Debian's chromium with apt-get as root and runs `npm ci` in tests/sdk; \
         set {skip_var}=1 to skip on purpose)",
        after.join("\n  - ")
    );
    assert!(!in_ci(), "CI=true, so this is a failure, not a skip: {why}");
    say(&format!(
        "\n==== SKIPPED {test} ====\n{why}\n==== the test passes without having run ====\n"
    ));
    None
}
