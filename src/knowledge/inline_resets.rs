//! Inline resets of pools with no named reset (PL007 without a reset method).
//!
//! A hand-rolled pool, or a configured acquire/release pair, whose pooled
//! type declares no reset resets it, if at all, inline: on its **reuse path**
//! (the branch of the acquire that takes a value off the free list) and its
//! **release path** (the release fn, and the `Drop` of a guard that gives the
//! value back). Together they are the reset. A field neither clears nor
//! overwrites reaches the next user as the last one left it; a field one of
//! them appends to (`push`, `extend`, `insert`, `push_str`) without clearing
//! grows across reuses. Fields every acquire site sets right after the acquire
//! (or every acquire wrapper sets) count as reset; a field only some sites set
//! is reported at the sites that forget it.

use super::release_paths::PUT_BACKS;
use super::summaries::{FieldResets, is_resetting_name};
use super::{Index, ReleaseParam, Role};
use crate::flow::CallEffect;
use crate::ir::{AssignKind, Body, BodyKind, Event, Mode, PlaceId, Span};
use crate::store::{BodySource, Key, KeySet};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Calls that take a value off a free list.
const POPS: &[&str] = &[
    "pop",
    "pop_front",
    "pop_back",
    "recv",
    "try_recv",
    "try_pop",
    "steal",
];

/// Calls that add to a collection or string without clearing it.
const APPENDS: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "push_str",
    "extend",
    "extend_from_slice",
    "insert",
    "append",
];

/// Calls that hand on the value they are called on (unwrapped).
const PASS_THROUGH: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_default",
    "unwrap_or_else",
    "unwrap_or",
    "unwrap_unchecked",
];

/// What one pool's paths (or one acquire site) do to the fields of the
/// pooled value.
#[derive(Clone, Debug, Default)]
struct Effects {
    /// Cleared or overwritten (`clear()`, `= ..`, `take()`).
    reset: BTreeSet<String>,
    /// Cleared to empty on purpose (`clear()`, `take()`, `= None`, `= Vec::new()`):
    /// the paths mean to reset.
    cleared: BTreeSet<String>,
    /// Appended to.
    appended: BTreeSet<String>,
    /// The whole value overwritten (`*r = Req { .. }`).
    all: bool,
}

impl Effects {
    fn merge(&mut self, other: Effects) {
        self.reset.extend(other.reset);
        self.cleared.extend(other.cleared);
        self.appended.extend(other.appended);
        self.all |= other.all;
    }
}

/// A finding of an incomplete inline reset.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InlineFinding {
    /// On the acquire fn: fields no pool path resets, and fields they append to.
    Acquire {
        owner: String,
        name: String,
        ty: String,
        missed: Vec<String>,
        accumulates: Vec<String>,
    },
    /// At an acquire site that does not set fields the other sites set.
    Site {
        file: usize,
        body: Span,
        call: Span,
        acquire: String,
        ty: String,
        missed: Vec<String>,
    },
}

/// Holders of a value: `start`, and the places it moves into.
fn holders_from(body: &Body, start: &[PlaceId]) -> Vec<PlaceId> {
    let mut holders: Vec<PlaceId> = start.to_vec();
    for _ in 0..4 {
        let before = holders.len();
        for ev in body.blocks.iter().flat_map(|b| &b.events) {
            let (dest, src) = match ev {
                Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => (*dest, *src),
                // `pop().unwrap_or_default()`, `.take().unwrap()`: the same value.
                Event::Call {
                    call,
                    recv: Some(r),
                    result,
                    ..
                } if PASS_THROUGH.contains(&body.callees[*call as usize].name.as_str()) => {
                    match r.places.first() {
                        Some(&(p, _)) => (*result, p),
                        None => continue,
                    }
                }
                _ => continue,
            };
            if holders.contains(&src) && !holders.contains(&dest) {
                holders.push(dest);
            }
        }
        if holders.len() == before {
            break;
        }
    }
    holders
}

