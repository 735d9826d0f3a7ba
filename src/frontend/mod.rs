//! Frontends: each turns one source file into what the rest of the pipeline
//! reads — the knowledge index's items and the pool IR of every body — and
//! nothing after them knows which language the file was written in.
//!
//! - `rust/`: syn.

pub mod rust;

pub use rust::attrs;
pub use rust::{lower_source, parse_source};

use crate::ir::Body;
use crate::knowledge::FileItems;

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
