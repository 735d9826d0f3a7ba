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
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let inputs = vec![
        InputFile {
            path: "pool.rs".into(),
            name: "pool.rs".into(),
            reported: true,
            text: Some(POOL.into()),
            krate: None,
        },
        InputFile {
            path: "input.rs".into(),
            name: "input.rs".into(),
            reported: true,
            text: Some(text.into()),
            krate: None,
        },
    ];
    // One single-threaded pool with a large stack for the whole campaign: not one
    // per input, and no cross-thread hand-offs inside a run (run `-jobs=N` for more
    // cores; libFuzzer scales better with processes than a run does with threads).
    static THREADS: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    let pool = THREADS.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(256 << 20)
            .build()
            .unwrap()
    });
    let outcome = pool.install(|| {
        engine::run_on_current_pool(inputs, &Config::default(), engine::RunOptions::default())
    });
    for d in &outcome.diagnostics {
        assert!(!d.message.contains("internal error"), "{}", d.message);
    }
    let mut out = Vec::new();
    report::json::write(&mut out, &outcome).unwrap();
    for line in String::from_utf8(out).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("json line");
    }
    // SARIF: serde_json always prints a `Value` as valid JSON, so check what
    // can go wrong instead: every region is 1-based and ends after it starts,
    // and every result points at the rule it names.
    let sarif = report::sarif::to_json(&outcome);
    let run = &sarif["runs"][0];
    for result in run["results"].as_array().unwrap() {
        let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        let related = result["relatedLocations"].as_array().into_iter().flatten();
        for location in result["locations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(related)
        {
            let region = &location["physicalLocation"]["region"];
            let at = |key: &str| {
                region[key]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{key} in {region}"))
            };
            assert!(at("startLine") >= 1 && at("startColumn") >= 1, "{region}");
            assert!(
                (at("endLine"), at("endColumn")) >= (at("startLine"), at("startColumn")),
                "{region}"
            );
        }
    }
    let mut out = Vec::new();
    report::github::write(&mut out, &outcome).unwrap();
    for d in &outcome.diagnostics {
        let _ = report::human::render_plain(d, &outcome.files);
    }
});
