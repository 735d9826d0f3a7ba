//! Library-level tests of the pipeline: failures stay inside their file.

use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile};

const LEAKY: &str = r#"
pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
}
fn leak(pool: &BufPool) {
    let buf = pool.get();
}
"#;

fn input(name: &str, text: Option<&str>) -> InputFile {
    InputFile {
        path: name.into(),
        name: name.into(),
        reported: true,
        text: text.map(str::to_string),
        krate: None,
    }
}

fn codes(outcome: &engine::Outcome) -> Vec<(String, &'static str)> {
    outcome
        .diagnostics
        .iter()
        .map(|d| (outcome.files[d.file].name.clone(), d.code))
        .collect()
}

#[test]
fn a_panic_in_one_body_is_pl000_for_its_file_only() {
    let inputs = vec![
        input("a.rs", Some(LEAKY)),
        // Only files that can have a finding are analysed: this one calls the pool.
        input("b.rs", Some("fn explode(pool: &BufPool) { pool.get(); }\n")),
    ];
    let hook = |body: &poollint_core::ir::Body| {
        if body.name == "explode" {
            panic!("injected failure");
        }
    };
    let outcome = engine::run_with_hook(inputs, &Config::default(), &hook);
    assert_eq!(
        codes(&outcome),
        vec![("a.rs".into(), "PL001"), ("b.rs".into(), "PL000")]
    );
    assert!(outcome.diagnostics[1].message.contains("injected failure"));
}

#[test]
fn an_unreadable_file_is_pl000_and_the_rest_goes_on() {
    let inputs = vec![
        input("a.rs", Some(LEAKY)),
        input("/nonexistent/dir/c.rs", None),
    ];
    let outcome = engine::run(inputs, &Config::default());
    assert_eq!(
        codes(&outcome),
        vec![
            ("/nonexistent/dir/c.rs".into(), "PL000"),
            ("a.rs".into(), "PL001")
        ]
    );
    assert!(outcome.diagnostics[0].message.contains("cannot read"));
}

#[test]
fn output_is_identical_across_runs() {
    let inputs: Vec<InputFile> = (0..40)
        .map(|i| input(&format!("f{i:02}.rs"), Some(LEAKY)))
        .collect();
    let many = engine::run(inputs.clone(), &Config::default());
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| engine::run(inputs, &Config::default()));
    assert_eq!(many.diagnostics, one.diagnostics);
    assert_eq!(many.diagnostics.len(), 40);
}

#[test]
fn files_are_never_written_even_when_a_worker_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.rs");
    let b = dir.path().join("b.rs");
    std::fs::write(&a, LEAKY).unwrap();
    std::fs::write(&b, "fn explode(pool: &BufPool) { pool.get(); }\n").unwrap();
    let stamp = |p: &std::path::Path| {
        (
            std::fs::read(p).unwrap(),
            std::fs::metadata(p).unwrap().modified().unwrap(),
        )
    };
    let before = (stamp(&a), stamp(&b));
    let inputs = vec![
        InputFile {
            path: a.clone(),
            name: "a.rs".into(),
            reported: true,
            text: None,
            krate: None,
        },
        InputFile {
            path: b.clone(),
            name: "b.rs".into(),
            reported: true,
            text: None,
            krate: None,
        },
    ];
    let hook = |body: &poollint_core::ir::Body| {
        if body.name == "explode" {
            panic!("injected failure");
        }
    };
    let outcome = engine::run_with_hook(inputs, &Config::default(), &hook);
    assert_eq!(
        codes(&outcome),
        vec![("a.rs".into(), "PL001"), ("b.rs".into(), "PL000")]
    );
    assert_eq!((stamp(&a), stamp(&b)), before);
}

#[test]
fn only_texts_the_output_can_show_are_kept() {
    // The pool in one file, the leak in another, a suppression in a third and
    // a file with nothing to say: cross-file facts still meet, and only the
    // files with findings or suppression comments keep their text.
    let pool = "pub struct BufPool;\nimpl BufPool {\n    #[poollint::acquire]\n    pub fn get(&self) -> Vec<u8> { Vec::new() }\n}\n";
    let leak = "fn leak(pool: &BufPool) {\n    let buf = pool.get();\n}\n";
    let allowed =
        "// poollint: allow(PL001)\nfn ok(pool: &BufPool) {\n    let buf = pool.get();\n}\n";
    let quiet = "fn quiet() -> u8 { 1 }\n";
    let inputs = vec![
        input("pool.rs", Some(pool)),
        input("leak.rs", Some(leak)),
        input("allowed.rs", Some(allowed)),
        input("quiet.rs", Some(quiet)),
    ];
    let outcome = engine::run(inputs, &Config::default());
    assert_eq!(codes(&outcome), vec![("leak.rs".into(), "PL001")]);
    let texts: Vec<(&str, &str)> = outcome
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("pool.rs", ""),
            ("leak.rs", leak),
            ("allowed.rs", allowed),
            ("quiet.rs", "")
        ]
    );
    let total = pool.len() + leak.len() + allowed.len() + quiet.len();
    assert_eq!(outcome.bytes_scanned, total as u64);
}

/// A file that does not look like pool code has its bodies lowered only when
/// a phase needs them: its leak, and a wrapper inferred from it, are still
/// found, as when every body is lowered at the load.
#[test]
fn files_lowered_late_are_analysed_like_the_others() {
    const API: &str = r#"
pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
}
pub type Source = BufPool;
"#;
    // No "pool" in the text: the load only scans these bodies.
    const CALLER: &str = r#"
use crate::api::Source;
fn fresh(src: &Source) -> Vec<u8> { src.get() }
fn leak(src: &Source) {
    let buf = fresh(src);
}
"#;
    assert!(!CALLER.to_lowercase().contains("pool"));
    let run = |lowering| {
        let options = engine::RunOptions {
            lowering,
            ..Default::default()
        };
        let inputs = vec![input("api.rs", Some(API)), input("caller.rs", Some(CALLER))];
        let outcome = engine::run_with(inputs, &Config::default(), options);
        let wrappers: Vec<String> = outcome
            .index
            .apis()
            .iter()
            .map(|a| a.name.clone())
            .collect();
        (codes(&outcome), wrappers)
    };
    let guessed = run(engine::Lowering::Guess);
    assert_eq!(guessed.0, vec![("caller.rs".to_string(), "PL001")]);
    assert!(guessed.1.contains(&"fresh".to_string()), "{:?}", guessed.1);
    assert_eq!(guessed, run(engine::Lowering::AtLoad));
}

/// Valid Rust that syn does not parse (an edition-2015 bare trait object) is
/// stepped over item by item, recorded, and costs nothing else of the file.
#[test]
fn items_syn_cannot_parse_are_skipped_not_errors() {
    let text = format!("type Action = Fn(&u8) + Send + Sync;\n{LEAKY}");
    let outcome = engine::run(vec![input("a.rs", Some(&text))], &Config::default());
    assert_eq!(codes(&outcome), vec![("a.rs".into(), "PL001")]);
    assert_eq!(outcome.skipped_items.len(), 1);
    assert_eq!(outcome.skipped_items[0].1, 1);
    // Not Rust at all: one PL000.
    let outcome = engine::run(
        vec![input("b.rs", Some("fn f() { let x = (1; }\n"))],
        &Config::default(),
    );
    assert_eq!(codes(&outcome), vec![("b.rs".into(), "PL000")]);
}
