//! Wrapper inference: a fn whose return value comes from an acquire is an
//! acquire; a fn that releases a by-value parameter (or its receiver) on every
//! path is a release. Computed to a fixed point over the crate's bodies.

use super::{Api, ApiOrigin, Index, ReleaseParam, Role};
use crate::flow::{self, CallEffect, Origin, RELEASED};
use crate::ir::{Body, BodyKind};
use std::path::PathBuf;

/// One file's bodies, with what is needed to name an inferred API's origin.
pub struct InferInput<'a> {
    pub path: PathBuf,
    pub bodies: &'a [Body],
    pub line_of: &'a dyn Fn(u32) -> usize,
}

/// Add inferred wrapper APIs to the index until nothing changes.
pub fn infer(index: &mut Index, files: &[InferInput<'_>]) {
    // Each round can only add APIs, and each body adds at most one: bounded.
    let max_rounds = files.iter().map(|f| f.bodies.len()).sum::<usize>() + 1;
    for _ in 0..max_rounds {
        let mut found = Vec::new();
        for (file_id, file) in files.iter().enumerate() {
            for body in file.bodies {
                if let Some(api) = infer_body(index, body, file_id, file) {
                    found.push(api);
                }
            }
        }
        let mut changed = false;
        for api in found {
            changed |= index.add(api);
        }
        if !changed {
            break;
        }
    }
}

fn infer_body(index: &Index, body: &Body, file_id: usize, file: &InferInput<'_>) -> Option<Api> {
    if body.kind != BodyKind::Fn {
        return None;
    }
    let name = body.fn_name.as_ref()?;
    let owner = body.self_type.clone().or_else(|| body.trait_name.clone());
    if index
        .apis()
        .iter()
        .any(|a| &a.name == name && a.owner == owner)
    {
        return None;
    }
    let calls: Vec<CallEffect> = body
        .callees
        .iter()
        .map(|c| index.effect(c, file_id))
        .collect();
    if calls.iter().all(|c| *c == CallEffect::Unknown) {
        return None;
    }
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
