//! The per-file cache of the pre-commit case (`poollint FILE...` inside a
//! crate): a warm run says exactly what a cold one says, an edit of an
//! indexed file invalidates its entry, and a corrupt entry is only a miss.

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
    let out = Command::new(env!("CARGO_BIN_EXE_poollint"))
        .args(["src/read.rs", "--format", "json", "--exit-zero"])
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
    assert_eq!(entries(dir.path()).len(), 3, "one entry per file");
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