/// What `body` does to the fields of the value held by `holders` (or, with
/// `field_root`, by the field `self.<field_root>` of the receiver).
fn effects_on(
    index: &Index,
    body: &Body,
    file: usize,
    holders: &[PlaceId],
    ty: &str,
    methods: &HashMap<(String, String), FieldResets>,
) -> Effects {
    let mut out = Effects::default();
    // The field of the value a place is, if any (`r.path` -> `path`).
    let field = |p: PlaceId| -> Option<String> {
        let root = body.root_of(p);
        if !holders.contains(&root) || p == root {
            return None;
        }
        body.field_path(p).first().map(|f| f.to_string())
    };
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match ev {
            Event::Assign { place, kind, .. } => {
                if holders.contains(place) {
                    out.all = true;
                } else if let Some(f) = field(*place) {
                    if matches!(kind, AssignKind::Empty | AssignKind::Null) {
                        out.cleared.insert(f.clone());
                    }
                    out.reset.insert(f);
                }
            }
            Event::Take { src, .. } => {
                if let Some(f) = field(*src) {
                    out.cleared.insert(f.clone());
                    out.reset.insert(f);
                }
            }
            Event::Call {
                call, recv, args, ..
            } => {
                let callee = &body.callees[*call as usize];
                let name = callee.name.as_str();
                for &(p, _) in recv.iter().flat_map(|r| &r.places) {
                    if holders.contains(&p) {
                        // A method of the pooled type: what it resets.
                        if let Some(r) = methods.get(&(ty.to_string(), name.to_string())) {
                            out.all |= r.all;
                            out.reset.extend(r.fields.iter().cloned());
                            out.cleared.extend(r.fields.iter().cloned());
                        }
                        continue;
                    }
                    let Some(f) = field(p) else { continue };
                    if is_resetting_name(name) || index.effect(callee, file) == CallEffect::Reset {
                        out.cleared.insert(f.clone());
                        out.reset.insert(f);
                    } else if matches!((name, callee.arg_count), ("set", 1) | ("store", 2)) {
                        out.reset.insert(f);
                    } else if APPENDS.contains(&name) {
                        out.appended.insert(f);
                    }
                }
                for &(p, mode) in args.iter().flat_map(|a| &a.places) {
                    if mode != Mode::Borrow {
                        continue;
                    }
                    if let Some(f) = field(p)
                        && is_resetting_name(name)
                    {
                        out.cleared.insert(f.clone());
                        out.reset.insert(f);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The fields of `value` (and of the places it moves into) that `body`
/// clears or overwrites.
pub(super) fn fields_set(
    index: &Index,
    body: &Body,
    file: usize,
    value: PlaceId,
) -> BTreeSet<String> {
    let holders = holders_from(body, &[value]);
    effects_on(index, body, file, &holders, "", &HashMap::new()).reset
}

/// Places holding what calls in `body` return, for calls `pick` selects.
fn call_results(body: &Body, pick: impl Fn(u32, &Option<crate::ir::Arg>) -> bool) -> Vec<PlaceId> {
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .filter_map(|ev| match ev {
            Event::Call {
                call, recv, result, ..
            } if pick(*call, recv) => Some(*result),
            _ => None,
        })
        .collect()
}

/// Every (derived, source) pair of a body, in order: a copy or pointer
/// (`let g = x`, `let p = &x`) and a method call's result from its receiver
/// (`let g = self.nodes.lock()`).
pub(super) fn derivations(body: &Body) -> impl Iterator<Item = (PlaceId, PlaceId)> + '_ {
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .filter_map(|ev| match ev {
            Event::Move { dest, src, .. } | Event::Alias { dest, of: src, .. } => {
                Some((*dest, *src))
            }
            Event::Call {
                recv: Some(r),
                result,
                ..
            } => r.places.first().map(|&(p, _)| (*result, p)),
            _ => None,
        })
}

/// `self` and the locals derived from it (`let mut g = self.nodes.lock().unwrap()`).
pub(super) fn derived_from_self(body: &Body) -> Vec<PlaceId> {
    let mut out: Vec<PlaceId> = body.receiver.map(|r| r.0).into_iter().collect();
    for (dest, src) in derivations(body) {
        if out.contains(&body.root_of(src)) && !out.contains(&dest) {
            out.push(dest);
        }
    }
    out
}

/// One pool: an acquire that hands out values of a type without a named
/// reset, and the releases that take them back.
struct Pool<'i> {
    acquire: &'i super::Api,
    ty: String,
    releases: Vec<&'i super::Api>,
    /// The acquire hands out a guard (this type) whose `Drop` gives the
    /// value back.
    guard: Option<String>,
}

/// Is `ty` a pooled type an inline reset may be looked for on: a struct
/// with fields and no named reset?
fn resettable(index: &Index, ty: &str) -> bool {
    index.struct_decl(ty).is_some_and(|d| !d.fields.is_empty()) && !index.type_has_reset(ty)
}

/// A guard's `Drop` that gives a value back (pushes it onto a free list of
/// its pool, or passes it to a release): the type of the guard field the
/// value came out of, and the places holding the value in the `Drop`.
fn drop_give_back(
    index: &Index,
    guard: &str,
    body: &Body,
    file: usize,
) -> Option<(String, Vec<PlaceId>)> {
    let (receiver, _) = body.receiver?;
    let decl = index.struct_decl(guard)?;
    // Locals holding what was taken out of a field of `self` (`self.buf.take()`).
    let mut taken: HashMap<PlaceId, String> = HashMap::new();
    let self_field = |p: PlaceId| -> Option<String> {
        (body.root_of(p) == receiver && p != receiver)
            .then(|| body.field_path(p).first().map(|f| f.to_string()))
            .flatten()
    };
    for _ in 0..3 {
        for ev in body.blocks.iter().flat_map(|b| &b.events) {
            let (dest, src) = match ev {
                Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => (*dest, *src),
                Event::Call {
                    recv: Some(r),
                    result,
                    ..
                } => match r.places.first() {
                    Some(&(p, _)) => (*result, p),
                    None => continue,
                },
                _ => continue,
            };
            let f = self_field(src).or_else(|| taken.get(&body.root_of(src)).cloned());
            if let Some(f) = f {
                taken.entry(dest).or_insert(f);
            }
        }
    }
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call {
            call, recv, args, ..
        } = ev
        else {
            continue;
        };
        let callee = &body.callees[*call as usize];
        // A `Drop` has nothing but `self` (and globals) to push onto: a
        // value taken out of `self` and pushed is given back (the free list
        // reached through `self.pool.upgrade()` or a thread-local alike).
        let recv_from: Vec<Option<&String>> = recv
            .iter()
            .flat_map(|r| &r.places)
            .filter(|&&(p, _)| p != receiver)
            .map(|&(p, _)| taken.get(&body.root_of(p)))
            .collect();
        let put_back = PUT_BACKS.contains(&callee.name.as_str()) && !recv_from.is_empty();
        if !put_back && !matches!(index.effect(callee, file), CallEffect::Release { .. }) {
            continue;
        }
        for &(p, _) in args.iter().flat_map(|a| &a.places) {
            let value = body.root_of(p);
            let Some(field) = taken.get(&value) else {
                continue;
            };
            // Not a push into the value's own field.
            if put_back && recv_from.contains(&Some(field)) {
                continue;
            }
            let f = decl.fields.iter().find(|f| f.name == *field)?;
            let ty = f
                .core
                .iter()
                .chain(&f.mentions)
                .find(|t| resettable(index, t))?;
            // The value's holders: the local it was taken into and what it moved into.
            let start: Vec<PlaceId> = taken
                .iter()
                .filter(|(_, g)| *g == field)
                .map(|(p, _)| *p)
                .collect();
            return Some((ty.clone(), holders_from(body, &start)));
        }
    }
    None
}

pub fn compute(
    index: &Index,
    source: BodySource<'_>,
    links: &HashMap<String, BTreeSet<String>>,
) -> Vec<InlineFinding> {
    let mut pools: Vec<Pool<'_>> = Vec::new();
    for a in index.apis() {
        let (Role::Acquire { guard }, None, false, Some(owner), Some(ty)) =
            (a.role, a.pack(), a.handle, &a.owner, &a.returns)
        else {
            continue;
        };
        // A guard: the pooled type is what its `Drop` gives back (known
        // once the bodies are read; a guard without such a `Drop` is none).
        if (guard || index.is_guard_type(ty)) && index.struct_decl(ty).is_some() {
            pools.push(Pool {
                acquire: a,
                ty: String::new(),
                releases: Vec::new(),
                guard: Some(ty.clone()),
            });
        }
        if !resettable(index, ty) {
            continue;
        }
        let releases: Vec<&super::Api> = index
            .apis()
            .iter()
            .filter(|r| {
                matches!(r.role, Role::Release(_))
                    && r.pack().is_none()
                    && (r.owner.as_deref() == Some(owner.as_str())
                        || (r.pool.is_some() && r.pool == a.pool))
            })
            .collect();
        if releases.is_empty() {
            continue;
        }
        pools.push(Pool {
            acquire: a,
            ty: ty.clone(),
            releases,
            guard: None,
        });
    }
    if pools.is_empty() {
        return Vec::new();
    }
    // Every guard type an acquire of the crate hands out: its `Drop` is a
    // release path.
    let guards: BTreeSet<String> = index
        .apis()
        .iter()
        .filter(|a| {
            matches!(a.role, Role::Acquire { guard: true }) && a.pack().is_none() && !a.handle
        })
        .filter_map(|a| a.returns.clone())
        .chain(pools.iter().filter_map(|p| p.guard.clone()))
        .filter(|g| index.struct_decl(g).is_some())
        .collect();
    let owners: BTreeSet<String> = pools
        .iter()
        .flat_map(|p| {
            std::iter::once(p.acquire.owner.as_deref())
                .chain(p.releases.iter().map(|r| r.owner.as_deref()))
        })
        .flatten()
        .chain(
            pools
                .iter()
                .map(|p| p.ty.as_str())
                .filter(|t| !t.is_empty()),
        )
        .chain(guards.iter().map(String::as_str))
        .map(str::to_string)
        .collect();
    let mut files = source(
        &[KeySet::new(owners.iter().map(|o| Key::MethodOf(o)))],
        None,
    );
    // What each guard's `Drop` gives back: (guard, pooled type, file, drop body index, holders).
    let mut give_backs: Vec<(String, String, usize, usize, Vec<PlaceId>)> = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        for (bi, body) in file.bodies.iter().enumerate() {
            if let Some(g) = body.dropped_type().map(str::to_string)
                && guards.contains(&g)
                && let Some((ty, holders)) = drop_give_back(index, &g, body, file.file)
            {
                give_backs.push((g, ty, fi, bi, holders));
            }
        }
    }
    // A guard pool's pooled type; read its methods too if not read yet.
    let mut extra = Vec::new();
    for pool in pools.iter_mut() {
        if let Some(g) = &pool.guard
            && let Some((_, ty, ..)) = give_backs.iter().find(|(gg, ..)| gg == g)
        {
            if !owners.contains(ty) {
                extra.push(ty.clone());
            }
            pool.ty = ty.clone();
        }
    }
    pools.retain(|p| !p.ty.is_empty());
    if !extra.is_empty() {
        let more = source(&[KeySet::new(extra.iter().map(|t| Key::MethodOf(t)))], None);
        let known: BTreeSet<usize> = files.iter().map(|f| f.file).collect();
        files.extend(more.into_iter().filter(|f| !known.contains(&f.file)));
    }
    // Methods of the pooled types: what each resets of `self`, and the
    // fields they read to reach the pool they give `self` back to.
    let mut methods: HashMap<(String, String), FieldResets> = HashMap::new();
    let mut links = links.clone();
    for file in &files {
        for body in file.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
            if let (Some(ty), Some(name), Some((receiver, _))) =
                (&body.self_type, &body.fn_name, body.receiver)
                && pools.iter().any(|p| p.ty == *ty)
            {
                let found = super::summaries::pool_links(index, body, file.file, receiver);
                if !found.is_empty() {
                    links.entry(ty.clone()).or_default().extend(found);
                }
                let e = effects_on(index, body, file.file, &[receiver], ty, &HashMap::new());
                methods.insert(
                    (ty.clone(), name.clone()),
                    FieldResets {
                        all: e.all,
                        fields: e.reset,
                    },
                );
            }
        }
    }
    // The first method of each (type, name), found once: a scan of every
    // body per pool made this quadratic in crates of many pools.
    let mut by_method: HashMap<(&str, &str), (usize, &Body)> = HashMap::new();
    for f in &files {
        for b in f.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
            if let (Some(owner), Some(name)) = (b.self_type.as_deref(), b.fn_name.as_deref()) {
                by_method.entry((owner, name)).or_insert((f.file, b));
            }
        }
    }
    let find_body = |owner: &str, name: &str| by_method.get(&(owner, name)).copied();
    // First what the pool's own paths reset, for every pool; then, in one
    // read of the files that call any of their acquires, what each acquire
    // site sets (a read per pool made this phase quadratic).
    let mut pending: Vec<(usize, Effects, Vec<&str>)> = Vec::new();
    for (pi, pool) in pools.iter().enumerate() {
        let owner = pool.acquire.owner.as_deref().unwrap_or_default();
        let Some((acquire_file, acquire_body)) = find_body(owner, &pool.acquire.name) else {
            continue;
        };
        // The reuse path: what the acquire does to a value it pops off a
        // field of `self` (or a lock guard of one).
        let from_self = derived_from_self(acquire_body);
        let popped = call_results(acquire_body, |call, recv| {
            POPS.contains(&acquire_body.callees[call as usize].name.as_str())
                && recv.as_ref().is_some_and(|r| {
                    r.places.iter().any(|&(p, _)| {
                        from_self.contains(&acquire_body.root_of(p))
                            && acquire_body.receiver.is_none_or(|(s, _)| p != s)
                    })
                })
        });
        if popped.is_empty() {
            continue;
        }
        let mut paths = effects_on(
            index,
            acquire_body,
            acquire_file,
            &holders_from(acquire_body, &popped),
            &pool.ty,
            &methods,
        );
        // The release path: the release fns, and the `Drop` of each guard
        // that gives a value of the type back.
        for r in &pool.releases {
            let Some((release_file, body)) = r.owner.as_deref().and_then(|o| find_body(o, &r.name))
            else {
                continue;
            };
            let released = match r.role {
                Role::Release(ReleaseParam::Param(i)) => body.params.get(i).copied().flatten(),
                Role::Release(ReleaseParam::Receiver) => body.receiver.map(|r| r.0),
                _ => None,
            };
            if let Some(p) = released {
                paths.merge(effects_on(
                    index,
                    body,
                    release_file,
                    &holders_from(body, &[p]),
                    &pool.ty,
                    &methods,
                ));
            }
        }
        let mut drops = 0;
        for (g, ty, fi, bi, holders) in &give_backs {
            if *ty != pool.ty || pool.guard.as_ref().is_some_and(|pg| pg != g) {
                continue;
            }
            let file = &files[*fi];
            paths.merge(effects_on(
                index,
                &file.bodies[*bi],
                file.file,
                holders,
                &pool.ty,
                &methods,
            ));
            drops += 1;
        }
        if pool.guard.is_some() && drops == 0 {
            continue;
        }
        if paths.all {
            continue;
        }
        let decl = index.struct_decl(&pool.ty).expect("pooled type declared");
        let linked = links.get(&pool.ty);
        let candidates: Vec<&str> = decl
            .fields
            .iter()
            .filter(|f| {
                !f.keep
                    && !paths.reset.contains(&f.name)
                    && !linked.is_some_and(|l| l.contains(&f.name))
            })
            .map(|f| f.name.as_str())
            .collect();
        if !candidates.is_empty() {
            pending.push((pi, paths, candidates));
        }
    }
    // Acquire sites: what each sets right after the acquire.
    let mut sites = acquire_sites(index, source, &pools, &pending, &methods);
    let mut out = Vec::new();
    for (pi, paths, candidates) in pending {
        let pool = &pools[pi];
        let owner = pool.acquire.owner.as_deref().unwrap_or_default();
        let sites = sites.remove(&pi).unwrap_or_default();
        let mut missed = Vec::new();
        let mut accumulates = Vec::new();
        let mut per_site: BTreeMap<(usize, Span, Span), Vec<String>> = BTreeMap::new();
        for f in candidates {
            let setting = sites.iter().filter(|s| s.3.reset.contains(f) || s.3.all);
            let count = setting.count();
            if !sites.is_empty() && count == sites.len() {
                continue;
            }
            if count > 0 {
                for s in sites.iter().filter(|s| !(s.3.reset.contains(f) || s.3.all)) {
                    per_site
                        .entry((s.0, s.1, s.2))
                        .or_default()
                        .push(f.to_string());
                }
                continue;
            }
            if paths.appended.contains(f) {
                accumulates.push(f.to_string());
            } else {
                missed.push(f.to_string());
            }
        }
        // Fields left alone are a finding only where the pool's paths show they
        // mean to reset (they clear something); appends grow whatever the intent.
        if paths.cleared.is_empty() {
            missed.clear();
        }
        if !missed.is_empty() || !accumulates.is_empty() {
            out.push(InlineFinding::Acquire {
                owner: owner.to_string(),
                name: pool.acquire.name.clone(),
                ty: pool.ty.clone(),
                missed,
                accumulates,
            });
        }
        if !paths.cleared.is_empty() {
            for ((file, body, call), missed) in per_site {
                out.push(InlineFinding::Site {
                    file,
                    body,
                    call,
                    acquire: pool.acquire.display_name(),
                    ty: pool.ty.clone(),
                    missed,
                });
            }
        }
    }
    out
}

