//! Fallible callees: a fn of the crate that takes a value by parameter and
//! drops it on some failing path (`Fiber::new(stack, size)` returns
//! `Err(E)` early for `size == 0`, and `stack` goes with it). At `f(x)?` the
//! `?` then loses `x`. A value handed back inside the `Err` is not lost.
//!
//! Summaries are computed only for the callees that the files worth
//! analysing call with a moved argument, with the flow analysis of each
//! callee's body (its by-value parameters tracked, as wrapper inference does).
//!
//! Bodies are asked for a chunk of files at a time and dropped after it: on a
//! large tree the worth files and the defining ones together were the run's
//! peak memory.

use super::Index;
use crate::flow::{self, LeakKind, Origin};
use crate::ir::{BodyKind, Event, ExitKind, Mode};
use crate::store::{BodySource, FileFilter, Key, KeySet, in_chunks};
use std::collections::{BTreeSet, HashMap};

/// The fallible callees the files that `worth` accepts call, as
/// [`Index::add_sinks`] takes them.
pub fn compute(
    index: &Index,
    source: BodySource<'_>,
    worth: FileFilter<'_>,
) -> HashMap<(String, String), u64> {
    let shared: &Index = index;
    // The crate fns called with a moved argument.
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    in_chunks(CHUNK, source, &[], worth, |files| {
        for file in files {
            wanted_by(shared, &file, &mut wanted);
        }
    });
    if wanted.is_empty() {
        return HashMap::new();
    }
    let names: Vec<&str> = wanted.iter().map(|(_, n)| n.as_str()).collect();
    // Only files that define one of the fns, returning an `Option` or a
    // `Result` (the others have no failing path to lose a value on), under
    // its owner (or as a free fn): `new` and `from` alone are defined in
    // most files.
    let owned: Vec<(KeySet, KeySet)> = wanted
        .iter()
        .map(|(owner, name)| {
            let owner = Some(owner.as_str()).filter(|o| !o.is_empty());
            (
                KeySet::new([Key::DefinesFallible(name)]),
                KeySet::owner_of(owner, name),
            )
        })
        .collect();
    let defines = [KeySet::new(names.iter().map(|n| Key::DefinesFallible(n)))];
    let mut found: HashMap<(String, String), u64> = HashMap::new();
    let defines_one: FileFilter<'_> = &|_, probe| {
        owned
            .iter()
            .any(|(name, owner)| probe(name) && probe(owner))
    };
    in_chunks(CHUNK, source, &defines, defines_one, |files| {
        for file in &files {
            sinks_in(shared, file, &wanted, &mut found);
        }
    });
    found
}

/// Files a chunk of bodies is asked for at a time.
const CHUNK: usize = 1024;

/// The crate fns a file's bodies call with a moved argument, if the file
/// takes a value anywhere: only a value the analysis tracks (taken by an
/// acquire or a detach in this file, maybe inside a closure that hands it
/// to its fn) can be lost in a callee, and a summary asked for anything else
/// would lower the defining files for nothing.
fn wanted_by(
    shared: &Index,
    file: &crate::store::FileBodies,
    wanted: &mut BTreeSet<(String, String)>,
) {
    let takes_values = file.bodies.iter().any(|body| {
        body.callees.iter().any(|c| {
            shared.lookup(c, file.file).is_some_and(|api| {
                matches!(api.role, super::Role::Acquire { .. } | super::Role::Detach)
            })
        })
    });
    if !takes_values {
        return;
    }
    for body in &file.bodies {
        for ev in body.blocks.iter().flat_map(|b| &b.events) {
            let Event::Call { call, args, .. } = ev else {
                continue;
            };
            let callee = &body.callees[*call as usize];
            let moved = args
                .iter()
                .any(|a| a.places.iter().any(|&(_, m)| m == Mode::Move));
            if moved
                && shared.lookup(callee, file.file).is_none()
                && let Some((key, _)) = shared.callee_fn(callee)
            {
                wanted.insert(key);
            }
        }
    }
}

/// The fallible callees of `wanted` that a file defines, into `found`.
fn sinks_in(
    shared: &Index,
    file: &crate::store::FileBodies,
    wanted: &BTreeSet<(String, String)>,
    found: &mut HashMap<(String, String), u64>,
) {
    for body in file.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
        let Some(name) = &body.fn_name else { continue };
        let owner = body
            .self_type
            .clone()
            .or_else(|| body.trait_name.clone())
            .unwrap_or_default();
        let key = (owner, name.clone());
        if !wanted.contains(&key) || !body.returns_wrapped {
            continue;
        }
        let res = flow::Resolution {
            calls: body
                .callees
                .iter()
                .map(|c| shared.effect(c, file.file))
                .collect(),
            entry_fields: Vec::new(),
            element_views: Vec::new(),
            locked_maps: Vec::new(),
            returned_future: None,
            track_params: true,
            guard_locals: Vec::new(),
            borrowing: Vec::new(),
            copy_parts: crate::engine::copy_parts(body, shared),
            acquire_spans: Vec::new(),
        };
        let Some(facts) = flow::analyze(body, &res) else {
            continue;
        };
        let mut mask = 0u64;
        for leak in &facts.leaks {
            let failing = matches!(leak.kind, LeakKind::Exit(ExitKind::Try | ExitKind::Fail));
            if let (true, Origin::Param { index: Some(i) }) =
                (failing, &facts.values[leak.value].origin)
                && *i < 64
            {
                mask |= 1 << i;
            }
        }
        if mask != 0 {
            *found.entry(key).or_default() |= mask;
        }
    }
}
