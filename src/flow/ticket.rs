//! Recognising a sign-in ticket where a person or a script may hand one over: a link carrying
//! `__clerk_ticket=` (what Clerk's Backend API `sign_in_tokens` answers with as `url`), or the
//! bare token. clerk-js reads the same query parameter (`SignIn.ts`, `ticket()` falls back to
//! `getClerkQueryParam('__clerk_ticket')`).

use secrecy::SecretString;

/// The query parameter Clerk puts a ticket in (`shared/src/internal/clerk-js/queryParams.ts`).
pub const TICKET_PARAM: &str = "__clerk_ticket";

/// What was pasted, if it is a ticket: the value of `__clerk_ticket` in a link, or a bare
/// token. An identifier (email, phone, username) is never mistaken for one: those have no
/// dots between three long base64url parts.
pub fn ticket_from_pasted(text: &str) -> Option<SecretString> {
    let text = text.trim();
    if let Some(found) = from_link(text) {
        return Some(SecretString::from(found));
    }
    is_bare_ticket(text).then(|| SecretString::from(text.to_string()))
}

/// Whether the text contains a `__clerk_ticket` parameter at all, even an empty or broken
/// one: such text was meant as a ticket, so it must not be sent on as an identifier.
pub fn mentions_ticket(text: &str) -> bool {
    text.contains(TICKET_PARAM)
}

fn from_link(text: &str) -> Option<String> {
    let start = text.find(TICKET_PARAM)?;
    let rest = text[start + TICKET_PARAM.len()..].strip_prefix('=')?;
    let raw = rest.split(['&', '#', ' ']).next().unwrap_or("");
    let value: String = url::form_urlencoded::parse(format!("t={raw}").as_bytes())
        .find(|(k, _)| k == "t")
        .map(|(_, v)| v.into_owned())?;
    let value = value.trim().to_string();
    is_bare_ticket(&value).then_some(value)
}

/// A Clerk sign-in token is a JWT: three base64url parts, the first a JSON header (`eyJ`).
fn is_bare_ticket(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    let base64url = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && text.len() >= 40
        && parts.iter().all(|p| base64url(p))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    const JWT: &str =
        "eyJhbGciOiJIUzI1NiJ9.eyJrIjoidGlja2V0IiwiaWQiOiJzaXRfMSJ9.c2lnbmF0dXJlLXBhcnQ";

    fn got(text: &str) -> Option<String> {
        ticket_from_pasted(text).map(|s| s.expose_secret().to_string())
    }

    #[test]
    fn a_link_or_a_bare_ticket_is_a_ticket() {
        assert_eq!(got(JWT).as_deref(), Some(JWT));
        assert_eq!(got(&format!("  {JWT}\n")).as_deref(), Some(JWT));
        let link = format!("https://example.com/sign-in?__clerk_ticket={JWT}&redirect=%2F");
        assert_eq!(got(&link).as_deref(), Some(JWT));
        let encoded = format!(
            "http://127.0.0.1:8787/__dev/?x=1&__clerk_ticket={}#top",
            JWT.replace('.', "%2E")
        );
        assert_eq!(got(&encoded).as_deref(), Some(JWT));
    }

    #[test]
    fn identifiers_are_not_tickets() {
        for id in [
            "ada@example.com",
            "+12015550100",
            "ada_lovelace",
            "eyJ.short.x",
            "first.last.name",
            "https://example.com/?__clerk_ticket=",
            "https://example.com/?__clerk_ticket=not-a-token",
        ] {
            assert_eq!(got(id), None, "{id}");
        }
        assert!(mentions_ticket("https://example.com/?__clerk_ticket="));
        assert!(!mentions_ticket("ada@example.com"));
    }
}
