//! The keys of a func the load does not lower (`Bodies::Defer`), read off
//! its tree: a superset of the keys its lowered bodies (the func's and its
//! func literals') would hold ([`crate::store::Key`]), so that a phase that
//! looks for them still finds the file and lowers it then.
//!
//! Every identifier of the body's text counts as a call of that name, in
//! both its forms; `pkg.Name` on an import (`sync.Pool`,
//! `fasthttp.AcquireRequest`) also as the qualified call the lowering would
//! make of it. The text is scanned, not the tree: walking every node cost
//! as much as lowering. Comments and strings add names, which a superset
//! allows. The store checks the superset on every fixture and tree
//! (`deferred_covers_lowered`).

use super::Src;
use super::fields::{self, Fields as _};
use crate::store::Key;
use std::collections::HashMap;
use tree_sitter::Node;

/// Calls the lowering makes that the text does not spell (`x = x[:0]` is
/// `x.truncate()`).
const SYNTHETIC_CALLS: &[&str] = &["truncate"];

/// The qualifier of a call on each import of the file (its name in the
/// file -> its package's default name), as the lowering gives it.
pub(super) fn qualifiers(src: &Src<'_>) -> HashMap<String, String> {
    src.imports
        .names()
        .map(|(name, path)| (name.to_string(), super::types::default_package_name(path)))
        .collect()
}

/// Add the hashes of what the lowered bodies of the func `decl` would hold
/// to `out`: its header (name, receiver type) and every call in its body.
pub(super) fn func_keys(
    decl: Node<'_>,
    name: &str,
    receiver: Option<&str>,
    src: &Src<'_>,
    qualifiers: &HashMap<String, String>,
    out: &mut Vec<u32>,
) {
    out.push(Key::Defines(name).hash());
    match receiver {
        // Its func literals are methods of the type too (`self_type`).
        Some(ty) => out.push(Key::MethodOf(ty).hash()),
        None => out.push(Key::DefinesFree(name).hash()),
    }
    for call in SYNTHETIC_CALLS {
        out.extend(Key::call_hashes(call, true).into_iter().flatten());
    }
    let Some(body) = decl.field(fields::BODY) else {
        return;
    };
    let text = src.text(body);
    let bytes = text.as_bytes();
    let mut words = Words { text, at: 0 };
    while let Some((start, end)) = words.next() {
        let word = &text[start..end];
        out.extend(Key::call_hashes(&word, true).into_iter().flatten());
        // `pkg.Name`, maybe spaced or broken after the dot.
        let Some(qualifier) = qualifiers.get(word) else {
            continue;
        };
        let mut i = end;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'.') {
            continue;
        }
        let mut after = Words { text, at: i + 1 };
        let skipped = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if let Some((s, e)) = after.next().filter(|&(s, _)| s == i + 1 + skipped) {
            out.push(Key::qualified_hash(qualifier, &&text[s..e]));
        }
    }
}

/// The identifier-like words of a text, as byte ranges: ASCII letters,
/// digits and `_`, and any non-ASCII byte (Go's Unicode letters), not
/// starting with a digit.
struct Words<'t> {
    text: &'t str,
    at: usize,
}

impl Words<'_> {
    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let part = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        while self.at < bytes.len() {
            let b = bytes[self.at];
            if !part(b) {
                self.at += 1;
                continue;
            }
            let start = self.at;
            while self.at < bytes.len() && part(bytes[self.at]) {
                self.at += 1;
            }
            if !b.is_ascii_digit() {
                return Some((start, self.at));
            }
        }
        None
    }
}
