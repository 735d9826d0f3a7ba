//! Reading and parsing each file, once, into what the run keeps of it until
//! the end: its index items, its bodies (lowered, or only keyed until a phase
//! needs them) and its compressed text.

use super::InputFile;
use crate::cache::FactsCache;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::frontend::{self, Bodies, FileFacts, Language};
use crate::ir::Body;
use crate::knowledge::packs;
use crate::rules::{Unreadable, UnreadableSource};
use crate::store::{KeptText, PackedBodies, PackedText, SharedBodies, StoredFacts};
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What the load keeps of one file until the end of the run: packed, so a
/// whole crate fits in memory (see [`crate::store`]).
pub(super) struct Loaded {
    pub(super) path: PathBuf,
    pub(super) name: String,
    pub(super) reported: bool,
    /// The language it is written in.
    pub(super) language: Language,
    /// The crate it belongs to (an index into `RunOptions::crates`).
    pub(super) krate: Option<usize>,
    pub(super) text: KeptText,
    /// Length of the text in bytes.
    pub(super) len: usize,
    /// The text holds `poollint:` (a suppression comment, maybe).
    pub(super) mentions_poollint: bool,
    pub(super) facts: Result<StoredFacts, Diagnostic>,
    /// The hash of the text ([`crate::cache::content_hash`]), when a cache is
    /// in use.
    pub(super) content: Option<u64>,
    /// The bodies, if the load deferred them and a phase has since needed
    /// them (or their fns' borrowed parameters).
    pub(super) lowered_later: OnceLock<Result<LoweredLater, String>>,
    /// Keep the bodies unpacked once unpacked (or lowered): a run over a few
    /// files of a crate (the pre-commit case), where every phase wants
    /// every file of dense pool code and memory is no concern.
    pub(super) keep_unpacked: bool,
    pub(super) unpacked: OnceLock<SharedBodies>,
}

impl Loaded {
    /// The file's lowered bodies: unpacked, or first lowered from the text if
    /// the load deferred them. (The text parsed at the load, so an error here
    /// is internal.)
    pub(super) fn bodies(&self) -> Result<SharedBodies, String> {
        if let Some(bodies) = self.unpacked.get() {
            return Ok(bodies.clone());
        }
        let bodies = SharedBodies::from(self.unpack_bodies()?);
        if self.keep_unpacked {
            // Two phases may unpack it at once: both get the same bodies.
            return Ok(self.unpacked.get_or_init(|| bodies).clone());
        }
        Ok(bodies)
    }

    fn unpack_bodies(&self) -> Result<Vec<Body>, String> {
        let facts = self.facts.as_ref().map_err(|d| d.message.clone())?;
        if !facts.bodies.is_deferred() {
            return facts.bodies.unpack();
        }
        self.lower_later()?.bodies.unpack()
    }

    fn lower_later(&self) -> Result<&LoweredLater, String> {
        let lowered = self.lowered_later.get_or_init(|| {
            let text = self.text.get()?;
            match parse_guarded(self.language, &text, Bodies::Lower) {
                Ok(facts) => Ok(LoweredLater {
                    bodies: PackedBodies::pack(&facts.bodies)?,
                    borrowed: facts
                        .items
                        .fns
                        .into_iter()
                        .map(|f| {
                            let via = crate::knowledge::borrowed_args::via_of(f.borrowed_via);
                            (crate::knowledge::items::index_bits(&f.borrowed), via)
                        })
                        .collect(),
                }),
                Err(Unreadable::Syntax { message, .. }) => {
                    Err(format!("the file no longer parses: {message}"))
                }
                Err(Unreadable::Internal(message)) => Err(message),
                Err(_) => Err("internal: the file could not be lowered".to_string()),
            }
        });
        lowered.as_ref().map_err(Clone::clone)
    }

    /// The borrowed-parameter bits of the file's fn at `fn_index` (among
    /// its items' fns), for a file whose bodies the load deferred: lowered
    /// now if no phase has yet. A file that cannot be lowered borrows
    /// nothing (its arguments count as handed on: precision first).
    pub(super) fn borrowed_later(&self, fn_index: u32) -> crate::knowledge::LateSig {
        self.lower_later()
            .ok()
            .and_then(|l| l.borrowed.get(fn_index as usize).cloned())
            .unwrap_or_default()
    }
}

