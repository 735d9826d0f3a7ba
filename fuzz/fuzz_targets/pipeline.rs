//! The whole pipeline on arbitrary input: parse, index, lower, flow, rules,
//! suppressions, and every output format. No panic, no hang (libFuzzer's
//! `-timeout`), and well-formed output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile};
use poollint_core::report;

/// A known pool API next to the input, so inputs that call it are analysed.
const POOL: &str = "pub struct P;\nimpl P {\n    #[poollint::acquire]\n    pub fn get(&self) -> Vec<u8> { Vec::new() }\n    #[poollint::release]\n    pub fn put(&self, b: Vec<u8>) {}\n}\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let inputs = vec![
        InputFile { path: "pool.rs".into(), name: "pool.rs".into(), reported: true, text: Some(POOL.into()) },
        InputFile { path: "input.rs".into(), name: "input.rs".into(), reported: true, text: Some(text.into()) },
    ];
    // One pool with large stacks for the whole campaign, not one per input.
    static THREADS: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    let pool = THREADS.get_or_init(|| rayon::ThreadPoolBuilder::new().stack_size(256 << 20).build().unwrap());
    let outcome =
        pool.install(|| engine::run_on_current_pool(inputs, &Config::default(), engine::RunOptions::default()));
    for d in &outcome.diagnostics {
        assert!(!d.message.contains("internal error"), "{}", d.message);
    }
    let mut out = Vec::new();
    report::json::write(&mut out, &outcome).unwrap();
    for line in String::from_utf8(out).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("json line");
    }
    let mut out = Vec::new();
    report::sarif::write(&mut out, &outcome).unwrap();
    serde_json::from_slice::<serde_json::Value>(&out).expect("sarif");
    let mut out = Vec::new();
    report::github::write(&mut out, &outcome).unwrap();
    for d in &outcome.diagnostics {
        let _ = report::human::render_plain(d, &outcome.files);
    }
});
