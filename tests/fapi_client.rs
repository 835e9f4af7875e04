//! The Frontend API client against a local HTTP listener that records every request: the
//! request shape of each operation, client-token rotation, the cached client, each kind of
//! failure, retries, and the token stores. One test binary, split into files by subject.

mod support;

#[path = "fapi_client/account_shapes.rs"]
mod account_shapes;
#[path = "fapi_client/errors.rs"]
mod errors;
#[path = "fapi_client/harness.rs"]
mod harness;
#[path = "fapi_client/logs.rs"]
mod logs;
#[path = "fapi_client/rotation.rs"]
mod rotation;
#[path = "fapi_client/sign_in_future_shapes.rs"]
mod sign_in_future_shapes;
#[path = "fapi_client/sign_in_shapes.rs"]
mod sign_in_shapes;
#[path = "fapi_client/stores.rs"]
mod stores;
