//! The habits of clippy and ruff users (issue 18), end to end through the
//! binaries: fixes and `--fix`, rule flags as clippy takes them, `--quiet`,
//! `--statistics`, per-file ignores, honest exit codes and config errors,
//! suppressions that cannot silently fail, and the text people read.

use std::path::Path;
use std::process::{Command, Output};

const POOL: &str = r#"
pub struct Buf;
pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Buf { Buf }
    #[poollint::release]
    pub fn put(&self, buf: Buf) {}
}
"#;

const LEAKY: &str = r#"
use crate::pool::BufPool;
fn read(pool: &BufPool, sock: &mut Sock) -> Result<usize, Error> {
    let buf = pool.get();
    let n = sock.read(&buf)?;
    pool.put(buf);
    Ok(n)
}
"#;

/// A pooled frame whose reset throws two buffers away (PL006, fixable) and
/// a leak (PL001, not fixable).
const FRAME: &str = r#"use crate::pool::BufPool;

#[poollint::pooled(reset = "reset")]
pub struct Frame {
    headers: Vec<u8>,
    name: String,
    count: usize,
}

impl Frame {
    fn reset(&mut self) {
        self.headers = Vec::new();
        self.name = String::with_capacity(0);
        self.count = 0;
    }
}

fn leak(pool: &BufPool, stop: bool) {
    let buf = pool.get();
    if stop {
        return;
    }
    pool.put(buf);
}
"#;

fn run(bin: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run poollint")
}

fn poollint(dir: &Path, args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_poollint"), dir, args)
}

