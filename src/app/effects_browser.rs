//! Part of the effects runner: opening an address in the local browser, and whether there is a
//! display to open it on. The one place the app reads the environment and starts a process;
//! front ends give `display_available()` to `App`, which only reads the answer.

/// Whether a local browser can be shown: not over SSH, and a graphical session on Linux.
pub fn display_available() -> bool {
    display_available_in(|name| std::env::var_os(name).filter(|v| !v.is_empty()).is_some())
}

/// [`display_available`] with the environment passed in (`set(name)`: the variable is set).
pub fn display_available_in(set: impl Fn(&str) -> bool) -> bool {
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return false;
    }
    cfg!(target_os = "macos") || set("DISPLAY") || set("WAYLAND_DISPLAY")
}

/// Runs the platform's opener on `url` (http or https only) and waits for it to hand over.
pub async fn open_browser(url: &str) -> Result<(), String> {
    if !display_available() {
        return Err("there is no display here (SSH session or no graphical session)".into());
    }
    let parsed = url::Url::parse(url).map_err(|_| "the address is not a valid URL".to_string())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only web addresses are opened".into());
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = tokio::process::Command::new(opener)
        .arg(parsed.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(false)
        .status();
    match tokio::time::timeout(std::time::Duration::from_secs(15), status).await {
        Ok(Ok(s)) if s.success() => Ok(()),
        Ok(Ok(s)) => Err(format!("{opener} exited with {s}")),
        Ok(Err(e)) => Err(format!("{opener} could not be started ({e})")),
        // Some openers stay until the browser closes; by then the page is open.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::display_available_in;

    #[test]
    fn a_browser_is_offered_only_with_a_graphical_session_and_never_over_ssh() {
        let env = |vars: &'static [&'static str]| move |name: &str| vars.contains(&name);
        assert!(!display_available_in(env(&["SSH_CONNECTION", "DISPLAY"])));
        assert!(!display_available_in(env(&["SSH_TTY", "WAYLAND_DISPLAY"])));
        assert!(display_available_in(env(&["WAYLAND_DISPLAY"])));
        assert!(display_available_in(env(&["DISPLAY"])));
        if !cfg!(target_os = "macos") {
            assert!(!display_available_in(env(&[])));
        }
    }
}
