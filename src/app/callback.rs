//! What comes back from a browser hand-off, read the one way for both roads: the loopback
//! listener's query and an address (or bare nonce) the user pasted. Pure, and a leaf: the
//! listener (`effects_callback.rs`) and the hand-off topic (`handoff.rs`) both use it.
//!
//! The parameters are those Clerk's SDKs read on their redirect: `rotating_token_nonce`, else
//! `__clerk_status=failed` with `__clerk_error_code` (`external_account_not_found`: no user for
//! that provider account) or the provider's `error`/`error_description` (Android
//! `sso/SSOService.kt`, `completeAuthenticateWithRedirect`).

use secrecy::SecretString;

/// The loopback callback's port unless `--callback-port` says otherwise: fixed, so the one
/// address `http://127.0.0.1:8976/callback` can be allowlisted once.
pub const DEFAULT_CALLBACK_PORT: u16 = 8976;

/// The path the listener answers on.
pub const CALLBACK_PATH: &str = "/callback";

/// How the nonce can come back, as configured at start (flags and environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOffConfig {
    /// `--callback-port` (0: any free port, for tests).
    pub callback_port: u16,
    /// `--redirect-url` / `CLERK_TUI_REDIRECT_URL`: an instance's allowlisted page the browser
    /// ends on; the user pastes that final address. No loopback listener then.
    pub redirect_url: Option<String>,
    /// The SSH server's address when this runs over SSH (from `SSH_CONNECTION`), for the
    /// `ssh -L` line.
    pub ssh_host: Option<String>,
}

/// Any free port: an `App` built in code (tests, embedders) never collides with another run;
/// the binary asks for [`DEFAULT_CALLBACK_PORT`] unless `--callback-port` says otherwise.
impl Default for HandOffConfig {
    fn default() -> Self {
        HandOffConfig {
            callback_port: 0,
            redirect_url: None,
            ssh_host: None,
        }
    }
}

impl HandOffConfig {
    /// The loopback listener is used (no redirect URL of the instance's own was given).
    pub fn uses_callback(&self) -> bool {
        self.redirect_url.is_none()
    }
}

/// The loopback listener of the hand-off under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listening {
    /// Not used: a redirect URL of the instance's own was given.
    Off,
    /// Asked for, not yet bound.
    Starting,
    On {
        port: u16,
    },
    /// The port could not be bound (in use): only paste-back can finish.
    Failed {
        port: u16,
        why: String,
    },
}

/// The local side of a browser hand-off under way: how its nonce can come back and what
/// came of it. The server's side is the sign-in's verification.
#[derive(Debug, Clone)]
pub struct HandOff {
    pub listening: Listening,
    /// The last request the listener ignored, in words.
    pub ignored: Option<String>,
    /// How the nonce being redeemed came back (`"loopback callback"`, `"pasted address"`).
    pub returned_by: Option<&'static str>,
    /// Nonces that came back while another was being redeemed, tried in turn if it is refused
    /// (without the state check a forged callback can arrive before the real one).
    pub queued: Vec<(SecretString, &'static str)>,
    /// A poll saw the browser's side finish; only the nonce finishes it here.
    pub browser_done: bool,
    /// The browser came back with a failure or `transferable`: the words for the screen.
    pub ended: Option<String>,
    /// The browser said the sign-in failed (or is `transferable`), and no poll has confirmed
    /// it yet: believed only once the sign-in's verification says so. With the number of polls
    /// since that still showed the hand-off waiting.
    pub claimed: Option<(Claim, u8)>,
    /// The instance refused the callback address with its `?state=` query, so the hand-off
    /// uses the bare address (no state to check): Clerk's answer to the nonce decides instead.
    pub bare: bool,
}

/// What the browser said of a hand-off that did not succeed, before the server confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    Transferable,
    Failed(String),
}

/// How many nonces wait behind the one being redeemed; more are dropped (a page spamming the
/// bare callback address cannot grow this).
pub const MAX_QUEUED: usize = 8;

impl HandOff {
    pub fn new(config: &HandOffConfig) -> Self {
        HandOff {
            listening: if config.uses_callback() {
                Listening::Starting
            } else {
                Listening::Off
            },
            ignored: None,
            returned_by: None,
            queued: Vec::new(),
            browser_done: false,
            ended: None,
            claimed: None,
            bare: false,
        }
    }
}

