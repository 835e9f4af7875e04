//! The Frontend API layer: typed models of what Clerk's Frontend API sends and receives, and
//! the native-app client that talks to it. Everything is re-exported here so callers write
//! `clerk_tui::fapi::SignIn` / `clerk_tui::fapi::FapiClient`.

pub mod models;

mod account;
mod base_url;
mod client;
mod error;
mod form;
mod jwt_shape;
mod key;
mod params;
mod password;
mod private_file;
mod response;
mod second_factor_params;
mod sign_in;
mod store;

pub use models::*;

pub use account::{CreateClientMethod, TouchSessionParams};
pub use client::{API_VERSION, DEFAULT_RETRY_DELAYS, DEFAULT_TIMEOUT, FapiClient};
pub use error::{ClerkError, FapiError};
pub use jwt_shape::not_a_jwt;
pub use key::{InstanceType, KeyError, PublishableKey};
pub use params::{AttemptFirstFactorParams, CreateSignInParams, PrepareFirstFactorParams};
pub use password::{
    DEFAULT_SPECIAL_CHARACTERS, MAX_PASSWORD_CEILING, MIN_PASSWORD_FLOOR, PasswordRule,
    password_length_bounds, validate_password,
};
pub use response::MAX_BODY_BYTES;
pub(crate) use response::{BodyError, read_capped};
pub use second_factor_params::{
    AttemptSecondFactorParams, PrepareSecondFactorParams, ResetPasswordParams,
};
pub use store::{FileTokenStore, MemoryTokenStore, StoreError, TokenStore};
