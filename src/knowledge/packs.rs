//! Lint packs: declarative knowledge of the pool APIs of well-known crates
//! (`lints/*.toml`, embedded at build time), in the schema of the `[[pools]]`
//! config section. A pack is active when the scanned crate depends on one of
//! its crates or a scanned file imports one.

use crate::config::PoolDecl;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPack {
    crates: Vec<String>,
    #[serde(default)]
    pools: Vec<PoolDecl>,
    #[serde(default)]
    free_lists: Vec<String>,
    #[serde(default)]
    borrows: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    /// Crate names (as in `Cargo.toml`) that activate the pack.
    pub crates: Vec<String>,
    pub pools: Vec<PoolDecl>,
    /// Container types that make a field a free list, for pool inference.
    pub free_lists: Vec<String>,
    /// Functions (`Do`) and methods (`HostClient.Do`) of the pack's crates
    /// that keep none of the arguments they are given: a pooled value
    /// passed to one stays the caller's.
    pub borrows: Vec<String>,
}

const BUILTIN: &[(&str, &str)] = &[
    ("std", include_str!("../../lints/std.toml")),
    ("object-pool", include_str!("../../lints/object-pool.toml")),
    (
        "lockfree-object-pool",
        include_str!("../../lints/lockfree-object-pool.toml"),
    ),
    ("deadpool", include_str!("../../lints/deadpool.toml")),
    ("bb8", include_str!("../../lints/bb8.toml")),
    ("r2d2", include_str!("../../lints/r2d2.toml")),
    ("sqlx", include_str!("../../lints/sqlx.toml")),
    ("slab", include_str!("../../lints/slab.toml")),
    (
        "sharded-slab",
        include_str!("../../lints/sharded-slab.toml"),
    ),
    ("tokio", include_str!("../../lints/tokio.toml")),
    (
        "crossbeam-queue",
        include_str!("../../lints/crossbeam-queue.toml"),
    ),
    ("channels", include_str!("../../lints/channels.toml")),
    // Go: the standard library's sync.Pool, and pools of well-known modules.
    ("go-sync", include_str!("../../lints/go-sync.toml")),
    (
        "bytebufferpool",
        include_str!("../../lints/bytebufferpool.toml"),
    ),
    ("fasthttp", include_str!("../../lints/fasthttp.toml")),
];

fn parse(name: &str, text: &str) -> Result<Pack, String> {
    let raw: RawPack =
        toml::from_str(text).map_err(|e| format!("lint pack `{name}`: {}", e.message()))?;
    Ok(Pack {
        name: name.to_string(),
        crates: raw.crates,
        pools: raw.pools,
        free_lists: raw.free_lists,
        borrows: raw.borrows,
    })
}

/// The packs built into the binary, parsed once per process (a library user or
/// the fuzzer runs the pipeline many times).
pub fn builtin() -> &'static [Pack] {
    static PARSED: std::sync::OnceLock<Vec<Pack>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        BUILTIN
            .iter()
            .filter_map(|(name, text)| parse(name, text).ok())
            .collect()
    })
}

/// A user's pack file (`packs = ["path"]` in the config).
pub fn load(path: &Path) -> Result<Pack, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read lint pack {}: {e}", path.display()))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse(&name, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `object-pool` and `object_pool` are the same crate.
pub fn normalize(name: &str) -> String {
    name.replace('-', "_")
}

impl Pack {
    /// Active when a dependency or an import names one of its crates (`std` always).
    pub fn is_active(&self, crates_in_use: &BTreeSet<String>) -> bool {
        self.crates
            .iter()
            .any(|c| c == "std" || crates_in_use.contains(&normalize(c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pack_parses() {
        for (name, text) in BUILTIN {
            let pack = parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(!pack.crates.is_empty(), "{name}");
            assert!(
                !pack.pools.is_empty() || !pack.free_lists.is_empty(),
                "{name}"
            );
        }
    }
}
