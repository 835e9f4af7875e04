//! Publishable keys (`pk_test_…` / `pk_live_…`): parsing and validation by the same rules as
//! Clerk's SDKs, and building one for a given Frontend API host (the embedded server prints one).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};

const TEST_PREFIX: &str = "pk_test_";
const LIVE_PREFIX: &str = "pk_live_";

/// Keys built by Clerk strip the `=` padding, but a hand-made key may keep it: accept both.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Which kind of Clerk instance a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstanceType {
    /// `pk_test_…`
    Development,
    /// `pk_live_…`
    Production,
}

impl InstanceType {
    /// The name Clerk uses (`display_config.instance_environment_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceType::Development => "development",
            InstanceType::Production => "production",
        }
    }
}

impl fmt::Display for InstanceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a usable publishable key. Each rule has its own variant so the user is
/// told exactly what is wrong with what they pasted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the publishable key is empty")]
    Empty,
    #[error("a publishable key starts with pk_test_ or pk_live_ (this one starts with {found:?})")]
    BadPrefix { found: String },
    #[error(
        "a publishable key has exactly three parts separated by '_' (pk, test|live, data); this one has {parts}"
    )]
    WrongPartCount { parts: usize },
    #[error("the data part of the publishable key is not valid base64")]
    NotBase64,
    #[error("the data part of the publishable key does not decode to text")]
    NotText,
    #[error("the decoded publishable key must end with a single '$'")]
    MissingDollar,
    #[error("the decoded publishable key contains a '$' before its end")]
    ExtraDollar,
    #[error("the decoded publishable key names no Frontend API host (it has no '.')")]
    NoDot,
    /// Found by fuzzing: a decoded host with a newline or escape would reach the screen.
    #[error("the decoded publishable key names a host with spaces or control characters")]
    HostCharacters,
    #[error(
        "{host:?} cannot be encoded in a publishable key (a host needs a '.' and no '$' or spaces)"
    )]
    BadHost { host: String },
}

/// A validated publishable key and what it encodes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublishableKey {
    raw: String,
    host: String,
    instance_type: InstanceType,
}

impl PublishableKey {
    /// Validates `key` the way Clerk's SDKs do and extracts the Frontend API host.
    pub fn parse(key: &str) -> Result<Self, KeyError> {
        let key = key.trim();
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        let instance_type = if key.starts_with(TEST_PREFIX) {
            InstanceType::Development
        } else if key.starts_with(LIVE_PREFIX) {
            InstanceType::Production
        } else {
            let found: String = key.chars().take(8).collect();
            return Err(KeyError::BadPrefix { found });
        };
        let parts: Vec<&str> = key.split('_').collect();
        if parts.len() != 3 {
            return Err(KeyError::WrongPartCount { parts: parts.len() });
        }
        let decoded = LENIENT_STANDARD
            .decode(parts[2])
            .map_err(|_| KeyError::NotBase64)?;
        let decoded = String::from_utf8(decoded).map_err(|_| KeyError::NotText)?;
        let Some(host) = decoded.strip_suffix('$') else {
            return Err(KeyError::MissingDollar);
        };
        if host.contains('$') {
            return Err(KeyError::ExtraDollar);
        }
        if !host.contains('.') {
            return Err(KeyError::NoDot);
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(KeyError::HostCharacters);
        }
        Ok(Self {
            raw: key.to_owned(),
            host: host.to_owned(),
            instance_type,
        })
    }

    /// Builds the key Clerk would issue for `host` (unpadded base64 of `host$`).
    pub fn for_host(host: &str, production: bool) -> Result<Self, KeyError> {
        let valid = !host.is_empty()
            && host.contains('.')
            && !host.contains('$')
            && !host.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(KeyError::BadHost {
                host: host.to_owned(),
            });
        }
        let prefix = if production { LIVE_PREFIX } else { TEST_PREFIX };
        let data = general_purpose::STANDARD_NO_PAD.encode(format!("{host}$"));
        Self::parse(&format!("{prefix}{data}"))
    }

    /// The key as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The Frontend API host, e.g. `foo-bar-13.clerk.accounts.dev`.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn instance_type(&self) -> InstanceType {
        self.instance_type
    }

    pub fn is_production(&self) -> bool {
        self.instance_type == InstanceType::Production
    }

    /// Always `https://<host>`: a key cannot express plain http or a port, so a local server
    /// is reached through an explicit base-URL override instead.
    pub fn frontend_api_url(&self) -> String {
        format!("https://{}", self.host)
    }
}

