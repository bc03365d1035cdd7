//! Shared helpers for the browser tests live in tests/common.
