//! The cache of the pre-commit case (`poollint FILE...` inside a crate): a
//! warm run says exactly what a cold one says, an edit of an indexed file
//! invalidates its entry and what the index phases learnt from it, so does a
//! change of the config or of the files checked, and a corrupt entry is only
//! a miss.

use std::path::{Path, PathBuf};
use std::process::Command;

const POOL: &str = r#"
pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
}
"#;

const LEAKY: &str = r#"
use crate::pool::BufPool;
fn read(pool: &BufPool) -> Result<usize, ()> {
    let buf = pool.get();
    check()?;
    Ok(buf.len())
}
"#;

fn crate_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"c\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "mod pool;\nmod read;\n").unwrap();
    std::fs::write(dir.path().join("src/pool.rs"), POOL).unwrap();
    std::fs::write(dir.path().join("src/read.rs"), LEAKY).unwrap();
    // The cache lives in a target folder cargo made (poollint never makes one).
    std::fs::create_dir(dir.path().join("target")).unwrap();
    dir
}

/// `poollint src/read.rs --format json` (the other files only indexed).
fn check(dir: &Path, extra: &[&str]) -> String {
    check_file(dir, "src/read.rs", extra)
}

/// `poollint FILE --format json` (the other files only indexed).
fn check_file(dir: &Path, file: &str, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_poollint"))
        .args([file, "--format", "json", "--exit-zero"])
        .args(extra)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let root = dir.join("target/poollint");
    let Ok(builds) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    builds
        .flatten()
        .flat_map(|b| std::fs::read_dir(b.path()).unwrap().flatten())
        .map(|e| e.path())
        .collect()
}

#[test]
fn a_warm_run_reports_what_a_cold_run_reports() {
    let dir = crate_dir();
    let uncached = check(dir.path(), &["--no-cache"]);
    assert!(entries(dir.path()).is_empty(), "--no-cache writes nothing");
    assert!(uncached.contains("PL001"), "{uncached}");
    let cold = check(dir.path(), &[]);
    assert_eq!(
        entries(dir.path()).len(),
        4,
        "one entry per file, and one of what the index phases learnt"
    );
    let warm = check(dir.path(), &[]);
    assert_eq!(cold, uncached);
    assert_eq!(warm, uncached);
}

#[test]
fn without_a_target_folder_nothing_is_written() {
    let dir = crate_dir();
    std::fs::remove_dir(dir.path().join("target")).unwrap();
    let uncached = check(dir.path(), &["--no-cache"]);
    assert_eq!(check(dir.path(), &[]), uncached);
    assert!(!dir.path().join("target").exists(), "poollint made target/");
}

#[test]
fn an_edit_of_an_indexed_file_invalidates_its_entry() {
    let dir = crate_dir();
    assert!(check(dir.path(), &[]).contains("PL001"));
    // The acquire is no longer one: the leak is gone, cache or not.
    std::fs::write(
        dir.path().join("src/pool.rs"),
        POOL.replace("#[poollint::acquire]", ""),
    )
    .unwrap();
    let after = check(dir.path(), &[]);
    assert!(!after.contains("PL001"), "{after}");
    assert_eq!(after, check(dir.path(), &["--no-cache"]));
}

#[test]
fn a_corrupt_entry_is_a_miss() {
    let dir = crate_dir();
    let cold = check(dir.path(), &[]);
    for entry in entries(dir.path()) {
        std::fs::write(&entry, b"\xff\x00not postcard").unwrap();
    }
    assert_eq!(check(dir.path(), &[]), cold);
}

/// A pool the config declares (no attribute in the source).
const CONFIG: &str =
    "[[pools]]\nname = \"bufs\"\nacquire = [\"BufPool::get\"]\nrelease = [\"BufPool::put\"]\n";

#[test]
fn a_config_change_invalidates_what_the_index_learnt() {
    let dir = crate_dir();
    std::fs::write(
        dir.path().join("src/pool.rs"),
        POOL.replace("#[poollint::acquire]", ""),
    )
    .unwrap();
    std::fs::write(dir.path().join("poollint.toml"), CONFIG).unwrap();
    let cold = check(dir.path(), &[]);
    assert!(cold.contains("PL001"), "{cold}");
    assert_eq!(check(dir.path(), &[]), cold);
    // Not a pool any more: the cached index must not say it is.
    std::fs::write(dir.path().join("poollint.toml"), "[rules]\n").unwrap();
    let after = check(dir.path(), &[]);
    assert!(!after.contains("PL001"), "{after}");
    assert_eq!(after, check(dir.path(), &["--no-cache"]));
}

/// A wrapper of the acquire, in a file of its own.
const WRAP: &str = r#"
use crate::pool::BufPool;
pub fn grab(pool: &BufPool) -> Vec<u8> {
    pool.get()
}
"#;

const LEAKY_THROUGH_WRAPPER: &str = r#"
use crate::pool::BufPool;
use crate::wrap::grab;
fn read(pool: &BufPool) -> Result<usize, ()> {
    let buf = grab(pool);
    check()?;
    Ok(buf.len())
}
"#;

#[test]
fn an_edit_that_unmakes_a_wrapper_invalidates_what_the_index_learnt() {
    let dir = crate_dir();
    std::fs::write(
        dir.path().join("src/lib.rs"),
        "mod pool;\nmod read;\nmod wrap;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/wrap.rs"), WRAP).unwrap();
    std::fs::write(dir.path().join("src/read.rs"), LEAKY_THROUGH_WRAPPER).unwrap();
    let cold = check(dir.path(), &[]);
    assert!(cold.contains("PL001"), "the wrapper is inferred: {cold}");
    assert_eq!(check(dir.path(), &[]), cold);
    // `grab` no longer hands out a pooled value: nothing leaks.
    std::fs::write(
        dir.path().join("src/wrap.rs"),
        WRAP.replace("pool.get()", "Vec::new()"),
    )
    .unwrap();
    let after = check(dir.path(), &[]);
    assert!(!after.contains("PL001"), "{after}");
    assert_eq!(after, check(dir.path(), &["--no-cache"]));
}

#[test]
fn another_file_checked_against_the_same_tree_reports_what_a_cold_run_reports() {
    let dir = crate_dir();
    std::fs::write(
        dir.path().join("src/lib.rs"),
        "mod pool;\nmod read;\nmod other;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/other.rs"),
        LEAKY.replace("fn read", "fn other"),
    )
    .unwrap();
    assert!(check(dir.path(), &[]).contains("PL001"));
    let warm = check_file(dir.path(), "src/other.rs", &[]);
    assert!(warm.contains("other.rs"), "{warm}");
    assert_eq!(
        warm,
        check_file(dir.path(), "src/other.rs", &["--no-cache"])
    );
}
