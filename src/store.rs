//! Compact storage of what the load produced for each file, kept between the
//! parallel load and the phases that read it.
//!
//! A crate's lowered bodies are needed long after their file is parsed (the
//! index must see every file before anything is analysed), but each phase
//! reads only some of them. Held as IR they were most of a run's memory (~4×
//! the source), so each file's bodies are packed with postcard (~⅓ of the
//! source) and unpacked by the phase that needs them, file by file; a sorted
//! set of key hashes per file tells which files a phase needs without
//! unpacking any. The text is kept lz4-compressed until a finding shows it.

use crate::ir::Body;
use crate::knowledge::FileItems;
use std::collections::HashSet;

/// What a phase looks for in a file's bodies. Matching is by hash: a file can
/// match a key it does not hold (then it is unpacked for nothing), never the
/// other way round.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    /// A call of this name.
    Calls(&'a str),
    /// A method of this type (`impl Type`, inherent or trait).
    MethodOf(&'a str),
    /// A fn or method of this name.
    Defines(&'a str),
    /// A method of an impl of this trait.
    Implements(&'a str),
}

impl Key<'_> {
    fn hash(self) -> u32 {
        let (tag, name) = match self {
            Key::Calls(n) => (b'c', n),
            Key::MethodOf(n) => (b't', n),
            Key::Defines(n) => (b'f', n),
            Key::Implements(n) => (b'i', n),
        };
        // FNV-1a: stable across runs and builds (the cache stores these).
        let mut h: u32 = 0x811c_9dc5;
        for &b in std::iter::once(&tag).chain(name.as_bytes()) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        h
    }
}

/// The keys a phase looks for.
#[derive(Default, Debug)]
pub struct KeySet(HashSet<u32>);

impl KeySet {
    pub fn new<'a>(keys: impl IntoIterator<Item = Key<'a>>) -> KeySet {
        KeySet(keys.into_iter().map(Key::hash).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One file's bodies, packed.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PackedBodies {
    bytes: Vec<u8>,
    /// Sorted, deduplicated hashes of every key the bodies hold.
    keys: Box<[u32]>,
}

impl PackedBodies {
    pub fn pack(bodies: &[Body]) -> Result<PackedBodies, String> {
        let mut bytes = postcard::to_stdvec(bodies).map_err(|e| e.to_string())?;
        bytes.shrink_to_fit();
        let mut keys: Vec<u32> = bodies.iter().flat_map(keys_of).map(Key::hash).collect();
        keys.sort_unstable();
        keys.dedup();
        Ok(PackedBodies {
            bytes,
            keys: keys.into_boxed_slice(),
        })
    }

    pub fn unpack(&self) -> Result<Vec<Body>, String> {
        postcard::from_bytes(&self.bytes).map_err(|e| format!("stored bodies are unreadable: {e}"))
    }

    /// Bytes held: (packed bodies, keys).
    pub fn size(&self) -> (usize, usize) {
        (self.bytes.len(), self.keys.len() * 4)
    }

    /// Could one of these bodies hold one of `wanted`?
    pub fn may_hold(&self, wanted: &KeySet) -> bool {
        self.keys.iter().any(|k| wanted.0.contains(k))
    }
}

fn keys_of(body: &Body) -> impl Iterator<Item = Key<'_>> {
    body.callees
        .iter()
        .map(|c| Key::Calls(&c.name))
        .chain(body.fn_name.as_deref().map(Key::Defines))
        .chain(body.self_type.as_deref().map(Key::MethodOf))
        .chain(body.trait_name.as_deref().map(Key::Implements))
}

/// What the load keeps of a parsed file (and what the cache stores).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct StoredFacts {
    /// The file's index items, packed: unpacked once, into the index. (As
    /// strings in vectors they took as much memory as the source.)
    items: Vec<u8>,
    /// Crate names the file imports (lint packs are chosen before the index).
    pub imported_crates: Vec<String>,
    pub bodies: PackedBodies,
    /// Byte extent of every fn item (attributes included), for suppressions.
    pub fn_ranges: Vec<(u32, u32)>,
}

impl StoredFacts {
    pub fn pack(facts: crate::frontend::FileFacts) -> Result<StoredFacts, String> {
        let mut items = postcard::to_stdvec(&facts.items).map_err(|e| e.to_string())?;
        items.shrink_to_fit();
        Ok(StoredFacts {
            bodies: PackedBodies::pack(&facts.bodies)?,
            imported_crates: facts.items.imported_crates,
            items,
            fn_ranges: facts.fn_ranges,
        })
    }

    /// The index items, leaving none behind.
    pub fn take_items(&mut self) -> Result<FileItems, String> {
        let items = postcard::from_bytes(&self.items)
            .map_err(|e| format!("stored items are unreadable: {e}"));
        self.items = Vec::new();
        items
    }
}

/// A file's text, lz4-compressed.
#[derive(Debug, Default)]
pub struct PackedText(Vec<u8>);

impl PackedText {
    pub fn pack(text: &str) -> PackedText {
        let mut bytes = lz4_flex::compress_prepend_size(text.as_bytes());
        bytes.shrink_to_fit();
        PackedText(bytes)
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        self.0.len()
    }

    pub fn unpack(&self) -> String {
        // Only ever built from a `&str` by `pack`: both steps cannot fail.
        lz4_flex::decompress_size_prepended(&self.0)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// Where the knowledge phases get bodies: the unpacked bodies of every file
/// that may hold one of the keys, in file order.
pub type BodySource<'a> = &'a (dyn Fn(&KeySet) -> Vec<FileBodies> + Sync);

/// The unpacked bodies of one file, for a phase.
pub struct FileBodies {
    pub file: usize,
    pub path: std::path::PathBuf,
    pub bodies: Vec<Body>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_round_trip_and_are_found_by_their_keys() {
        let facts = crate::frontend::lower_source(
            "impl Pool { fn give(&self, b: Buf) { self.free.push(b); } }\nfn f() { g(); }",
        )
        .unwrap();
        let packed = PackedBodies::pack(&facts.bodies).unwrap();
        let back = packed.unpack().unwrap();
        assert_eq!(format!("{back:?}"), format!("{:?}", facts.bodies));
        assert!(packed.may_hold(&KeySet::new([Key::Calls("push")])));
        assert!(packed.may_hold(&KeySet::new([Key::Calls("g")])));
        assert!(packed.may_hold(&KeySet::new([Key::MethodOf("Pool")])));
        assert!(packed.may_hold(&KeySet::new([Key::Defines("give")])));
        assert!(!packed.may_hold(&KeySet::new([Key::Calls("Pool")])));
        assert!(!packed.may_hold(&KeySet::new([Key::Implements("Drop")])));
        assert!(!packed.may_hold(&KeySet::default()));
    }

    #[test]
    fn text_round_trips() {
        for text in ["", "fn main() {}\n", "é\u{feff}\r\n// 🦀"] {
            assert_eq!(PackedText::pack(text).unpack(), text);
        }
    }
}
