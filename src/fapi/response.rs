//! Turning an HTTP answer into JSON or a `FapiError`, and reading Clerk's envelopes:
//! `{response, client}` (with `meta.client`), or a bare object for environment and tokens.

use std::time::SystemTime;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ClerkError, FapiError, parse_retry_after};
use super::models::{Client, ErrorResponse};

/// A decoded 2xx answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
}

/// What an envelope says about the client.
#[derive(Debug)]
pub(crate) enum ClientUpdate {
    Keep,
    Replace(Box<Client>),
    Clear,
}

const SNIPPET_CHARS: usize = 160;

/// The largest answer read. Clerk's biggest (a client with its sessions, an environment) are
/// tens of KiB; a hostile or broken server must not be able to fill the memory.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Why a body could not be read whole.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Past `limit` bytes (announced by `Content-Length` or counted while streaming).
    TooLarge {
        limit: usize,
    },
    Transport(reqwest::Error),
}

/// Reads a body chunk by chunk, stopping (and dropping the connection) as soon as it passes
/// `limit`, so a 600 MB answer costs at most `limit` bytes of memory.
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn decode(
    status: StatusCode,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Reply, FapiError> {
    let code = status.as_u16();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if status.is_redirection() {
        let to = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("nowhere");
        return Err(FapiError::Shape {
            status: code,
            detail: format!("an unexpected redirect to {}", crate::flow::clean(to)),
        });
    }
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => v,
            Err(e) if content_type.contains("json") => {
                return Err(FapiError::Shape {
                    status: code,
                    detail: format!("the body is not valid JSON, it may be cut off ({e})"),
                });
            }
            Err(_) => {
                return Err(FapiError::NotJson {
                    status: code,
                    content_type: if content_type.is_empty() {
                        "no content type".to_owned()
                    } else {
                        content_type
                    },
                    snippet: snippet(bytes),
                });
            }
        }
    };
    if status.is_success() {
        return Ok(Reply { status: code, body });
    }
    let retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    // clerk-js reads the client of an error body as of any other (`Base.ts` `_updateClient`,
    // `getClientResourceFromPayload`); one that does not parse is left out, not fatal.
    let client = error_client(&body);
    let (errors, clerk_trace_id) = match body {
        Value::Null => (Vec::new(), None),
        other => {
            let parsed = serde_json::from_value::<ErrorResponse>(other)
                .ok()
                .filter(|p| !p.errors.is_empty())
                .ok_or_else(|| FapiError::Shape {
                    status: code,
                    detail: "an error answer without Clerk's errors list".to_owned(),
                })?;
            (parsed.errors, parsed.clerk_trace_id)
        }
    };
    Err(FapiError::Api(ClerkError {
        status: code,
        errors,
        clerk_trace_id,
        retry_after,
        client,
    }))
}

/// The client an error body carries (`meta.client`, or a top-level `client`).
fn error_client(body: &Value) -> Option<Box<Client>> {
    let found = body
        .get("meta")
        .and_then(|m| m.get("client"))
        .filter(|c| !c.is_null())
        .or_else(|| body.get("client").filter(|c| !c.is_null()))?;
    serde_json::from_value::<Client>(found.clone())
        .ok()
        .map(Box::new)
}

/// Reads the client part of an envelope: `client`, else `meta.client`. A `null` client next
/// to a `response` means "no change"; a `null` client without any `response` means the
/// client is gone.
pub(crate) fn client_update(reply: &Reply) -> Result<ClientUpdate, FapiError> {
    let Value::Object(map) = &reply.body else {
        return Ok(ClientUpdate::Keep);
    };
    let piggybacked = map.get("client").filter(|c| !c.is_null()).or_else(|| {
        map.get("meta")
            .and_then(|m| m.get("client"))
            .filter(|c| !c.is_null())
    });
    if let Some(client) = piggybacked {
        let client: Client = from_value(reply.status, "client", client.clone())?;
        return Ok(ClientUpdate::Replace(Box::new(client)));
    }
    if map.get("client").is_some_and(Value::is_null) && !map.contains_key("response") {
        return Ok(ClientUpdate::Clear);
    }
    Ok(ClientUpdate::Keep)
}

