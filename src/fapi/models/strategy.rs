//! `Strategy`: how a factor is verified (`password`, `email_code`, `oauth_google`, ...).
//! Provider-carrying families are parsed into their provider so the UI can name it, and
//! `as_str` gives back the exact wire string, so an unknown strategy survives a round trip.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A sign-in / verification strategy as Clerk names it on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Strategy {
    Password,
    EmailCode,
    EmailLink,
    PhoneCode,
    ResetPasswordEmailCode,
    ResetPasswordPhoneCode,
    Passkey,
    Ticket,
    Totp,
    BackupCode,
    /// `oauth_<provider>`, e.g. `oauth_google` -> `Oauth("google")`.
    Oauth(String),
    /// `oauth_token_<provider>`: sign in with a provider token obtained natively.
    OauthToken(String),
    /// `oauth_custom_<key>`: an application-defined OAuth provider.
    OauthCustom(String),
    Saml,
    EnterpriseSso,
    /// `web3_<wallet>_signature`, e.g. `web3_metamask_signature` -> `Web3("metamask")`.
    Web3(String),
    GoogleOneTap,
    TrustedDevice,
    /// A strategy this version does not know; the raw wire string is kept.
    Unknown(String),
}

const OAUTH_TOKEN: &str = "oauth_token_";
const OAUTH_CUSTOM: &str = "oauth_custom_";
const OAUTH: &str = "oauth_";
const WEB3: &str = "web3_";
const SIGNATURE: &str = "_signature";

impl Strategy {
    /// The exact string Clerk uses on the wire.
    pub fn as_str(&self) -> Cow<'_, str> {
        let fixed = match self {
            Strategy::Password => "password",
            Strategy::EmailCode => "email_code",
            Strategy::EmailLink => "email_link",
            Strategy::PhoneCode => "phone_code",
            Strategy::ResetPasswordEmailCode => "reset_password_email_code",
            Strategy::ResetPasswordPhoneCode => "reset_password_phone_code",
            Strategy::Passkey => "passkey",
            Strategy::Ticket => "ticket",
            Strategy::Totp => "totp",
            Strategy::BackupCode => "backup_code",
            Strategy::Saml => "saml",
            Strategy::EnterpriseSso => "enterprise_sso",
            Strategy::GoogleOneTap => "google_one_tap",
            Strategy::TrustedDevice => "trusted_device",
            Strategy::Oauth(p) => return Cow::Owned(format!("{OAUTH}{p}")),
            Strategy::OauthToken(p) => return Cow::Owned(format!("{OAUTH_TOKEN}{p}")),
            Strategy::OauthCustom(p) => return Cow::Owned(format!("{OAUTH_CUSTOM}{p}")),
            Strategy::Web3(w) => return Cow::Owned(format!("{WEB3}{w}{SIGNATURE}")),
            Strategy::Unknown(raw) => return Cow::Borrowed(raw),
        };
        Cow::Borrowed(fixed)
    }

    /// Any of the OAuth families (browser redirect or native token).
    pub fn is_oauth(&self) -> bool {
        matches!(
            self,
            Strategy::Oauth(_) | Strategy::OauthToken(_) | Strategy::OauthCustom(_)
        )
    }

    /// Strategies finished by typing a one-time code.
    pub fn is_code(&self) -> bool {
        matches!(
            self,
            Strategy::EmailCode
                | Strategy::PhoneCode
                | Strategy::ResetPasswordEmailCode
                | Strategy::ResetPasswordPhoneCode
                | Strategy::Totp
                | Strategy::BackupCode
        )
    }

    /// Strategies finished outside this client (a mail client, a browser), which the client
    /// learns of by polling the sign-in; their prepare call takes a `redirect_url`.
    pub fn completes_elsewhere(&self) -> bool {
        matches!(
            self,
            Strategy::EmailLink
                | Strategy::Oauth(_)
                | Strategy::OauthCustom(_)
                | Strategy::Saml
                | Strategy::EnterpriseSso
        )
    }

    /// Strategies that only work after a `prepare_*_factor` call (the server sends something).
    pub fn needs_prepare(&self) -> bool {
        matches!(
            self,
            Strategy::EmailCode
                | Strategy::EmailLink
                | Strategy::PhoneCode
                | Strategy::ResetPasswordEmailCode
                | Strategy::ResetPasswordPhoneCode
        ) || self.is_oauth()
            || matches!(
                self,
                Strategy::Saml | Strategy::EnterpriseSso | Strategy::Passkey | Strategy::Web3(_)
            )
    }

    /// The OAuth provider or web3 wallet this strategy carries, if any.
    pub fn provider(&self) -> Option<&str> {
        match self {
            Strategy::Oauth(p)
            | Strategy::OauthToken(p)
            | Strategy::OauthCustom(p)
            | Strategy::Web3(p) => Some(p),
            _ => None,
        }
    }
}

