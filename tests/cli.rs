//! End-to-end tests of the `poollint` and `cargo-poollint` binaries: exit
//! statuses, `--explain`, `--list-rules`, JSON fields, and bad input.

use std::path::{Path, PathBuf};
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

const CLEAN: &str = r#"
use crate::pool::BufPool;
fn read(pool: &BufPool) {
    let buf = pool.get();
    pool.put(buf);
}
"#;

fn poollint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poollint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run poollint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A crate with the pool in `src/pool.rs` and `main` in `src/lib.rs`.
fn crate_with(main: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/pool.rs"), POOL).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), main).unwrap();
    dir
}

#[test]
fn exit_one_with_findings_and_labels_acquire_and_question_mark() {
    let dir = crate_with(LEAKY);
    let out = poollint(dir.path(), &["--color", "never"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("warning[PL001]"), "{text}");
    assert!(text.contains("acquired here"), "{text}");
    assert!(
        text.contains("`?` returns early here without releasing `buf`"),
        "{text}"
    );
    assert!(
        text.contains("1 finding in 1 file (2 files scanned, 2 pool APIs known)"),
        "{text}"
    );
}

#[test]
fn reported_file_uses_apis_annotated_in_an_unreported_file() {
    let dir = crate_with(LEAKY);
    let out = poollint(dir.path(), &["src/lib.rs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("PL001"));
}

#[test]
fn exit_zero_when_clean_and_with_exit_zero() {
    let dir = crate_with(CLEAN);
    assert_eq!(poollint(dir.path(), &[]).status.code(), Some(0));
    let dir = crate_with(LEAKY);
    assert_eq!(
        poollint(dir.path(), &["--exit-zero"]).status.code(),
        Some(0)
    );
}

#[test]
fn cargo_subcommand_behaves_like_poollint() {
    let dir = crate_with(LEAKY);
    let direct = poollint(dir.path(), &["--format", "json"]);
    let via_cargo = Command::new(env!("CARGO_BIN_EXE_cargo-poollint"))
        .args(["poollint", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), via_cargo.status.code());
    assert_eq!(direct.stdout, via_cargo.stdout);
}

#[test]
fn exit_two_on_bad_flag_bad_config_and_missing_path() {
    let dir = crate_with(CLEAN);
    let out = poollint(dir.path(), &["--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    // A path that does not exist is a command-line mistake: one line, exit 2,
    // nothing scanned and nothing on stdout.
    let out = poollint(
        dir.path(),
        &["does/not/exist.rs", "src/lib.rs", "--color", "never"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no such file or directory: does/not/exist.rs\n"
    );
    std::fs::write(
        dir.path().join("poollint.toml"),
        "[rules]\nunreleased-acquir = \"warn\"\n",
    )
    .unwrap();
    let out = poollint(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("poollint.toml:2"), "{err}");
    assert!(err.contains("did you mean `unreleased-acquire`"), "{err}");
}

#[test]
fn config_rule_levels_apply() {
    let dir = crate_with(LEAKY);
    std::fs::write(
        dir.path().join("poollint.toml"),
        "[rules]\nPL001 = \"allow\"\n",
    )
    .unwrap();
    assert_eq!(poollint(dir.path(), &[]).status.code(), Some(0));
    let out = poollint(
        dir.path(),
        &["--deny", "unreleased-acquire", "--color", "never"],
    );
    assert!(stdout(&out).contains("error[PL001]"), "{}", stdout(&out));
}

#[test]
fn explain_by_code_and_name() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for key in ["PL001", "pl001", "unreleased-acquire"] {
        let out = poollint(here, &["--explain", key]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        for section in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
            "## Known limits",
        ] {
            assert!(text.contains(section), "{key}: missing {section}");
        }
    }
    let out = poollint(here, &["--explain", "PL0001"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
}

#[test]
fn list_rules_lists_every_rule() {
    let out = poollint(Path::new(env!("CARGO_MANIFEST_DIR")), &["--list-rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for rule in poollint_core::rules::ALL {
        let line = text
            .lines()
            .find(|l| l.starts_with(rule.code))
            .expect(rule.code);
        assert!(
            line.contains(rule.name) && line.contains(rule.summary),
            "{line}"
        );
    }
}

#[test]
fn json_lines_carry_rustc_fields() {
    let dir = crate_with(LEAKY);
    let out = poollint(dir.path(), &["--format", "json"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["code"]["code"], "poollint::PL001");
    assert_eq!(v["level"], "warning");
    assert!(v["message"].as_str().unwrap().contains("`buf`"));
    assert!(v["rendered"].as_str().unwrap().contains("PL001"));
    assert!(!v["children"].as_array().unwrap().is_empty());
    let spans = v["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 2);
    for key in [
        "file_name",
        "byte_start",
        "byte_end",
        "line_start",
        "line_end",
        "column_start",
        "column_end",
        "is_primary",
        "label",
        "text",
    ] {
        assert!(spans[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(spans[0]["is_primary"], true);
    assert_eq!(spans[0]["file_name"], "src/lib.rs");
    assert_eq!(spans[0]["line_start"], 4);
    assert_eq!(spans[0]["column_start"], 15);
    assert_eq!(spans[1]["is_primary"], false);
    assert_eq!(spans[1]["line_start"], 5);
}

#[test]
fn bad_files_are_one_pl000_each_and_others_still_analysed() {
    let dir = crate_with(LEAKY);
    std::fs::write(dir.path().join("src/latin1.rs"), b"fn caf\xe9() {}\n").unwrap();
    std::fs::write(dir.path().join("src/broken.rs"), "fn a() {}\nfn b( {\n").unwrap();
    let out = poollint(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let diags: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| {
            (
                d["spans"][0]["file_name"].as_str().unwrap(),
                d["code"]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("src/broken.rs", "poollint::PL000"),
            ("src/latin1.rs", "poollint::PL000"),
            ("src/lib.rs", "poollint::PL001"),
        ]
    );
    let broken = &diags[0];
    assert_eq!(broken["spans"][0]["line_start"], 2);
    assert!(
        diags[1]["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );
}

#[test]
fn deep_nesting_does_not_crash() {
    let depth = 5000;
    let src = format!(
        "fn deep() -> i32 {{ {}1{} }}\nfn blocks() {{ {} {} }}\n",
        "(".repeat(depth),
        ")".repeat(depth),
        "{".repeat(depth),
        "}".repeat(depth)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deep.rs"), src).unwrap();
    std::fs::write(
        dir.path().join("other.rs"),
        LEAKY.replace("use crate::pool::BufPool;", POOL),
    )
    .unwrap();
    let out = poollint(dir.path(), &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("poollint::PL001"));
}

#[test]
fn scanned_files_are_never_written() {
    let dir = crate_with(LEAKY);
    std::fs::write(dir.path().join("src/broken.rs"), "fn b( {\n").unwrap();
    let files: Vec<PathBuf> = ["src/lib.rs", "src/pool.rs", "src/broken.rs", "Cargo.toml"]
        .iter()
        .map(|f| dir.path().join(f))
        .collect();
    let before: Vec<(Vec<u8>, std::time::SystemTime)> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    poollint(dir.path(), &[]);
    poollint(dir.path(), &["--format", "json"]);
    let after: Vec<(Vec<u8>, std::time::SystemTime)> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn no_known_api_is_said_out_loud() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rs"), "fn main() {}\n").unwrap();
    let out = poollint(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("0 pool APIs known"), "{text}");
    assert!(text.contains("--explain-apis"), "{text}");
}

#[test]
fn explain_apis_lists_origins() {
    let dir = crate_with(CLEAN);
    let out = poollint(dir.path(), &["--explain-apis"]);
    let text = stdout(&out);
    assert!(
        text.contains("BufPool::get") && text.contains("attribute at"),
        "{text}"
    );
}

#[test]
fn discovery_respects_gitignore_and_target_but_not_for_explicit_files() {
    let dir = crate_with(CLEAN);
    std::fs::write(dir.path().join(".gitignore"), "generated/\n").unwrap();
    for sub in ["generated", "target/debug"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("leak.rs"), LEAKY).unwrap();
    }
    let out = poollint(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = poollint(dir.path(), &["--format", "json", "generated/leak.rs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("generated/leak.rs"));
}

#[test]
fn config_exclude_globs() {
    let dir = crate_with(LEAKY);
    std::fs::write(
        dir.path().join("poollint.toml"),
        "exclude = [\"src/lib.rs\"]\n",
    )
    .unwrap();
    let out = poollint(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn github_annotations_and_step_summary() {
    let dir = crate_with(LEAKY);
    let summary = dir.path().join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_poollint"))
        .args(["--format", "github", "--deny", "PL001"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=src/lib.rs,line=4,endLine=4,col=15,endColumn=25,title=PL001 unreleased-acquire::"),
        "{first}"
    );
    // A multi-line message is one line with escaped newlines.
    assert!(first.contains("%0Ahelp: "), "{first}");
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("poollint: 1 finding in 1 file")
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("| Rule | Location | Finding |"), "{md}");
    assert!(
        md.contains("`PL001` unreleased-acquire | `src/lib.rs:4:15`"),
        "{md}"
    );
}

#[test]
fn with_cargo_check_passes_compiler_messages_through() {
    let dir = crate_with(&format!(
        "{LEAKY}\nfn broken() -> u32 {{ \"not a number\" }}\n"
    ));
    let out = poollint(dir.path(), &["--format", "json", "--with-cargo-check"]);
    let text = stdout(&out);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let compiler_error = lines
        .iter()
        .any(|l| l["reason"] == "compiler-message" && l["message"]["level"] == "error");
    assert!(compiler_error, "{text}");
    assert!(
        lines.iter().any(|l| l["code"]["code"] == "poollint::PL001"),
        "{text}"
    );
    let out = poollint(dir.path(), &["--with-cargo-check"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A label in another file (the unreset field's declaration) shows that
/// file's line, though the file has no finding of its own; and a run that
/// checked a pooled type does not say that nothing could be checked.
#[test]
fn a_label_in_a_file_without_findings_shows_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("types.rs"),
        "#[poollint::pooled(reset = \"reset\")]\npub struct Job {\n    id: u64,\n    output: Vec<u8>,\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("job_reset.rs"),
        "impl Job {\n    pub fn reset(&mut self) {\n        self.id = 0;\n    }\n}\n",
    )
    .unwrap();
    let out = poollint(dir.path(), &["--color", "never", "."]);
    let text = stdout(&out);
    assert!(text.contains("warning[PL007]"), "{text}");
    assert!(text.contains("types.rs:4:5"), "{text}");
    assert!(text.contains("output: Vec<u8>,"), "{text}");
    assert!(!text.contains("nothing could be checked"), "{text}");
}

const GO_LEAKY: &str = r#"package demo

import (
	"io"
	"sync"
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

func read(r io.Reader) (int, error) {
	bp := bufPool.Get().(*[]byte)
	n, err := r.Read(*bp)
	if n == 0 {
		return 0, nil
	}
	bufPool.Put(bp)
	return n, err
}
"#;

/// A Go module: `go.mod` and one file with a leak on the `n == 0` return.
fn go_module_in(dir: &Path) {
    std::fs::write(dir.join("go.mod"), "module example.com/demo\n\ngo 1.21\n").unwrap();
    std::fs::write(dir.join("read.go"), GO_LEAKY).unwrap();
}

#[test]
fn a_go_module_is_checked_without_cargo() {
    let dir = tempfile::tempdir().unwrap();
    go_module_in(dir.path());
    let out = poollint(dir.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("warning[PL001]"), "{text}");
    assert!(text.contains("read.go:11:"), "{text}");
    assert!(text.contains("defer bufPool.Put(bp)"), "{text}");
    // Fixed, the module is clean.
    std::fs::write(
        dir.path().join("read.go"),
        GO_LEAKY.replace(
            "\t\treturn 0, nil",
            "\t\tbufPool.Put(bp)\n\t\treturn 0, nil",
        ),
    )
    .unwrap();
    let out = poollint(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// A repository with `Cargo.toml` and `go.mod` at its root (the Go code in a
/// package folder): one run with no paths reports both languages, in every
/// output format.
#[test]
fn a_mixed_repository_reports_both_languages_in_every_format() {
    let dir = crate_with(LEAKY);
    go_module_in(dir.path());
    std::fs::create_dir(dir.path().join("gosvc")).unwrap();
    std::fs::rename(dir.path().join("read.go"), dir.path().join("gosvc/read.go")).unwrap();
    check_mixed(dir.path(), &[]);
}

/// A Go module in a folder of a cargo repository: given the repository's
/// root as the path, one run reports both languages.
#[test]
fn a_go_module_below_a_crate_is_checked_with_it() {
    let dir = crate_with(LEAKY);
    std::fs::create_dir(dir.path().join("gosvc")).unwrap();
    go_module_in(&dir.path().join("gosvc"));
    check_mixed(dir.path(), &["."]);
}

fn check_mixed(dir: &Path, paths: &[&str]) {
    let rs = "src/lib.rs";
    let go = "gosvc/read.go";
    for format in ["human", "json", "sarif", "github"] {
        let mut args = vec!["--format", format];
        args.extend(paths);
        let out = poollint(dir, &args);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert!(text.contains(rs), "{format}: no Rust finding in {text}");
        assert!(text.contains(go), "{format}: no Go finding in {text}");
        assert!(
            text.matches("PL001").count() >= 2,
            "{format}: want a PL001 from each language in {text}"
        );
    }
    let mut args = vec!["--format", "json"];
    args.extend(paths);
    let out = poollint(dir, &args);
    let findings: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v.get("code").is_some())
        .collect();
    let files: std::collections::BTreeSet<String> = findings
        .iter()
        .filter_map(|f| f["spans"][0]["file_name"].as_str().map(str::to_string))
        .collect();
    assert!(files.iter().any(|f| f.ends_with(rs)), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with(go)), "{files:?}");
}

/// fasthttp's own package: `AcquireRequest` over a `sync.Pool`, and a fn
/// that leaks the request when `WriteTo` fails.
const FASTHTTP_OWN: &str = r#"package fasthttp

import (
	"io"
	"sync"
)

type Request struct{ body []byte }

var requestPool sync.Pool

func AcquireRequest() *Request {
	v := requestPool.Get()
	if v == nil {
		return &Request{}
	}
	return v.(*Request)
}

func ReleaseRequest(req *Request) {
	req.body = req.body[:0]
	requestPool.Put(req)
}

func postURL(w io.WriterTo, dst io.Writer) error {
	req := AcquireRequest()
	if _, err := w.WriteTo(dst); err != nil {
		return err
	}
	ReleaseRequest(req)
	return nil
}
"#;

/// A module that uses fasthttp: its lint pack applies there, and leaks the
/// request on the early return.
const FASTHTTP_USER: &str = r#"package app

import "github.com/valyala/fasthttp"

func get(fail bool) error {
	req := fasthttp.AcquireRequest()
	if fail {
		return nil
	}
	fasthttp.ReleaseRequest(req)
	return nil
}
"#;

/// A library's own lint pack does not apply inside it, and must not hide
/// what the library's own code teaches either: run at a root holding both
/// fasthttp and a module that imports it (so the pack is loaded), the leak
/// inside fasthttp is found through its inferred `AcquireRequest`, and the
/// one in the importer through the pack.
#[test]
fn a_library_under_its_own_pack_keeps_its_inferred_apis() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("fasthttp");
    let user = dir.path().join("app");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        own.join("go.mod"),
        "module github.com/valyala/fasthttp\n\ngo 1.21\n",
    )
    .unwrap();
    std::fs::write(own.join("client.go"), FASTHTTP_OWN).unwrap();
    std::fs::write(
        user.join("go.mod"),
        "module example.com/app\n\ngo 1.21\n\nrequire github.com/valyala/fasthttp v1.50.0\n",
    )
    .unwrap();
    std::fs::write(user.join("get.go"), FASTHTTP_USER).unwrap();
    for paths in [&["."][..], &["fasthttp"][..]] {
        let out = poollint(dir.path(), paths);
        let text = stdout(&out);
        assert!(text.contains("client.go:26:"), "{paths:?}: {text}");
        assert_eq!(
            paths == ["."],
            text.contains("get.go:6:"),
            "{paths:?}: {text}"
        );
    }
}
