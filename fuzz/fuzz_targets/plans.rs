//! Fuzz target: payment plans over the whole date range.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credit_harness::targets::plans(data));
