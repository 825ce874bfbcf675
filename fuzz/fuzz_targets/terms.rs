//! Fuzz target: payment-terms notation, display and JSON round trips, schedules.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credit_harness::targets::terms(data));
