//! A 20,000-line function: lowering and the fixed point stay linear. Not a
//! timed test: the flow analysis counts the blocks it visits, and the count
//! must be a small multiple of the body's blocks whatever its length.

use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile};
use poollint_core::flow::{self, AcquireKind, CallEffect, ReleaseArg, Resolution};
use std::fmt::Write as _;

/// A fn of about `lines` lines: a pooled buffer used through a long run of
/// branches, loops with `continue` and `break`, and locals; one early return
/// leaks it.
fn long_fn(lines: usize) -> String {
    let mut s = String::from(
        "pub struct P;\nimpl P {\n    #[poollint::acquire]\n    pub fn get(&self) -> Vec<u8> { Vec::new() }\n    #[poollint::release]\n    pub fn put(&self, b: Vec<u8>) {}\n}\n\nfn long(pool: &P, flags: &[bool]) {\n    let mut buf = pool.get();\n",
    );
    for i in 0..lines / 10 {
        let _ = write!(
            s,
            "    if flags[{i} % 7] {{\n        buf.push({} as u8);\n    }}\n    let x{i} = buf.len() + {i};\n    for k in 0..x{i} {{\n        if k == 3 {{\n            continue;\n        }}\n        break;\n    }}\n",
            i % 256
        );
    }
    s.push_str("    if flags[0] {\n        return;\n    }\n    pool.put(buf);\n}\n");
    s
}

#[test]
fn a_20000_line_function_converges_in_a_bounded_number_of_passes() {
    for lines in [2_000, 20_000] {
        let text = long_fn(lines);
        assert!(text.lines().count() >= lines);
        let facts = poollint_core::frontend::lower_source(&text).unwrap();
        let body = facts.bodies.iter().find(|b| b.name == "long").unwrap();
        let calls = body
            .callees
            .iter()
            .map(|c| match c.name.as_str() {
                "get" => CallEffect::Acquire(AcquireKind::default()),
                "put" => CallEffect::Release {
                    arg: ReleaseArg::Arg(0),
                    resets: true,
                    bounds: true,
                },
                _ => CallEffect::Unknown,
            })
            .collect();
        let res = Resolution {
            calls,
            entry_fields: Vec::new(),
            element_views: Vec::new(),
            locked_maps: Vec::new(),
            returned_future: None,
            track_params: false,
            guard_locals: Vec::new(),
            borrowing: Vec::new(),
            copy_parts: Vec::new(),
            acquire_spans: Vec::new(),
        };
        let out = flow::analyze(body, &res).unwrap();
        assert_eq!(out.leaks.len(), 1, "the early return leaks the buffer");
        let blocks = body.blocks.len();
        assert!(blocks > lines / 5, "{blocks} blocks for {lines} lines");
        assert!(
            out.block_visits <= 3 * blocks,
            "{} visits for {blocks} blocks",
            out.block_visits
        );
    }
}

#[test]
fn a_20000_line_function_gets_its_finding_through_the_pipeline() {
    let inputs = vec![InputFile {
        path: "long.rs".into(),
        name: "long.rs".into(),
        reported: true,
        text: Some(long_fn(20_000)),
        krate: None,
    }];
    let outcome = engine::run(inputs, &Config::default());
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["PL001"]);
}
