//! Fuzz target: every C entry point that parses input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credit_harness::targets::ffi(data));
