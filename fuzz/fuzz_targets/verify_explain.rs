#![no_main]
//! See `iamx_fuzz::verify_explain` and docs/fuzzing.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamx_fuzz::verify_explain(data));
