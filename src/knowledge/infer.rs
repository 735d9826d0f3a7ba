//! Wrapper inference: a fn whose return value comes from an acquire is an
//! acquire; a fn that releases a by-value parameter (or its receiver) on every
//! path is a release. Computed to a fixed point over the crate's bodies.

use super::{Api, ApiOrigin, Index, ReleaseParam, Role};
use crate::flow::{self, CallEffect, Origin, RELEASED};
use crate::ir::{Body, BodyKind};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

/// One file's bodies, with what is needed to name an inferred API's origin.
pub struct InferInput<'a> {
    pub path: PathBuf,
    pub bodies: &'a [Body],
    pub line_of: &'a (dyn Fn(u32) -> usize + Sync),
}

/// Add inferred wrapper APIs to the index until nothing changes.
///
/// A worklist keeps this linear: at first only bodies that call a known API
/// name are analysed; after that only the callers of APIs just inferred.
pub fn infer(index: &mut Index, files: &[InferInput<'_>]) {
    let mut callers: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut work: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (f, file) in files.iter().enumerate() {
        for (b, body) in file.bodies.iter().enumerate() {
            if body.kind != BodyKind::Fn {
                continue;
            }
            for callee in &body.callees {
                callers
                    .entry(callee.name.as_str())
                    .or_default()
                    .push((f, b));
                if index.may_acquire_or_release(&callee.name) {
                    work.insert((f, b));
                }
            }
        }
    }
    // Each round adds APIs, and each body adds at most one: bounded.
    let max_rounds = files.iter().map(|f| f.bodies.len()).sum::<usize>() + 1;
    // Names that gained an API in the last round (`None` in the first): a body
    // queued again can only change through a call of one of them.
    let mut fresh: Option<HashSet<String>> = None;
    for _ in 0..max_rounds {
        if work.is_empty() {
            break;
        }
        let round: Vec<(usize, usize)> = std::mem::take(&mut work).into_iter().collect();
        let shared: &Index = index;
        let fresh_names = fresh.as_ref();
        let found: Vec<Api> = round
            .par_iter()
            .filter_map(|&(f, b)| {
                infer_body(shared, &files[f].bodies[b], f, &files[f], fresh_names)
            })
            .collect();
        let mut added = HashSet::new();
        for api in found {
            let name = api.name.clone();
            if index.add(api) {
                added.insert(name);
            }
        }
        // Once per name: many APIs share a name (`new`), and each has the same callers.
        for name in &added {
            work.extend(callers.get(name.as_str()).into_iter().flatten().copied());
        }
        fresh = Some(added);
    }
}

fn infer_body(
    index: &Index,
    body: &Body,
    file_id: usize,
    file: &InferInput<'_>,
    fresh: Option<&HashSet<String>>,
) -> Option<Api> {
    if body.kind != BodyKind::Fn {
        return None;
    }
    let name = body.fn_name.as_ref()?;
    let owner = body.self_type.clone().or_else(|| body.trait_name.clone());
    if index.api_for(owner.as_deref(), name).is_some() {
        return None;
    }
    // Only acquires (returned) and releases (of parameters) make a wrapper:
    // look at the calls that can newly be one before resolving every call.
    let makes_wrapper =
        |c: &CallEffect| matches!(c, CallEffect::Acquire(_) | CallEffect::Release { .. });
    if !body.callees.iter().any(|c| {
        fresh.is_none_or(|names| names.contains(&c.name))
            && index.may_acquire_or_release(&c.name)
            && makes_wrapper(&index.effect(c, file_id))
    }) {
        return None;
    }
    let calls: Vec<CallEffect> = body
        .callees
        .iter()
        .map(|c| index.effect(c, file_id))
        .collect();
    let res = flow::Resolution {
        calls,
        entry_fields: Vec::new(),
        track_params: true,
    };
    let facts = flow::analyze(body, &res)?;
    let role = if let Some(guard) = returned_acquire(&facts) {
        Role::Acquire { guard }
    } else {
        let released =
            facts
                .values
                .iter()
                .enumerate()
                .find_map(|(v, value)| match value.origin {
                    Origin::Param { index } if facts.exit_states[v] == RELEASED => Some(index),
                    _ => None,
                })?;
        Role::Release(match released {
            Some(i) => ReleaseParam::Param(i),
            None => ReleaseParam::Receiver,
        })
    };
    Some(Api {
        role,
        owner,
        name: name.clone(),
        has_receiver: Some(body.receiver.is_some()),
        returns: body.returns.clone(),
        handle: false,
        pool: None,
        origin: ApiOrigin::Inferred {
            path: file.path.clone(),
            line: (file.line_of)(body.span.start),
        },
        file: Some(file_id),
    })
}

/// `Some(guard)` when the body returns a value that came from an acquire.
fn returned_acquire(facts: &flow::Facts) -> Option<bool> {
    let mut guards = facts
        .returned
        .iter()
        .filter_map(|&v| match facts.values[v].origin {
            Origin::Acquire { kind, .. } => Some(kind.guard),
            _ => None,
        });
    let first = guards.next()?;
    Some(guards.fold(first, |all, g| all && g))
}
