//! Which Frontend API URLs the client accepts: `https://` anywhere, plain `http://` only on
//! this machine (the embedded development server), never with credentials or a query.

use std::net::IpAddr;

use url::{Host, Url};

use super::error::FapiError;

pub(crate) fn parse_base_url(input: &str) -> Result<Url, FapiError> {
    let invalid = |reason: &str| FapiError::InvalidBaseUrl {
        url: input.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(input.trim()).map_err(|e| invalid(&e.to_string()))?;
    let host = url.host().ok_or_else(|| invalid("it has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(invalid(
                "plain http is only allowed for this machine (localhost, 127.0.0.0/8, ::1); use https",
            ));
        }
        other => return Err(invalid(&format!("the scheme must be https, not {other}"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// The key a token is stored under: host plus explicit port, so two local servers on
/// different ports and the real Clerk host never share a token.
pub(crate) fn store_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(input: &str) -> String {
        match parse_base_url(input) {
            Err(FapiError::InvalidBaseUrl { reason, .. }) => reason,
            other => panic!("expected InvalidBaseUrl for {input}, got {other:?}"),
        }
    }

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert!(parse_base_url("https://clerk.example.com").is_ok());
        assert!(parse_base_url("http://127.0.0.1:4010").is_ok());
        assert!(parse_base_url("http://127.8.9.10:4010").is_ok());
        assert!(parse_base_url("http://[::1]:4010").is_ok());
        assert!(parse_base_url("http://localhost:4010").is_ok());
        assert!(parse_base_url("http://LOCALHOST").is_ok());
        assert!(reason("http://clerk.example.com").contains("use https"));
        assert!(reason("http://192.168.1.2:4010").contains("use https"));
        assert!(reason("http://localhost.evil.com").contains("use https"));
        assert!(reason("ftp://127.0.0.1").contains("scheme"));
        assert!(reason("https://u:p@clerk.example.com").contains("password"));
        assert!(reason("https://clerk.example.com/?x=1").contains("query"));
        assert!(!reason("not a url").is_empty());
    }

    #[test]
    fn store_key_keeps_ports_apart() {
        let a = parse_base_url("http://127.0.0.1:4010").unwrap();
        let b = parse_base_url("http://127.0.0.1:4011").unwrap();
        let c = parse_base_url("https://Clerk.Example.com/").unwrap();
        assert_eq!(store_key(&a), "127.0.0.1:4010");
        assert_ne!(store_key(&a), store_key(&b));
        assert_eq!(store_key(&c), "clerk.example.com");
    }
}
