//! A cache of lowered facts and of what the index phases learn, for the
//! pre-commit case.
//!
//! A hook checks a few changed files, but the whole crate must be indexed
//! (a wrapper or a pool defined elsewhere decides what the changed files do).
//! Parsing and lowering the unchanged files again on every commit would be
//! most of the run, so their [`StoredFacts`] are stored under the crate's
//! `target/poollint/` keyed by a hash of the file's text: an edited file gets
//! a new key, and an entry is only ever read for the exact text it came from.
//!
//! Beside them, one entry per set of files holds what the index phases
//! (pools, wrappers, guard types, summaries, conventions) learnt from them,
//! keyed by a hash of every file's content, the config and the crates: any
//! change of any of them is a miss, after which the phases run and the entry
//! is replaced. A warm run with nothing changed analyses only the reported
//! files.
//!
//! The directory name carries the identity of the poollint binary (its size
//! and modification time), so a new or rebuilt poollint never reads facts
//! lowered by another. Entries are written to a temporary name and renamed,
//! so concurrent runs never read half an entry, and end with a checksum of
//! what they hold, so a damaged entry is never used. Any failure (unwritable
//! directory, corrupt entry) falls back to parsing: the cache can make a run
//! faster, never different.

use crate::store::StoredFacts;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Bumped when the layout of [`StoredFacts`] or of the index changes without
/// a version change.
const SCHEMA: u32 = 20;

pub struct FactsCache {
    dir: PathBuf,
}

impl FactsCache {
    /// The cache of the crate at `crate_root` (a folder with `Cargo.toml`),
    /// in cargo's target folder (`CARGO_TARGET_DIR`, or `target/` beside the
    /// workspace's `Cargo.lock`, or beside the crate's manifest); `None` when
    /// that folder does not exist (cargo never built here) or the cache
    /// cannot be created in it.
    pub fn open(crate_root: &Path) -> Option<FactsCache> {
        if !crate_root.join("Cargo.toml").is_file() {
            return None;
        }
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => crate_root
                .ancestors()
                .find(|d| d.join("Cargo.lock").is_file())
                .unwrap_or(crate_root)
                .join("target"),
        };
        // Only inside a target folder cargo made: poollint never creates
        // `target/` itself, so a hook leaves nothing in a work tree that was
        // never built (where `target/` may not be ignored yet).
        if !target.is_dir() {
            return None;
        }
        let dir = target
            .join("poollint")
            .join(format!("facts-{SCHEMA}-{:016x}", build_id()?));
        std::fs::create_dir_all(&dir).ok()?;
        Some(FactsCache { dir })
    }

    /// The facts lowered before from the text whose [`content_hash`] is `key`,
    /// if stored.
    pub fn get(&self, key: u64) -> Option<StoredFacts> {
        self.read(&format!("{key:016x}.bin"))
    }

    /// Store the facts lowered from the text whose [`content_hash`] is `key`
    /// (best effort).
    pub fn put(&self, key: u64, facts: &StoredFacts) {
        self.write(&format!("{key:016x}.bin"), facts);
    }

    /// What the index phases learnt last time from this set of files
    /// (`files`: a hash of their names and order; `key`: of everything the
    /// phases read, see `engine`), if that is what is stored. One entry per
    /// set of files: a run with other contents overwrites it.
    pub fn get_index<T: serde::de::DeserializeOwned>(&self, files: u64, key: u64) -> Option<T> {
        let (stored, value): (u64, T) = self.read(&Self::index_entry(files))?;
        (stored == key).then_some(value)
    }

    /// Store what the index phases learnt from the files (best effort).
    pub fn put_index<T: serde::Serialize>(&self, files: u64, key: u64, value: &T) {
        self.write(&Self::index_entry(files), &(key, value));
    }

    fn index_entry(files: u64) -> String {
        format!("index-{files:016x}.bin")
    }

    fn read<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let bytes = std::fs::read(self.dir.join(name)).ok()?;
        let (payload, sum) = bytes.split_last_chunk::<8>()?;
        if u64::from_le_bytes(*sum) != checksum(payload) {
            return None;
        }
        postcard::from_bytes(payload).ok()
    }

    fn write<T: serde::Serialize + ?Sized>(&self, name: &str, value: &T) {
        let Ok(mut bytes) = postcard::to_stdvec(value) else {
            return;
        };
        let sum = checksum(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let entry = self.dir.join(name);
        let tmp = entry.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &entry).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// A hash of the text and its length (two independent 64-bit keys).
pub fn content_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    text.len().hash(&mut h);
    h.finish()
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Which poollint build this is: its executable's size and modification time.
fn build_id() -> Option<u64> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    meta.len().hash(&mut h);
    meta.modified().ok()?.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    Some(h.finish())
}
