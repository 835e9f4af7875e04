//! The instance's redirect-URL allowlist (the seed's `redirect_urls`): where an OAuth or SSO
//! hand-off may send the browser back with its `rotating_token_nonce`. Clerk passes the nonce
//! only to allowlisted URLs and refuses any other `redirect_url` when the sign-in is created or
//! prepared (`resource_missmatch`, docs/EMULATOR.md).

use super::errors::ApiError;

/// Loopback on any port, as RFC 8252 §7.3 asks of a native app's loopback redirect: the
/// allowlist when the seed names none.
pub const LOOPBACK_DEFAULTS: [&str; 3] =
    ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"];

/// One allowlisted URL: scheme, host and port must be equal (`:*` takes any port); a path
/// other than `/` must be equal too. Query and fragment are the app's own business, unless
/// the seed asks for whole-URL matching (`redirect_urls_exact`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    scheme: String,
    host: Option<String>,
    /// `None`: any port.
    port: Option<Option<u16>>,
    path: Option<String>,
    query: Option<String>,
}

fn parse_entry(text: &str) -> Result<Entry, String> {
    let any_port = text.contains(":*");
    let url = url::Url::parse(&text.replacen(":*", "", 1))
        .map_err(|e| format!("redirect_urls: {text:?} is not a URL ({e})"))?;
    if matches!(url.scheme(), "javascript" | "data" | "file" | "vbscript") {
        return Err(format!(
            "redirect_urls: {text:?} has a scheme no browser may be sent to"
        ));
    }
    let path = match url.path() {
        "" | "/" => None,
        p => Some(p.to_string()),
    };
    Ok(Entry {
        scheme: url.scheme().to_string(),
        host: url.host_str().map(str::to_ascii_lowercase),
        port: if any_port {
            None
        } else {
            Some(url.port_or_known_default())
        },
        path,
        query: url.query().map(str::to_string),
    })
}

impl Entry {
    fn matches(&self, url: &url::Url, exact: bool) -> bool {
        let path = match url.path() {
            "" | "/" => None,
            p => Some(p),
        };
        self.scheme == url.scheme()
            && self.host.as_deref() == url.host_str().map(str::to_ascii_lowercase).as_deref()
            && self.port.is_none_or(|p| p == url.port_or_known_default())
            && if exact {
                self.path.as_deref() == path
                    && self.query.as_deref() == url.query()
                    && url.fragment().is_none()
            } else {
                self.path.as_deref().is_none_or(|p| p == url.path())
            }
    }
}

/// Checks the seed's entries when the seed is read, so a bad one stops the server at start.
pub fn validate(entries: &[String]) -> Result<(), String> {
    entries.iter().try_for_each(|e| parse_entry(e).map(|_| ()))
}

/// Whether `redirect_url` is on the allowlist (`entries`, or loopback when the seed has none);
/// `exact`: the whole URL must be an entry's, query included (a port may still be `:*`).
pub fn allows(entries: Option<&[String]>, exact: bool, redirect_url: &str) -> bool {
    let Ok(url) = url::Url::parse(redirect_url) else {
        return false;
    };
    if url.username() != "" || url.password().is_some() {
        return false;
    }
    let defaults: Vec<String> = LOOPBACK_DEFAULTS.iter().map(|s| s.to_string()).collect();
    entries
        .unwrap_or(&defaults)
        .iter()
        .filter_map(|e| parse_entry(e).ok())
        .any(|e| e.matches(&url, exact))
}

/// `Ok` for an allowlisted `redirect_url`, else Clerk's `RedirectURLMismatch` (400
/// `resource_missmatch`, spelled as Clerk spells it; clerk-docs
/// `docs/guides/development/errors/frontend-api.mdx`).
pub fn check(entries: Option<&[String]>, exact: bool, redirect_url: &str) -> Result<(), ApiError> {
    if allows(entries, exact, redirect_url) {
        return Ok(());
    }
    Err(ApiError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "resource_missmatch",
        "Redirect url mismatch",
        &format!(
            "The current redirect url passed in the sign in or sign up request does not match an authorized redirect URI for this instance. Review authorized redirect urls for your instance. {redirect_url}"
        ),
    )
    .param("redirect_url"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_on_any_port_is_allowed_by_default() {
        for ok in [
            "http://127.0.0.1:8765/callback",
            "http://localhost:1/x?y=1",
            "http://[::1]:65535/",
            "http://127.0.0.1/callback",
        ] {
            assert!(allows(None, false, ok), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:8765/callback",
            "http://127.0.0.2:80/",
            "http://example.com/callback",
            "http://localhost.example.com:80/",
            "http://user:pw@127.0.0.1:80/",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert!(!allows(None, false, bad), "{bad}");
        }
    }

    #[test]
    fn configured_entries_replace_the_defaults_and_match_path_and_port() {
        let entries = vec![
            "https://app.example.com/oauth-native-callback".to_string(),
            "clerk-tui://callback".to_string(),
        ];
        let e = Some(entries.as_slice());
        assert!(allows(
            e,
            false,
            "https://app.example.com/oauth-native-callback?x=1"
        ));
        assert!(allows(
            e,
            false,
            "https://app.example.com:443/oauth-native-callback"
        ));
        assert!(!allows(e, false, "https://app.example.com/other"));
        assert!(!allows(
            e,
            false,
            "https://app.example.com:8443/oauth-native-callback"
        ));
        assert!(allows(
            e,
            false,
            "clerk-tui://callback?rotating_token_nonce=x"
        ));
        assert!(!allows(e, false, "http://127.0.0.1:9/"));
        let err = check(e, false, "http://127.0.0.1:9/").expect_err("refused");
        assert_eq!(err.code, "resource_missmatch");
        assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST);
        assert!(validate(&["javascript:x".to_string()]).is_err());
        assert!(validate(&["http://127.0.0.1:*".to_string()]).is_ok());
    }

    /// Clerk's native allowlist may compare "the full url value": the seed can ask for that,
    /// so the app's retry without its `?state=` query is tested against it.
    #[test]
    fn exact_entries_match_the_whole_url_query_included() {
        let entries = vec!["http://127.0.0.1:*/callback".to_string()];
        let e = Some(entries.as_slice());
        assert!(allows(e, true, "http://127.0.0.1:8976/callback"));
        for bad in [
            "http://127.0.0.1:8976/callback?state=0123",
            "http://127.0.0.1:8976/callback#x",
            "http://127.0.0.1:8976/callback/",
            "http://127.0.0.1:8976/",
        ] {
            assert!(!allows(e, true, bad), "{bad}");
        }
        assert!(allows(
            e,
            false,
            "http://127.0.0.1:8976/callback?state=0123"
        ));
        let with_query = vec!["clerk-tui://callback?app=1".to_string()];
        let q = Some(with_query.as_slice());
        assert!(allows(q, true, "clerk-tui://callback?app=1"));
        assert!(!allows(q, true, "clerk-tui://callback?app=2"));
    }
}
