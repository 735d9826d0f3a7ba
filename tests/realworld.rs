//! The real-world corpus runner (issue 20): every folder under
//! `tests/realworld/<case>/` is a fixed pool bug from public history, reduced
//! to a `buggy/` and a `fixed/` version that share one `poollint.toml`.
//!
//! - `buggy/`: with `expected = "found"` the primary spans of the findings must
//!   equal the `//~ CODE` markers exactly; with `expected = "missed"` there must
//!   be no finding outside the markers, and the markers must not all be found
//!   (when they are, the case is reported as "now found").
//! - `fixed/`: no finding at all, and no marker.
//! - `case.toml` has every key, a known class and rule, commits of 40 hex
//!   digits, a repository outside the held-out set, and a reason when missed;
//!   markers name its `rule`, or a rule listed in the optional `also` (other
//!   findings the same fix repairs).
//!
//! The summary line (cases, found-and-clean, missed) is printed on every run
//! (`cargo test --test realworld -- --nocapture` shows it).
//!
//! Go cases live under `tests/realworld-go/<case>/` in the same shape, with
//! `.go` sources and the module's `go.mod` (its path and requirements
//! activate lint packs, as `poollint` run on the folder does).

use poollint_core::config::Config;
use poollint_core::diagnostic::Level;
use poollint_core::engine::{self, InputFile, RunOptions};
use poollint_core::rules;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/realworld");
const CORPUS_GO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/realworld-go");

const CLASSES: &[&str] = &[
    "leak",
    "use-after-release",
    "abandoned",
    "reset",
    "guard",
    "non-pointer-put",
];

const KEYS: &[&str] = &[
    "source", "repo", "fix", "parent", "class", "rule", "expected", "reason", "summary",
];

/// Kept for independent evaluation: no case may come from their history.
const HELD_OUT: &[&str] = &[
    "tokio-rs/tokio",
    "bytecodealliance/wasmtime",
    "launchbadge/sqlx",
    "actix/actix-web",
    "bikeshedder/deadpool",
    "djc/bb8",
    "fastly/pushpin",
    "hyperium/h2",
    "Nehliin/vortex",
    "ntex-rs/ntex",
    "restatedev/restate",
    "sozu-proxy/sozu",
    "ubicloud/ubiblk",
    "nats-io/nats-server",
    "joshuafuller/beacon",
    "united-manufacturing-hub/benthos-umh",
    "grpc/grpc-go",
    "prometheus/prometheus",
    "quic-go/quic-go",
    "syncthing/syncthing",
    "thanos-io/thanos",
    "jaegertracing/jaeger",
    "v2fly/v2ray-core",
    "vitessio/vitess",
    "caddyserver/forwardproxy",
    "go-bond/bond",
    "abhinav/git-spice",
    "mbrt/gmailctl",
    "projectdiscovery/utils",
];

/// `(file, line) -> codes`: sorted codes of findings or of `//~` markers
/// (or, for findings, their `CODE: message` texts).
type Lines = BTreeMap<(String, usize), Vec<String>>;

struct Case {
    name: String,
    dir: PathBuf,
    class: String,
    rule: String,
    /// Other rules the fix also answers (optional `also = ["PL011"]`).
    also: Vec<String>,
    expected: String,
}

/// The sources of a case folder: `.rs` and `.go` files.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs" || e == "go"))
        .collect();
    files.sort();
    files
}

/// File names relative to the case folder (`buggy/lib.rs`), so messages are short.
fn short(case_dir: &Path, file: &Path) -> String {
    file.strip_prefix(case_dir)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// `//~ CODE CODE` markers, as in `fixtures/`.
fn markers(case_dir: &Path, files: &[PathBuf]) -> Lines {
    let mut out = BTreeMap::new();
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some((_, marker)) = line.split_once("//~") {
                let mut codes: Vec<String> =
                    marker.split_whitespace().map(str::to_string).collect();
                codes.sort();
                out.insert((short(case_dir, file), i + 1), codes);
            }
        }
    }
    out
}

