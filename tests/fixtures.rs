//! The fixture runner: every file (or folder of files) under `fixtures/<rule>/`
//! is analysed (Rust `.rs` and Go `.go` sources alike), and the primary spans of its diagnostics must match the
//! `//~ CODE` markers exactly: a missing diagnostic and an unexpected one both
//! fail, and are named.

use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile, Lowering, RunOptions};
use poollint_core::rules;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

/// Is this a source file of a language poollint reads?
fn is_source(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "rs" || e == "go")
}

/// One analysis unit: a single file, or every file of a sub-folder together.
fn units(rule_dir: &Path) -> Vec<(String, Vec<PathBuf>)> {
    let mut units = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(rule_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.strip_prefix(FIXTURES).unwrap().display().to_string();
        if path.is_dir() {
            let mut files = Vec::new();
            sources_below(&path, &mut files);
            files.sort();
            units.push((name, files));
        } else if is_source(&path) {
            units.push((name, vec![path]));
        }
    }
    units
}

/// The source files of a folder unit, its sub-folders' too (the packages
/// of a Go module).
fn sources_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources_below(&path, out);
        } else if is_source(&path) {
            out.push(path);
        }
    }
}

/// `(file, line) -> codes` from `//~ CODE CODE` markers.
fn expected(files: &[PathBuf]) -> BTreeMap<(String, usize), Vec<String>> {
    let mut out = BTreeMap::new();
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some((_, marker)) = line.split_once("//~") {
                let mut codes: Vec<String> =
                    marker.split_whitespace().map(str::to_string).collect();
                codes.sort();
                out.insert((file.display().to_string(), i + 1), codes);
            }
        }
    }
    out
}

fn run_unit(
    rule: Option<&rules::RuleInfo>,
    files: &[PathBuf],
    lowering: Lowering,
) -> BTreeMap<(String, usize), Vec<(String, String)>> {
    let outcome = run_outcome(rule, files, lowering);
    let mut actual: BTreeMap<(String, usize), Vec<(String, String)>> = BTreeMap::new();
    for d in &outcome.diagnostics {
        let file = &outcome.files[d.file];
        let (line, _) = file.line_col(d.primary.span.start as usize);
        actual
            .entry((file.name.clone(), line))
            .or_default()
            .push((d.code.to_string(), d.message.clone()));
    }
    actual
}

fn run_outcome(
    rule: Option<&rules::RuleInfo>,
    files: &[PathBuf],
    lowering: Lowering,
) -> engine::Outcome {
    run_outcome_with(rule, files, lowering, false)
}

