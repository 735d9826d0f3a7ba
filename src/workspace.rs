//! `cargo poollint` inside a cargo project: the packages to check, from
//! `cargo metadata --no-deps` (no network, no build).

use cargo_metadata::MetadataCommand;
use std::path::{Path, PathBuf};

/// Which packages of the workspace to check.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub manifest_path: Option<PathBuf>,
    pub packages: Vec<String>,
    pub workspace: bool,
}

/// What a run inside a cargo project checks: the selected packages' roots
/// (reported), and the roots of the path dependencies they build on (indexed
/// only: the pool APIs a member uses are often declared in another member).
#[derive(Debug, Default, Clone)]
pub struct Plan {
    pub report: Vec<PathBuf>,
    pub index_only: Vec<PathBuf>,
}

/// The plan for a selection, as cargo selects packages: `--workspace` every
/// member; `-p NAME` those; `--manifest-path` to a member that member; run
/// inside a member's directory, that member; otherwise every member.
/// `None` outside a cargo project, or when `cargo metadata` fails (then a
/// warning says why, and the caller scans the folder).
pub fn plan(sel: &Selection, cwd: &Path) -> Result<Option<Plan>, String> {
    let mut cmd = MetadataCommand::new();
    cmd.no_deps();
    if let Some(m) = &sel.manifest_path {
        cmd.manifest_path(m);
    }
    let metadata = match cmd.exec() {
        Ok(m) => m,
        Err(e) if sel.manifest_path.is_some() || !sel.packages.is_empty() => {
            return Err(format!("cargo metadata failed: {}", cargo_reason(&e)));
        }
        Err(e) => {
            // Not a cargo project: nothing to say. A project cargo cannot
            // read (a pinned toolchain that is not installed): say why.
            if manifest_above(cwd).is_some() {
                eprintln!(
                    "warning: `cargo metadata` failed, so the folder is scanned instead of the workspace's members: {}",
                    cargo_reason(&e)
                );
            }
            return Ok(None);
        }
    };
    let members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    let dir_of = |p: &cargo_metadata::Package| {
        p.manifest_path
            .parent()
            .map(|d| PathBuf::from(d.as_std_path()))
            .unwrap_or_default()
    };
    let root = PathBuf::from(metadata.workspace_root.as_std_path());
    let chosen: Vec<&cargo_metadata::Package> = if sel.workspace {
        members.clone()
    } else if !sel.packages.is_empty() {
        let mut chosen = Vec::new();
        for name in &sel.packages {
            match members.iter().find(|p| p.name.as_str() == name) {
                Some(p) => chosen.push(*p),
                None => {
                    let names = members.iter().map(|p| p.name.as_str());
                    return Err(format!(
                        "package `{name}` is not a member of the workspace{}",
                        crate::config::did_you_mean(name, names)
                    ));
                }
            }
        }
        chosen
    } else {
        // The member whose directory holds the manifest given, or the
        // working directory: the deepest one, unless it is the workspace root.
        let start = match &sel.manifest_path {
            Some(m) => canonical(m.parent().unwrap_or(Path::new("."))),
            None => canonical(cwd),
        };
        let member = members
            .iter()
            .filter(|p| start.starts_with(canonical(&dir_of(p))))
            .max_by_key(|p| dir_of(p).components().count());
        match member {
            Some(p) if canonical(&dir_of(p)) != canonical(&root) => vec![*p],
            _ => members.clone(),
        }
    };
    let report: Vec<PathBuf> = chosen.iter().map(|p| dir_of(p)).collect();
    let index_only = path_dependencies(&chosen, &members, &report);
    Ok(Some(Plan { report, index_only }))
}

