//! A module's convention for values the runtime reclaims.
//!
//! A pool declared `collected = true` (Go's `sync.Pool`) loses nothing when
//! a value is dropped: the garbage collector takes it, and code often lets
//! a value go on purpose (a buffer found too small, a value a callee may
//! still hold). PL001 stays silent on a value of such a pool that a body
//! never puts back on any path — unless the module's other call sites of
//! the same acquire put theirs back: then the one that does not is the
//! odd one out (minio's `StatInfoFile`, the only caller of `msgpNewReader`
//! that forgot `defer readMsgpReaderPool.Put(..)`).

use super::{Api, Index, Role};
use crate::ir::{BodyKind, Callee, Event};
use crate::store::{BodySource, KeySet};
use std::collections::{HashMap, HashSet};

/// A convention: at least one call site puts the value back, and no more
/// sites forget than put back (a module's habit, not a one-off).
fn is_convention(puts: usize, forgets: usize) -> bool {
    puts >= 1 && forgets <= puts
}

/// Which pool a call of a collected acquire takes from: the API, and for a
/// method of the pool's own type (`bufPool.Get()`) the receiver as written,
/// so each `sync.Pool` variable or field keeps its own convention.
pub type PoolSite = (Option<String>, String, Option<String>);

pub fn site_key(api: &Api, callee: &Callee) -> PoolSite {
    let instance = callee
        .is_method
        .then(|| callee.receiver_type.as_ref().map(|t| format!("{t:?}")))
        .flatten();
    (api.owner.clone(), api.name.clone(), instance)
}

/// The call sites of collected acquires that put the value back by
/// convention.
pub fn compute(index: &Index, source: BodySource<'_>) -> HashSet<PoolSite> {
    let acquires: Vec<&Api> = index
        .apis()
        .iter()
        .filter(|a| a.collected && matches!(a.role, Role::Acquire { guard: false }))
        .collect();
    if acquires.is_empty() {
        return HashSet::new();
    }
    let keys = KeySet::new(acquires.iter().flat_map(|a| index.call_keys(&a.name)));
    // Per pool: (sites in bodies that also put a value back into it, sites
    // in bodies that put none back).
    let mut counts: HashMap<PoolSite, (usize, usize)> = HashMap::new();
    for file in source(std::slice::from_ref(&keys), None) {
        for body in file.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
            // Per call id, the API it calls.
            let apis: Vec<Option<&Api>> = body
                .callees
                .iter()
                .map(|c| index.lookup(c, file.file))
                .collect();
            let known: Vec<(&Callee, &Api)> = body
                .callees
                .iter()
                .zip(&apis)
                .filter_map(|(c, a)| Some((c, (*a)?)))
                .collect();
            // A body that is itself an acquire wrapper hands its value on.
            if known.is_empty()
                || body.fn_name.as_deref().is_some_and(|n| {
                    index
                        .api_for(body.self_type.as_deref(), n)
                        .is_some_and(|a| matches!(a.role, Role::Acquire { .. }))
                })
            {
                continue;
            }
            for ev in body.blocks.iter().flat_map(|b| &b.events) {
                let Event::Call { call, .. } = ev else {
                    continue;
                };
                let callee = &body.callees[*call as usize];
                let Some(api) = apis[*call as usize] else {
                    continue;
                };
                if !acquires.iter().any(|a| std::ptr::eq(*a, api)) {
                    continue;
                }
                let key = site_key(api, callee);
                let puts = known.iter().any(|(c, r)| {
                    matches!(r.role, Role::Release(_))
                        && r.pool == api.pool
                        && (key.2.is_none() || site_key(r, c).2 == key.2)
                });
                let entry = counts.entry(key).or_default();
                if puts {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, (puts, forgets))| is_convention(*puts, *forgets))
        .map(|(key, _)| key)
        .collect()
}
