//! Whether a string a server sent as a session token has the shape of a compact JWT, checked
//! before the token is kept or printed: `clerk-tui token` writes it to stdout as it is, so
//! anything else (escape sequences, a clipboard write, a second line) must never pass.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// Clerk's session tokens are a few KiB; a bigger "token" is not one.
const MAX_JWT_BYTES: usize = 64 * 1024;

/// Why `jwt` is not a compact JWT, or `None` when it is one: three non-empty base64url
/// segments (no padding, nothing else, not even whitespace), the first a JSON object whose
/// `alg` is a string. The signature is not checked here (that is the JWKS's job).
pub fn not_a_jwt(jwt: &str) -> Option<&'static str> {
    if jwt.len() > MAX_JWT_BYTES {
        return Some("it is far longer than a session token");
    }
    let segments: Vec<&str> = jwt.split('.').collect();
    if segments.len() != 3 {
        return Some("it does not have the three parts of a JWT");
    }
    let base64url = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !segments.iter().all(|s| base64url(s)) {
        return Some("it has characters a JWT cannot have");
    }
    let header = URL_SAFE_NO_PAD
        .decode(segments[0])
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    match header {
        Some(Value::Object(h)) if h.get("alg").is_some_and(Value::is_string) => {}
        _ => return Some("its header is not a JSON object naming an alg"),
    }
    if URL_SAFE_NO_PAD.decode(segments[1]).is_err() {
        return Some("its claims are not base64url");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn a_signed_token_passes() {
        let jwt = format!(
            "{}.{}.c2ln",
            seg(r#"{"alg":"RS256","kid":"ins_1"}"#),
            seg(r#"{"sub":"user_1"}"#)
        );
        assert_eq!(not_a_jwt(&jwt), None);
    }

    #[test]
    fn escape_sequences_lines_and_headers_without_alg_are_refused() {
        let head = seg(r#"{"alg":"RS256"}"#);
        let body = seg("{}");
        for bad in [
            format!("{head}.{body}.sig\x1b]52;c;ZXZpbA==\x07"),
            format!("\x1b[2J{head}.{body}.sig"),
            format!("{head}.{body}.sig\nexport X=1"),
            format!("{head}.{body}.sig\u{202e}"),
            format!("{head}.{body}.sig "),
            format!("{head}.{body}."),
            format!("{head}.{body}"),
            format!("{head}.{body}.sig.extra"),
            format!("{}.{body}.sig", seg(r#"{"typ":"JWT"}"#)),
            format!("{}.{body}.sig", seg(r#"{"alg":1}"#)),
            format!("{}.{body}.sig", seg("[1]")),
            format!("{head}.{body}=.sig"),
            "x".repeat(MAX_JWT_BYTES + 1),
        ] {
            assert!(not_a_jwt(&bad).is_some(), "{bad:?}");
        }
    }
}
