//! A finding must not depend on unrelated files (issue 15, item 9).
//!
//! A leak found in a file scanned alone must not disappear when another file
//! of its crate is scanned with it, as long as that file adds nothing the
//! first one calls: no pool API, and no type, trait or fn it names. The
//! classic way to break this was a crate-wide set of by-value method names:
//! an unrelated `impl Report { fn commit(self) }` made every `x.commit()` on
//! an unresolved receiver a hand-off of `x`.
//!
//! Two checks over every fixture unit (a file, or a folder of files with its
//! `poollint.toml`):
//! - with a generated file beside it that defines, on a type of its own, a
//!   by-value method for every method name the unit calls, the unit's
//!   findings are the same;
//! - in a folder, each file's findings are the same with and without every
//!   other file that is unrelated to it.

use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile, RunOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

/// One analysis unit: a single file, or every file of a sub-folder together.
fn units() -> Vec<(Option<PathBuf>, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let mut rule_dirs: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rule_dirs.sort();
    for dir in rule_dirs {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                    .collect();
                files.sort();
                out.push((Some(path), files));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((None, vec![path]));
            }
        }
    }
    out
}

/// A run of the unit's config over `files`; `reported` says which files'
/// findings count. Every rule is on, so that no finding hides behind a level.
fn findings(
    folder: Option<&Path>,
    files: &[(PathBuf, Option<String>)],
    reported: &dyn Fn(&Path) -> bool,
) -> (Vec<String>, BTreeSet<String>) {
    let config_file = folder
        .map(|d| d.join("poollint.toml"))
        .filter(|p| p.is_file());
    let mut config = match &config_file {
        Some(path) => Config::load(path.parent().unwrap(), Some(path)).unwrap(),
        None => Config::default(),
    };
    for rule in poollint_core::rules::ALL {
        config.set_level(rule.code, poollint_core::diagnostic::Level::Warn);
    }
    let manifest_dirs: Vec<PathBuf> = folder
        .filter(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .into_iter()
        .collect();
    let inputs = files
        .iter()
        .map(|(p, text)| InputFile {
            path: p.clone(),
            name: p.display().to_string(),
            reported: reported(p),
            text: text.clone(),
            krate: None,
        })
        .collect();
    let options = RunOptions {
        dependencies: poollint_core::workspace::manifest_dependencies(&manifest_dirs),
        packages: poollint_core::workspace::manifest_packages(&manifest_dirs),
        ..RunOptions::default()
    };
    let outcome = engine::run_with(inputs, &config, options);
    let mut out: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let file = &outcome.files[d.file];
            let (line, col) = file.line_col(d.primary.span.start as usize);
            format!("{}:{line}:{col}: {} {}", file.name, d.code, d.message)
        })
        .collect();
    out.sort();
    let apis = outcome
        .index
        .apis()
        .iter()
        .map(|a| format!("{} {:?}", a.display_name(), a.role))
        .collect();
    (out, apis)
}

/// The method names the bodies of these files call.
fn called_methods(files: &[PathBuf]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let Ok(facts) = poollint_core::frontend::lower_source(&text) else {
            continue;
        };
        for body in &facts.bodies {
            for c in body.callees.iter().filter(|c| c.is_method) {
                if syn::parse_str::<syn::Ident>(&c.name).is_ok() {
                    out.insert(c.name.clone());
                }
            }
        }
    }
    out
}

#[test]
fn unrelated_by_value_methods_change_no_finding() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (folder, files) in units() {
        let methods = called_methods(&files);
        if methods.is_empty() {
            continue;
        }
        let mut generated = String::from(
            "// Generated: an unrelated type whose by-value methods share the unit's method names.\n\
             pub struct PoollintUnrelatedType;\n\
             impl PoollintUnrelatedType {\n",
        );
        for m in &methods {
            generated.push_str(&format!("    pub fn {m}(self) {{}}\n"));
        }
        generated.push_str("}\n");
        let dir = files[0].parent().unwrap();
        let extra = dir.join("zz_poollint_unrelated_generated.rs");
        let unit: Vec<(PathBuf, Option<String>)> =
            files.iter().map(|f| (f.clone(), None)).collect();
        let mut with = unit.clone();
        with.push((extra.clone(), Some(generated)));
        let not_extra = |p: &Path| p != extra;
        let (alone, alone_apis) = findings(folder.as_deref(), &unit, &not_extra);
        let (beside, beside_apis) = findings(folder.as_deref(), &with, &not_extra);
        assert_eq!(
            alone_apis,
            beside_apis,
            "the generated file must add no pool API ({})",
            files[0].display()
        );
        checked += 1;
        if alone != beside {
            failures.push(format!(
                "{}:\n  alone:  {alone:#?}\n  beside: {beside:#?}",
                files[0].display()
            ));
        }
    }
    assert!(checked > 50, "only {checked} fixture units checked");
    assert!(
        failures.is_empty(),
        "findings changed by an unrelated file's by-value methods:\n{}",
        failures.join("\n")
    );
}

