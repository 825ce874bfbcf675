//! Fuzz target: scorecard documents: reload scores bit-identically.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credit_harness::targets::scorecard(data));
