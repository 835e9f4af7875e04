//! Protocol tests for the embedded development server over real HTTP: every sign-in flow,
//! the failure modes (limits, expiry, replay, lockout, bad input), sessions and their JWTs,
//! persistence across restarts. Every `/v1` JSON body is checked against Clerk's OpenAPI.

mod support;

#[path = "devserver/harness.rs"]
mod harness;

#[path = "devserver/flows.rs"]
mod flows;

#[path = "devserver/mfa.rs"]
mod mfa;

#[path = "devserver/negative.rs"]
mod negative;

#[path = "devserver/sessions.rs"]
mod sessions;

#[path = "devserver/platform.rs"]
mod platform;

#[path = "devserver/typed_client.rs"]
mod typed_client;

#[path = "devserver/typed_flows.rs"]
mod typed_flows;

#[path = "devserver/load.rs"]
mod load;

#[path = "devserver/security.rs"]
mod security;

#[path = "devserver/attacks_held.rs"]
mod attacks_held;

#[path = "devserver/oauth_outcomes.rs"]
mod oauth_outcomes;
