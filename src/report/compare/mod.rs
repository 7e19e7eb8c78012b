//! Comparing runs: a baseline's gate, the diff of two runs, merging shards.

pub mod baseline;
pub mod diff;
pub(crate) mod merge;