/// What lowering a deferred file later gives: its bodies, and per fn of its
/// items the parameters it only looks at ([`crate::knowledge::Sig::borrowed`]).
pub(super) struct LoweredLater {
    bodies: PackedBodies,
    borrowed: Box<[crate::knowledge::LateSig]>,
}

/// When a file's bodies are lowered to the IR. Only speed depends on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lowering {
    /// At the load if the file looks like pool code (`lowers_at_load`) or a
    /// cache will keep the result; the others when a phase first needs them.
    #[default]
    Guess,
    /// Always at the load.
    AtLoad,
    /// Always when a phase first needs them (tests: the deferred path must
    /// give what the eager one gives).
    WhenNeeded,
}

/// What the load guesses from before any file is parsed: the names whose
/// callers some phase will surely lower (the APIs of the config and of the
/// lint packs that may apply). Only speed depends on it.
pub(super) struct Hints {
    /// Per crate of the run (`InputFile::krate`), then one for files without
    /// a crate: the API names of the packs its dependencies activate, and of
    /// the config.
    names: Vec<HashSet<String>>,
    /// Packs no crate depends on, which a file activates by importing their
    /// crate: (its crate names, its API names).
    by_import: Vec<(Vec<String>, Vec<String>)>,
    /// Per first byte, the lengths of the names above that begin with it
    /// (a bit each, [`length_bit`]).
    shapes: Box<[u64; 256]>,
    /// The API names of the config and of the packs it adds: what a Rust
    /// file must name to be lowered at the load.
    declared: HashSet<String>,
}

impl Hints {
    pub(super) fn new(config: &Config, options: &super::RunOptions<'_>) -> Hints {
        let config_names: Vec<String> = config.pools.iter().flat_map(decl_names).collect();
        let crate_deps = options
            .crates
            .iter()
            .map(|c| &c.dependencies)
            .chain([&options.dependencies]);
        let mut names: Vec<HashSet<String>> = crate_deps
            .clone()
            .map(|_| config_names.iter().cloned().collect())
            .collect();
        let mut by_import = Vec::new();
        // The standard library's forgets matter only where a pool is, which
        // the text's other names tell.
        for pack in packs::builtin().iter().filter(|p| p.name != "std") {
            let api: Vec<String> = pack.pools.iter().flat_map(decl_names).collect();
            let crates: Vec<String> = pack.crates.iter().map(|c| packs::normalize(c)).collect();
            let mut anywhere = false;
            for (set, deps) in names.iter_mut().zip(crate_deps.clone()) {
                if deps.iter().any(|d| crates.contains(&packs::normalize(d))) {
                    set.extend(api.iter().cloned());
                    anywhere = true;
                }
            }
            if !anywhere {
                by_import.push((crates, api));
            }
        }
        let mut declared: HashSet<String> = config_names.iter().cloned().collect();
        for pack in &options.extra_packs {
            let api: Vec<String> = pack.pools.iter().flat_map(decl_names).collect();
            for set in &mut names {
                set.extend(api.iter().cloned());
            }
            declared.extend(api);
        }
        let mut shapes = Box::new([0u64; 256]);
        let every = names.iter().flatten().chain(
            by_import
                .iter()
                .flat_map(|(crates, api)| crates.iter().chain(api)),
        );
        for name in every {
            if let Some(&b) = name.as_bytes().first() {
                shapes[usize::from(b)] |= length_bit(name.len());
            }
        }
        Hints {
            names,
            by_import,
            shapes,
            declared,
        }
    }

    /// Most identifiers are no API's name: the first byte and the length say
    /// so before any lookup.
    fn may_name_api(&self, ident: &str) -> bool {
        let first = ident.as_bytes()[0];
        self.shapes[usize::from(first)] & length_bit(ident.len()) != 0
    }

