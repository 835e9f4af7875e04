//! Where the vendored Clerk reference data lives: `tests/data/clerk/` inside the checkout (see
//! its README for source commits and licence). Tests read it from here only, so a clone
//! anywhere passes without anything beside it.

use std::path::PathBuf;

/// Clerk's Frontend API OpenAPI description, the version current SDKs send.
pub const SPEC_FILE: &str = "fapi-2026-05-12.yml";

/// `tests/data/clerk`: the spec and `recorded/`. Panics when absent: a missing folder must fail
/// the run, never skip it.
pub fn clerk_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join("clerk");
    assert!(
        dir.join(SPEC_FILE).is_file(),
        "the vendored Clerk data is missing: {} has no {SPEC_FILE} (it is part of the repository)",
        dir.display()
    );
    dir
}

/// The recorded responses of Clerk's Flutter SDK test harness.
pub fn recorded_dir() -> PathBuf {
    clerk_dir().join("recorded")
}
