#![no_main]
//! See `iamx_fuzz::frontend` and docs/fuzzing.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamx_fuzz::frontend(data));
