//! Fuzz target: arbitrary book operations with invariants, ending in a restore compared with the live book.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credit_harness::book::run_bytes(data));
