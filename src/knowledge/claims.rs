//! Claims on a field (issue 15 item 1): pools that count or flag their
//! slots rather than hand out a value. A connection queue counts a new
//! connection (`internals.num_conns += 1`) before opening it; a swapchain
//! marks a slot taken (`s.acquired.swap(true, ..)`); a pool counts what it
//! created (`self.count.fetch_add(1, ..)`). The claim is given back by the
//! pool's release or its guard's `Drop` (`num_conns -= 1`,
//! `acquired.store(false, ..)`), or, until the guard is built, by the
//! acquire itself on the ways out that fail.
//!
//! The fields are learned, never guessed from names: a field is a pool's
//! claim field when a release of that pool, or the `Drop` of a guard type
//! its guard-acquires return, undoes a claim on it. Inside the pool's own
//! acquires a claim on such a field is a count the body owns (the counter
//! model of [`crate::flow`]): a way out that fails before the claim is
//! undone leaks it; a way out that succeeds hands it to what is returned.

use super::{Api, Index, Role};
use crate::flow::{AcquireKind, CallEffect, ReleaseArg};
use crate::ir::Body;
use crate::store::{BodySource, Key, KeySet};
use std::collections::HashMap;

/// The calls that may undo a claim (see [`crate::ir::ClaimOp`]).
pub const UNDOS: &[&str] = &["-=", "fetch_sub", "store", "swap"];

/// What names an API's pool: its declared pool, else its owner type.
fn pool_of(api: &Api) -> Option<String> {
    api.pool.clone().or_else(|| api.owner.clone())
}

/// Learn the claim fields of every pool from its releases' bodies and its
/// guard types' `Drop`.
pub fn learn(index: &mut Index, source: BodySource<'_>) {
    // Guard type -> the pools of the guard-acquires that return it.
    let mut guard_pools: HashMap<String, Vec<String>> = HashMap::new();
    // Where the bodies that may undo a claim are: a file holds one if it
    // defines a release under its owner (a method of the owner, or a free
    // fn), or has methods of a guard type (its `Drop` is one). Neither
    // `Implements("Drop")` nor a release's name alone (`remove`) says much.
    let mut holders: Vec<(KeySet, KeySet)> = Vec::new();
    for api in index.apis() {
        match api.role {
            Role::Acquire { guard: true } => {
                if let (Some(ty), Some(pool)) = (&api.returns, pool_of(api)) {
                    guard_pools.entry(ty.clone()).or_default().push(pool);
                }
            }
            Role::Release(_) => holders.push((
                KeySet::new([Key::Defines(&api.name)]),
                KeySet::owner_of(api.owner.as_deref(), &api.name),
            )),
            _ => {}
        }
    }
    if guard_pools.is_empty() && holders.is_empty() {
        return;
    }
    for ty in guard_pools.keys() {
        holders.push((
            KeySet::new([Key::Implements("Drop")]),
            KeySet::new([Key::MethodOf(ty)]),
        ));
    }
    let undoes = KeySet::new(UNDOS.iter().map(|n| Key::Calls(n)));
    let holds_one: crate::store::FileFilter<'_> =
        &|_, probe| holders.iter().any(|(a, b)| probe(a) && probe(b));
    let mut found: Vec<(String, String)> = Vec::new();
    for input in &source(&[undoes], Some(holds_one)) {
        for body in &input.bodies {
            for pool in pools_undone_in(index, body, &guard_pools) {
                for c in &body.callees {
                    if let Some(op) = c.claim.as_ref().filter(|op| !op.claim) {
                        found.push((pool.clone(), op.field.clone()));
                    }
                }
            }
        }
    }
    index.add_claim_fields(found);
}

/// The pools whose claims `body` gives back if it undoes one: those of a
/// release it is, or of the guard type whose `Drop` it is.
fn pools_undone_in(
    index: &Index,
    body: &Body,
    guard_pools: &HashMap<String, Vec<String>>,
) -> Vec<String> {
    let Some(name) = body.fn_name.as_deref() else {
        return Vec::new();
    };
    if let Some(ty) = body.dropped_type() {
        return guard_pools.get(ty).cloned().unwrap_or_default();
    }
    match index.owned(body.self_type.as_deref(), name) {
        Some(api) if matches!(api.role, Role::Release(_)) => pool_of(api).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Does `body` undo a claim on a claim field of some pool (a guard's `Drop`
/// that gives the claim back)?
pub fn undoes_a_claim(index: &Index, body: &Body) -> bool {
    index.has_claim_fields()
        && body.callees.iter().any(|c| {
            c.claim
                .as_ref()
                .is_some_and(|op| !op.claim && index.is_claim_field(&op.field))
        })
}

/// Inside an acquire of a pool with claim fields, read its claims on them
/// as counts taken and its undos as counts given back.
pub fn resolve(body: &Body, index: &Index, calls: &mut [CallEffect]) {
    if !index.has_claim_fields() || !body.callees.iter().any(|c| c.claim.is_some()) {
        return;
    }
    let Some(fields) = acquire_claim_fields(index, body) else {
        return;
    };
    for (callee, effect) in body.callees.iter().zip(calls) {
        let Some(op) = callee
            .claim
            .as_ref()
            .filter(|op| fields.contains(&op.field))
        else {
            continue;
        };
        *effect = if op.claim {
            CallEffect::Acquire(AcquireKind {
                counter: true,
                ..AcquireKind::raw()
            })
        } else {
            CallEffect::Release {
                arg: ReleaseArg::Token,
                resets: false,
                bounds: false,
            }
        };
    }
}

/// The claim fields of the pool `body` is an acquire of, if any.
fn acquire_claim_fields<'i>(index: &'i Index, body: &Body) -> Option<&'i [String]> {
    let api = index.owned(body.self_type.as_deref(), body.fn_name.as_deref()?)?;
    if !matches!(api.role, Role::Acquire { .. }) {
        return None;
    }
    index.claim_fields(&pool_of(api)?)
}

/// The acquires whose bodies [`resolve`] reads, as (owner, name): a run
/// must analyse them even where nothing in their file calls a pool API.
pub fn claiming_acquires(index: &Index) -> Vec<(Option<String>, String)> {
    if !index.has_claim_fields() {
        return Vec::new();
    }
    index
        .apis()
        .iter()
        .filter(|a| matches!(a.role, Role::Acquire { .. }))
        .filter(|a| pool_of(a).is_some_and(|p| index.claim_fields(&p).is_some()))
        .map(|a| (a.owner.clone(), a.name.clone()))
        .collect()
}