/// [`run_outcome`], with an empty index-only file after the unit's own when
/// `index_only` (a run that checks only some files keeps bodies unpacked).
fn run_outcome_with(
    rule: Option<&rules::RuleInfo>,
    files: &[PathBuf],
    lowering: Lowering,
    index_only: bool,
) -> engine::Outcome {
    // A folder unit may carry its config (`poollint.toml`) and its manifest
    // (`Cargo.toml`, or `go.mod` for Go: the crate's or module's name and
    // dependencies activate lint packs).
    let folder = files.first().and_then(|f| {
        f.parent()?
            .ancestors()
            .find(|d| d.parent().and_then(|p| p.parent()) == Some(Path::new(FIXTURES)))
    });
    let config_file = folder
        .map(|d| d.join("poollint.toml"))
        .filter(|p| p.is_file());
    let mut config = match &config_file {
        Some(path) => Config::load(path.parent().unwrap(), Some(path)).unwrap(),
        None => Config::default(),
    };
    let manifest_dirs: Vec<PathBuf> = folder
        .filter(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .into_iter()
        .collect();
    // The folder's own rule is on even when it is allow-by-default.
    if let Some(rule) = rule {
        config.set_level(rule.code, poollint_core::diagnostic::Level::Warn);
    }
    let inputs = files
        .iter()
        .map(|p| InputFile {
            path: p.clone(),
            name: p.display().to_string(),
            reported: true,
            text: None,
            krate: None,
        })
        .chain(index_only.then(|| InputFile {
            path: PathBuf::from("index_only.rs"),
            name: "index_only.rs".to_string(),
            reported: false,
            text: Some(String::new()),
            krate: None,
        }))
        .collect();
    let mut options = RunOptions {
        lowering,
        dependencies: poollint_core::workspace::manifest_dependencies(&manifest_dirs),
        packages: poollint_core::workspace::manifest_packages(&manifest_dirs),
        ..RunOptions::default()
    };
    if let Some(m) = folder.and_then(poollint_core::gomod::read) {
        options.dependencies.extend(m.requires);
        options.packages.insert(m.module);
    }
    engine::run_with(inputs, &config, options)
}

#[test]
fn fixtures_match_their_markers() {
    check_fixtures(Lowering::Guess);
}

/// Bodies lowered when a phase first needs them give what lowering at the
/// load gives (most fixtures look like pool code, so `Guess` lowers them at
/// the load).
#[test]
fn fixtures_match_their_markers_when_every_body_is_lowered_late() {
    check_fixtures(Lowering::WhenNeeded);
}

/// Not only the markers: every diagnostic (message, spans, labels, help,
/// note) and the inferred index are the same whenever the bodies are lowered.
#[test]
fn lowering_late_changes_nothing() {
    for dir in std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
    {
        if !dir.is_dir() {
            continue;
        }
        for (unit, files) in units(&dir) {
            let [early, late] = [Lowering::AtLoad, Lowering::WhenNeeded]
                .map(|lowering| run_outcome(None, &files, lowering));
            assert_eq!(
                format!("{:?}", early.diagnostics),
                format!("{:?}", late.diagnostics),
                "{unit}"
            );
            assert_eq!(
                format!("{:?}", early.index.apis()),
                format!("{:?}", late.index.apis()),
                "{unit}"
            );
        }
    }
}

/// A run with a file only indexed keeps every file's bodies unpacked once
/// unpacked (and never packs those it lowers at the load): the same
/// diagnostics and index as a run that unpacks them per phase.
#[test]
fn keeping_bodies_unpacked_changes_nothing() {
    for dir in std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
    {
        if !dir.is_dir() {
            continue;
        }
        for (unit, files) in units(&dir) {
            for lowering in [Lowering::Guess, Lowering::WhenNeeded] {
                let [packed, kept] =
                    [false, true].map(|extra| run_outcome_with(None, &files, lowering, extra));
                assert_eq!(
                    format!("{:?}", packed.diagnostics),
                    format!("{:?}", kept.diagnostics),
                    "{unit}"
                );
                assert_eq!(
                    format!("{:?}", packed.index.apis()),
                    format!("{:?}", kept.index.apis()),
                    "{unit}"
                );
                assert_eq!(packed.skipped_items, kept.skipped_items, "{unit}");
            }
        }
    }
}

fn check_fixtures(lowering: Lowering) {
    let mut failures = Vec::new();
    let mut rule_dirs: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    rule_dirs.sort();
    for dir in rule_dirs.iter().filter(|d| d.is_dir()) {
        let folder = dir.file_name().unwrap().to_string_lossy().to_string();
        // `plNNN_*` folders belong to a rule (which is turned on even if it is
        // allow-by-default); other folders (`packs`, `inference`) run the defaults.
        let code = folder.split('_').next().unwrap().to_uppercase();
        let rule = rules::find(&code);
        assert!(
            rule.is_some() || !folder.starts_with("pl"),
            "fixture folder `{folder}` names no rule"
        );
        for (unit, files) in units(dir) {
            let expected = expected(&files);
            let actual = run_unit(rule, &files, lowering);
            for (key @ (file, line), codes) in &expected {
                let mut got: Vec<String> = actual
                    .get(key)
                    .map(|v| v.iter().map(|(c, _)| c.clone()).collect())
                    .unwrap_or_default();
                got.sort();
                if &got != codes {
                    failures.push(format!(
                        "{unit}: {file}:{line}: expected {codes:?}, got {got:?}"
                    ));
                }
            }
            for (key @ (file, line), got) in &actual {
                if !expected.contains_key(key) {
                    for (code, message) in got {
                        failures.push(format!(
                            "{unit}: {file}:{line}: unexpected {code}: {message}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

/// The Go side of every rule that applies to Go: positive cases are markers
/// of the rule's code in `.go` files, negative cases the funcs of its
/// `negative*.go` files.
#[test]
fn go_rules_have_positive_and_negative_fixtures() {
    let minimum: &[(&str, usize)] = &[
        ("PL001", 10),
        ("PL002", 10),
        ("PL003", 10),
        ("PL004", 5),
        ("PL005", 5),
        ("PL006", 5),
        ("PL007", 5),
        ("PL008", 5),
        ("PL012", 5),
        ("PL100", 5),
        ("PL000", 1),
    ];
    for (code, min) in minimum {
        let dir = std::fs::read_dir(FIXTURES)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_uppercase()
                    .starts_with(code)
            })
            .unwrap_or_else(|| panic!("no fixture folder for {code}"));
        let mut positive = 0;
        let mut negative = 0;
        for (_, files) in units(&dir) {
            let go: Vec<PathBuf> = files
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "go"))
                .collect();
            for (_, codes) in expected(&go) {
                positive += codes.iter().filter(|c| c == code).count();
            }
            for f in go.iter().filter(|f| {
                f.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("negative")
            }) {
                let text = std::fs::read_to_string(f).unwrap();
                negative += text.lines().filter(|l| l.starts_with("func ")).count();
            }
        }
        assert!(
            positive >= *min,
            "{code}: {positive} positive Go fixture cases, want at least {min}"
        );
        assert!(
            negative >= *min,
            "{code}: {negative} negative Go fixture cases, want at least {min}"
        );
    }
}

/// Positive cases are markers of the folder's code; negative cases are the fns
/// of its `negative*.rs` files. Both must stay numerous.
#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    let minimum: &[(&str, usize)] = &[
        ("PL001", 15),
        ("PL002", 15),
        ("PL003", 15),
        ("PL000", 1),
        ("PL100", 1),
        // Go only: its cases are counted by `go_rules_have_positive_and_negative_fixtures`.
        ("PL012", 0),
    ];
    for rule in rules::ALL {
        let dir = std::fs::read_dir(FIXTURES)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_uppercase()
                    .starts_with(rule.code)
            });
        let dir = dir.unwrap_or_else(|| panic!("no fixture folder for {}", rule.code));
        let mut positive = 0;
        let mut negative = 0;
        for (_, files) in units(&dir) {
            for (_, codes) in expected(&files) {
                positive += codes.iter().filter(|c| *c == rule.code).count();
            }
            for f in files.iter().filter(|f| {
                f.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("negative")
            }) {
                let text = std::fs::read_to_string(f).unwrap();
                negative += text
                    .lines()
                    .filter(|l| l.trim_start().starts_with("fn ") || l.contains(" fn "))
                    .count();
            }
        }
        let min = minimum
            .iter()
            .find(|(c, _)| *c == rule.code)
            .map(|(_, n)| *n)
            .unwrap_or(10);
        assert!(
            positive >= min,
            "{}: {positive} positive fixture cases, want at least {min}",
            rule.code
        );
        assert!(
            negative >= min,
            "{}: {negative} negative fixture cases, want at least {min}",
            rule.code
        );
    }
}
