//! The browser sign-in check: where a hand-off's nonce comes back (the loopback callback, or
//! the `--redirect-url` page), whether the callback's port is free, and how to allowlist that
//! address in Clerk's Dashboard so a production instance passes the nonce to it.

use super::report::Check;
use crate::app::callback::{callback_url, ssh_forward_line};

const ALLOWLIST: &str = "in the Clerk Dashboard, open Native applications and add this exact \
                         address to the allowlist of redirect URLs for native (mobile) SSO; \
                         production instances pass the sign-in's nonce only to allowlisted URLs";

/// `port_free`: `None` when not checked (the redirect URL is used, or port 0).
pub fn browser_sign_in(port: u16, redirect_url: Option<&str>, port_free: Option<bool>) -> Check {
    const NAME: &str = "browser_sign_in";
    if let Some(url) = redirect_url {
        return Check::pass(
            NAME,
            format!(
                "browser sign-ins end on {}; paste the address the browser ends on",
                crate::flow::clean(url)
            ),
        )
        .detail(format!("allowlist it: {ALLOWLIST}"));
    }
    let address = callback_url(port);
    let check = match port_free {
        Some(false) => Check::warn(
            NAME,
            format!("another program listens on {address}: a browser here cannot return by itself"),
        )
        .fix(format!(
            "stop that program, or pick another port with --callback-port (and allowlist that address: {ALLOWLIST}); pasting the final address still works"
        )),
        _ => Check::pass(
            NAME,
            format!("browser sign-ins return to {address} (or paste the address the browser ends on)"),
        ),
    };
    check
        .detail(format!("allowlist it: {ALLOWLIST}"))
        .detail(format!(
            "over SSH, forward it from your computer: {}",
            ssh_forward_line(port, None)
        ))
}

/// Whether the callback port can be bound right now (it is released at once).
pub fn port_free(port: u16) -> Option<bool> {
    (port != 0).then(|| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    #[test]
    fn the_check_names_the_address_to_allowlist_and_a_port_in_use() {
        let c = browser_sign_in(8976, None, Some(true));
        assert_eq!(c.status, Status::Pass);
        assert!(
            c.summary.contains("http://127.0.0.1:8976/callback"),
            "{}",
            c.summary
        );
        assert!(c.details.iter().any(|d| d.contains("Native applications")));
        assert!(
            c.details
                .iter()
                .any(|d| d.contains("ssh -L 8976:127.0.0.1:8976"))
        );
        let busy = browser_sign_in(8976, None, Some(false));
        assert_eq!(busy.status, Status::Warn);
        assert!(
            busy.fix
                .as_deref()
                .is_some_and(|f| f.contains("--callback-port"))
        );
        let own = browser_sign_in(8976, Some("https://example.com/cb\u{1b}[2J"), None);
        assert!(own.summary.contains("https://example.com/cb") && !own.summary.contains('\u{1b}'));
    }
}