/// Run the engine on a folder's sources with the folder's `poollint.toml`,
/// loaded as the CLI loads `--config` (and its `go.mod`, as discovery reads
/// it). Findings by line, plus their messages.
fn analyse(case: &Case, folder: &str) -> Result<(Lines, Lines), String> {
    let dir = case.dir.join(folder);
    let config_path = dir.join("poollint.toml");
    let mut config = Config::load(&dir, Some(&config_path))
        .map_err(|e| format!("{folder}/poollint.toml: {e}"))?;
    // The case's own rule is on even when it is allow-by-default.
    if let Some(rule) = rules::find(&case.rule)
        && config.level(rule.code) == Level::Allow
    {
        config.set_level(rule.code, Level::Warn);
    }
    let mut extra_packs = Vec::new();
    for path in &config.packs {
        extra_packs.push(
            poollint_core::knowledge::packs::load(path)
                .map_err(|e| format!("{folder}: pack {}: {e}", path.display()))?,
        );
    }
    let files = source_files(&dir);
    if files.is_empty() {
        return Err(format!("{folder}/ has no .rs or .go file"));
    }
    let inputs = files
        .iter()
        .map(|p| InputFile {
            path: p.clone(),
            name: short(&case.dir, p),
            reported: true,
            text: None,
            krate: None,
        })
        .collect();
    let mut options = RunOptions {
        extra_packs,
        ..RunOptions::default()
    };
    if let Some(m) = poollint_core::gomod::read(&dir) {
        options.dependencies.extend(m.requires);
        options.packages.insert(m.module);
    }
    let outcome = engine::run_with(inputs, &config, options);
    let mut codes: Lines = BTreeMap::new();
    let mut messages: Lines = BTreeMap::new();
    for d in &outcome.diagnostics {
        let file = &outcome.files[d.file];
        let (line, _) = file.line_col(d.primary.span.start as usize);
        let key = (file.name.clone(), line);
        codes
            .entry(key.clone())
            .or_default()
            .push(d.code.to_string());
        messages
            .entry(key)
            .or_default()
            .push(format!("{}: {}", d.code, d.message));
    }
    for v in codes.values_mut() {
        v.sort();
    }
    Ok((codes, messages))
}

/// Check `case.toml`; on success the case to run.
fn read_case(dir: &Path, failures: &mut Vec<String>) -> Option<Case> {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let path = dir.join("case.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            failures.push(format!("{name}: case.toml: {e}"));
            return None;
        }
    };
    let table: toml::Table = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            failures.push(format!("{name}: case.toml: {e}"));
            return None;
        }
    };
    let before = failures.len();
    let mut get = |key: &str| -> String {
        match table.get(key) {
            Some(toml::Value::String(s)) => s.clone(),
            Some(_) => {
                failures.push(format!("{name}: case.toml: `{key}` is not a string"));
                String::new()
            }
            None => {
                failures.push(format!("{name}: case.toml: `{key}` is missing"));
                String::new()
            }
        }
    };
    let values: BTreeMap<&str, String> = KEYS.iter().map(|k| (*k, get(k))).collect();
    // Optional: other rules whose findings the same fix repairs (a buffer held
    // without a guard is also held across an `.await`).
    let mut also = Vec::new();
    match table.get("also") {
        None => {}
        Some(toml::Value::Array(codes)) => {
            for c in codes {
                match c.as_str().and_then(rules::find) {
                    Some(r) => also.push(r.code.to_string()),
                    None => failures.push(format!("{name}: `also`: {c} is not a rule code")),
                }
            }
        }
        Some(_) => failures.push(format!("{name}: `also` is not an array of rule codes")),
    }
    for key in table.keys() {
        if !KEYS.contains(&key.as_str()) && key != "also" {
            failures.push(format!("{name}: case.toml: unknown key `{key}`"));
        }
    }
    let class = &values["class"];
    if !CLASSES.contains(&class.as_str()) {
        failures.push(format!("{name}: class `{class}` is not one of {CLASSES:?}"));
    }
    let rule = &values["rule"];
    if rules::find(rule).is_none_or(|r| r.code != rule) {
        failures.push(format!("{name}: rule `{rule}` is not a rule code"));
    }
    let expected = &values["expected"];
    match expected.as_str() {
        "found" => {}
        "missed" if values["reason"].trim().is_empty() => failures.push(format!(
            "{name}: expected = \"missed\" needs a reason (the capability poollint lacks)"
        )),
        "missed" => {}
        other => failures.push(format!(
            "{name}: expected = `{other}`, want \"found\" or \"missed\""
        )),
    }
    for key in ["fix", "parent"] {
        let v = &values[key];
        if v.len() != 40 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            failures.push(format!("{name}: `{key}` is not a 40-hex commit: `{v}`"));
        }
    }
    if values["fix"] == values["parent"] {
        failures.push(format!("{name}: `fix` and `parent` are the same commit"));
    }
    let repo = &values["repo"];
    if repo.split('/').filter(|s| !s.is_empty()).count() != 2 {
        failures.push(format!("{name}: repo `{repo}` is not owner/name"));
    }
    if HELD_OUT.iter().any(|h| h.eq_ignore_ascii_case(repo)) {
        failures.push(format!("{name}: repo `{repo}` is held out"));
    }
    for key in ["source", "summary"] {
        if table.contains_key(key) && values[key].trim().is_empty() {
            failures.push(format!("{name}: `{key}` is empty"));
        }
    }
    let configs: Vec<Option<String>> = ["buggy", "fixed"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f).join("poollint.toml")).ok())
        .collect();
    match (&configs[0], &configs[1]) {
        (Some(a), Some(b)) if a == b => {}
        (Some(_), Some(_)) => failures.push(format!(
            "{name}: buggy/poollint.toml and fixed/poollint.toml differ"
        )),
        _ => failures.push(format!(
            "{name}: buggy/poollint.toml or fixed/poollint.toml is missing"
        )),
    }
    (failures.len() == before).then(|| Case {
        name,
        dir: dir.to_path_buf(),
        class: class.clone(),
        rule: rule.clone(),
        also,
        expected: expected.clone(),
    })
}

