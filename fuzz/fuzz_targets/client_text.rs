//! Server text the client reads without the network: session tokens (JWT header, claims and
//! expiry), Clerk's error answers turned into messages, identifiers masked for display, and the
//! cleaner every server string passes through before output. Nothing may panic; the cleaner's
//! output must be safe to print and stable; a token's expiry must be its `exp` claim in ms.
#![no_main]

use std::borrow::Cow;

use clerk_tui::fapi::{ClerkError, ErrorResponse, FapiError};
use clerk_tui::flow::{clean, decode_jwt, jwt_expiry_ms, mask_identifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_clean(&text);
    check_jwt(&text);
    // The same bytes as the JSON header and claims of a well-formed token, so the fuzzer
    // explores what a token says rather than spending its time learning base64.
    let (header, claims) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b"{\"alg\":\"RS256\"}"[..], data),
    };
    check_jwt(&format!("{}.{}.sig", b64url(header), b64url(claims)));
    let masked = mask_identifier(&text);
    assert!(
        masked.contains('*'),
        "mask_identifier showed {masked:?} whole"
    );
    check_error_answer(data);
});

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// What `clean` returns prints safely, is left alone by a second pass, and holds nothing the
/// input did not: every kept character is the input's, in order.
fn check_clean(text: &str) {
    let out = clean(text);
    assert!(!out.chars().any(is_unsafe), "clean left {out:?}");
    assert!(
        matches!(clean(&out), Cow::Borrowed(again) if again == out),
        "clean is not stable on {out:?}"
    );
    if !text.chars().any(is_unsafe) {
        assert!(matches!(out, Cow::Borrowed(_)), "clean changed safe text");
    }
    let mut rest = text.chars();
    for c in out.chars().filter(|&c| c != ' ' && c != '\u{FFFD}') {
        assert!(rest.any(|r| r == c), "clean invented {c:?} from {text:?}");
    }
}

fn check_jwt(token: &str) {
    let expiry = jwt_expiry_ms(token);
    let Some(decoded) = decode_jwt(token) else {
        assert_eq!(expiry, None);
        return;
    };
    let exp = decoded.claims.get("exp").and_then(|v| v.as_i64());
    match (exp, expiry) {
        (Some(s), Some(ms)) => {
            assert_eq!(Some(ms), s.checked_mul(1000), "exp {s} s read as {ms} ms");
        }
        // An `exp` that does not fit in milliseconds is no expiry (it used to wrap round).
        (Some(s), None) if s.checked_mul(1000).is_none() => {}
        (None, None) => {}
        other => panic!("exp claim {exp:?} but expiry {other:?}"),
    }
}

/// An error answer as a screen shows it: whatever Clerk sent, the sentence cleaned for output
/// is printable, and the accessors a screen uses answer.
fn check_error_answer(data: &[u8]) {
    let Ok(answer) = serde_json::from_slice::<ErrorResponse>(data) else {
        return;
    };
    const STATUSES: [u16; 8] = [400, 401, 403, 404, 422, 429, 500, 503];
    let status = STATUSES[data.len() % STATUSES.len()];
    let err = ClerkError {
        status,
        errors: answer.errors,
        clerk_trace_id: answer.clerk_trace_id,
        retry_after: None,
    };
    let _ = (err.first_code(), err.param_name(), err.has_code("x"));
    assert!(
        !err.user_message().trim().is_empty(),
        "a blank error message"
    );
    let err = FapiError::Api(err);
    let shown = err.to_string();
    assert!(!clean(&shown).chars().any(is_unsafe));
    assert_eq!(err.status(), Some(status));
    let _ = (
        err.code(),
        err.is_authentication_invalid(),
        err.retry_after(),
    );
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}
