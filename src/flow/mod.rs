//! The sign-in domain: what the user must do next, derived purely from the latest `SignIn`,
//! the instance's `Environment` and the user's own choices (which factor they picked), and
//! what its things are called. No I/O here; the app and both front ends route on [`Step`]
//! and print the words of [`factor_label`] and friends.

mod choose;
mod clean;
mod code;
mod jwt;
mod mask;
mod step;
mod task;
mod ticket;
mod words;

pub use choose::{
    Method, SAME_CLIENT_LINK, can_reset_password, is_reset, other_methods, other_methods_here,
    pick_support, preferred_first_factor, preferred_second_factor, support_here, terminal_support,
};
pub use clean::{clean, clean_json};
pub use code::normalize_code;
pub use jwt::{DecodedJwt, decode_jwt, jwt_expiry_ms};
pub use mask::mask_identifier;
pub use step::{Choices, FactorStep, Stage, Step, derive_step};
pub use task::{session_task, session_task_sentence};
pub use ticket::{TICKET_PARAM, mentions_ticket, ticket_from_pasted};
pub use words::{
    factor_label, factor_name, factor_target, locked, next_step, provider_name, unsupported_status,
    with_next_step, with_next_step_for,
};
