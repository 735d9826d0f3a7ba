//! Compact storage of what the load produced for each file, kept between the
//! parallel load and the phases that read it.
//!
//! A crate's lowered bodies are needed long after their file is parsed (the
//! index must see every file before anything is analysed), but each phase
//! reads only some of them. Held as IR they were most of a run's memory (~4×
//! the source), so each file's bodies are packed with postcard (~⅓ of the
//! source) and unpacked by the phase that needs them, file by file; a sorted
//! set of key hashes per file tells which files a phase needs without
//! unpacking any. A file's text is read again from disk when a phase or the
//! output needs it (a text given directly is kept lz4-compressed).
//!
//! A file whose bodies the load did not lower (see `frontend::Bodies`) keeps
//! only its keys: the phase that needs its bodies lowers them from the text.

use crate::ir::Body;
use crate::knowledge::FileItems;

/// What a phase looks for in a file's bodies. Matching is by hash: a file can
/// match a key it does not hold (then it is unpacked for nothing), never the
/// other way round.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    /// A call of this name, in any form.
    Calls(&'a str),
    /// A method call of this name, or a path call without a qualifier.
    CallsUnqualified(&'a str),
    /// A path call `Qualifier::name(..)` (`Self` read as the impl's type).
    CallsQualified(&'a str, &'a str),
    /// A path call of this name whose qualifier a scan could not read (in a
    /// macro's tokens: `<T as Tr>::name`, `Vec::<u8>::name`).
    CallsQualifiedAny(&'a str),
    /// A method of this type (`impl Type`, inherent or trait).
    MethodOf(&'a str),
    /// A fn or method of this name.
    Defines(&'a str),
    /// A fn of this name that is no method (neither in an impl nor in a trait).
    DefinesFree(&'a str),
    /// A fn or method of this name that returns an `Option` or a `Result`
    /// ([`crate::ir::Body::returns_wrapped`]): one that may fail.
    DefinesFallible(&'a str),
    /// A method of an impl of this trait.
    Implements(&'a str),
    /// A typed lookup (`get_mut::<T>()`) or a parameter's type names this
    /// type ([`crate::ir::Body::type_args`]).
    TypeArg(&'a str),
    /// A claim or its undo on a field of this name ([`crate::ir::ClaimOp`]).
    /// Hashed as a call of the name: a blanked body's keys hold every
    /// identifier as a call already.
    ClaimsOn(&'a str),
    /// A call, or a claim on a field, of this name in a `Drop::drop` body:
    /// where a guard type's release can be.
    InDrop(&'a str),
}

impl Key<'_> {
    pub fn hash(self) -> u32 {
        let (tag, name) = match self {
            Key::Calls(n) | Key::ClaimsOn(n) => (b'c', n),
            Key::CallsUnqualified(n) => (b'u', n),
            Key::CallsQualified(q, n) => return Key::qualified_hash(&q, &n),
            Key::CallsQualifiedAny(n) => (b'a', n),
            Key::MethodOf(n) => (b't', n),
            Key::Defines(n) => (b'f', n),
            Key::DefinesFree(n) => (b'F', n),
            Key::DefinesFallible(n) => (b'w', n),
            Key::Implements(n) => (b'i', n),
            Key::InDrop(n) => return Key::in_drop_hash(&n),
            Key::TypeArg(n) => return Key::type_arg_hash(&n),
        };
        Key::display_hash(tag, &name)
    }

    /// The hashes a call of `name` (any displayable name, such as an
    /// identifier) holds, without building strings: `Calls`, and
    /// `CallsUnqualified` if `unqualified`.
    pub fn call_hashes(name: &impl std::fmt::Display, unqualified: bool) -> [Option<u32>; 2] {
        [
            Some(Key::display_hash(b'c', name)),
            unqualified.then(|| Key::display_hash(b'u', name)),
        ]
    }

    /// The hash of `InDrop(name)`, for any displayable name.
    pub fn in_drop_hash(name: &impl std::fmt::Display) -> u32 {
        Key::display_hash(b'd', name)
    }

    /// The hash of `TypeArg(name)`, for any displayable name.
    pub fn type_arg_hash(name: &impl std::fmt::Display) -> u32 {
        Key::display_hash(b'T', name)
    }

    /// The hash of `CallsQualified(qualifier, name)`.
    pub fn qualified_hash(
        qualifier: &impl std::fmt::Display,
        name: &impl std::fmt::Display,
    ) -> u32 {
        use std::fmt::Write;
        let mut h = Fnv::with_tag(b'q');
        let _ = write!(h, "{qualifier}\0{name}");
        h.0
    }

    /// The hash of `CallsQualifiedAny(name)`.
    pub fn qualified_any_hash(name: &impl std::fmt::Display) -> u32 {
        Key::display_hash(b'a', name)
    }

    fn display_hash(tag: u8, name: &impl std::fmt::Display) -> u32 {
        use std::fmt::Write;
        let mut h = Fnv::with_tag(tag);
        let _ = write!(h, "{name}");
        h.0
    }
}

/// FNV-1a: stable across runs and builds (the cache stores these hashes).
struct Fnv(u32);

impl Fnv {
    fn with_tag(tag: u8) -> Fnv {
        let mut h = Fnv(0x811c_9dc5);
        h.bytes(&[tag]);
        h
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u32::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

/// The keys a phase looks for: sorted, deduplicated hashes.
#[derive(Default, Debug)]
pub struct KeySet(Box<[u32]>);

impl KeySet {
    pub fn new<'a>(keys: impl IntoIterator<Item = Key<'a>>) -> KeySet {
        let mut hashes: Vec<u32> = keys.into_iter().map(Key::hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        KeySet(hashes.into_boxed_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Where a fn `name` of `owner` can be defined: a file with methods of
    /// the owner (inherent, or of the trait it is), or, without an owner,
    /// one that defines a free fn of that name. Paired with a key of the
    /// name, as a file filter: `new` or `remove` alone is in most files.
    pub fn owner_of(owner: Option<&str>, name: &str) -> KeySet {
        match owner {
            Some(owner) => KeySet::new([Key::MethodOf(owner), Key::Implements(owner)]),
            None => KeySet::new([Key::DefinesFree(name)]),
        }
    }

    /// Does this set share a hash with `sorted` (sorted, deduplicated)?
    /// The smaller side is looked up in the larger by binary search.
    fn meets(&self, sorted: &[u32]) -> bool {
        let (small, large) = if self.0.len() <= sorted.len() {
            (&self.0[..], sorted)
        } else {
            (sorted, &self.0[..])
        };
        small.iter().any(|k| large.binary_search(k).is_ok())
    }
}

/// One file's bodies, packed, or only their keys if they were not lowered.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PackedBodies {
    bytes: Vec<u8>,
    /// Sorted, deduplicated hashes of every key the bodies hold.
    keys: Box<[u32]>,
    /// The bodies were not lowered: `bytes` is empty, and `keys` holds a
    /// superset of what the lowered bodies would hold.
    deferred: bool,
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
            deferred: false,
        })
    }

    /// Bodies not lowered, known by (a superset of) their keys' hashes.
    pub fn deferred(mut keys: Vec<u32>) -> PackedBodies {
        keys.sort_unstable();
        keys.dedup();
        PackedBodies {
            bytes: Vec::new(),
            keys: keys.into_boxed_slice(),
            deferred: true,
        }
    }

    /// The bodies must first be lowered from the text.
    pub fn is_deferred(&self) -> bool {
        self.deferred
    }

    pub fn unpack(&self) -> Result<Vec<Body>, String> {
        if self.deferred {
            return Err("internal: the bodies were not lowered".to_string());
        }
        postcard::from_bytes(&self.bytes).map_err(|e| format!("stored bodies are unreadable: {e}"))
    }

    /// Bytes held: (packed bodies, keys).
    pub fn size(&self) -> (usize, usize) {
        (self.bytes.len(), self.keys.len() * 4)
    }

    /// Could one of these bodies hold one of `wanted`?
    pub fn may_hold(&self, wanted: &KeySet) -> bool {
        wanted.meets(&self.keys)
    }
}

fn keys_of(body: &Body) -> impl Iterator<Item = Key<'_>> {
    body.callees
        .iter()
        .flat_map(|c| {
            let form = match (&c.qualifier, c.is_method) {
                (Some(q), false) => Key::CallsQualified(q, &c.name),
                _ => Key::CallsUnqualified(&c.name),
            };
            let claim = c.claim.as_ref().map(|op| Key::ClaimsOn(&op.field));
            [Some(Key::Calls(&c.name)), Some(form), claim]
        })
        .flatten()
        .chain(body.type_args.iter().map(|t| Key::TypeArg(t)))
        .chain(header_keys(body))
        .chain(in_drop_keys(body))
}

/// A `Drop::drop` body's calls and claimed-on fields, as `Key::InDrop`.
fn in_drop_keys(body: &Body) -> impl Iterator<Item = Key<'_>> {
    body.is_drop()
        .then_some(&body.callees)
        .into_iter()
        .flatten()
        .flat_map(|c| {
            // A call of no name (`(self.f)()`) releases nothing a phase knows.
            let name = (!c.name.is_empty()).then_some(Key::InDrop(&c.name));
            let claim = c.claim.as_ref().map(|op| Key::InDrop(&op.field));
            [name, claim]
        })
        .flatten()
}

/// The keys of what a body's fn header says: its name, whether it is a free
/// fn, whether it may fail, its impl's type and trait.
fn header_keys(body: &Body) -> impl Iterator<Item = Key<'_>> {
    let free = body.self_type.is_none() && body.trait_name.is_none();
    let fallible = body.kind == crate::ir::BodyKind::Fn && body.returns_wrapped;
    let name = body.fn_name.as_deref();
    name.map(Key::Defines)
        .into_iter()
        .chain(name.filter(|_| free).map(Key::DefinesFree))
        .chain(name.filter(|_| fallible).map(Key::DefinesFallible))
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
    /// Items the parse stepped over: (line, reason).
    pub skipped: Vec<(usize, String)>,
    /// A syntax error the parser recovered from: (message, start, end).
    pub syntax_error: Option<(String, u32, u32)>,
}

impl StoredFacts {
    pub fn pack(facts: crate::frontend::FileFacts) -> Result<StoredFacts, String> {
        let mut items = postcard::to_stdvec(&facts.items).map_err(|e| e.to_string())?;
        items.shrink_to_fit();
        Ok(StoredFacts {
            bodies: match facts.deferred_keys {
                Some(keys) => PackedBodies::deferred(keys),
                None => PackedBodies::pack(&facts.bodies)?,
            },
            imported_crates: facts.items.imported_crates,
            items,
            fn_ranges: facts.fn_ranges,
            skipped: facts.skipped,
            syntax_error: facts.syntax_error,
        })
    }

    /// [`StoredFacts::pack`] without packing the bodies, which the caller
    /// keeps unpacked: only their keys are stored (the facts are not for
    /// the cache, and [`PackedBodies::unpack`] fails on them).
    pub fn pack_keeping_bodies(
        mut facts: crate::frontend::FileFacts,
    ) -> Result<(StoredFacts, Option<Vec<Body>>), String> {
        if facts.deferred_keys.is_some() {
            return Ok((StoredFacts::pack(facts)?, None));
        }
        let bodies = std::mem::take(&mut facts.bodies);
        let mut keys: Vec<u32> = bodies.iter().flat_map(keys_of).map(Key::hash).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut stored = StoredFacts::pack(facts)?;
        stored.bodies = PackedBodies {
            bytes: Vec::new(),
            keys: keys.into_boxed_slice(),
            deferred: false,
        };
        Ok((stored, Some(bodies)))
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

/// A file's text while the run needs it again (a later lowering, the rules,
/// the output): a file read from disk is left there and read again, refused
/// if it changed since (its length or modification time); a text given
/// directly is kept lz4-compressed.
#[derive(Debug)]
pub enum KeptText {
    Packed(PackedText),
    OnDisk {
        path: std::path::PathBuf,
        len: u64,
        modified: std::time::SystemTime,
    },
}

impl KeptText {
    /// Bytes held in memory.
    pub fn size(&self) -> usize {
        match self {
            KeptText::Packed(p) => p.size(),
            KeptText::OnDisk { .. } => 0,
        }
    }

    /// The text, as the load read it.
    pub fn get(&self) -> Result<String, String> {
        match self {
            KeptText::Packed(p) => Ok(p.unpack()),
            KeptText::OnDisk {
                path,
                len,
                modified,
            } => {
                let changed = || format!("{} changed during the run", path.display());
                let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
                if meta.len() != *len || meta.modified().ok() != Some(*modified) {
                    return Err(changed());
                }
                let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
                if bytes.len() as u64 != *len {
                    return Err(changed());
                }
                String::from_utf8(bytes).map_err(|_| changed())
            }
        }
    }
}

/// Narrows a query to some files: called with a file id and a probe of the
/// file's keys (does it hold one of these?).
pub type FileFilter<'a> = &'a (dyn Fn(usize, &dyn Fn(&KeySet) -> bool) -> bool + Sync);

/// Where the knowledge phases get bodies: the unpacked bodies of every file
/// that may hold a key of each of the sets (and that the filter, if any,
/// accepts), in file order.
pub type BodySource<'a> =
    &'a (dyn for<'f> Fn(&[KeySet], Option<FileFilter<'f>>) -> Vec<FileBodies> + Sync);

/// The files `source` gives for `keys` and `filter`, `chunk_files` of them
/// at a time: a phase that looks at each file once then holds only one
/// chunk's bodies unpacked (all of a tree's at once were its peak memory).
/// A first pass only notes which files match (its filter accepts none, so
/// nothing is unpacked); each chunk is then unpacked, or lowered, in
/// parallel.
pub fn in_chunks(
    chunk_files: usize,
    source: BodySource<'_>,
    keys: &[KeySet],
    filter: FileFilter<'_>,
    mut each: impl FnMut(Vec<FileBodies>),
) {
    let matching = std::sync::Mutex::new(Vec::new());
    source(
        keys,
        Some(&|file, probe| {
            if filter(file, probe) {
                matching
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(file);
            }
            false
        }),
    );
    let mut matching = matching.into_inner().unwrap_or_else(|e| e.into_inner());
    matching.sort_unstable();
    for chunk in matching.chunks(chunk_files.max(1)) {
        let in_chunk: FileFilter<'_> = &|file, _| chunk.binary_search(&file).is_ok();
        each(source(keys, Some(in_chunk)));
    }
}

/// The unpacked bodies of one file, for a phase.
pub struct FileBodies {
    pub file: usize,
    pub path: std::path::PathBuf,
    pub bodies: SharedBodies,
}

/// A file's unpacked bodies, shared: a run that keeps them unpacked (the
/// pre-commit case) hands every phase the same ones.
#[derive(Clone, Debug, Default)]
pub struct SharedBodies(std::sync::Arc<Vec<Body>>);

impl From<Vec<Body>> for SharedBodies {
    fn from(bodies: Vec<Body>) -> Self {
        SharedBodies(std::sync::Arc::new(bodies))
    }
}

impl std::ops::Deref for SharedBodies {
    type Target = [Body];

    fn deref(&self) -> &[Body] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a SharedBodies {
    type Item = &'a Body;
    type IntoIter = std::slice::Iter<'a, Body>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::Language;

    #[test]
    fn in_chunks_gives_each_matching_file_once_in_order_and_chunk_by_chunk() {
        // Files 0..10; the filter takes the odd ones; chunks of 2.
        let unpacked = std::sync::Mutex::new(Vec::new());
        let source = |keys: &[KeySet], filter: Option<FileFilter<'_>>| -> Vec<FileBodies> {
            assert!(keys.is_empty());
            let filter = filter.expect("in_chunks always filters");
            (0..10)
                .filter(|&f| filter(f, &|_| true))
                .map(|file| {
                    unpacked.lock().unwrap().push(file);
                    FileBodies {
                        file,
                        path: std::path::PathBuf::new(),
                        bodies: SharedBodies::from(Vec::new()),
                    }
                })
                .collect()
        };
        let mut chunks = Vec::new();
        in_chunks(2, &source, &[], &|f, _| f % 2 == 1, |files| {
            chunks.push(files.iter().map(|f| f.file).collect::<Vec<_>>());
        });
        assert_eq!(chunks, vec![vec![1, 3], vec![5, 7], vec![9]]);
        // The first pass only looked: every file given was given once.
        assert_eq!(*unpacked.lock().unwrap(), vec![1, 3, 5, 7, 9]);
    }

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

    /// Deferring loses nothing: the same items and fn ranges, and keys that
    /// include every key of the lowered bodies, over every fixture and some
    /// call shapes lowering reads specially.
    #[test]
    fn deferred_keys_cover_the_lowered_bodies() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut texts: Vec<(Language, String)> = crate::discover::walk(std::path::Path::new(dir))
            .iter()
            .filter_map(|p| Some((Language::of_path(p)?, std::fs::read_to_string(p).ok()?)))
            .collect();
        assert!(texts.len() > 40);
        texts.push((
            Language::Rust,
            "impl P { fn f(&self) { Self::get(self); vec![Self::put(b), ::new(1), \
             Vec::<u8>::new(), <T as Tr>::take(x), a.b().c()]; defer!(free(x)); \
             let c = || { async { q.give(r) } }; } }"
                .to_string(),
        ));
        texts.push((
            Language::Go,
            "package p\nimport (\n\tbp \"github.com/valyala/bytebufferpool\"\n\t\"sync\"\n)\n\
             func (c *Conn) f(b []byte) {\n\tx := bp.\n\t\tGet()\n\tb = b[:0]\n\t\
             defer func() { sync.OnceFunc(g)() }()\n\tgo c.größe(x)\n}\n"
                .to_string(),
        ));
        for language in [Language::Rust, Language::Go] {
            let of = texts.iter().filter(|(l, _)| *l == language);
            let checked = of
                .clone()
                .filter(|(l, t)| deferred_covers_lowered(*l, t))
                .count();
            let all = of.count();
            assert!(checked * 4 > all * 3, "{language:?}: {checked} of {all}");
        }
    }

    /// The same check over a real tree: `POOLLINT_TREE=DIR cargo test --release
    /// --lib -- --ignored deferred_keys_cover_a_tree`.
    #[test]
    #[ignore]
    fn deferred_keys_cover_a_tree() {
        let dir = std::env::var("POOLLINT_TREE").expect("POOLLINT_TREE=DIR");
        let files = crate::discover::walk(std::path::Path::new(&dir));
        let checked = files
            .iter()
            .filter_map(|p| Some((Language::of_path(p)?, std::fs::read_to_string(p).ok()?)))
            .filter(|(l, t)| deferred_covers_lowered(*l, t))
            .count();
        eprintln!("{checked} of {} files checked", files.len());
    }

    /// Deferring a text's bodies (its skeleton parsed, see
    /// `frontend::rust::skeleton`) gives the items, fn ranges and skipped
    /// items lowering gives, and keys that cover the lowered bodies'.
    /// `false` if the text does not parse.
    fn deferred_covers_lowered(language: Language, text: &str) -> bool {
        use crate::frontend::{Bodies, parse_file};
        let (eager, lazy) = (
            parse_file(language, text, Bodies::Lower),
            parse_file(language, text, Bodies::Defer),
        );
        // A text that does not parse gives the same error either way.
        let error = |r: &Result<_, crate::frontend::SyntaxError>| {
            r.as_ref()
                .err()
                .map(|e| (e.start, e.end, e.message.clone()))
        };
        assert_eq!(error(&eager), error(&lazy), "{text}");
        let (Ok(mut eager), Ok(mut lazy)) = (eager, lazy) else {
            return false;
        };
        // A body not lowered leaves which parameters it only looks at to
        // later (`FnSig::borrowed_later`): the same items otherwise.
        for (e, l) in eager.items.fns.iter_mut().zip(&mut lazy.items.fns) {
            let eager_says = !e.borrowed.is_empty() || !e.borrowed_via.is_empty();
            assert!(l.borrowed.is_empty() && l.borrowed_via.is_empty());
            assert!(!eager_says || l.borrowed_later);
            e.borrowed.clear();
            e.borrowed_via.clear();
            l.borrowed_later = false;
        }
        assert_eq!(format!("{:?}", eager.items), format!("{:?}", lazy.items));
        assert_eq!(eager.fn_ranges, lazy.fn_ranges, "{text}");
        // A body that does not parse is noted only where it is parsed.
        let items_skipped = |f: &crate::frontend::FileFacts| {
            let notes = f.skipped.iter();
            notes
                .filter(|(_, why)| !why.starts_with("the body of"))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(items_skipped(&eager), items_skipped(&lazy), "{text}");
        let Some(deferred) = lazy.deferred_keys else {
            return false; // the scan asked for lowering
        };
        let holds = |k: Key<'_>| deferred.contains(&k.hash());
        for body in &eager.bodies {
            // A call of no name (`(self.f)(x)`): no phase looks for it.
            for c in body.callees.iter().filter(|c| !c.name.is_empty()) {
                // A qualified call may be held as one of unknown qualifier.
                let form = match (&c.qualifier, c.is_method) {
                    (Some(q), false) => {
                        holds(Key::CallsQualified(q, &c.name))
                            || holds(Key::CallsQualifiedAny(&c.name))
                    }
                    _ => holds(Key::CallsUnqualified(&c.name)),
                };
                assert!(holds(Key::Calls(&c.name)) && form, "{c:?} in\n{text}");
                if let Some(op) = &c.claim {
                    assert!(holds(Key::ClaimsOn(&op.field)), "{op:?} in\n{text}");
                }
            }
            for key in header_keys(body).chain(in_drop_keys(body)) {
                assert!(holds(key), "{key:?} in\n{text}");
            }
        }
        true
    }

    #[test]
    fn a_text_left_on_disk_is_refused_once_changed() {
        let path = std::env::temp_dir().join(format!("poollint-kept-{}.rs", std::process::id()));
        std::fs::write(&path, "fn main() {}\n").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let kept = KeptText::OnDisk {
            path: path.clone(),
            len: meta.len(),
            modified: meta.modified().unwrap(),
        };
        assert_eq!(kept.get().unwrap(), "fn main() {}\n");
        assert_eq!(kept.size(), 0);
        std::fs::write(&path, "fn main() { changed(); }\n").unwrap();
        let refused = kept.get().unwrap_err();
        assert!(refused.contains("changed during the run"), "{refused}");
        std::fs::remove_file(&path).unwrap();
        assert!(kept.get().is_err());
    }

    #[test]
    fn text_round_trips() {
        for text in ["", "fn main() {}\n", "é\u{feff}\r\n// 🦀"] {
            assert_eq!(PackedText::pack(text).unpack(), text);
        }
    }
}
