//! Mutation tests: every fixture and some real sources, broken in
//! deterministic ways, must give normal findings or one PL000 per broken
//! file, never an internal error, and leave another file's findings alone.

use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile};
use std::path::{Path, PathBuf};

/// A file with known findings and names no mutant uses.
const SENTINEL: &str = r#"
pub struct SentinelPool;
impl SentinelPool {
    #[poollint::acquire]
    pub fn sentinel_get(&self) -> Vec<u8> { Vec::new() }
    #[poollint::release]
    pub fn sentinel_put(&self, b: Vec<u8>) {}
}
fn sentinel_leak(p: &SentinelPool, fail: bool) -> Option<()> {
    let b = p.sentinel_get();
    if fail { return None; }
    p.sentinel_put(b);
    Some(())
}
"#;

fn sources() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = poollint_core::discover::walk(&root.join("fixtures"));
    // Real-looking sources: some of poollint's own.
    for f in [
        "src/flow/step.rs",
        "src/frontend/rust/expr.rs",
        "src/knowledge/summaries.rs",
    ] {
        files.push(root.join(f));
    }
    files
        .into_iter()
        .map(|f| {
            (
                f.strip_prefix(root).unwrap().display().to_string(),
                std::fs::read(&f).unwrap(),
            )
        })
        .collect()
}

/// Deterministic mutants of one source.
fn mutants(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // Truncated at every 97th byte.
    for cut in (97..text.len()).step_by(97) {
        out.push(text[..cut].to_vec());
    }
    // A word deleted or duplicated, every 13th word.
    let s = String::from_utf8_lossy(text).into_owned();
    let words: Vec<(usize, &str)> = s
        .split_inclusive(char::is_whitespace)
        .scan(0, |at, w| {
            let start = *at;
            *at += w.len();
            Some((start, w))
        })
        .collect();
    for (start, w) in words.iter().step_by(13) {
        let mut deleted = s.as_bytes()[..*start].to_vec();
        deleted.extend_from_slice(&s.as_bytes()[start + w.len()..]);
        out.push(deleted);
        let mut doubled = s.as_bytes()[..start + w.len()].to_vec();
        doubled.extend_from_slice(w.as_bytes());
        doubled.extend_from_slice(&s.as_bytes()[start + w.len()..]);
        out.push(doubled);
    }
    // Unbalanced braces, both ways.
    if let Some(i) = s.rfind('}') {
        let mut v = s.as_bytes().to_vec();
        v.remove(i);
        out.push(v);
    }
    let mid = s.len() / 2;
    let mid = (0..=mid)
        .rev()
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0);
    let mut v = s.as_bytes()[..mid].to_vec();
    v.push(b'{');
    v.extend_from_slice(&s.as_bytes()[mid..]);
    out.push(v);
    // Invalid UTF-8 in the middle.
    let mut v = s.as_bytes()[..mid].to_vec();
    v.extend_from_slice(&[0xff, 0xfe, 0xc0]);
    v.extend_from_slice(&s.as_bytes()[mid..]);
    out.push(v);
    out
}

/// Run the sentinel and `files` together; return the sentinel's findings and
/// the others' diagnostics per file.
fn run(dir: &Path, files: &[Vec<u8>]) -> (Vec<String>, Vec<Vec<(String, String)>>) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let sentinel = dir.join("000_sentinel.rs");
    std::fs::write(&sentinel, SENTINEL).unwrap();
    let mut inputs = vec![InputFile {
        path: sentinel,
        name: "000_sentinel.rs".into(),
        reported: true,
        text: None,
        krate: None,
    }];
    for (i, bytes) in files.iter().enumerate() {
        let name = format!("m{i:05}.rs");
        std::fs::write(dir.join(&name), bytes).unwrap();
        inputs.push(InputFile {
            path: dir.join(&name),
            name,
            reported: true,
            text: None,
            krate: None,
        });
    }
    let outcome = engine::run(inputs, &Config::default());
    let mut sentinel_findings = Vec::new();
    let mut per_file = vec![Vec::new(); files.len()];
    for d in &outcome.diagnostics {
        if d.file == 0 {
            sentinel_findings.push(format!("{} {:?} {}", d.code, d.primary.span, d.message));
        } else {
            per_file[d.file - 1].push((d.code.to_string(), d.message.clone()));
        }
    }
    (sentinel_findings, per_file)
}

#[test]
fn broken_sources_never_crash_and_never_disturb_other_files() {
    let work = tempfile::tempdir().unwrap();
    let (baseline, _) = run(&work.path().join("baseline"), &[]);
    assert_eq!(baseline.len(), 1, "{baseline:?}");
    let mut checked = 0;
    for (name, text) in sources() {
        let all = mutants(&text);
        for (batch_no, batch) in all.chunks(64).enumerate() {
            let (sentinel, per_file) = run(&work.path().join("batch"), batch);
            assert_eq!(
                sentinel, baseline,
                "{name} batch {batch_no}: the sentinel's findings changed"
            );
            for (i, diags) in per_file.iter().enumerate() {
                let pl000: Vec<&(String, String)> =
                    diags.iter().filter(|(c, _)| c == "PL000").collect();
                assert!(
                    pl000.len() <= 1,
                    "{name} mutant {}: {pl000:?}",
                    batch_no * 64 + i
                );
                for (_, message) in &pl000 {
                    assert!(
                        !message.contains("internal error"),
                        "{name} mutant {}: {message}",
                        batch_no * 64 + i
                    );
                }
                if !pl000.is_empty() {
                    assert_eq!(
                        diags.len(),
                        1,
                        "{name}: a file that does not parse has only its PL000: {diags:?}"
                    );
                }
            }
            checked += batch.len();
        }
    }
    assert!(checked > 1000, "only {checked} mutants");
}

#[test]
fn ten_thousand_nested_blocks_and_a_fifty_megabyte_file() {
    let work = tempfile::tempdir().unwrap();
    let (baseline, _) = run(&work.path().join("baseline"), &[]);
    let nested = format!(
        "fn deep() {{ {} {} }}\n",
        "{".repeat(10_000),
        "}".repeat(10_000)
    )
    .into_bytes();
    let function = "pub fn repeated(pool: &Pool, xs: &[u8]) -> usize {\n    let mut n = 0;\n    for x in xs {\n        if *x > 3 { n += 1; }\n    }\n    n\n}\n";
    let big: String = (0..)
        .map(|i| function.replace("repeated", &format!("repeated_{i}")))
        .scan(0usize, |size, f| {
            *size += f.len();
            (*size <= 50_000_000).then_some(f)
        })
        .collect();
    assert!(big.len() > 49_000_000);
    let (sentinel, per_file) = run(&work.path().join("big"), &[nested, big.into_bytes()]);
    assert_eq!(sentinel, baseline);
    for diags in &per_file {
        assert!(
            diags.iter().all(|(_, m)| !m.contains("internal error")),
            "{diags:?}"
        );
    }
}
