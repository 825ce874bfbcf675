//! The fuzz targets' bodies and the deterministic simulation of the book,
//! shared by `fuzz/` (cargo-fuzz) and this crate's replay tests.
#![allow(missing_docs)]

pub mod book;
pub mod sim;
pub mod targets;

/// A fuzz target: its name and its body; its seeds and crash inputs
/// replay as tests (`fuzz/seeds/NAME`, `fuzz/regressions/NAME`).
pub type Target = (&'static str, fn(&[u8]));

/// Every target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: [Target; 6] = [
    ("terms", targets::terms),
    ("policy", targets::policy),
    ("scorecard", targets::scorecard),
    ("plans", targets::plans),
    ("book", book::run_bytes),
    ("ffi", targets::ffi),
];
