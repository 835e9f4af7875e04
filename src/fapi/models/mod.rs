//! Typed models of Clerk's Frontend API: what comes back in `{response, client}` envelopes,
//! the environment, and the wire error shapes. Built to survive a newer server: unknown enum
//! values keep their raw string, unknown fields are ignored, null or odd fields fall back.

/// A Clerk string enum: known values as variants, anything else kept verbatim in `Unknown`.
///
/// Generates `as_str`, `From<&str>`, `FromStr`, `Display`, and serde as the plain wire string.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know; the raw wire string is kept.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows, in documentation order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The exact string Clerk uses on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(raw) => raw,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(wire: &str) -> Self {
                match wire {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(wire: String) -> Self {
                $name::from(wire.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(wire: &str) -> Result<Self, Self::Err> {
                Ok($name::from(wire))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::fapi::models::de::wire_string(deserializer).map($name::from)
            }
        }
    };
}

pub(crate) mod de;

mod client;
mod envelope;
mod environment;
mod error;
mod session;
mod sign_in;
mod strategy;
mod totp;
mod user;
mod user_settings;
mod verification;

pub use client::Client;
pub use envelope::{DeletedObject, Envelope, EnvelopeMeta};
pub use environment::{AuthConfig, DisplayConfig, Environment};
pub use error::{ApiError, ApiErrorMeta, ErrorResponse};
pub use session::{PublicUserData, Session, SessionStatus, SessionTask, Token};
pub use sign_in::{Factor, SignIn, SignInStatus, UserData};
pub use strategy::Strategy;
pub use totp::{BackupCodes, Totp};
pub use user::{EmailAddress, PhoneNumber, User};
pub use user_settings::{
    Actions, Attribute, PasswordSettings, SecondFactorSettings, SignInSettings, SignUpSettings,
    SocialProvider, UserSettings, UsernameSettings,
};
pub use verification::{Verification, VerificationStatus};
