//! Synthetic valid workflows of N blocks, for benchmarks and property tests.
