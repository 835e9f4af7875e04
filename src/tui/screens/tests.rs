//! Snapshot tests of every screen.
