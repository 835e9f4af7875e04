//! Arbitrary bytes as the JSON bodies the client decodes: the sign-in envelope, the client,
//! the environment and the error answer. Decoding may fail; it must never panic, and whatever
//! decodes must survive the code that reads it next (step derivation, messages, re-encoding).
#![no_main]

use clerk_tui::fapi::{Client, Envelope, Environment, ErrorResponse, SignIn};
use clerk_tui::flow::{Choices, derive_step, preferred_first_factor, preferred_second_factor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = serde_json::from_slice::<Envelope<SignIn>>(data) {
        let (sign_in, client) = env.into_parts();
        if let Some(si) = &sign_in {
            let _ = derive_step(Some(si), &Choices::default());
            let _ = preferred_first_factor(&si.supported_first_factors, si.identifier.as_deref());
            let _ = preferred_second_factor(&si.supported_second_factors);
            let _ = si.status.as_str();
            for f in si
                .supported_first_factors
                .iter()
                .chain(&si.supported_second_factors)
            {
                let _ = f.strategy.as_str();
                let _ = f.strategy.to_string();
            }
            // What decoded must encode again (the app logs and stores these).
            let _ = serde_json::to_vec(si);
        }
        if let Some(c) = client {
            let _ = serde_json::to_vec(&c);
        }
    }
    if let Ok(c) = serde_json::from_slice::<Client>(data) {
        let _ = serde_json::to_vec(&c);
    }
    if let Ok(e) = serde_json::from_slice::<Environment>(data) {
        let _ = clerk_tui::fapi::password_length_bounds(&e.user_settings.password_settings);
        let _ =
            clerk_tui::fapi::validate_password("Tr0ub4dor&3", &e.user_settings.password_settings);
    }
    if let Ok(e) = serde_json::from_slice::<ErrorResponse>(data) {
        let _ = serde_json::to_vec(&e);
    }
});
