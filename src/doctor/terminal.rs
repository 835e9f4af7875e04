//! Terminal checks: which front end a run will get, whether the window is big enough for the
//! screens and the QR codes, whether the locale can show the block and bullet characters, and
//! which colours will be used.

use super::facts::{Env, TerminalFacts, UiFlags};
use super::report::Check;
use crate::tui::Theme;
use crate::tui::widgets::QrWidget;

/// Every screen but the QR ones needs this much (see UX.md).
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// A typical authenticator enrolment URI: issuer and account name escaped, 32-character secret.
const TOTP_URI: &str = "otpauth://totp/Acme%20Inc:jane.doe%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acme%20Inc&algorithm=SHA1&digits=6&period=30";

/// A typical OAuth hand-off URL, as Clerk returns it in `external_verification_redirect_url`.
const HANDOFF_URL: &str = "https://accounts.google.com/o/oauth2/auth?access_type=offline&client_id=123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com&redirect_uri=https%3A%2F%2Fclerk.example.com%2Fv1%2Foauth_callback&response_type=code&scope=openid+email+profile&state=k7rbw2xq9d4f6h8j0m2n4p6r8t0v2x4z6b8d0f2h";

/// Columns × rows the TOTP and the hand-off QR codes need (half-block, quiet zone included).
pub fn qr_needs() -> [(&'static str, (u16, u16)); 2] {
    let size = |text: &str| {
        QrWidget::new(text)
            .required_size()
            .unwrap_or((u16::MAX, u16::MAX))
    };
    [
        ("authenticator (TOTP) QR", size(TOTP_URI)),
        ("sign-in link QR", size(HANDOFF_URL)),
    ]
}

fn is_dumb(env: &Env) -> bool {
    env.get("TERM") == Some("dumb")
}

/// Which front end a run will get, and why.
pub fn terminal(env: &Env, term: &TerminalFacts, flags: UiFlags) -> Check {
    const NAME: &str = "terminal";
    if flags.plain {
        return Check::pass(NAME, "--plain: line-by-line mode (screen readers, scripts)");
    }
    if is_dumb(env) {
        return Check::warn(
            NAME,
            "TERM=dumb: clerk-tui will run in plain mode (line by line, no full screen)",
        )
        .fix("for the full-screen interface use a terminal that sets TERM (e.g. xterm-256color); for screen readers plain mode is the right choice");
    }
    if !term.stdout_is_terminal || !term.stdin_is_terminal {
        let which = match (term.stdin_is_terminal, term.stdout_is_terminal) {
            (false, false) => "stdin and stdout are not terminals",
            (false, true) => "stdin is not a terminal",
            _ => "stdout is not a terminal",
        };
        return Check::warn(NAME, format!("{which}: clerk-tui will run in plain mode (line by line)"))
            .fix("run clerk-tui directly in a terminal for the full-screen interface; scripts need nothing");
    }
    Check::pass(
        NAME,
        "stdin and stdout are terminals: the full-screen interface will be used",
    )
}

/// The window against the 80×24 minimum and against the QR codes.
pub fn terminal_size(term: &TerminalFacts) -> Check {
    const NAME: &str = "terminal_size";
    let needs = qr_needs();
    let Some((cols, rows)) = term.size else {
        return Check::warn(NAME, "the terminal size is unknown (no terminal to ask)")
            .fix("run `clerk-tui doctor` in the terminal you will sign in from");
    };
    let needed: Vec<String> = needs
        .iter()
        .map(|(what, (w, h))| format!("the {what} needs {w}×{h}"))
        .collect();
    let (min_c, min_r) = MIN_SIZE;
    if cols < min_c || rows < min_r {
        let mut check = Check::warn(
            NAME,
            format!("{cols}×{rows} is below the {min_c}×{min_r} minimum: screens will only say what size they need"),
        )
        .fix(format!("enlarge the window to at least {min_c}×{min_r}, or use --plain"));
        check.details = needed;
        return check;
    }
    let too_small: Vec<&str> = needs
        .iter()
        .filter(|(_, (w, h))| cols < *w || rows < *h)
        .map(|(what, _)| *what)
        .collect();
    let (max_w, max_h) = needs
        .iter()
        .fold((0, 0), |(a, b), (_, (w, h))| (a.max(*w), b.max(*h)));
    let mut check = if too_small.is_empty() {
        Check::pass(
            NAME,
            format!("{cols}×{rows}: every screen and QR code fits"),
        )
    } else {
        Check::warn(
            NAME,
            format!(
                "{cols}×{rows}: the {} will be shown as text instead",
                too_small.join(" and ")
            ),
        )
        .fix(format!(
            "enlarge the window to {max_w}×{max_h} (or use a smaller font) to scan the codes"
        ))
    };
    check.details = needed;
    check
}

/// POSIX order: LC_ALL overrides LC_CTYPE overrides LANG.
pub fn locale(env: &Env) -> Check {
    const NAME: &str = "locale";
    let found = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| env.get(name).map(|v| (*name, v)));
    let fix =
        "set a UTF-8 locale, e.g. `export LANG=C.UTF-8` (or en_US.UTF-8) in your shell profile";
    match found {
        None => Check::warn(
            NAME,
            "no locale is set (LC_ALL, LC_CTYPE and LANG are empty): QR blocks and • may show as garbage",
        )
        .fix(fix),
        Some((name, value)) => {
            let lower = value.to_ascii_lowercase();
            if lower.contains("utf-8") || lower.contains("utf8") {
                Check::pass(NAME, format!("{name}={value}: UTF-8"))
            } else {
                Check::warn(
                    NAME,
                    format!("{name}={value} is not UTF-8: QR blocks and • may show as garbage"),
                )
                .fix(fix)
            }
        }
    }
}