/// The roots of the path dependencies of `chosen`, transitively (through
/// workspace members' metadata, and other crates' manifests), except those
/// already in `report`.
fn path_dependencies(
    chosen: &[&cargo_metadata::Package],
    members: &[&cargo_metadata::Package],
    report: &[PathBuf],
) -> Vec<PathBuf> {
    let reported: Vec<PathBuf> = report.iter().map(|r| canonical(r)).collect();
    let mut seen: Vec<PathBuf> = reported.clone();
    let mut out = Vec::new();
    let mut queue: Vec<PathBuf> = chosen
        .iter()
        .flat_map(|p| &p.dependencies)
        .filter_map(|d| d.path.as_ref().map(|p| PathBuf::from(p.as_std_path())))
        .collect();
    while let Some(dir) = queue.pop() {
        let dir = canonical(&dir);
        if seen.contains(&dir) {
            continue;
        }
        seen.push(dir.clone());
        out.push(dir.clone());
        let member = members.iter().find(|m| {
            m.manifest_path
                .parent()
                .is_some_and(|d| canonical(d.as_std_path()) == dir)
        });
        match member {
            Some(m) => queue.extend(
                m.dependencies
                    .iter()
                    .filter_map(|d| d.path.as_ref().map(|p| PathBuf::from(p.as_std_path()))),
            ),
            None => queue.extend(manifest_path_dependencies(&dir)),
        }
    }
    out
}

/// The `path = ".."` dependencies a manifest declares, as directories.
fn manifest_path_dependencies(dir: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    let Ok(manifest) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    dependency_tables(&manifest)
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(|spec| spec.get("path")?.as_str())
        .map(|p| dir.join(p))
        .collect()
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The nearest `Cargo.toml` at or above `dir`.
fn manifest_above(dir: &Path) -> Option<PathBuf> {
    canonical(dir)
        .ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
}

/// What cargo said, without the command line around it.
fn cargo_reason(e: &cargo_metadata::Error) -> String {
    let text = match e {
        cargo_metadata::Error::CargoMetadata { stderr } => stderr.clone(),
        other => other.to_string(),
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with("error"))
        .map_or_else(|| lines.join(" "), |l| l.to_string())
}

/// Is `dir` the root of a package of its own (a nested crate, or a Go module)?
pub fn is_package_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() || crate::gomod::is_module_root(dir)
}

/// The package names of the manifests in `roots`.
pub fn manifest_packages(roots: &[PathBuf]) -> std::collections::BTreeSet<String> {
    roots
        .iter()
        .filter_map(|r| std::fs::read_to_string(r.join("Cargo.toml")).ok())
        .filter_map(|t| t.parse::<toml::Table>().ok())
        .filter_map(|m| m.get("package")?.get("name")?.as_str().map(str::to_string))
        .collect()
}

/// The crates the manifests in `roots` depend on (every dependency table,
/// renamed dependencies under their real name).
pub fn manifest_dependencies(roots: &[PathBuf]) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for root in roots {
        let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) else {
            continue;
        };
        let Ok(manifest) = text.parse::<toml::Table>() else {
            continue;
        };
        for table in dependency_tables(&manifest) {
            for (name, spec) in table {
                let real = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
                out.insert(real.to_string());
            }
        }
    }
    out
}

/// Every dependency table of a manifest: normal, dev and build, per target,
/// and the workspace's.
fn dependency_tables(manifest: &toml::Table) -> Vec<&toml::Table> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut tables: Vec<&toml::Table> = Vec::new();
    for key in KINDS {
        if let Some(t) = manifest.get(key).and_then(|v| v.as_table()) {
            tables.push(t);
        }
    }
    if let Some(targets) = manifest.get("target").and_then(|v| v.as_table()) {
        for target in targets.values().filter_map(|v| v.as_table()) {
            for key in KINDS {
                if let Some(t) = target.get(key).and_then(|v| v.as_table()) {
                    tables.push(t);
                }
            }
        }
    }
    if let Some(t) = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|v| v.as_table())
    {
        tables.push(t);
    }
    tables
}

/// The crate of each root: its package name and dependencies (a Go module:
/// its module path and required modules).
pub fn crate_info(root: &Path) -> crate::engine::CrateInfo {
    if !root.join("Cargo.toml").is_file()
        && let Some(m) = crate::gomod::read(root)
    {
        return crate::engine::CrateInfo {
            name: m.module,
            dependencies: m.requires,
        };
    }
    let roots = [root.to_path_buf()];
    crate::engine::CrateInfo {
        name: manifest_packages(&roots)
            .into_iter()
            .next()
            .unwrap_or_default(),
        dependencies: manifest_dependencies(&roots),
    }
}