/// `cargo poollint ARGS` as cargo runs it.
fn cargo_poollint(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["poollint"];
    all.extend_from_slice(args);
    run(env!("CARGO_BIN_EXE_cargo-poollint"), dir, &all)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A crate with the pool in `src/pool.rs` and `main` in `src/lib.rs`.
fn crate_with(main: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    );
    write(dir.path(), "src/pool.rs", POOL);
    write(dir.path(), "src/lib.rs", main);
    dir
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn codes(out: &Output) -> Vec<String> {
    json_lines(out)
        .iter()
        .map(|d| d["code"]["code"].as_str().unwrap().to_string())
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git is needed for the --fix tests");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// A committed git repository holding a crate.
fn committed(main: &str) -> tempfile::TempDir {
    let dir = crate_with(main);
    git(dir.path(), &["init", "-q", "."]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    dir
}

// ---- rule selection as users type it ----

#[test]
fn dash_dash_deny_warnings_reads_rule_flags_as_clippy_does() {
    let dir = crate_with(LEAKY);
    let out = cargo_poollint(dir.path(), &["--color", "never", "--", "-D", "warnings"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("error[PL001]"), "{text}");
    assert!(
        !text.contains("PL000") && !text.contains("cannot read"),
        "{text}"
    );
    assert!(!text.contains("warning["), "{text}");
    // The attached and long forms, and the same after `--` of `poollint`.
    for flags in [
        &["--", "-Dwarnings"][..],
        &["--", "--deny=warnings"],
        &["--", "--deny", "warnings"],
        &["-D", "warnings"],
    ] {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(flags);
        let out = poollint(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {}", stderr(&out));
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{flags:?}");
        assert_eq!(lines[0]["level"], "error", "{flags:?}");
    }
}

#[test]
fn anything_else_after_dash_dash_is_a_clear_error() {
    let dir = crate_with(LEAKY);
    for (args, says) in [
        (&["--", "src/lib.rs"][..], "`src/lib.rs` after `--`"),
        (&["--", "-D"], "`-D` after `--` needs a rule"),
        (&["--", "--format", "json"], "`--format` after `--`"),
    ] {
        let out = cargo_poollint(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn short_rule_flags_groups_and_order() {
    let dir = crate_with(LEAKY);
    let level = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let out = poollint(dir.path(), &all);
        json_lines(&out)
            .iter()
            .map(|d| format!("{} {}", d["code"]["code"], d["level"]))
            .collect::<Vec<_>>()
    };
    let leak_error = vec![r#""poollint::PL001" "error""#.to_string()];
    let leak_warning = vec![r#""poollint::PL001" "warning""#.to_string()];
    assert_eq!(level(&["-D", "PL001"]), leak_error);
    assert_eq!(level(&["-D", "poollint::unreleased-acquire"]), leak_error);
    assert_eq!(level(&["-A", "all"]), Vec::<String>::new());
    // Later flags win; `warnings` applies to what still warns at the end.
    assert_eq!(level(&["-A", "all", "-W", "PL001"]), leak_warning);
    assert_eq!(level(&["-D", "PL001", "-W", "PL001"]), leak_warning);
    assert_eq!(
        level(&["-D", "warnings", "-A", "PL001"]),
        Vec::<String>::new()
    );
    // `all` reaches the rules that are off by default (PL010 manual release).
    let clean = crate_with(
        "use crate::pool::BufPool;\nfn f(pool: &BufPool) {\n    let b = pool.get();\n    pool.put(b);\n}\n",
    );
    assert_eq!(
        codes(&poollint(clean.path(), &["--format", "json"])),
        Vec::<String>::new()
    );
    let manual = poollint(clean.path(), &["--format", "json", "-W", "all"]);
    assert_eq!(codes(&manual), vec!["poollint::PL010"]);
    let out = poollint(dir.path(), &["-D", "clippy::all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule `clippy::all`"));
}

#[test]
fn output_and_message_format_are_aliases_of_format() {
    let dir = crate_with(LEAKY);
    let json = poollint(dir.path(), &["--format", "json"]);
    assert_eq!(codes(&json), vec!["poollint::PL001"]);
    for alias in [&["--output-format", "json"][..], &["--message-format=json"]] {
        let out = poollint(dir.path(), alias);
        assert_eq!(out.stdout, json.stdout, "{alias:?}");
    }
}

#[test]
fn quiet_prints_only_the_findings() {
    let dir = crate_with(LEAKY);
    let out = poollint(dir.path(), &["-q", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("warning[PL001]"), "{text}");
    assert!(
        !text.contains("finding in") && !text.contains("scanned"),
        "{text}"
    );
    let out = poollint(dir.path(), &["--quiet", "--format", "github"]);
    assert!(
        !stdout(&out).contains("poollint: 1 finding"),
        "{}",
        stdout(&out)
    );
    let clean = crate_with(POOL.replace("pub struct", "struct").as_str());
    let out = poollint(clean.path(), &["-q"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = crate_with(&FRAME.replace("fn leak", "fn leak_once"));
    write(dir.path(), "src/more.rs", &FRAME.replace("Frame", "Other"));
    let out = poollint(dir.path(), &["--statistics"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "4\tPL006\t[*] reset-discards-capacity", "{text}");
    assert_eq!(lines[1], "2\tPL001\t[ ] unreleased-acquire", "{text}");
    assert!(lines[2].starts_with("6 findings in 2 files"), "{text}");
    assert_eq!(lines[3], "[*] 4 fixable with `poollint --fix`", "{text}");
    let out = poollint(dir.path(), &["--statistics", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([
            {"code": "PL006", "name": "reset-discards-capacity", "count": 4, "fixable": 4},
            {"code": "PL001", "name": "unreleased-acquire", "count": 2, "fixable": 0},
        ])
    );
    let out = poollint(dir.path(), &["--statistics", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---- fixes ----

#[test]
fn json_carries_rustc_style_suggestions() {
    let dir = crate_with(FRAME);
    let out = poollint(dir.path(), &["--format", "json"]);
    let lines = json_lines(&out);
    let fixes: Vec<(String, String, u64)> = lines
        .iter()
        .filter(|d| d["code"]["code"] == "poollint::PL006")
        .map(|d| {
            let help = d["children"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| !c["spans"].as_array().unwrap().is_empty())
                .expect("a help child with the suggestion");
            assert_eq!(help["level"], "help");
            let span = &help["spans"][0];
            (
                span["suggested_replacement"].as_str().unwrap().to_string(),
                span["suggestion_applicability"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                span["line_start"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        vec![
            (
                "self.headers.clear()".to_string(),
                "MachineApplicable".to_string(),
                12
            ),
            (
                "self.name.clear()".to_string(),
                "MachineApplicable".to_string(),
                13
            ),
        ]
    );
    // The primary span itself carries no replacement, as in rustc.
    let leak = lines
        .iter()
        .find(|d| d["code"]["code"] == "poollint::PL001")
        .unwrap();
    assert!(leak["spans"][0]["suggested_replacement"].is_null());
    assert!(
        leak["children"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["spans"].as_array().unwrap().is_empty())
    );
}

#[test]
fn pl008_and_pl003_suggest_maybe_incorrect_rewrites() {
    let dir = crate_with(
        r#"
#[poollint::pooled(reset = "reset")]
pub struct Msg { body: Vec<u8> }
impl Msg { fn reset(&mut self) { self.body.clear(); } }
pub struct MsgPool;
impl MsgPool {
    #[poollint::acquire]
    pub fn get(&self) -> Msg { todo!() }
    #[poollint::release]
    pub fn put(&self, msg: Msg) {}
}
pub struct Session { pool: MsgPool, pending: Option<Msg> }
impl Session {
    fn finish(&mut self) {
        self.pending = None;
    }
}
fn send(pool: &MsgPool, data: &[u8]) {
    let mut msg = pool.get();
    msg.body.extend_from_slice(data);
    pool.put(msg);
}
"#,
    );
    let out = poollint(dir.path(), &["--format", "json"]);
    let suggestion = |code: &str| {
        let d = json_lines(&out)
            .into_iter()
            .find(|d| d["code"]["code"] == format!("poollint::{code}"))
            .unwrap_or_else(|| panic!("no {code}: {}", stdout(&out)));
        let help = d["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| !c["spans"].as_array().unwrap().is_empty())
            .cloned()
            .unwrap_or_else(|| panic!("{code} has no suggestion: {d}"));
        help["spans"][0].clone()
    };
    let reset = suggestion("PL008");
    assert_eq!(reset["suggested_replacement"], "msg.reset();\n    ");
    assert_eq!(reset["suggestion_applicability"], "MaybeIncorrect");
    assert_eq!(reset["byte_start"], reset["byte_end"], "an insertion");
    assert_eq!(reset["line_start"], 21);
    let take = suggestion("PL003");
    assert_eq!(
        take["suggested_replacement"],
        "if let Some(old) = self.pending.take() { self.pool.put(old); }"
    );
    assert_eq!(take["suggestion_applicability"], "MaybeIncorrect");
}

#[test]
fn fix_applies_machine_applicable_rewrites_and_checks_again() {
    let dir = committed(FRAME);
    let before = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    let out = poollint(dir.path(), &["--fix", "--color", "never"]);
    // The leak is left: it needs a person.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("poollint: fixed src/lib.rs (2 fixes)"),
        "{err}"
    );
    assert!(
        err.contains("2 fixes applied (PL006: 2); 1 finding left"),
        "{err}"
    );
    let text = stdout(&out);
    assert!(
        text.contains("warning[PL001]") && !text.contains("PL006"),
        "{text}"
    );
    let after = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert_eq!(
        after,
        before
            .replace("self.headers = Vec::new();", "self.headers.clear();")
            .replace(
                "self.name = String::with_capacity(0);",
                "self.name.clear();"
            )
    );
    syn::parse_file(&after).expect("the fixed file parses");
    // The fixed file checks clean of what was fixed, and nothing is left to fix.
    let again = poollint(dir.path(), &["--format", "json"]);
    assert_eq!(codes(&again), vec!["poollint::PL001"]);
    git(dir.path(), &["commit", "-q", "-am", "fixed"]);
    let out = poollint(dir.path(), &["--fix", "--format", "json"]);
    assert!(stderr(&out).contains("0 fixes applied; 1 finding left"));
    assert_eq!(codes(&out), vec!["poollint::PL001"]);
}

#[test]
fn fix_refuses_a_dirty_work_tree_unless_allowed() {
    let dir = committed(FRAME);
    write(dir.path(), "src/other.rs", "fn other() {}\n");
    let before = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    let out = poollint(dir.path(), &["--fix"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("uncommitted changes") && err.contains("src/other.rs (untracked)"),
        "{err}"
    );
    assert!(err.contains("--allow-dirty"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
        before
    );
    // A modified tracked file counts too.
    std::fs::remove_file(dir.path().join("src/other.rs")).unwrap();
    write(dir.path(), "src/pool.rs", &format!("{POOL}\n// edited\n"));
    assert_eq!(poollint(dir.path(), &["--fix"]).status.code(), Some(2));
    let out = poollint(dir.path(), &["--fix", "--allow-dirty"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(dir.path().join("src/lib.rs"))
            .unwrap()
            .contains("self.headers.clear();")
    );
    // `--allow-dirty` means nothing without `--fix`.
    assert_eq!(
        poollint(dir.path(), &["--allow-dirty"]).status.code(),
        Some(2)
    );
}

#[test]
fn without_fix_nothing_is_written_even_when_fixable() {
    let dir = committed(FRAME);
    let before = std::fs::read(dir.path().join("src/lib.rs")).unwrap();
    for args in [
        &[][..],
        &["--format", "json"],
        &["--format", "sarif"],
        &["--statistics"],
    ] {
        poollint(dir.path(), args);
    }
    assert_eq!(
        std::fs::read(dir.path().join("src/lib.rs")).unwrap(),
        before
    );
    let status = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(stdout(&status), "", "poollint left files behind");
}

// ---- config ----

#[test]
fn per_file_ignores_turn_rules_off_in_matching_files() {
    let dir = crate_with(LEAKY);
    write(dir.path(), "tests/it.rs", LEAKY);
    write(dir.path(), "benches/gen/generated.rs", LEAKY);
    let json = |dir: &Path| {
        let out = poollint(dir, &["--format", "json"]);
        let mut files: Vec<String> = json_lines(&out)
            .iter()
            .map(|d| d["spans"][0]["file_name"].as_str().unwrap().to_string())
            .collect();
        files.sort();
        files
    };
    assert_eq!(json(dir.path()).len(), 3);
    write(
        dir.path(),
        "poollint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"PL001\"]\n\"generated.rs\" = [\"unreleased-acquire\"]\n",
    );
    assert_eq!(json(dir.path()), vec!["src/lib.rs"]);
    // Only the rules named: another rule still reports there.
    write(
        dir.path(),
        "poollint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"PL002\"]\n",
    );
    assert_eq!(json(dir.path()).len(), 3);
    write(
        dir.path(),
        "poollint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"PL0001\"]\n",
    );
    let out = poollint(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("poollint.toml:2"), "{err}");
    assert!(err.contains("did you mean `PL001`"), "{err}");
}

#[test]
fn a_top_level_key_inside_a_table_says_where_it_goes() {
    let dir = crate_with(LEAKY);
    for (config, table, line) in [
        (
            "[rules]\nPL001 = \"error\"\n\n[[pools]]\nname = \"b\"\nacquire = [\"get_buffer\"]\n\nexclude = [\"benches/**\"]\n",
            "[[pools]]",
            8,
        ),
        ("[rules]\nexclude = [\"benches/**\"]\n", "[rules]", 2),
        ("[rules]\nexclude = \"benches\"\n", "[rules]", 2),
        (
            "[per-file-ignores]\n\"tests/**\" = [\"PL010\"]\nexclude = [\"benches/**\"]\n",
            "[per-file-ignores]",
            3,
        ),
    ] {
        write(dir.path(), "poollint.toml", config);
        let out = poollint(dir.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("poollint.toml:{line}:")),
            "{config}: {err}"
        );
        assert!(
            err.contains(&format!(
                "`exclude` is a top-level key, but here it is read as part of `{table}`"
            )),
            "{config}: {err}"
        );
        assert!(err.contains("move it above the first table"), "{err}");
        assert!(!err.contains("did you mean `exclude`"), "{err}");
    }
}

#[test]
fn did_you_mean_never_suggests_what_was_written() {
    let dir = crate_with(LEAKY);
    write(
        dir.path(),
        "poollint.toml",
        "[[pools]]\nacquir = [\"get_buffer\"]\n",
    );
    let err = stderr(&poollint(dir.path(), &[]));
    assert!(err.contains("poollint.toml:2"), "{err}");
    assert!(err.contains("did you mean `acquire`"), "{err}");
    // A key of another table, spelled right, gets no suggestion of itself.
    write(dir.path(), "poollint.toml", "[[pools]]\nrules = []\n");
    let err = stderr(&poollint(dir.path(), &[]));
    assert!(!err.contains("did you mean `rules`"), "{err}");
}

// ---- exit codes ----

#[test]
fn a_missing_path_is_exit_two_and_nothing_else() {
    let dir = crate_with(LEAKY);
    for args in [
        &["nope.rs"][..],
        &["src/lib.rs", "nope/"],
        &["--format", "json", "nope.rs"],
    ] {
        let out = cargo_poollint(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
        let missing = args.iter().rev().find(|a| a.starts_with("nope")).unwrap();
        assert_eq!(
            stderr(&out),
            format!("error: no such file or directory: {missing}\n")
        );
    }
}

// ---- suppressions ----

#[test]
fn misread_suppressions_are_pl100_with_the_syntax() {
    let dir = crate_with(
        r#"
use crate::pool::BufPool;
fn a(pool: &BufPool) {
    let buf = pool.get(); // poollint: allow PL001
}
fn b(pool: &BufPool) {
    let buf = pool.get(); /* poollint: allow(PL001) */
}
fn c(pool: &BufPool) {
    let buf = pool.get(); // noqa
}
fn d(pool: &BufPool) {
    let buf = pool.get(); // poollint: allow(PL0001)
}
"#,
    );
    let out = poollint(dir.path(), &["--format", "json"]);
    let lines = json_lines(&out);
    let pl100: Vec<(u64, String, String)> = lines
        .iter()
        .filter(|d| d["code"]["code"] == "poollint::PL100")
        .map(|d| {
            (
                d["spans"][0]["line_start"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["children"][0]["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(pl100.len(), 4, "{}", stdout(&out));
    assert_eq!(
        pl100.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![4, 7, 10, 13]
    );
    assert!(pl100[0].1.starts_with("malformed suppression"), "{pl100:?}");
    assert!(pl100[1].1.contains("block comment"), "{pl100:?}");
    assert!(pl100[2].1.contains("`noqa`"), "{pl100:?}");
    assert!(pl100[3].1.contains("unknown rule `PL0001`"), "{pl100:?}");
    for (_, _, help) in &pl100[..3] {
        assert!(
            help.contains("// poollint: allow(PL001) -- reason"),
            "{help}"
        );
    }
    // None of them silenced the leak.
    let leaks = lines
        .iter()
        .filter(|d| d["code"]["code"] == "poollint::PL001")
        .count();
    assert_eq!(leaks, 4);
}

/// Run in a pseudo-terminal (util-linux `script`), as a person would.
fn on_a_terminal(dir: &Path, args: &str) -> String {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_poollint"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .env("TERM", "dumb")
        .output()
        .expect("util-linux `script` runs poollint on a terminal");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

#[test]
fn on_a_terminal_one_line_says_how_to_suppress() {
    let dir = crate_with(&format!(
        "{LEAKY}\n{}",
        LEAKY
            .replace("fn read", "fn read_again")
            .replace("use crate::pool::BufPool;", "")
    ));
    let text = on_a_terminal(dir.path(), "--color never");
    let hints = text.matches("hint: to silence a finding").count();
    assert_eq!(hints, 1, "{text}");
    assert!(
        text.contains("`// poollint: allow(PL001) -- reason`"),
        "{text}"
    );
    let piped = stdout(&poollint(dir.path(), &["--color", "never"]));
    assert!(!piped.contains("hint:"), "{piped}");
    // Nothing to silence, nothing said.
    let clean = crate_with("fn main() {}\n");
    assert!(!on_a_terminal(clean.path(), "--color never").contains("hint:"));
}

// ---- text people read ----

#[test]
fn the_explain_pointer_is_once_per_rule() {
    let dir = crate_with(&format!(
        "{LEAKY}\n{}",
        LEAKY
            .replace("fn read", "fn read_again")
            .replace("use crate::pool::BufPool;", "")
    ));
    let text = stdout(&poollint(dir.path(), &["--color", "never"]));
    assert_eq!(text.matches("warning[PL001]").count(), 2, "{text}");
    assert_eq!(
        text.matches("poollint --explain PL001").count(),
        1,
        "{text}"
    );
}

/// The lines of Markdown outside code blocks.
fn prose(markdown: &str) -> Vec<&str> {
    let mut in_code = false;
    markdown
        .lines()
        .filter(|l| {
            if l.starts_with("```") {
                in_code = !in_code;
                return false;
            }
            !in_code
        })
        .collect()
}

#[test]
fn explain_prints_clean_markdown_and_plain_text_on_a_terminal() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in poollint_core::rules::ALL {
        let text = stdout(&poollint(here, &["--explain", rule.code]));
        assert!(
            text.contains("\n## What it does\n"),
            "{}: {text}",
            rule.code
        );
        assert!(!text.contains(",ignore"), "{}: {text}", rule.code);
        assert!(
            !prose(&text).iter().any(|l| l.starts_with(' ')),
            "{}: a doc-comment indent is left: {text}",
            rule.code
        );
    }
    let text = on_a_terminal(here, "--explain PL006");
    assert!(text.contains("\nWhat it does\n"), "{text}");
    assert!(!text.contains("##") && !text.contains("```"), "{text}");
    assert!(text.contains("\n    fn reset(&mut self) {\n"), "{text}");
}

#[test]
fn sarif_help_is_clean_markdown() {
    let dir = crate_with(LEAKY);
    let out = poollint(dir.path(), &["--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.starts_with("## What it does\n"), "{markdown}");
        assert!(!markdown.contains(",ignore"), "{markdown}");
        assert!(
            !prose(markdown).iter().any(|l| l.starts_with(' ')),
            "{markdown}"
        );
        let text = rule["help"]["text"].as_str().unwrap();
        assert!(!text.contains("```") && !text.contains("## "), "{text}");
    }
}

#[test]
fn the_summary_counts_what_explain_apis_lists() {
    let dir = crate_with(
        r#"
#[poollint::pooled(reset = "reset")]
pub struct Msg { body: Vec<u8> }
impl Msg { fn reset(&mut self) { self.body.clear(); } }
#[poollint::guard]
pub struct Lease;
fn f() {}
"#,
    );
    let summary = stdout(&poollint(dir.path(), &["--color", "never"]));
    assert!(
        summary.contains("(2 files scanned, 2 pool APIs, 1 pooled type, 1 guard type known)"),
        "{summary}"
    );
    let apis = stdout(&poollint(dir.path(), &["--explain-apis"]));
    let section = |name: &str| {
        apis.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name}: {apis}"))
            .to_string()
    };
    assert_eq!(section("pool APIs"), "pool APIs (2):");
    assert_eq!(section("pooled types"), "pooled types (1):");
    assert_eq!(section("guard types"), "guard types (1):");
    assert!(
        apis.contains("  Msg ") && apis.contains("reset `reset`"),
        "{apis}"
    );
    assert!(apis.contains("  Lease "), "{apis}");
    assert!(
        apis.contains("standard-library leaks, always known and not counted"),
        "{apis}"
    );
    assert_eq!(
        apis.lines().last().unwrap(),
        "2 pool APIs, 1 pooled type, 1 guard type known"
    );
}

#[test]
fn help_states_exit_codes_scope_usage_and_an_example() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let help = stdout(&poollint(here, &["--help"]));
    assert!(
        help.contains("Usage: cargo poollint [OPTIONS] [PATHS]..."),
        "{help}"
    );
    assert!(
        help.contains("Exit status: 0 no findings, 1 findings, 2 poollint could not run"),
        "{help}"
    );
    assert!(
        help.contains("Example:\n  cargo poollint -- -D warnings"),
        "{help}"
    );
    assert!(
        help.contains("default: inside a cargo project, every member of its workspace; outside one, the current directory"),
        "{help}"
    );
    // The README says the same.
    let readme = std::fs::read_to_string(here.join("README.md")).unwrap();
    assert!(
        readme.contains("Exit status: `0` no findings, `1` findings, `2` poollint could not run"),
        "README and --help disagree on exit codes"
    );
    assert!(
        readme.contains("inside a cargo project, poollint checks every workspace member"),
        "README and --help disagree on the default scope"
    );
}