impl FromStr for PublishableKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for PublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for PublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublishableKey")
            .field("host", &self.host)
            .field("instance_type", &self.instance_type)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(prefix: &str, decoded: &str) -> String {
        format!(
            "{prefix}{}",
            general_purpose::STANDARD_NO_PAD.encode(decoded)
        )
    }

    #[test]
    fn parses_development_key_from_clerk_docs() {
        let k = PublishableKey::parse("pk_test_bW9jay5jbGVyay5hY2NvdW50cy5kZXYk").unwrap();
        assert_eq!(k.host(), "mock.clerk.accounts.dev");
        assert_eq!(k.instance_type(), InstanceType::Development);
        assert_eq!(k.frontend_api_url(), "https://mock.clerk.accounts.dev");
        assert!(!k.is_production());
    }

    #[test]
    fn parses_production_key() {
        let k = PublishableKey::parse(&key(LIVE_PREFIX, "clerk.example.com$")).unwrap();
        assert_eq!(k.host(), "clerk.example.com");
        assert_eq!(k.instance_type().as_str(), "production");
    }

    #[test]
    fn accepts_padded_and_unpadded_data() {
        // "clerk.example.co$" is 17 bytes: base64 needs one '=' of padding.
        let padded = format!(
            "pk_test_{}",
            general_purpose::STANDARD.encode("clerk.example.co$")
        );
        assert!(padded.ends_with('='));
        let unpadded = padded.trim_end_matches('=');
        assert_eq!(
            PublishableKey::parse(&padded).unwrap().host(),
            "clerk.example.co"
        );
        assert_eq!(
            PublishableKey::parse(unpadded).unwrap().host(),
            "clerk.example.co"
        );
    }

    #[test]
    fn each_rule_has_its_own_error() {
        assert_eq!(PublishableKey::parse("  "), Err(KeyError::Empty));
        assert!(matches!(
            PublishableKey::parse("sk_test_abc"),
            Err(KeyError::BadPrefix { .. })
        ));
        assert_eq!(
            PublishableKey::parse(&format!("{}_x", key(TEST_PREFIX, "a.b$"))),
            Err(KeyError::WrongPartCount { parts: 4 })
        );
        assert_eq!(
            PublishableKey::parse("pk_test_not*base64!"),
            Err(KeyError::NotBase64)
        );
        let not_utf8 = format!(
            "pk_test_{}",
            general_purpose::STANDARD.encode([0xff, 0xfe, b'$'])
        );
        assert_eq!(PublishableKey::parse(&not_utf8), Err(KeyError::NotText));
        assert_eq!(
            PublishableKey::parse(&key(TEST_PREFIX, "clerk.example.com")),
            Err(KeyError::MissingDollar)
        );
        assert_eq!(
            PublishableKey::parse(&key(TEST_PREFIX, "clerk.example.com$$")),
            Err(KeyError::ExtraDollar)
        );
        assert_eq!(
            PublishableKey::parse(&key(TEST_PREFIX, "clerk$example.com$")),
            Err(KeyError::ExtraDollar)
        );
        assert_eq!(
            PublishableKey::parse(&key(TEST_PREFIX, "localhost$")),
            Err(KeyError::NoDot)
        );
    }

    #[test]
    fn host_with_control_characters_is_refused() {
        assert_eq!(
            PublishableKey::parse(&key("pk_test_", "128.0.2>\u{e}\n\u{c}w87$")),
            Err(KeyError::HostCharacters)
        );
        assert_eq!(
            PublishableKey::parse(&key("pk_test_", "clerk .example.com$")),
            Err(KeyError::HostCharacters)
        );
    }

    #[test]
    fn errors_read_as_sentences() {
        let text = PublishableKey::parse("sk_live_abc")
            .unwrap_err()
            .to_string();
        assert!(text.contains("pk_test_ or pk_live_"), "{text}");
    }

    #[test]
    fn for_host_round_trips_through_parse() {
        let k = PublishableKey::for_host("127.0.0.1:4010", false).unwrap();
        assert!(k.as_str().starts_with("pk_test_"));
        assert!(!k.as_str().ends_with('='));
        let again = PublishableKey::parse(k.as_str()).unwrap();
        assert_eq!(again.host(), "127.0.0.1:4010");
        let live = PublishableKey::for_host("clerk.example.com", true).unwrap();
        assert!(live.is_production());
        assert!(matches!(
            PublishableKey::for_host("bad$host.com", false),
            Err(KeyError::BadHost { .. })
        ));
        assert!(matches!(
            PublishableKey::for_host("localhost", false),
            Err(KeyError::BadHost { .. })
        ));
    }

    #[test]
    fn debug_shows_host_not_key() {
        let k = PublishableKey::for_host("clerk.example.com", false).unwrap();
        let dbg = format!("{k:?}");
        assert!(dbg.contains("clerk.example.com"));
        assert!(!dbg.contains(k.as_str()));
    }
}
