//! libFuzzer entry point; the input format and oracles are in `imagestream_fuzz::run_requests`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| imagestream_fuzz::run_requests(data));