/// `response` of an envelope, which may be `null`.
pub(crate) fn envelope_response<T: DeserializeOwned>(
    reply: &Reply,
    what: &str,
) -> Result<Option<T>, FapiError> {
    let Value::Object(map) = &reply.body else {
        return Err(FapiError::Shape {
            status: reply.status,
            detail: format!(
                "expected an object with a {what} in \"response\", got {}",
                kind(&reply.body)
            ),
        });
    };
    match map.get("response") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => from_value(reply.status, what, v.clone()).map(Some),
    }
}

/// `response` of an envelope, which must be there.
pub(crate) fn required_response<T: DeserializeOwned>(
    reply: &Reply,
    what: &str,
) -> Result<T, FapiError> {
    envelope_response(reply, what)?.ok_or_else(|| FapiError::Shape {
        status: reply.status,
        detail: format!("the answer has no {what} in \"response\""),
    })
}

/// A bare (un-enveloped) object.
pub(crate) fn bare<T: DeserializeOwned>(reply: &Reply, what: &str) -> Result<T, FapiError> {
    from_value(reply.status, what, reply.body.clone())
}

fn from_value<T: DeserializeOwned>(status: u16, what: &str, value: Value) -> Result<T, FapiError> {
    serde_json::from_value(value).map_err(|e| FapiError::Shape {
        status,
        // serde quotes the offending value, which is the server's text.
        detail: crate::flow::clean(&format!(
            "the {what} does not have the expected shape ({e})"
        ))
        .into_owned(),
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The start of a non-JSON body, on one line, without control characters.
fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = crate::flow::clean(&one_line).into_owned();
    if out.chars().count() > SNIPPET_CHARS {
        out = out.chars().take(SNIPPET_CHARS).collect::<String>() + "…";
    }
    out
}

/// Names the cause of a failed connection in plain words (refused, reset, DNS, TLS).
pub(crate) fn describe_transport_error(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut innermost = None;
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if text.contains("dns error") || text.contains("failed to lookup") {
            return format!("the host name could not be resolved ({text})");
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return match io.kind() {
                ConnectionRefused => "connection refused (is the server running?)".to_owned(),
                ConnectionReset => "the connection was reset".to_owned(),
                ConnectionAborted => "the connection was aborted".to_owned(),
                UnexpectedEof => "the server closed the connection without answering".to_owned(),
                _ => io.to_string(),
            };
        }
        if text.to_ascii_lowercase().contains("certificate") {
            return format!("TLS failed: {text}");
        }
        innermost = Some(text);
        source = cause.source();
    }
    // The innermost cause says what happened ("connection closed before message
    // completed"); reqwest's own text repeats the URL, which may carry a nonce.
    match innermost {
        Some(text) if text.contains("closed") => {
            format!("the server closed the connection without answering ({text})")
        }
        Some(text) => text,
        None if err.is_connect() => "could not connect".to_owned(),
        None => "the request could not be sent".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: Value) -> Reply {
        Reply { status: 200, body }
    }

    #[test]
    fn null_client_next_to_response_keeps_cached_client() {
        let r = reply(serde_json::json!({"response": {"id": "x"}, "client": null}));
        assert!(matches!(client_update(&r).unwrap(), ClientUpdate::Keep));
    }

    #[test]
    fn null_client_without_response_clears() {
        let r = reply(serde_json::json!({"client": null}));
        assert!(matches!(client_update(&r).unwrap(), ClientUpdate::Clear));
    }

    #[test]
    fn html_is_not_json_and_snippet_is_one_line() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "text/html".parse().unwrap());
        let err = decode(
            StatusCode::BAD_GATEWAY,
            &headers,
            b"<html>\n<body>502 Bad\tGateway</body></html>",
        )
        .unwrap_err();
        match err {
            FapiError::NotJson {
                status,
                content_type,
                snippet,
            } => {
                assert_eq!(status, 502);
                assert_eq!(content_type, "text/html");
                assert_eq!(snippet, "<html> <body>502 Bad Gateway</body></html>");
            }
            other => panic!("{other:?}"),
        }
    }
}