    /// Does the text look like pool code, whose bodies some phase will surely
    /// need?
    ///
    /// A Rust file whose bodies are deferred is parsed as its skeleton (see
    /// `frontend::rust::skeleton`), at under half the cost of a full parse,
    /// and lowering it later costs a full parse more: lowering at the load
    /// pays only if most such files are needed. Saying `pool` or naming a
    /// pack's API (`get`, `acquire`, `put`) is too weak a sign for that (on
    /// the three-workspace folder two thirds of the files it picked were
    /// never needed), so a Rust file is lowered at the load only if it
    /// declares APIs with poollint's attributes or names one the config
    /// declares.
    ///
    /// A Go file costs a full parse either way: it is lowered at the load if
    /// it says `pool`, or one of its identifiers names an API of a pack that
    /// may apply to it or of the config. A pack no crate depends on applies
    /// to a file only if it imports the pack's package.
    fn lowers_at_load(&self, text: &str, krate: Option<usize>, language: Language) -> bool {
        if language == Language::Rust {
            return memchr::memmem::find(text.as_bytes(), b"poollint").is_some()
                || !self.declared.is_empty()
                    && identifiers(text)
                        .any(|ident| self.may_name_api(ident) && self.declared.contains(ident));
        }
        // `Get`/`Put` calls: wrapper inference asks for every file that has
        // them (a pool's methods, or a wrapper's of the same name), and a
        // Go file lowered later is parsed twice.
        if ["pool", "Pool", "POOL", ".Get(", ".Put("]
            .iter()
            .any(|w| text.contains(w))
        {
            return true;
        }
        let names = krate
            .filter(|&k| k + 1 < self.names.len())
            .or(self.names.len().checked_sub(1))
            .and_then(|k| self.names.get(k));
        let mut crates_named: Vec<&str> = Vec::new();
        identifiers(text).any(|ident| {
            if !self.may_name_api(ident) {
                return false;
            }
            if names.is_some_and(|n| n.contains(ident)) {
                return true;
            }
            for (crates, api) in &self.by_import {
                if crates.iter().any(|c| c == ident) {
                    crates_named.push(ident);
                }
                if api.iter().any(|a| a == ident)
                    && crates.iter().any(|c| crates_named.contains(&c.as_str()))
                {
                    return true;
                }
            }
            false
        })
    }
}

/// A name's length as one bit of [`Hints::shapes`] (the last bit stands for
/// every length from 64 on).
fn length_bit(len: usize) -> u64 {
    1 << (len.clamp(1, 64) - 1)
}

/// The call names a pool declaration gives (the last segment of each path:
/// `Slab::insert` is `insert`, Go's `(*Pool).Get` is `Get`).
fn decl_names(decl: &crate::config::PoolDecl) -> Vec<String> {
    decl.acquire
        .iter()
        .map(String::as_str)
        .chain(decl.release.iter().map(|r| r.name()))
        .chain(
            [
                &decl.guard_acquire,
                &decl.detach,
                &decl.reset,
                &decl.forget,
                &decl.unless_called,
                &decl.fallible_sinks,
            ]
            .into_iter()
            .flatten()
            .map(String::as_str),
        )
        .map(|path| path.rsplit([':', '.', ')']).next().unwrap_or(path))
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// The identifiers of a text, as a lexer splits words (in comments and
/// strings too: a superset is all a guess needs).
pub(crate) fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphabetic() || b == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                return Some(&text[start..i]);
            }
            if b.is_ascii_digit() {
                // A number's suffix (`1u8`) is no identifier.
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        None
    })
}

