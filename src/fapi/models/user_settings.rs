//! `UserSettings` of the environment: which identifiers and factors the instance enables,
//! password rules, social providers, and sign-in/sign-up options.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Strategy;
use super::de::{lenient, lenient_count, lenient_i64, lenient_vec};

/// How one user attribute (`email_address`, `phone_number`, `password`, `authenticator_app`,
/// ...) is configured.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Attribute {
    #[serde(default, deserialize_with = "lenient")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub required: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub immutable: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub used_for_first_factor: bool,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub first_factors: Vec<Strategy>,
    #[serde(default, deserialize_with = "lenient")]
    pub used_for_second_factor: bool,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub second_factors: Vec<Strategy>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub verifications: Vec<Strategy>,
    #[serde(default, deserialize_with = "lenient")]
    pub verify_at_sign_up: bool,
    /// Phone delivery channels (`sms`, `whatsapp`) where the instance configures them.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub channels: Option<Vec<String>>,
}

/// Password rules. Clerk sends `0` for "no explicit limit"; use the `effective_*` helpers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PasswordSettings {
    #[serde(default, deserialize_with = "lenient_count")]
    pub min_length: i64,
    #[serde(default, deserialize_with = "lenient_count")]
    pub max_length: i64,
    #[serde(default, deserialize_with = "lenient")]
    pub require_special_char: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub require_numbers: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub require_uppercase: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub require_lowercase: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub allowed_special_characters: String,
    #[serde(default, deserialize_with = "lenient")]
    pub disable_hibp: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub enforce_hibp_on_sign_in: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub show_zxcvbn: bool,
    /// 0-4.
    #[serde(default, deserialize_with = "lenient_count")]
    pub min_zxcvbn_strength: i64,
}

/// Clerk's own floor and ceiling for password length, which apply whatever the settings say.
const PASSWORD_MIN_FLOOR: i64 = 8;
const PASSWORD_MAX_CEILING: i64 = 72;

impl PasswordSettings {
    /// The minimum length Clerk enforces: the setting, but never below 8.
    pub fn effective_min_length(&self) -> i64 {
        self.min_length.max(PASSWORD_MIN_FLOOR)
    }

    /// The maximum length Clerk enforces: 72 when unset, never above 72.
    pub fn effective_max_length(&self) -> i64 {
        if self.max_length <= 0 {
            PASSWORD_MAX_CEILING
        } else {
            self.max_length.min(PASSWORD_MAX_CEILING)
        }
    }
}

/// One social (OAuth) provider, keyed by its strategy (`oauth_google`) in `UserSettings::social`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SocialProvider {
    #[serde(default, deserialize_with = "lenient")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub required: bool,
    /// Usable to sign in (not only to connect an account).
    #[serde(default, deserialize_with = "lenient")]
    pub authenticatable: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub strategy: Strategy,
    /// Display name, e.g. "Google".
    #[serde(default, deserialize_with = "lenient")]
    pub name: String,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub logo_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub not_selectable: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub deprecated: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub block_email_subaddresses: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecondFactorSettings {
    #[serde(default, deserialize_with = "lenient")]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SignInSettings {
    #[serde(default, deserialize_with = "lenient")]
    pub second_factor: SecondFactorSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SignUpSettings {
    /// `public`, `restricted` or `waitlist`.
    #[serde(default, deserialize_with = "lenient")]
    pub mode: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub progressive: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub captcha_enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub legal_consent_enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub custom_action_required: bool,
    /// MFA required at sign-up.
    #[serde(default, deserialize_with = "lenient")]
    pub mfa: Option<SecondFactorSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UsernameSettings {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub min_length: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub max_length: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Actions {
    #[serde(default, deserialize_with = "lenient")]
    pub delete_self: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub create_organization: bool,
}

/// `attack_protection.email_link` of the user settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmailLinkProtection {
    /// A link must be opened on the client that asked for it; another one ends with
    /// `__clerk_status=client_mismatch` (clerk-js `UserSettings.ts`, `attackProtection`).
    #[serde(default, deserialize_with = "lenient")]
    pub require_same_client: bool,
}

/// `attack_protection` of the user settings (only what a sign-in here depends on).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttackProtection {
    #[serde(default, deserialize_with = "lenient")]
    pub email_link: EmailLinkProtection,
}

/// `user_settings` of the environment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserSettings {
    #[serde(default, deserialize_with = "lenient")]
    pub attributes: BTreeMap<String, Attribute>,
    #[serde(default, deserialize_with = "lenient")]
    pub password_settings: PasswordSettings,
    #[serde(default, deserialize_with = "lenient")]
    pub social: BTreeMap<String, SocialProvider>,
    #[serde(default, deserialize_with = "lenient")]
    pub sign_in: SignInSettings,
    #[serde(default, deserialize_with = "lenient")]
    pub sign_up: SignUpSettings,
    #[serde(default, deserialize_with = "lenient")]
    pub username_settings: UsernameSettings,
    #[serde(default, deserialize_with = "lenient")]
    pub actions: Actions,
    #[serde(default, deserialize_with = "lenient")]
    pub attack_protection: AttackProtection,
}

impl UserSettings {
    /// The attribute if the instance has it switched on.
    pub fn enabled_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.get(name).filter(|a| a.enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_limits_are_clamped_like_clerk_does() {
        let unset = PasswordSettings::default();
        assert_eq!(
            (unset.effective_min_length(), unset.effective_max_length()),
            (8, 72)
        );
        let set = PasswordSettings {
            min_length: 12,
            max_length: 100,
            ..PasswordSettings::default()
        };
        assert_eq!(
            (set.effective_min_length(), set.effective_max_length()),
            (12, 72)
        );
    }

    #[test]
    fn attribute_with_nulls_and_unknown_strategies() {
        let a: Attribute = serde_json::from_str(
            r#"{"enabled":true,"used_for_second_factor":true,"second_factors":["totp","holo_key"],
                "first_factors":null,"verifications":null,"required":null}"#,
        )
        .unwrap();
        assert!(a.enabled && a.used_for_second_factor && !a.required);
        assert_eq!(
            a.second_factors,
            vec![Strategy::Totp, Strategy::Unknown("holo_key".into())]
        );
        assert!(a.first_factors.is_empty());
    }
}
