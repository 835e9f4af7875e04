//! `SignIn` (wire object `sign_in_attempt`): the client's current sign-in and everything a UI
//! needs to decide the next step: its status, the factors on offer, the running verifications.

use serde::{Deserialize, Serialize};

use super::de::{lenient, lenient_i64, lenient_vec};
use super::{Strategy, Verification};

wire_enum! {
    /// Where a sign-in stands; each value names the next thing the user must do.
    SignInStatus {
        NeedsIdentifier = "needs_identifier",
        NeedsFirstFactor = "needs_first_factor",
        NeedsSecondFactor = "needs_second_factor",
        /// A correct first factor on a new device; prove it with a second factor.
        NeedsClientTrust = "needs_client_trust",
        NeedsNewPassword = "needs_new_password",
        NeedsProtectCheck = "needs_protect_check",
        Complete = "complete",
        Abandoned = "abandoned",
    }
}

impl SignInStatus {
    /// Statuses resolved through `prepare/attempt_second_factor`.
    pub fn is_second_factor_stage(&self) -> bool {
        matches!(
            self,
            SignInStatus::NeedsSecondFactor | SignInStatus::NeedsClientTrust
        )
    }
}

/// One way to prove who you are, offered by the sign-in.
///
/// `password`, `totp`, `backup_code` and `passkey` factors carry only `strategy`; code and link
/// factors name the email address or phone number to `prepare` with.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Factor {
    #[serde(default)]
    pub strategy: Strategy,
    /// Masked email or phone shown to the user, e.g. `j***@example.com`.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub safe_identifier: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_address_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub web3_wallet_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub passkey_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub trusted_device_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub enterprise_connection_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub enterprise_connection_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_verification_redirect_url: Option<String>,
    /// Phone code delivery channel (`sms`, `whatsapp`).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel: Option<String>,
}

impl Factor {
    /// A factor for `strategy` with no identifiers (how `password`/`totp` factors look).
    pub fn new(strategy: Strategy) -> Self {
        Factor {
            strategy,
            ..Factor::default()
        }
    }

    pub fn is_primary(&self) -> bool {
        self.primary.unwrap_or(false)
    }
}

/// Profile bits of the user being signed in, when the server shares them before completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserData {
    #[serde(default, deserialize_with = "lenient")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub image_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub has_image: Option<bool>,
}

/// The sign-in attempt of a client.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "sign_in_attempt")]
pub struct SignIn {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default)]
    pub status: SignInStatus,
    /// Kinds of identifier this instance accepts (`email_address`, `phone_number`, ...).
    #[serde(default, deserialize_with = "lenient_vec")]
    pub supported_identifiers: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub identifier: Option<String>,
    /// Empty (wire `null`) once the sign-in is complete.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub supported_first_factors: Vec<Factor>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub supported_second_factors: Vec<Factor>,
    #[serde(default, deserialize_with = "lenient")]
    pub first_factor_verification: Option<Verification>,
    #[serde(default, deserialize_with = "lenient")]
    pub second_factor_verification: Option<Verification>,
    #[serde(default, deserialize_with = "lenient")]
    pub user_data: Option<UserData>,
    #[serde(default, deserialize_with = "lenient")]
    pub created_session_id: Option<String>,
    /// Milliseconds since the Unix epoch.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub abandon_at: Option<i64>,
    /// `pending`, `new` or `known` while client trust is being established.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_trust_state: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub locale: Option<String>,
}

impl SignIn {
    /// The session this client already holds for the identifier: the first factor failed with
    /// `identifier_already_signed_in` naming it in `meta.session_id` (clerk-js `SignIn.ts`,
    /// `get existingSession()`).
    pub fn existing_session_id(&self) -> Option<&str> {
        let v = self.first_factor_verification.as_ref()?;
        let error = v.error.as_ref()?;
        (v.status == super::VerificationStatus::Failed
            && error.code == "identifier_already_signed_in")
            .then_some(error.meta.session_id.as_deref())
            .flatten()
            .filter(|s| !s.is_empty())
    }

    /// The provider's account has no user here (`first_factor_verification.status` is
    /// `transferable`): clerk-js `SignInFuture.isTransferable`, Android `needsTransferToSignUp`.
    /// A sign-up with `transfer=true` could take it over; waiting will not finish the sign-in.
    pub fn is_transferable(&self) -> bool {
        self.first_factor_verification
            .as_ref()
            .is_some_and(|v| v.status == super::VerificationStatus::Transferable)
    }