/// The callback address without its state: what is printed and allowlisted.
pub fn callback_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}{CALLBACK_PATH}")
}

/// The `ssh -L` line that brings a browser on the user's own computer to this listener.
pub fn ssh_forward_line(port: u16, host: Option<&str>) -> String {
    format!(
        "ssh -L {port}:127.0.0.1:{port} {}",
        host.filter(|h| !h.is_empty()).unwrap_or("<this server>")
    )
}

/// What the browser came back with.
#[derive(Debug, Clone)]
pub enum Returned {
    /// The single-use nonce that finishes the sign-in (a credential until redeemed).
    Nonce(SecretString),
    /// No user has that provider account (`transferable`).
    Transferable,
    /// The provider or Clerk ended it: cleaned words of why.
    Failed(String),
}

/// Why a pasted text gave nothing to finish with, in words for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasteProblem {
    Empty,
    /// An address that is the provider's page, not where the browser ended.
    ProviderPage,
    /// An address (or query) with no `rotating_token_nonce` and no failure in it.
    NoNonce,
    /// Neither an address nor something shaped like a nonce.
    NotANonce,
}

impl std::fmt::Display for PasteProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PasteProblem::Empty => {
                "Paste the address the browser ended on (or the nonce from it), then press Enter."
            }
            PasteProblem::ProviderPage => {
                "That is the address to open, not the one the browser ended on. Open it, finish there, then paste the address the browser shows at the end."
            }
            PasteProblem::NoNonce => {
                "That address has no rotating_token_nonce in it. Paste the whole address the browser ended on, after the provider sent it back."
            }
            PasteProblem::NotANonce => {
                "That is neither a web address nor a nonce. Paste the whole address the browser ended on."
            }
        })
    }
}

/// Reads a query string (`a=1&b=2`, no `?`) as the browser brought it back; `None` when it
/// says nothing about the sign-in.
pub fn from_query(query: &str) -> Option<Returned> {
    let mut nonce = None;
    let mut status = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let v = v.trim().to_string();
        if v.is_empty() {
            continue;
        }
        match k.as_ref() {
            "rotating_token_nonce" => nonce = Some(v),
            "__clerk_status" => status = Some(v),
            "__clerk_error_code" => code = Some(v),
            "error" => error = Some(v),
            "error_description" => description = Some(v),
            _ => {}
        }
    }
    if let Some(n) = nonce {
        return Some(Returned::Nonce(SecretString::from(n)));
    }
    if status.as_deref() == Some("transferable")
        || code.as_deref() == Some("external_account_not_found")
    {
        return Some(Returned::Transferable);
    }
    let failed = status.as_deref() == Some("failed");
    if !failed && code.is_none() && error.is_none() {
        return None;
    }
    let why = description
        .or(error)
        .or(code)
        .unwrap_or_else(|| "the provider or Clerk reported a failure".to_string());
    Some(Returned::Failed(short(&crate::flow::clean(&why))))
}

/// Reads what the user pasted: the address the browser ended on, just its query, or the bare
/// nonce.
pub fn from_paste(text: &str) -> Result<Returned, PasteProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PasteProblem::Empty);
    }
    let query = match text.split_once('?') {
        Some((_, q)) => Some(q),
        None if text.contains('=') => Some(text),
        None => None,
    };
    let Some(query) = query else {
        return if looks_like_nonce(text) {
            Ok(Returned::Nonce(SecretString::from(text.to_string())))
        } else if url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            Err(PasteProblem::NoNonce)
        } else {
            Err(PasteProblem::NotANonce)
        };
    };
    let query = query.split('#').next().unwrap_or_default();
    if let Some(returned) = from_query(query) {
        return Ok(returned);
    }
    let has = |key: &str| url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == key);
    if has("state") || has("client_id") || has("redirect_uri") {
        return Err(PasteProblem::ProviderPage);
    }
    Err(PasteProblem::NoNonce)
}

/// A nonce is one token of URL-safe characters: no spaces, not a sentence.
fn looks_like_nonce(text: &str) -> bool {
    (8..=512).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '~'))
}

