//! `cargo poollint` in cargo workspaces, and config discovery and precedence.

use std::path::Path;
use std::process::{Command, Output};

const POOL_AND_LEAK: &str = r#"
pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
}
pub fn leak(pool: &BufPool) {
    let buf = pool.get();
}
"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-poollint"))
        .arg("poollint")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn files_with_findings(out: &Output) -> Vec<String> {
    let mut files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["spans"][0]["file_name"].as_str().unwrap().to_string()
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace with members `alpha` and `beta`, each with a leak.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"alpha\", \"beta\"]\nresolver = \"2\"\n",
    );
    for name in ["alpha", "beta"] {
        write(
            &root.join(name).join("Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        write(&root.join(name).join("src/lib.rs"), POOL_AND_LEAK);
    }
    dir
}

#[test]
fn every_member_by_default_at_the_root() {
    let ws = workspace();
    let out = run(ws.path(), &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        files_with_findings(&out),
        vec![
            "alpha/src/lib.rs".to_string(),
            "beta/src/lib.rs".to_string()
        ]
    );
}

/// As cargo does: inside a member's directory, that member is the default.
#[test]
fn inside_a_member_that_member() {
    let ws = workspace();
    for (cwd, expected) in [("beta", "src/lib.rs"), ("beta/src", "lib.rs")] {
        let out = run(&ws.path().join(cwd), &["--format", "json"]);
        assert_eq!(
            files_with_findings(&out),
            vec![expected.to_string()],
            "{cwd}"
        );
    }
    // `--workspace` still means every member, with names relative to where poollint runs.
    let out = run(
        &ws.path().join("beta"),
        &["--workspace", "--format", "json"],
    );
    assert_eq!(
        files_with_findings(&out),
        vec!["../alpha/src/lib.rs".to_string(), "src/lib.rs".to_string()]
    );
}

/// A member selected alone is indexed with its path dependencies (members or
/// not): the pool API it calls is declared there.
#[test]
fn a_selected_member_is_indexed_with_its_path_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"app\", \"pools\"]\nresolver = \"2\"\n",
    );
    write(
        &root.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\npools = { path = \"../pools\" }\n",
    );
    write(
        &root.join("app/src/lib.rs"),
        "use pools::BufPool;\npub fn leak(p: &BufPool) { let b = p.get_buf(); }\n",
    );
    write(
        &root.join("pools/Cargo.toml"),
        "[package]\nname = \"pools\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nraw = { path = \"../vendor/raw\" }\n",
    );
    write(
        &root.join("pools/src/lib.rs"),
        "pub struct BufPool;\nimpl BufPool {\n    pub fn get_buf(&self) -> Vec<u8> { raw::take_buf() }\n}\n",
    );
    // Not a member: reached through `pools`' manifest.
    write(
        &root.join("vendor/raw/Cargo.toml"),
        "[package]\nname = \"raw\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        &root.join("vendor/raw/src/lib.rs"),
        "#[poollint::acquire]\npub fn take_buf() -> Vec<u8> { Vec::new() }\n",
    );
    let expected = vec!["app/src/lib.rs".to_string()];
    let out = run(root, &["-p", "app", "--format", "json"]);
    assert_eq!(
        files_with_findings(&out),
        expected,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = root.join("app/Cargo.toml");
    let out = run(
        root,
        &[
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(files_with_findings(&out), expected);
    let out = run(&root.join("app"), &["--format", "json"]);
    assert_eq!(files_with_findings(&out), vec!["src/lib.rs".to_string()]);
}

/// A project cargo cannot read is scanned as a folder, with one warning
/// saying why (not silently).
#[test]
fn cargo_metadata_failing_is_a_warning_and_a_folder_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Cargo.toml"),
        "[package\nname = \"broken\"\n",
    );
    write(&dir.path().join("src/lib.rs"), POOL_AND_LEAK);
    let out = run(dir.path(), &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("warning: `cargo metadata` failed").count(),
        1,
        "{stderr}"
    );
    assert_eq!(files_with_findings(&out), vec!["src/lib.rs".to_string()]);
}

#[test]
fn package_selects_one_member() {
    let ws = workspace();
    let out = run(ws.path(), &["-p", "alpha", "--format", "json"]);
    assert_eq!(
        files_with_findings(&out),
        vec!["alpha/src/lib.rs".to_string()]
    );
    let out = run(ws.path(), &["--package", "beta", "--format", "json"]);
    assert_eq!(
        files_with_findings(&out),
        vec!["beta/src/lib.rs".to_string()]
    );
    let out = run(ws.path(), &["-p", "alpah"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `alpha`"));
}

#[test]
fn manifest_path_from_outside_and_workspace_flag() {
    let ws = workspace();
    let outside = tempfile::tempdir().unwrap();
    let manifest = ws.path().join("Cargo.toml");
    let out = run(
        outside.path(),
        &[
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--workspace",
            "--format",
            "json",
        ],
    );
    assert_eq!(files_with_findings(&out).len(), 2);
}

#[test]
fn outside_a_cargo_project_the_given_paths_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("loose.rs"), POOL_AND_LEAK);
    let out = run(dir.path(), &["--format", "json"]);
    assert_eq!(files_with_findings(&out), vec!["loose.rs".to_string()]);
}

#[test]
fn closest_config_wins_and_metadata_tables_count() {
    let ws = workspace();
    // The workspace says error; beta's own package metadata says allow.
    let root_manifest = std::fs::read_to_string(ws.path().join("Cargo.toml")).unwrap();
    write(
        &ws.path().join("Cargo.toml"),
        &format!("{root_manifest}\n[workspace.metadata.poollint.rules]\nPL001 = \"error\"\n"),
    );
    let beta = std::fs::read_to_string(ws.path().join("beta/Cargo.toml")).unwrap();
    write(
        &ws.path().join("beta/Cargo.toml"),
        &format!("{beta}\n[package.metadata.poollint.rules]\nunreleased-acquire = \"allow\"\n"),
    );
    let out = run(&ws.path().join("beta"), &["src/lib.rs", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(
        &ws.path().join("alpha"),
        &["src/lib.rs", "--format", "json"],
    );
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(line["level"], "error");
    // A poollint.toml next to the manifest beats the manifest's metadata.
    write(
        &ws.path().join("alpha/poollint.toml"),
        "[rules]\nPL001 = \"allow\"\n",
    );
    assert_eq!(
        run(&ws.path().join("alpha"), &["src/lib.rs"]).status.code(),
        Some(0)
    );
    // --config beats everything found by searching.
    write(
        &ws.path().join("strict.toml"),
        "[rules]\nPL001 = \"error\"\n",
    );
    let strict = ws.path().join("strict.toml");
    let out = run(
        &ws.path().join("alpha"),
        &["src/lib.rs", "--config", strict.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn hidden_config_file_and_pools_section() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("main.rs"),
        "fn f(pool: &Arena) { let slot = pool.grab_slot(); }\nfn g() { let b = get_buffer(); }\n",
    );
    write(
        &dir.path().join(".poollint.toml"),
        "[[pools]]\nname = \"arena\"\nacquire = [\"Arena::grab_slot\", \"get_buffer\"]\n",
    );
    let out = run(dir.path(), &["--format", "json"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let apis = run(dir.path(), &["--explain-apis"]);
    let text = String::from_utf8_lossy(&apis.stdout);
    assert!(
        text.contains("Arena::grab_slot") && text.contains("config"),
        "{text}"
    );
}

#[test]
fn config_errors_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.rs"), "fn main() {}\n");
    let cases = [
        (
            "[rules]\nPL001 = \"loud\"\n",
            "poollint.toml:2",
            "bad level `loud` for rule `PL001`",
        ),
        (
            "exclude = [\"a\"]\n[[pools]]\nname = \"x\"\naquire = [\"f\"]\n",
            "poollint.toml:4",
            "did you mean `acquire`",
        ),
        ("exclude = 3\n", "poollint.toml:1", "exclude"),
        (
            "[rules]\nPL999 = \"warn\"\n",
            "poollint.toml:2",
            "unknown rule `PL999`",
        ),
    ];
    for (toml, location, message) in cases {
        write(&dir.path().join("poollint.toml"), toml);
        let out = run(dir.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(location) && err.contains(message),
            "{toml}: {err}"
        );
    }
    std::fs::remove_file(dir.path().join("poollint.toml")).unwrap();
    write(
        &dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[package.metadata.poollint]\nexlude = []\n",
    );
    let out = run(dir.path(), &["a.rs"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Cargo.toml:6") && err.contains("did you mean `exclude`"),
        "{err}"
    );
}

#[test]
fn packs_activate_by_dependency_and_config_adds_user_packs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nmy-pool = { package = \"deadpool\", version = \"0.12\" }\n",
    );
    write(
        &dir.path().join("src/lib.rs"),
        "async fn f(pool: &Pool) { let c = pool.get().await.unwrap(); std::mem::forget(c); }\n\
         fn g(arena: &Arena) { let s = arena.grab(); }\n",
    );
    // deadpool is a dependency (under another name): its pack is active.
    let out = run(dir.path(), &["--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("poollint::PL004"), "{text}");
    assert!(!text.contains("poollint::PL001"), "{text}");
    let apis = String::from_utf8_lossy(&run(dir.path(), &["--explain-apis"]).stdout).to_string();
    assert!(
        apis.contains("Pool::get") && apis.contains("lint pack `deadpool`"),
        "{apis}"
    );
    assert!(!apis.contains("bb8"), "{apis}");
    // A user's own pack, named in the config.
    write(
        &dir.path().join("packs/arena.toml"),
        "crates = [\"arena\"]\n[[pools]]\nacquire = [\"Arena::grab\"]\n",
    );
    write(
        &dir.path().join("poollint.toml"),
        "packs = [\"packs/arena.toml\"]\n",
    );
    let out = run(dir.path(), &["--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("poollint::PL001"), "{text}");
}

/// A crate using object-pool, deadpool and slab, with no annotations and one
/// seeded bug of each kind, gets exactly those findings.
#[test]
fn seeded_bugs_in_an_unannotated_crate() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nobject-pool = \"0.6\"\ndeadpool = \"0.12\"\nslab = \"0.4\"\n",
    );
    write(
        &dir.path().join("src/lib.rs"),
        r#"use deadpool::managed::Pool as DbPool;
use object_pool::Pool;
use slab::Slab;

pub fn buffers(pool: &Pool<Vec<u8>>) -> usize {
    let buf = pool.pull(Vec::new);
    let n = buf.len();
    std::mem::forget(buf);
    n
}

pub async fn query(db: &DbPool<Manager>) {
    let conn = db.get().await.unwrap();
    let _pinned = std::mem::ManuallyDrop::new(conn);
}

pub fn sessions(conns: &mut Slab<Conn>, c: Conn) -> u32 {
    let key = conns.insert(c);
    conns.remove(key);
    let id = conns[key].id;
    conns.remove(key);
    id
}

pub fn fine(pool: &Pool<Vec<u8>>, conns: &mut Slab<Conn>, c: Conn) {
    let buf = pool.pull(Vec::new);
    let key = conns.insert(c);
    conns.remove(key);
    drop(buf);
}
"#,
    );
    let out = run(dir.path(), &["--format", "json"]);
    let mut found: Vec<(String, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["code"]["code"].as_str().unwrap().to_string(),
                v["spans"][0]["line_start"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("poollint::PL002".to_string(), 20),
            ("poollint::PL004".to_string(), 8),
            ("poollint::PL004".to_string(), 14),
            ("poollint::PL005".to_string(), 21),
        ]
    );
}