    /// The first offered first factor with this strategy (the primary one when several match).
    pub fn first_factor(&self, strategy: &Strategy) -> Option<&Factor> {
        pick(&self.supported_first_factors, strategy)
    }

    /// The offered second factor with this strategy (primary first).
    pub fn second_factor(&self, strategy: &Strategy) -> Option<&Factor> {
        pick(&self.supported_second_factors, strategy)
    }

    /// Whether a first factor with this strategy is on offer.
    pub fn supports_first_factor(&self, strategy: &Strategy) -> bool {
        self.first_factor(strategy).is_some()
    }

    /// The verification the current status is waiting on: the second-factor one during
    /// `needs_second_factor`/`needs_client_trust`, otherwise the first-factor one.
    pub fn current_verification(&self) -> Option<&Verification> {
        if self.status.is_second_factor_stage() {
            self.second_factor_verification.as_ref()
        } else {
            self.first_factor_verification.as_ref()
        }
    }

    pub fn is_complete(&self) -> bool {
        self.status == SignInStatus::Complete
    }
}

fn pick<'a>(factors: &'a [Factor], strategy: &Strategy) -> Option<&'a Factor> {
    let mut matching = factors.iter().filter(|f| &f.strategy == strategy);
    let first = matching.next()?;
    if first.is_primary() {
        return Some(first);
    }
    Some(matching.find(|f| f.is_primary()).unwrap_or(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_keeps_raw_string_and_unknown_fields_are_ignored() {
        let s: SignIn = serde_json::from_str(
            r#"{"object":"sign_in_attempt","id":"sia_1","status":"needs_quantum_proof",
                "brand_new_field":[1,2,3],"supported_first_factors":[{"strategy":"oauth_zoom","x":1}]}"#,
        )
        .unwrap();
        assert_eq!(
            s.status,
            SignInStatus::Unknown("needs_quantum_proof".into())
        );
        assert_eq!(s.status.as_str(), "needs_quantum_proof");
        assert_eq!(
            s.supported_first_factors,
            vec![Factor::new(Strategy::Oauth("zoom".into()))]
        );
    }

    #[test]
    fn nulls_and_gaps_are_tolerated() {
        let s: SignIn = serde_json::from_str(
            r#"{"id":"sia_1","status":"complete","supported_identifiers":null,
                "supported_first_factors":null,"supported_second_factors":null,
                "abandon_at":"1700000000000","user_data":"weird"}"#,
        )
        .unwrap();
        assert!(s.is_complete());
        assert!(s.supported_identifiers.is_empty() && s.supported_first_factors.is_empty());
        assert_eq!(s.abandon_at, Some(1_700_000_000_000));
        assert_eq!(s.user_data, None);
        assert_eq!(
            serde_json::from_str::<SignIn>("{}").unwrap(),
            SignIn::default()
        );
    }

    #[test]
    fn serialize_writes_object_tag() {
        let json = serde_json::to_value(SignIn::default()).unwrap();
        assert_eq!(json["object"], "sign_in_attempt");
        assert!(json["created_session_id"].is_null());
    }

    #[test]
    fn factor_lookup_prefers_primary() {
        let other = Factor {
            email_address_id: Some("idn_other".into()),
            ..Factor::new(Strategy::EmailCode)
        };
        let primary = Factor {
            email_address_id: Some("idn_primary".into()),
            primary: Some(true),
            ..Factor::new(Strategy::EmailCode)
        };
        let s = SignIn {
            status: SignInStatus::NeedsFirstFactor,
            supported_first_factors: vec![Factor::new(Strategy::Password), other, primary],
            ..SignIn::default()
        };
        let picked = s.first_factor(&Strategy::EmailCode).unwrap();
        assert_eq!(picked.email_address_id.as_deref(), Some("idn_primary"));
        assert!(s.supports_first_factor(&Strategy::Password));
        assert!(s.second_factor(&Strategy::Totp).is_none());
    }

    #[test]
    fn current_verification_follows_the_stage() {
        let first = Verification {
            strategy: Some(Strategy::Password),
            ..Verification::default()
        };
        let second = Verification {
            strategy: Some(Strategy::EmailCode),
            ..Verification::default()
        };
        let mut s = SignIn {
            status: SignInStatus::NeedsClientTrust,
            first_factor_verification: Some(first),
            second_factor_verification: Some(second),
            ..SignIn::default()
        };
        assert_eq!(
            s.current_verification().and_then(|v| v.strategy.clone()),
            Some(Strategy::EmailCode)
        );
        s.status = SignInStatus::NeedsFirstFactor;
        assert_eq!(
            s.current_verification().and_then(|v| v.strategy.clone()),
            Some(Strategy::Password)
        );
    }
}
