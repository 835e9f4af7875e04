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

/// The SSH server's own address when this runs over SSH (`SSH_CONNECTION` is "client-ip
/// client-port server-ip server-port"), for the `ssh -L` line the hand-off prints.
pub fn ssh_host() -> Option<String> {
    let conn = std::env::var("SSH_CONNECTION").ok()?;
    ssh_host_in(&conn)
}

fn ssh_host_in(conn: &str) -> Option<String> {
    let host = conn.split_whitespace().nth(2)?;
    let ip: std::net::IpAddr = host.parse().ok()?;
    Some(ip.to_string())
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
    fn the_ssh_line_names_the_server_the_user_connected_to() {
        assert_eq!(
            super::ssh_host_in("198.51.100.4 51234 203.0.113.7 22").as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(super::ssh_host_in("garbage"), None);
        assert_eq!(super::ssh_host_in("a b $(rm) d"), None);
    }

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
