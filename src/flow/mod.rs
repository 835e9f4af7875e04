//! The sign-in domain: what the user must do next, derived purely from the latest `SignIn`,
//! the instance's `Environment` and the user's own choices (which factor they picked).
//! No I/O here; the app and both front ends route on [`Step`].

mod choose;
mod clean;
mod jwt;
mod mask;
mod step;

pub use choose::{preferred_first_factor, preferred_second_factor, terminal_support};
pub use clean::{clean, clean_json};
pub use jwt::{DecodedJwt, decode_jwt, jwt_expiry_ms};
pub use mask::mask_identifier;
pub use step::{Choices, FactorStep, Stage, Step, derive_step};
