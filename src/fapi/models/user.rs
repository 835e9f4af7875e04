//! `User` and its identifications (`EmailAddress`, `PhoneNumber`): the profile a signed-in
//! session carries, and which second factors the user has set up.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Verification;
use super::de::{lenient, lenient_i64, lenient_vec};

/// An email address of the user (wire object `email_address`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "email_address")]
pub struct EmailAddress {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub email_address: String,
    #[serde(default, deserialize_with = "lenient")]
    pub reserved: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub verification: Option<Verification>,
    /// External/enterprise accounts this identification belongs to; kept raw.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub linked_to: Vec<Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub matches_sso_connection: bool,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

/// A phone number of the user (wire object `phone_number`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "phone_number")]
pub struct PhoneNumber {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub phone_number: String,
    #[serde(default, deserialize_with = "lenient")]
    pub reserved_for_second_factor: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub default_second_factor: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub reserved: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub verification: Option<Verification>,
    /// External/enterprise accounts this identification belongs to; kept raw.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub linked_to: Vec<Value>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

/// A Clerk user (wire object `user`), the subset a terminal profile view needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "object", rename = "user")]
pub struct User {
    #[serde(default, deserialize_with = "lenient")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub external_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub image_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub has_image: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub primary_email_address_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub primary_phone_number_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub primary_web3_wallet_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default, deserialize_with = "lenient")]
    pub password_enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub totp_enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub backup_code_enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub two_factor_enabled: bool,
    /// Accounts and memberships the terminal does not use, kept raw so the wire form survives.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub web3_wallets: Vec<Value>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub passkeys: Vec<Value>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub external_accounts: Vec<Value>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub saml_accounts: Vec<Value>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub enterprise_accounts: Vec<Value>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub organization_memberships: Vec<Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub public_metadata: Map<String, Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub unsafe_metadata: Map<String, Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub locked: bool,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub lockout_expires_in_seconds: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub verification_attempts_remaining: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub banned: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub delete_self_enabled: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub create_organization_enabled: bool,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub last_sign_in_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub mfa_enabled_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub mfa_disabled_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub legal_accepted_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub last_active_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub password_last_updated_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
}

impl User {
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses.iter().find(|e| e.id == id)
    }

    pub fn primary_phone_number(&self) -> Option<&PhoneNumber> {
        let id = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers.iter().find(|p| p.id == id)
    }

    /// The primary email address as text.
    pub fn primary_email(&self) -> Option<&str> {
        self.primary_email_address()
            .map(|e| e.email_address.as_str())
    }

    /// "First Last", whichever parts are set.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_email_and_name() {
        let u: User = serde_json::from_str(
            r#"{"object":"user","id":"user_1","first_name":"Ada","last_name":null,
                "primary_email_address_id":"idn_2","phone_numbers":null,
                "email_addresses":[{"id":"idn_1","email_address":"old@example.com"},
                                   {"id":"idn_2","email_address":"ada@example.com"}],
                "totp_enabled":null,"two_factor_enabled":true}"#,
        )
        .unwrap();
        assert_eq!(u.primary_email(), Some("ada@example.com"));
        assert_eq!(u.full_name().as_deref(), Some("Ada"));
        assert!(u.phone_numbers.is_empty());
        assert!(!u.totp_enabled && u.two_factor_enabled);
        assert!(u.primary_phone_number().is_none());
    }
}
