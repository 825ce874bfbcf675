//! Fuzz target: policy documents: round trip, then a book under the policy.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credit_harness::targets::policy(data));
