//! `Environment` (`GET /v1/environment`, sent without envelope): how the Clerk instance is
//! configured, plus the questions a sign-in UI asks of it (which identifiers, which MFA).

use serde::{Deserialize, Serialize};

use super::de::{lenient, lenient_i64, lenient_vec};
use super::{SocialProvider, Strategy, UserSettings};

/// Attributes that are used for a first factor but are not something a user types in as
/// "who am I": they are factors, not identifiers.
const NOT_IDENTIFIERS: &[&str] = &["password", "passkey"];

/// Instance-wide authentication switches (wire object `auth_config`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "auth_config")]
pub struct AuthConfig {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    /// Only one signed-in session per client.
    #[serde(default, deserialize_with = "lenient")]
    pub single_session_mode: bool,
    /// Test emails (`+clerk_test`) and phones (555-01NN) accept code 424242.
    #[serde(default, deserialize_with = "lenient")]
    pub test_mode: bool,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub identification_strategies: Vec<String>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub identification_requirements: Vec<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub first_factors: Vec<Strategy>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub second_factors: Vec<Strategy>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub email_address_verification_strategies: Vec<Strategy>,
    #[serde(default, deserialize_with = "lenient")]
    pub reverification: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub cookieless_dev: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub url_based_session_syncing: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub enhanced_email_deliverability: bool,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub claimed_at: Option<i64>,
}

/// Branding and URLs (wire object `display_config`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "display_config")]
pub struct DisplayConfig {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub application_name: Option<String>,
    /// `development` or `production`.
    #[serde(default, deserialize_with = "lenient")]
    pub instance_environment_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub preferred_sign_in_strategy: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub home_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub sign_in_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub support_email: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub logo_image_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub branded: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub show_devmode_warning: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub privacy_policy_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub terms_url: Option<String>,
}

/// The instance configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Environment {
    #[serde(default, deserialize_with = "lenient")]
    pub auth_config: AuthConfig,
    #[serde(default, deserialize_with = "lenient")]
    pub user_settings: UserSettings,
    #[serde(default, deserialize_with = "lenient")]
    pub display_config: DisplayConfig,
    #[serde(default, deserialize_with = "lenient")]
    pub maintenance_mode: bool,
}

impl Environment {
    /// What the user may type in to start signing in, e.g. `email_address`, `phone_number`,
    /// `username`: attributes that are enabled and used for a first factor, minus `password`
    /// and `passkey`, which are factors rather than identifiers. Alphabetical order.
    pub fn first_factor_identifiers(&self) -> Vec<&str> {
        self.user_settings
            .attributes
            .iter()
            .filter(|(name, a)| {
                a.enabled && a.used_for_first_factor && !NOT_IDENTIFIERS.contains(&name.as_str())
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// OAuth providers the sign-in screen may offer.
    pub fn enabled_social_providers(&self) -> Vec<&SocialProvider> {
        self.user_settings
            .social
            .values()
            .filter(|p| p.enabled && p.authenticatable && !p.not_selectable)
            .collect()
    }

    /// Second-factor strategies the instance enables (`totp`, `phone_code`, `backup_code`, ...),
    /// from attributes that are enabled and used for a second factor, without repeats.
    pub fn second_factor_strategies(&self) -> Vec<Strategy> {
        let mut out: Vec<Strategy> = Vec::new();
        let enabled = self
            .user_settings
            .attributes
            .values()
            .filter(|a| a.enabled && a.used_for_second_factor);
        for strategy in enabled.flat_map(|a| a.second_factors.iter()) {
            if !out.contains(strategy) {
                out.push(strategy.clone());
            }
        }
        out
    }

    /// Whether any multi-factor method is available to users.
    pub fn mfa_enabled(&self) -> bool {
        !self.second_factor_strategies().is_empty()
    }

    /// Whether every sign-in must pass a second factor.
    pub fn mfa_required(&self) -> bool {
        self.user_settings.sign_in.second_factor.required
    }

    /// Whether users can sign in with a password (so a sign-in form may ask for it up front).
    pub fn password_enabled(&self) -> bool {
        self.user_settings.enabled_attribute("password").is_some()
            || self.auth_config.first_factors.contains(&Strategy::Password)
    }

    pub fn is_development(&self) -> bool {
        self.display_config.instance_environment_type.as_deref() == Some("development")
    }

    /// The application's display name, when the instance has one.
    pub fn application_name(&self) -> Option<&str> {
        self.display_config
            .application_name
            .as_deref()
            .filter(|n| !n.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_over_a_small_environment() {
        let env: Environment = serde_json::from_str(
            r#"{"auth_config":{"object":"auth_config","test_mode":true,"single_session_mode":null},
                "display_config":{"instance_environment_type":"production","application_name":""},
                "user_settings":{"attributes":{
                    "email_address":{"enabled":true,"used_for_first_factor":true},
                    "username":{"enabled":false,"used_for_first_factor":true},
                    "password":{"enabled":true,"used_for_first_factor":true},
                    "phone_number":{"enabled":true,"used_for_first_factor":true,
                        "used_for_second_factor":true,"second_factors":["phone_code"]},
                    "authenticator_app":{"enabled":true,"used_for_second_factor":true,
                        "second_factors":["totp"]},
                    "backup_code":{"enabled":false,"used_for_second_factor":true,
                        "second_factors":["backup_code"]}},
                  "social":{"oauth_github":{"enabled":true,"authenticatable":true,
                        "strategy":"oauth_github","name":"GitHub"},
                    "oauth_apple":{"enabled":false,"authenticatable":true,"strategy":"oauth_apple"}}},
                "some_future_block":{"x":1}}"#,
        )
        .unwrap();
        assert!(env.auth_config.test_mode && !env.auth_config.single_session_mode);
        assert_eq!(
            env.first_factor_identifiers(),
            vec!["email_address", "phone_number"]
        );
        assert_eq!(
            env.second_factor_strategies(),
            vec![Strategy::Totp, Strategy::PhoneCode]
        );
        let social = env.enabled_social_providers();
        assert_eq!(social.len(), 1);
        assert_eq!(social[0].strategy, Strategy::Oauth("github".into()));
        assert!(!env.is_development() && env.application_name().is_none());
        assert!(env.mfa_enabled() && !env.mfa_required());
        assert!(env.password_enabled());
    }

    #[test]
    fn an_empty_environment_parses() {
        let env: Environment = serde_json::from_str("{}").unwrap();
        assert!(env.first_factor_identifiers().is_empty());
        assert!(!env.is_development() && !env.password_enabled());
    }
}
