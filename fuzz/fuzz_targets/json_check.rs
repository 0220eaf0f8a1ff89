#![no_main]
//! See `iamx_fuzz::json_check` and docs/fuzzing.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamx_fuzz::json_check(data));