/// Server and provider words go on one line of the screen: at most 200 characters.
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn nonce(r: Result<Returned, PasteProblem>) -> String {
        match r {
            Ok(Returned::Nonce(n)) => n.expose_secret().to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_nonce_is_taken_from_a_whole_address_its_query_or_on_its_own() {
        let url = "http://127.0.0.1:8976/callback?state=s1&rotating_token_nonce=rtn_abc123&__clerk_status=verified#x";
        assert_eq!(nonce(from_paste(url)), "rtn_abc123");
        assert_eq!(
            nonce(from_paste("  rotating_token_nonce=rtn_abc123 ")),
            "rtn_abc123"
        );
        assert_eq!(nonce(from_paste("rtn_abc123")), "rtn_abc123");
        let https = "https://example.com/native?rotating_token_nonce=n%2Fz_12345";
        assert_eq!(nonce(from_paste(https)), "n/z_12345");
    }

    #[test]
    fn failures_and_transfers_are_told_apart_from_a_missing_nonce() {
        let failed = from_paste("https://x.test/cb?__clerk_status=failed");
        assert!(
            matches!(&failed, Ok(Returned::Failed(w)) if w.contains("reported a failure")),
            "{failed:?}"
        );
        let denied = from_query("error=access_denied&error_description=The+user+said+no");
        assert!(matches!(&denied, Some(Returned::Failed(w)) if w == "The user said no"));
        assert!(matches!(
            from_query("__clerk_status=failed&__clerk_error_code=external_account_not_found"),
            Some(Returned::Transferable)
        ));
        assert!(matches!(
            from_query("__clerk_status=transferable"),
            Some(Returned::Transferable)
        ));
        assert!(from_query("state=abc").is_none());
        assert!(from_query("rotating_token_nonce=").is_none());
    }

    #[test]
    fn what_cannot_finish_says_why() {
        assert_eq!(from_paste("  ").err(), Some(PasteProblem::Empty));
        assert_eq!(
            from_paste("http://127.0.0.1:4000/__dev/oauth/authorize?state=eyJ").err(),
            Some(PasteProblem::ProviderPage)
        );
        assert_eq!(
            from_paste("https://example.com/done?x=1").err(),
            Some(PasteProblem::NoNonce)
        );
        assert_eq!(
            from_paste("http://127.0.0.1:4000/__dev/oauth/c/abcdef123456").err(),
            Some(PasteProblem::NoNonce)
        );
        assert_eq!(
            from_paste("it did not work").err(),
            Some(PasteProblem::NotANonce)
        );
        assert_eq!(from_paste("short").err(), Some(PasteProblem::NotANonce));
        // A provider's own page, whichever of its parameters the address kept.
        for query in [
            "client_id=abc",
            "redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback",
        ] {
            assert_eq!(
                from_paste(&format!("https://accounts.example.com/o/authorize?{query}")).err(),
                Some(PasteProblem::ProviderPage),
                "{query}"
            );
        }
    }

    #[test]
    fn one_line_of_provider_words_is_cut_only_past_200_characters() {
        let failed = |n: usize| match from_query(&format!("error={}", "a".repeat(n))) {
            Some(Returned::Failed(w)) => w,
            other => panic!("{other:?}"),
        };
        assert_eq!(failed(200), "a".repeat(200), "200 characters fit whole");
        assert_eq!(failed(201), format!("{}…", "a".repeat(200)));
        assert_eq!(failed(250), format!("{}…", "a".repeat(200)));
    }

    #[test]
    fn provider_words_are_cleaned_and_kept_to_one_line() {
        let long = format!("error=x&error_description={}", "a%1b".repeat(300));
        match from_query(&long) {
            Some(Returned::Failed(w)) => {
                assert!(!w.contains('\u{1b}'));
                assert!(w.chars().count() <= 201, "{}", w.len());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_printed_lines_name_the_port() {
        assert_eq!(callback_url(8976), "http://127.0.0.1:8976/callback");
        assert_eq!(
            ssh_forward_line(8976, Some("203.0.113.7")),
            "ssh -L 8976:127.0.0.1:8976 203.0.113.7"
        );
        assert!(ssh_forward_line(1, None).ends_with("<this server>"));
    }
}
