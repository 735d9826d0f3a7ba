//! Which files a run reports on, and which files its knowledge index covers.
//!
//! Directories are walked respecting `.gitignore` and skipping `target/`;
//! explicit files are taken as given. The index always covers the whole crate
//! (nearest `Cargo.toml`) of every reported file, so pool APIs annotated in
//! files that are not reported are still known.

use crate::config::Config;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Discovered {
    /// Files whose findings are reported, sorted.
    pub report: Vec<PathBuf>,
    /// Further files read only for the index, sorted.
    pub index_only: Vec<PathBuf>,
    /// The crates (directories of their `Cargo.toml`) the reported files belong to.
    pub crate_roots: Vec<PathBuf>,
    /// The crate root of each file of `report` then `index_only` (canonical;
    /// `None` outside any crate).
    pub file_roots: Vec<Option<PathBuf>>,
}

/// What to check: paths as given, or the root directories of cargo packages
/// (whose nested packages are left to themselves).
pub enum Targets<'a> {
    Paths(&'a [PathBuf]),
    Packages(&'a [PathBuf]),
}

/// The files of `targets`, and the rest of their crates (and of the crates in
/// `index_roots`, which are indexed but not reported: a selected package's
/// path dependencies) for the index.
pub fn discover(targets: Targets<'_>, index_roots: &[PathBuf], config: &Config) -> Discovered {
    let (paths, packages) = match targets {
        Targets::Paths(p) => (p, false),
        Targets::Packages(p) => (p, true),
    };
    let mut report = BTreeSet::new();
    // The folders walked, canonical.
    let mut walked = Vec::new();
    for path in paths {
        if path.is_dir() {
            walked.push(normalize(path));
            let files = if packages {
                walk_crate(path)
            } else {
                walk(path)
            };
            report.extend(files.into_iter().filter(|p| !config.is_excluded(p)));
        } else {
            // A file given by name is checked even when ignored; one that
            // cannot be read becomes a PL000 for it, and the run goes on.
            report.insert(path.clone());
        }
    }
    let mut paths = CanonicalPaths::default();
    let reported: BTreeSet<PathBuf> = report.iter().map(|p| paths.of(p)).collect();
    let mut roots = BTreeSet::new();
    let mut root_of_dir: HashMap<&Path, Option<PathBuf>> = HashMap::new();
    for dir in reported.iter().filter_map(|f| f.parent()) {
        let root = root_of_dir
            .entry(dir)
            .or_insert_with_key(|d| package_dir_above(d));
        roots.extend(root.clone());
    }
    let mut index_only = BTreeSet::new();
    let crate_roots: Vec<PathBuf> = roots.iter().cloned().collect();
    roots.extend(index_roots.iter().map(|r| normalize(r)));
    for root in roots {
        // A crate inside a walked folder has all its files reported already
        // (the same ignore files apply from either start).
        if walked.iter().any(|w| root.starts_with(w)) {
            continue;
        }
        for file in walk_crate(&root) {
            if !config.is_excluded(&file) && !reported.contains(&paths.of(&file)) {
                index_only.insert(file);
            }
        }
    }
    let report: Vec<PathBuf> = report.into_iter().collect();
    let index_only: Vec<PathBuf> = index_only.into_iter().collect();
    let mut root_memo: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let file_roots = report
        .iter()
        .chain(&index_only)
        .map(|f| {
            let dir = paths.of(f).parent()?.to_path_buf();
            root_memo
                .entry(dir)
                .or_insert_with_key(|d| package_dir_above(d))
                .clone()
        })
        .collect();
    Discovered {
        report,
        index_only,
        crate_roots,
        file_roots,
    }
}

fn normalize(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Canonical paths of files, by their directory's canonical path (memoized)
/// and their name: `canonicalize` reads every link on the way, which for a
/// whole tree's files was more than the rest of the discovery.
#[derive(Default)]
struct CanonicalPaths {
    dirs: HashMap<PathBuf, PathBuf>,
}

impl CanonicalPaths {
    fn of(&mut self, file: &Path) -> PathBuf {
        let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
            return normalize(file);
        };
        // A link's target may be anywhere.
        if std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink()) {
            return normalize(file);
        }
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        self.dirs
            .entry(dir.to_path_buf())
            .or_insert_with_key(|d| normalize(d))
            .join(name)
    }
}

/// Every `.rs` file under `dir`, honouring ignore files and skipping `target/`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    walk_filtered(dir, false)
}

/// The `.rs` files of the crate rooted at `dir`: like [`walk`], but nested
/// packages (directories with their own `Cargo.toml`) are not part of it.
pub fn walk_crate(dir: &Path) -> Vec<PathBuf> {
    walk_filtered(dir, true)
}

fn walk_filtered(dir: &Path, skip_nested_packages: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = dir.to_path_buf();
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && e.file_name() == "target" {
                return false;
            }
            // Go: vendored modules and test inputs are not the module's code.
            if is_dir
                && (e.file_name() == "vendor" || e.file_name() == "testdata")
                && e.path() != root
            {
                return false;
            }
            !(skip_nested_packages
                && is_dir
                && e.path() != root
                && crate::workspace::is_package_root(e.path()))
        })
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_file())
            && crate::frontend::Language::of_path(entry.path()).is_some()
        {
            out.push(entry.into_path());
        }
    }
    out.sort();
    out
}

/// The nearest directory with a `Cargo.toml` (or a `go.mod`), from `dir`
/// (canonical) up: the crate (or Go module) root of the files in `dir`.
fn package_dir_above(dir: &Path) -> Option<PathBuf> {
    let mut dir = Some(dir);
    while let Some(d) = dir {
        if crate::workspace::is_package_root(d) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}