impl From<&str> for Strategy {
    fn from(wire: &str) -> Self {
        match wire {
            "password" => return Strategy::Password,
            "email_code" => return Strategy::EmailCode,
            "email_link" => return Strategy::EmailLink,
            "phone_code" => return Strategy::PhoneCode,
            "reset_password_email_code" => return Strategy::ResetPasswordEmailCode,
            "reset_password_phone_code" => return Strategy::ResetPasswordPhoneCode,
            "passkey" => return Strategy::Passkey,
            "ticket" => return Strategy::Ticket,
            "totp" => return Strategy::Totp,
            "backup_code" => return Strategy::BackupCode,
            "saml" => return Strategy::Saml,
            "enterprise_sso" => return Strategy::EnterpriseSso,
            "google_one_tap" => return Strategy::GoogleOneTap,
            "trusted_device" => return Strategy::TrustedDevice,
            _ => {}
        }
        // Order matters: `oauth_token_x` and `oauth_custom_x` also start with `oauth_`.
        let provider = |prefix: &str| wire.strip_prefix(prefix).filter(|p| !p.is_empty());
        if let Some(p) = provider(OAUTH_TOKEN) {
            Strategy::OauthToken(p.to_owned())
        } else if let Some(p) = provider(OAUTH_CUSTOM) {
            Strategy::OauthCustom(p.to_owned())
        } else if let Some(p) = provider(OAUTH) {
            Strategy::Oauth(p.to_owned())
        } else if let Some(w) = provider(WEB3)
            .and_then(|rest| rest.strip_suffix(SIGNATURE))
            .filter(|w| !w.is_empty())
        {
            Strategy::Web3(w.to_owned())
        } else {
            Strategy::Unknown(wire.to_owned())
        }
    }
}

impl From<String> for Strategy {
    fn from(wire: String) -> Self {
        Strategy::from(wire.as_str())
    }
}

impl FromStr for Strategy {
    type Err = std::convert::Infallible;

    fn from_str(wire: &str) -> Result<Self, Self::Err> {
        Ok(Strategy::from(wire))
    }
}

impl Default for Strategy {
    /// What a factor without a usable `strategy` field reads as.
    fn default() -> Self {
        Strategy::Unknown(String::new())
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl Serialize for Strategy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for Strategy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::de::wire_string(deserializer).map(Strategy::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every strategy named in FAPI.md section 6 (plus the second-factor ones).
    const WIRE: &[&str] = &[
        "password",
        "email_code",
        "email_link",
        "phone_code",
        "reset_password_email_code",
        "reset_password_phone_code",
        "passkey",
        "ticket",
        "totp",
        "backup_code",
        "oauth_google",
        "oauth_linkedin_oidc",
        "oauth_token_apple",
        "oauth_custom_spung",
        "saml",
        "enterprise_sso",
        "web3_metamask_signature",
        "web3_base_signature",
        "web3_coinbase_wallet_signature",
        "web3_okx_wallet_signature",
        "web3_solana_signature",
        "google_one_tap",
        "trusted_device",
    ];

    #[test]
    fn every_known_strategy_round_trips_and_is_known() {
        for wire in WIRE {
            let s = Strategy::from(*wire);
            assert!(!matches!(s, Strategy::Unknown(_)), "{wire} parsed as {s:?}");
            assert_eq!(s.as_str(), *wire);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{wire}\""));
            assert_eq!(serde_json::from_str::<Strategy>(&json).unwrap(), s);
        }
    }

    #[test]
    fn provider_families_carry_their_provider() {
        assert_eq!(
            Strategy::from("oauth_google"),
            Strategy::Oauth("google".into())
        );
        assert_eq!(
            Strategy::from("oauth_token_github"),
            Strategy::OauthToken("github".into())
        );
        assert_eq!(
            Strategy::from("oauth_custom_x"),
            Strategy::OauthCustom("x".into())
        );
        assert_eq!(
            Strategy::from("web3_metamask_signature"),
            Strategy::Web3("metamask".into())
        );
        assert_eq!(
            Strategy::from("web3_coinbase_wallet_signature").provider(),
            Some("coinbase_wallet")
        );
        assert!(Strategy::from("oauth_x").is_oauth());
    }

    #[test]
    fn unknown_and_degenerate_strings_keep_their_raw_text() {
        for wire in [
            "admin",
            "oauth_",
            "web3__signature",
            "web3_x",
            "from_oauth_google",
            "",
        ] {
            let s: Strategy = wire.parse().unwrap();
            assert_eq!(s, Strategy::Unknown(wire.to_owned()), "{wire}");
            assert_eq!(s.to_string(), wire);
        }
    }

    #[test]
    fn non_string_json_does_not_fail() {
        assert_eq!(
            serde_json::from_str::<Strategy>("null").unwrap(),
            Strategy::default()
        );
        assert_eq!(
            serde_json::from_str::<Strategy>("7").unwrap(),
            Strategy::Unknown("7".into())
        );
    }

    #[test]
    fn code_and_prepare_classification() {
        assert!(Strategy::EmailCode.is_code() && Strategy::EmailCode.needs_prepare());
        assert!(Strategy::Totp.is_code() && !Strategy::Totp.needs_prepare());
        assert!(!Strategy::Password.is_code() && !Strategy::Password.needs_prepare());
        assert!(Strategy::EmailLink.needs_prepare() && !Strategy::EmailLink.is_code());
    }
}
