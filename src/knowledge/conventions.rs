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
use crate::ir::{Body, BodyKind, Callee, Event};
use crate::store::{BodySource, in_chunks};
use std::collections::{HashMap, HashSet};

/// A convention: at least one call site puts the value back, and no more
/// sites forget than put back (a module's habit, not a one-off).
fn is_convention(puts: usize, forgets: usize) -> bool {
    puts >= 1 && forgets <= puts
}

/// Which pool a call of a collected acquire takes from: the API, and for a
/// method of the pool's own type (`bufPool.Get()`) the receiver as written,
/// so each `sync.Pool` variable or field keeps its own convention.
/// Last, the namespace of the call (a Go package): two packages' `bufPool`
/// variables, or `getBuffer` wrappers, are two pools with two habits.
pub type PoolSite = (Option<String>, String, Option<String>, Option<u32>);

pub fn site_key(index: &Index, api: &Api, callee: &Callee, file: usize) -> PoolSite {
    let instance = callee
        .is_method
        .then(|| callee.receiver_type.as_ref().map(|t| format!("{t:?}")))
        .flatten();
    (
        api.owner.clone(),
        api.name.clone(),
        instance,
        index.namespace_of_file(file),
    )
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
    let keys = index.scoped_call_keys(acquires.iter().map(|a| a.name.as_str()));
    // Per pool: (sites in bodies that also put a value back into it, sites
    // in bodies that put none back).
    let mut counts: HashMap<PoolSite, (usize, usize)> = HashMap::new();
    // A chunk of files at a time: the bodies of every file that calls `Get`
    // are too many to hold at once in a large tree.
    in_chunks(
        CHUNK,
        source,
        &[],
        &|file, probe| keys.matches(index, file, probe),
        |files| count_files(index, &files, &acquires, &mut counts),
    );
    counts
        .into_iter()
        .filter(|(_, (puts, forgets))| is_convention(*puts, *forgets))
        .map(|(key, _)| key)
        .collect()
}

/// Files a chunk of bodies is asked for at a time (see [`in_chunks`]).
const CHUNK: usize = 256;

fn count_files(
    index: &Index,
    files: &[crate::store::FileBodies],
    acquires: &[&Api],
    counts: &mut HashMap<PoolSite, (usize, usize)>,
) {
    for file in files {
        // A fn and the closures lowered from it (they follow it) are one
        // group: a value taken in a closure goes back in the deferred func
        // of the fn around it.
        let mut groups: Vec<Vec<&Body>> = Vec::new();
        for body in &file.bodies {
            match groups.last_mut() {
                Some(group) if body.kind != BodyKind::Fn => group.push(body),
                _ if body.kind != BodyKind::Fn => {}
                _ => groups.push(vec![body]),
            }
        }
        for group in groups {
            count_group(index, &group, file.file, acquires, counts);
        }
    }
}

/// Count the call sites of collected acquires in one fn and its closures:
/// a site puts its value back when some body of the group calls a release
/// of the same pool.
fn count_group(
    index: &Index,
    group: &[&Body],
    file: usize,
    acquires: &[&Api],
    counts: &mut HashMap<PoolSite, (usize, usize)>,
) {
    // A body that is itself an acquire wrapper hands its value on.
    let wrapper = group[0].fn_name.as_deref().is_some_and(|n| {
        index
            .api_for(group[0].self_type.as_deref(), n, file)
            .is_some_and(|a| matches!(a.role, Role::Acquire { .. }))
    });
    if wrapper {
        return;
    }
    // Per body, per call id, the API it calls.
    let apis: Vec<Vec<Option<&Api>>> = group
        .iter()
        .map(|b| b.callees.iter().map(|c| index.lookup(c, file)).collect())
        .collect();
    let known: Vec<(&Callee, &Api)> = group
        .iter()
        .zip(&apis)
        .flat_map(|(b, a)| b.callees.iter().zip(a))
        .filter_map(|(c, a)| Some((c, (*a)?)))
        .collect();
    if known.is_empty() {
        return;
    }
    for (body, apis) in group.iter().zip(&apis) {
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
            let key = site_key(index, api, callee, file);
            let puts = known.iter().any(|(c, r)| {
                matches!(r.role, Role::Release(_))
                    && r.pool == api.pool
                    && (key.2.is_none() || site_key(index, r, c, file).2 == key.2)
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
