//! Key tests.