/// What a case came to.
enum Verdict {
    FoundAndClean,
    Missed,
    Failed,
}

fn check_case(case: &Case, failures: &mut Vec<String>) -> Verdict {
    let before = failures.len();
    let name = &case.name;
    let buggy_files = source_files(&case.dir.join("buggy"));
    let marked = markers(&case.dir, &buggy_files);
    let fixed_marks = markers(&case.dir, &source_files(&case.dir.join("fixed")));
    if marked.is_empty() {
        failures.push(format!("{name}: buggy/ has no `//~` marker"));
    }
    for (file, line) in fixed_marks.keys() {
        failures.push(format!("{name}: {file}:{line}: a marker in fixed/"));
    }
    for ((file, line), codes) in &marked {
        if codes
            .iter()
            .any(|c| *c != case.rule && !case.also.contains(c))
        {
            failures.push(format!(
                "{name}: {file}:{line}: marker {codes:?} is not the case's rule {}",
                case.rule
            ));
        }
    }
    let (found, messages) = match analyse(case, "buggy") {
        Ok(r) => r,
        Err(e) => {
            failures.push(format!("{name}: {e}"));
            return Verdict::Failed;
        }
    };
    // Findings on lines without a marker are wrong whatever was expected.
    for key @ (file, line) in found.keys() {
        if !marked.contains_key(key) {
            for m in &messages[key] {
                failures.push(format!("{name}: {file}:{line}: unexpected {m}"));
            }
        }
    }
    let all_found = marked.iter().all(|(key, codes)| {
        let mut got = found.get(key).cloned().unwrap_or_default();
        got.dedup();
        let mut want = codes.clone();
        want.dedup();
        want.iter().all(|c| got.contains(c))
    });
    match case.expected.as_str() {
        "found" => {
            for (key @ (file, line), codes) in &marked {
                let got = found.get(key).cloned().unwrap_or_default();
                if &got != codes {
                    failures.push(format!(
                        "{name}: {file}:{line}: expected {codes:?}, got {got:?}"
                    ));
                }
            }
        }
        _ => {
            if all_found && !marked.is_empty() {
                failures.push(format!(
                    "{name}: now found: set expected = \"found\" (and drop the reason)"
                ));
            }
        }
    }
    match analyse(case, "fixed") {
        Ok((_, messages)) => {
            for ((file, line), ms) in &messages {
                for m in ms {
                    failures.push(format!("{name}: {file}:{line}: fixed/ reports {m}"));
                }
            }
        }
        Err(e) => failures.push(format!("{name}: {e}")),
    }
    if failures.len() > before {
        Verdict::Failed
    } else if case.expected == "found" {
        Verdict::FoundAndClean
    } else {
        Verdict::Missed
    }
}

#[test]
fn realworld_cases_match_their_expectations() {
    run_corpus(CORPUS, "realworld");
}

/// The Go cases, as the Rust ones: `cargo test --test realworld -- --nocapture`
/// prints the summary line.
#[test]
fn realworld_go_cases_match_their_expectations() {
    run_corpus(CORPUS_GO, "realworld-go");
}

fn run_corpus(corpus: &str, label: &str) {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus)
        .unwrap_or_else(|e| panic!("{corpus}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no case under {corpus}");
    let mut failures = Vec::new();
    let (mut found_clean, mut missed, mut failed) = (0, 0, 0);
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    let mut missed_names = BTreeSet::new();
    for dir in &dirs {
        let Some(case) = read_case(dir, &mut failures) else {
            failed += 1;
            continue;
        };
        *by_class.entry(case.class.clone()).or_default() += 1;
        match check_case(&case, &mut failures) {
            Verdict::FoundAndClean => found_clean += 1,
            Verdict::Missed => {
                missed += 1;
                missed_names.insert(case.name.clone());
            }
            Verdict::Failed => failed += 1,
        }
    }
    let summary = format!(
        "{label}: {} cases, {found_clean} found-and-clean, {missed} missed, {failed} failing; by class {by_class:?}",
        dirs.len()
    );
    println!("{summary}");
    if !missed_names.is_empty() {
        println!(
            "missed: {}",
            missed_names.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{summary}\n{label} mismatches:\n{}",
        failures.join("\n")
    );
}
