//! Reading and parsing each file, once, into what the run keeps of it until
//! the end: its index items, its bodies (lowered, or only keyed until a phase
//! needs them) and its compressed text.

use super::InputFile;
use crate::cache::FactsCache;
use crate::diagnostic::Diagnostic;
use crate::frontend::{self, Bodies, FileFacts, Language};
use crate::ir::Body;
use crate::rules::{Unreadable, UnreadableSource};
use crate::store::{PackedBodies, PackedText, StoredFacts};
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
    pub(super) text: PackedText,
    /// Length of the text in bytes.
    pub(super) len: usize,
    /// The text holds `poollint:` (a suppression comment, maybe).
    pub(super) mentions_poollint: bool,
    pub(super) facts: Result<StoredFacts, Diagnostic>,
    /// The bodies, if the load deferred them and a phase has since needed them.
    pub(super) lowered_later: OnceLock<Result<PackedBodies, String>>,
}

impl Loaded {
    /// The file's lowered bodies: unpacked, or first lowered from the text if
    /// the load deferred them. (The text parsed at the load, so an error here
    /// is internal.)
    pub(super) fn bodies(&self) -> Result<Vec<Body>, String> {
        let facts = self.facts.as_ref().map_err(|d| d.message.clone())?;
        if !facts.bodies.is_deferred() {
            return facts.bodies.unpack();
        }
        let packed = self.lowered_later.get_or_init(|| {
            match parse_guarded(self.language, &self.text.unpack(), Bodies::Lower) {
                Ok(facts) => PackedBodies::pack(&facts.bodies),
                Err(Unreadable::Syntax { message, .. }) => {
                    Err(format!("the file no longer parses: {message}"))
                }
                Err(Unreadable::Internal(message)) => Err(message),
                Err(_) => Err("internal: the file could not be lowered".to_string()),
            }
        });
        packed.as_ref().map_err(Clone::clone)?.unpack()
    }
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

pub(super) fn load(
    id: usize,
    input: InputFile,
    cache: Option<&FactsCache>,
    lowering: Lowering,
) -> Loaded {
    let language = Language::of_path(&input.path)
        .or_else(|| Language::of_path(Path::new(&input.name)))
        .unwrap_or_default();
    let text = match input.text {
        Some(t) => Ok(t),
        None => read_regular_file(&input.path)
            .map_err(Unreadable::Io)
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|e| Unreadable::NotUtf8 {
                    valid_up_to: e.utf8_error().valid_up_to(),
                })
            }),
    };
    let (text, facts) = match text {
        Ok(text) => {
            let facts = match cache.and_then(|c| c.get(&text)) {
                Some(facts) => Ok(facts),
                None => {
                    // The cache keeps what it is given: lowered bodies, so a
                    // warm run needs no parse.
                    let at_load = match lowering {
                        Lowering::Guess => cache.is_some() || lowers_at_load(&text),
                        Lowering::AtLoad => true,
                        Lowering::WhenNeeded => false,
                    };
                    let bodies = if at_load {
                        Bodies::Lower
                    } else {
                        Bodies::Defer
                    };
                    let facts = parse_guarded(language, &text, bodies)
                        .and_then(|f| StoredFacts::pack(f).map_err(Unreadable::Internal));
                    if let (Some(cache), Ok(facts)) = (cache, &facts) {
                        cache.put(&text, facts);
                    }
                    facts
                }
            };
            (text, facts)
        }
        Err(reason) => (String::new(), Err(reason)),
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
        text: PackedText::pack(&text),
        lowered_later: OnceLock::new(),
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

/// Does the file look like pool code, whose bodies some phase will surely
/// need? Those are lowered at the load, while the AST is at hand; the others
/// are lowered only if a phase needs them, at the cost of a second parse.
/// Only speed depends on this guess, never the result.
fn lowers_at_load(text: &str) -> bool {
    ["pool", "Pool", "POOL"].iter().any(|w| text.contains(w))
}

/// Could the text hold a suppression comment (`poollint: allow(..)`)? The
/// attribute path `poollint::` does not count.
fn mentions_suppression(text: &str) -> bool {
    text.match_indices("poollint:")
        .any(|(i, m)| !text[i + m.len()..].starts_with(':'))
        || (text.contains("nolint:") && text.contains("poollint"))
}

/// Read a file, refusing what is not a regular file (a FIFO would block forever).
fn read_regular_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

pub(super) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}
