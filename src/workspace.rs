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

/// The root directories of the selected packages, or `None` outside a cargo project.
pub fn package_dirs(sel: &Selection) -> Result<Option<Vec<PathBuf>>, String> {
    let mut cmd = MetadataCommand::new();
    cmd.no_deps();
    if let Some(m) = &sel.manifest_path {
        cmd.manifest_path(m);
    }
    let metadata = match cmd.exec() {
        Ok(m) => m,
        // Not a cargo project (or cargo is missing): the caller scans paths.
        Err(e) if sel.manifest_path.is_none() && sel.packages.is_empty() => {
            let _ = e;
            return Ok(None);
        }
        Err(e) => return Err(format!("cargo metadata failed: {e}")),
    };
    let members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    let chosen: Vec<&cargo_metadata::Package> = if sel.packages.is_empty() || sel.workspace {
        members.clone()
    } else {
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
    };
    Ok(Some(
        chosen
            .iter()
            .filter_map(|p| {
                p.manifest_path
                    .parent()
                    .map(|d| PathBuf::from(d.as_std_path()))
            })
            .collect(),
    ))
}

/// Is `dir` the root of a package of its own (a nested crate)?
pub fn is_package_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
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
        let mut tables: Vec<&toml::Table> = Vec::new();
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            if let Some(t) = manifest.get(key).and_then(|v| v.as_table()) {
                tables.push(t);
            }
        }
        if let Some(targets) = manifest.get("target").and_then(|v| v.as_table()) {
            for target in targets.values().filter_map(|v| v.as_table()) {
                for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
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
        for table in tables {
            for (name, spec) in table {
                let real = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
                out.insert(real.to_string());
            }
        }
    }
    out
}