/// Every call of a pending pool's acquire outside the pool's own methods,
/// by pool: (file, body span, call span, what the body does to the
/// acquired value).
type Site = (usize, Span, Span, Effects);

fn acquire_sites(
    index: &Index,
    source: BodySource<'_>,
    pools: &[Pool<'_>],
    pending: &[(usize, Effects, Vec<&str>)],
    methods: &HashMap<(String, String), FieldResets>,
) -> HashMap<usize, Vec<Site>> {
    let mut out: HashMap<usize, Vec<Site>> = HashMap::new();
    if pending.is_empty() {
        return out;
    }
    let names: BTreeSet<&str> = pending
        .iter()
        .map(|(pi, ..)| pools[*pi].acquire.name.as_str())
        .collect();
    let keys = KeySet::new(names.iter().flat_map(|n| index.call_keys(n)));
    // Each pending pool by its acquire (the address of the index's own `Api`).
    let pending_of: HashMap<usize, usize> = pending
        .iter()
        .map(|(pi, ..)| (std::ptr::from_ref(pools[*pi].acquire).addr(), *pi))
        .collect();
    // Each file on its own (in parallel), the sites kept in file order.
    let files = source(std::slice::from_ref(&keys), None);
    let per_file: Vec<Vec<(usize, Site)>> = files
        .par_iter()
        .map(|file| {
            let mut found = Vec::new();
            for body in file.bodies.iter() {
                for ev in body.blocks.iter().flat_map(|b| &b.events) {
                    let Event::Call {
                        call, result, span, ..
                    } = ev
                    else {
                        continue;
                    };
                    let callee = &body.callees[*call as usize];
                    let Some(api) = index.lookup(callee, file.file) else {
                        continue;
                    };
                    let Some(&pi) = pending_of.get(&std::ptr::from_ref(api).addr()) else {
                        continue;
                    };
                    let pool = &pools[pi];
                    // The acquire's own body is the reuse path, not a site.
                    if body.self_type == pool.acquire.owner
                        && body.fn_name.as_deref() == Some(pool.acquire.name.as_str())
                    {
                        continue;
                    }
                    let holders = holders_from(body, &[*result]);
                    let effects = effects_on(index, body, file.file, &holders, &pool.ty, methods);
                    found.push((pi, (file.file, body.span, *span, effects)));
                }
            }
            found
        })
        .collect();
    for (pi, site) in per_file.into_iter().flatten() {
        out.entry(pi).or_default().push(site);
    }
    out
}
