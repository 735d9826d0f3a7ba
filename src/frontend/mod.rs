//! Frontends: each turns one source file into what the rest of the pipeline
//! reads — the knowledge index's items and the pool IR of every body — and
//! nothing after them knows which language the file was written in.
//!
//! - `rust/`: syn.
//! - `go/`: tree-sitter-go.
//!
//! [`parse_file`] is the one entry the engine calls: it picks the frontend by
//! the file's language ([`Language::of_path`]).

pub mod go;
pub mod rust;

pub use rust::attrs;
pub use rust::{lower_source, parse_source};

use crate::ir::Body;
use crate::knowledge::FileItems;
use std::path::Path;

/// The languages poollint reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    #[default]
    Rust,
    Go,
}

impl Language {
    /// The language of a source file, by its extension (`None`: not one poollint reads).
    pub fn of_path(path: &Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "rs" => Some(Language::Rust),
            "go" => Some(Language::Go),
            _ => None,
        }
    }

    /// Are the files of one folder one namespace (a Go package), so that a
    /// value declared in one file is used in its siblings with the imports
    /// of the file that declared it?
    pub fn folder_is_namespace(self) -> bool {
        match self {
            Language::Rust => false,
            Language::Go => true,
        }
    }

    /// The name other namespaces call a folder's namespace by (Go: the
    /// package name its import path gives, `mgo` for `gopkg.in/mgo.v2`);
    /// `None` where a folder is no namespace.
    pub fn namespace_name(self, dir: &std::path::Path) -> Option<String> {
        match self {
            Language::Rust => None,
            Language::Go => Some(go::types::default_package_name(&dir.to_string_lossy())),
        }
    }

    /// How the rules' messages put things in this language.
    pub fn wording(self) -> &'static crate::wording::Wording {
        match self {
            Language::Rust => &crate::wording::RUST,
            Language::Go => &crate::wording::GO,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "Rust",
            Language::Go => "Go",
        }
    }
}

/// Parse one file of `language`, lowering its bodies or deferring that.
pub fn parse_file(
    language: Language,
    text: &str,
    bodies: Bodies,
) -> Result<FileFacts, SyntaxError> {
    match language {
        Language::Rust => rust::parse_source(text, bodies),
        Language::Go => go::parse_source(text, bodies),
    }
}

/// What one file contributes: index items and lowered bodies.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    pub items: FileItems,
    /// Empty if lowering was deferred.
    pub bodies: Vec<Body>,
    /// If lowering was deferred: hashes of (a superset of) the keys the
    /// lowered bodies would hold (`store::Key`).
    pub deferred_keys: Option<Vec<u32>>,
    /// Byte extent of every fn item (attributes included), for suppressions.
    pub fn_ranges: Vec<(u32, u32)>,
    /// Items syn could not parse, stepped over: (1-based line, reason).
    pub skipped: Vec<(usize, String)>,
    /// A syntax error the parser recovered from: (message, start, end). The
    /// file is reported unreadable at it, and the declarations around it
    /// that parsed are still indexed and analysed.
    #[serde(default)]
    pub syntax_error: Option<(String, u32, u32)>,
}

/// What to do with fn bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bodies {
    /// Lower every body to the IR.
    Lower,
    /// Only scan them for their keys; whoever needs the bodies lowers the
    /// text again with `lower_source`. The items, fn ranges and syntax errors
    /// are those `Lower` gives.
    Defer,
}

/// A syntax error, located by byte offset.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}
