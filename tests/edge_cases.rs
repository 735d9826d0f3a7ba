//! Input edge cases, determinism, and never writing: each a test.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output};

const POOL: &str = "pub struct BufPool;\nimpl BufPool {\n    #[poollint::acquire]\n    pub fn get(&self) -> Vec<u8> { Vec::new() }\n}\n";

fn poollint(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_poollint"));
    cmd.args(args).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn json(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (line, column) of each primary span.
type Positions = Vec<(u64, u64)>;

/// Line and column of the primary span in json, sarif and github output.
fn positions(dir: &Path, file: &str) -> (Positions, Positions, Vec<String>) {
    let j = json(&poollint(dir, &[file, "--format", "json"], &[]));
    let js = j
        .iter()
        .map(|d| {
            (
                d["spans"][0]["line_start"].as_u64().unwrap(),
                d["spans"][0]["column_start"].as_u64().unwrap(),
            )
        })
        .collect();
    let s: serde_json::Value =
        serde_json::from_slice(&poollint(dir, &[file, "--format", "sarif"], &[]).stdout).unwrap();
    let ss = s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    let g = String::from_utf8_lossy(&poollint(dir, &[file, "--format", "github"], &[]).stdout)
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| l.split("::").nth(1).unwrap().to_string())
        .collect();
    (js, ss, g)
}

#[test]
fn bom_crlf_lone_cr_tabs_and_non_ascii_columns() {
    let dir = tempfile::tempdir().unwrap();
    // BOM, CRLF line endings, a lone CR, a tab and non-ASCII before the span.
    let src = format!(
        "\u{feff}{}\r\nfn f(pool: &BufPool) {{\r\n\t/* é漢 */ let b = pool.get();\r}}\n",
        POOL.replace('\n', "\r\n")
    );
    std::fs::write(dir.path().join("a.rs"), src).unwrap();
    let (j, s, g) = positions(dir.path(), "a.rs");
    // Line 8 (a lone CR ends it); columns count chars as rustc does: the tab,
    // `/* é漢 */ ` and `let b = ` put `pool.get()` at 19 (1 + 1 + 9 + 8).
    assert_eq!(j, vec![(8, 19)]);
    assert_eq!(s, vec![(8, 19)]);
    assert_eq!(g.len(), 1);
    assert!(
        g[0].contains("line=8,endLine=8,col=19,endColumn=29"),
        "{}",
        g[0]
    );
}

#[test]
fn empty_file_and_macro_rules_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.rs"), "").unwrap();
    std::fs::write(
        dir.path().join("macros.rs"),
        "macro_rules! m { ($x:expr) => { $x }; }\n",
    )
    .unwrap();
    let out = poollint(dir.path(), &["--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out).is_empty());
}

#[test]
fn symlink_loop_fifo_and_directory_named_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("leak.rs"),
        format!("{POOL}fn f(p: &BufPool) {{ let b = p.get(); }}\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::fs::create_dir(dir.path().join("dir.rs")).unwrap();
    std::fs::write(dir.path().join("dir.rs/inner.rs"), "fn g() {}\n").unwrap();
    let fifo = dir.path().join("pipe.rs");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // The walk does not follow the loop, skips the FIFO, and walks `dir.rs/`.
    let out = poollint(dir.path(), &["--format", "json"], &[]);
    let codes: Vec<String> = json(&out)
        .iter()
        .map(|d| d["code"]["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, vec!["poollint::PL001"]);
    // Named explicitly, the FIFO is a PL000 (it is never opened), the rest goes on.
    let out = poollint(
        dir.path(),
        &["pipe.rs", "leak.rs", "dir.rs", "--format", "json"],
        &[],
    );
    let diags = json(&out);
    let codes: Vec<&str> = diags
        .iter()
        .map(|d| d["code"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["poollint::PL001", "poollint::PL000"]);
    assert!(
        diags[1]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
}

#[test]
fn paths_with_spaces_and_non_utf8_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let spaced = dir.path().join("my dir");
    std::fs::create_dir(&spaced).unwrap();
    std::fs::write(
        spaced.join("a b.rs"),
        format!("{POOL}fn f(p: &BufPool) {{ let b = p.get(); }}\n"),
    )
    .unwrap();
    let raw = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    std::fs::write(spaced.join(raw), "fn g() {}\n").unwrap();
    let out = poollint(dir.path(), &["--format", "json"], &[]);
    let diags = json(&out);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["spans"][0]["file_name"], "my dir/a b.rs");
    let out = poollint(dir.path(), &["--format", "github"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("file=my dir/a b.rs,"));
}

#[test]
fn output_is_sorted_and_identical_across_runs_and_thread_counts() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for format in ["json", "human", "sarif", "github"] {
        let args = [".", "--format", format, "--config", "/dev/null"];
        let many = poollint(&fixtures, &args, &[]);
        let again = poollint(&fixtures, &args, &[]);
        let one = poollint(&fixtures, &args, &[("RAYON_NUM_THREADS", "1")]);
        assert!(!many.stdout.is_empty());
        assert_eq!(many.stdout, again.stdout, "{format}: two runs differ");
        assert_eq!(
            many.stdout, one.stdout,
            "{format}: 1 thread and all threads differ"
        );
    }
    // Sorted by file, line, column, code.
    let diags = json(&poollint(
        &fixtures,
        &[".", "--format", "json", "--config", "/dev/null"],
        &[],
    ));
    let keys: Vec<(String, u64, u64, String)> = diags
        .iter()
        .map(|d| {
            let s = &d["spans"][0];
            (
                s["file_name"].as_str().unwrap().to_string(),
                s["line_start"].as_u64().unwrap(),
                s["column_start"].as_u64().unwrap(),
                d["code"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}