pub(super) fn load(
    id: usize,
    input: InputFile,
    cache: Option<&FactsCache>,
    lowering: Lowering,
    hints: &Hints,
    keep_unpacked: bool,
    purging: Option<&crate::allocator::Purging>,
) -> Loaded {
    let unpacked = OnceLock::new();
    let language = Language::of_path(&input.path)
        .or_else(|| Language::of_path(Path::new(&input.name)))
        .unwrap_or_default();
    // A file read from disk is read again when needed (see `KeptText`).
    let mut on_disk = None;
    let text = match input.text {
        Some(t) => Ok(t),
        None => read_regular_file(&input.path)
            .map_err(Unreadable::Io)
            .and_then(|(bytes, modified)| {
                let len = bytes.len() as u64;
                let text = String::from_utf8(bytes).map_err(|e| Unreadable::NotUtf8 {
                    valid_up_to: e.utf8_error().valid_up_to(),
                })?;
                on_disk = modified.map(|m| (len, m));
                Ok(text)
            }),
    };
    let mut content = None;
    let (text, facts) = match text {
        Ok(text) => {
            if let Some(purging) = purging {
                purging.read(text.len() as u64);
            }
            let key = cache.map(|_| crate::cache::content_hash(&text));
            content = key;
            let facts = match cache.zip(key).and_then(|(c, key)| c.get(key)) {
                Some(facts) => Ok(facts),
                None => {
                    // The cache keeps what it is given: lowered bodies, so a
                    // warm run needs no parse.
                    let at_load = match lowering {
                        Lowering::Guess => {
                            cache.is_some() || hints.lowers_at_load(&text, input.krate, language)
                        }
                        Lowering::AtLoad => true,
                        Lowering::WhenNeeded => false,
                    };
                    let bodies = if at_load {
                        Bodies::Lower
                    } else {
                        Bodies::Defer
                    };
                    let facts = parse_guarded(language, &text, bodies).and_then(|f| {
                        if !keep_unpacked {
                            return StoredFacts::pack(f).map_err(Unreadable::Internal);
                        }
                        let (mut stored, bodies) =
                            StoredFacts::pack_keeping_bodies(f).map_err(Unreadable::Internal)?;
                        if let Some(bodies) = bodies {
                            if cache.is_some() {
                                stored.bodies =
                                    PackedBodies::pack(&bodies).map_err(Unreadable::Internal)?;
                            }
                            let _ = unpacked.set(SharedBodies::from(bodies));
                        }
                        Ok(stored)
                    });
                    if let (Some(cache), Some(key), Ok(facts)) = (cache, key, &facts) {
                        cache.put(key, facts);
                    }
                    facts
                }
            };
            (text, facts)
        }
        Err(reason) => (String::new(), Err(reason)),
    };
    let kept = match on_disk {
        Some((len, modified)) => KeptText::OnDisk {
            path: input.path.clone(),
            len,
            modified,
        },
        None => KeptText::Packed(PackedText::pack(&text)),
    };
    Loaded {
        facts: facts
            .map_err(|reason| UnreadableSource::diagnostic_in(id, &input.name, reason, language)),
        language,
        path: input.path,
        name: input.name,
        reported: input.reported,
        krate: input.krate,
        len: text.len(),
        mentions_poollint: mentions_suppression(&text),
        text: kept,
        content,
        lowered_later: OnceLock::new(),
        keep_unpacked,
        unpacked,
    }
}

/// Parse a text (lowering its bodies or not), a panic caught as an internal
/// error of this file only.
fn parse_guarded(language: Language, text: &str, bodies: Bodies) -> Result<FileFacts, Unreadable> {
    match catch_unwind(AssertUnwindSafe(|| {
        frontend::parse_file(language, text, bodies)
    })) {
        Ok(Ok(facts)) => Ok(facts),
        Ok(Err(e)) => Err(Unreadable::Syntax {
            message: e.message,
            span: crate::ir::Span::new(e.start, e.end),
        }),
        Err(panic) => Err(Unreadable::Internal(panic_message(&panic))),
    }
}

/// Could the text hold a suppression comment (`poollint: allow(..)`)? The
/// attribute path `poollint::` does not count.
fn mentions_suppression(text: &str) -> bool {
    // One vectorised search per word: every file of a tree is searched.
    let bytes = text.as_bytes();
    let mut named = false;
    for at in memchr::memmem::find_iter(bytes, b"poollint") {
        let rest = &bytes[at + "poollint".len()..];
        if rest.starts_with(b":") && !rest.starts_with(b"::") {
            return true;
        }
        named = true;
    }
    named && memchr::memmem::find(bytes, b"nolint:").is_some()
}

/// Read a file, refusing what is not a regular file (a FIFO would block
/// forever), with its modification time (read first: a change while it is
/// read shows later) where the system keeps one.
fn read_regular_file(path: &Path) -> Result<(Vec<u8>, Option<std::time::SystemTime>), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok((bytes, meta.modified().ok()))
}

pub(super) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::mentions_suppression;

    #[test]
    fn a_suppression_is_a_poollint_colon_or_a_nolint_naming_poollint() {
        for (text, says) in [
            ("// poollint: allow(PL001) -- why", true),
            ("#[poollint::acquire]\nfn get() {}", false),
            ("#[poollint::release] // poollint:allow(PL002)", true),
            ("//nolint:poollint", true),
            ("// nolint:gosec", false),
            ("poollint", false),
            ("x poollint", false),
        ] {
            assert_eq!(mentions_suppression(text), says, "{text}");
        }
    }
}