/// The names a file declares at item level: types, traits, free fns,
/// statics and type aliases.
fn declared_names(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let Ok(parsed) = syn::parse_file(&text) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    let mut stack: Vec<&syn::Item> = parsed.items.iter().collect();
    while let Some(item) = stack.pop() {
        let name = match item {
            syn::Item::Struct(s) => Some(&s.ident),
            syn::Item::Enum(e) => Some(&e.ident),
            syn::Item::Trait(t) => Some(&t.ident),
            syn::Item::Fn(f) => Some(&f.sig.ident),
            syn::Item::Static(s) => Some(&s.ident),
            syn::Item::Const(c) => Some(&c.ident),
            syn::Item::Type(t) => Some(&t.ident),
            syn::Item::Union(u) => Some(&u.ident),
            syn::Item::Mod(m) => {
                stack.extend(m.content.iter().flat_map(|(_, items)| items));
                Some(&m.ident)
            }
            _ => None,
        };
        out.extend(name.map(|n| n.to_string()));
    }
    out
}

/// The methods a file defines in inherent or trait impls: (type, method).
fn declared_methods(file: &Path) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let Ok(parsed) = syn::parse_file(&text) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    for item in &parsed.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(tp) = &*imp.self_ty else {
            continue;
        };
        let Some(ty) = tp.path.segments.last() else {
            continue;
        };
        for it in &imp.items {
            if let syn::ImplItem::Fn(f) = it {
                out.insert((ty.ident.to_string(), f.sig.ident.to_string()));
            }
        }
    }
    out
}

/// Every identifier a file's text holds.
fn identifiers(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap();
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_file_keeps_its_findings_without_unrelated_files() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (folder, files) in units() {
        let Some(folder) = folder else { continue };
        for file in &files {
            let names = identifiers(file);
            let all: Vec<(PathBuf, Option<String>)> =
                files.iter().map(|f| (f.clone(), None)).collect();
            let only_file = |p: &Path| p == file;
            let (within, within_apis) = findings(Some(&folder), &all, &only_file);
            for other in files.iter().filter(|o| *o != file) {
                // Related: the file names something the other declares.
                if declared_names(other).iter().any(|n| names.contains(n)) {
                    continue;
                }
                // Related: the file names a type and calls a method the
                // other defines for it (a reset's helper in another file).
                if declared_methods(other)
                    .iter()
                    .any(|(ty, m)| names.contains(ty) && names.contains(m))
                {
                    continue;
                }
                let rest: Vec<(PathBuf, Option<String>)> =
                    all.iter().filter(|(p, _)| p != other).cloned().collect();
                let (without, without_apis) = findings(Some(&folder), &rest, &only_file);
                // Related: the other file adds an API the file calls.
                let added: Vec<&String> = within_apis.difference(&without_apis).collect();
                if added.iter().any(|api| {
                    let name = api.split(' ').next().unwrap_or("");
                    let name = name.rsplit("::").next().unwrap_or(name);
                    names.contains(name)
                }) {
                    continue;
                }
                checked += 1;
                if within != without {
                    failures.push(format!(
                        "{} with and without {}:\n  with:    {within:#?}\n  without: {without:#?}",
                        file.display(),
                        other.display()
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no file had an unrelated neighbour");
    assert!(
        failures.is_empty(),
        "findings changed by an unrelated file:\n{}",
        failures.join("\n")
    );
}