/// The theme a run will use and how many colours the terminal claims.
pub fn colour(env: &Env, flags: UiFlags) -> Check {
    const NAME: &str = "colour";
    let theme = Theme::from_settings(
        flags.no_color,
        flags.high_contrast,
        env.get("NO_COLOR").map(std::ffi::OsStr::new),
    );
    let theme_words = match theme {
        Theme::HighContrast => "high contrast (the terminal's own colours, bold and reverse)",
        Theme::Monochrome if flags.no_color => "monochrome (--no-color)",
        Theme::Monochrome => "monochrome (NO_COLOR is set)",
        Theme::Default => "colour",
    };
    let term = env.get("TERM");
    let depth = match (env.get("COLORTERM"), term) {
        (Some(c), _) if c == "truecolor" || c == "24bit" => "24-bit colour",
        (_, Some(t)) if t.contains("256color") => "256 colours",
        (_, Some("dumb")) => "no colour (TERM=dumb)",
        (_, Some(_)) => "16 colours",
        (_, None) => "unknown",
    };
    let summary = format!("theme: {theme_words}; terminal: {depth}");
    match term {
        None => Check::warn(NAME, format!("{summary}; TERM is not set"))
            .fix("set TERM for your terminal (e.g. `export TERM=xterm-256color`)"),
        Some(t) => Check::pass(NAME, summary).detail(format!(
            "TERM={t}{}",
            env.get("COLORTERM")
                .map(|c| format!(", COLORTERM={c}"))
                .unwrap_or_default()
        )),
    }
}

/// Whether a browser could be opened here: it never is, but an operator should know that
/// links come as text and QR codes.
pub fn headless(env: &Env, os: &str) -> Check {
    const NAME: &str = "headless";
    const SHOWN: &str =
        "links and OAuth pages will be shown as text and QR, never opened automatically";
    let ssh = env.get("SSH_CONNECTION").or(env.get("SSH_TTY")).is_some();
    let display = env.get("DISPLAY").or(env.get("WAYLAND_DISPLAY")).is_some();
    // macOS and Windows have a desktop without DISPLAY; only SSH says "headless" there.
    let headless = ssh || (!display && os != "macos" && os != "windows");
    let why = if ssh {
        "an SSH session"
    } else if headless {
        "no DISPLAY or WAYLAND_DISPLAY"
    } else {
        "a desktop session"
    };
    let summary = if headless {
        format!("headless ({why}): {SHOWN}")
    } else {
        format!("{why}: {SHOWN} (copy with `c`)")
    };
    Check::pass(NAME, summary)
}

#[cfg(test)]
#[path = "terminal_tests.rs"]
mod tests;
