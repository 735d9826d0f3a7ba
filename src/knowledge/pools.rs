//! Inference of hand-rolled pools.
//!
//! A type with a free-list field (a `Vec<T>`, `VecDeque<T>`, `ArrayQueue<T>`,
//! `SegQueue<T>` or channel of `T`, possibly behind `Mutex`/`RwLock`/`RefCell`)
//! is a pool when one of its methods returns a `T` it popped or received from
//! that field (an acquire) and another takes a `T` by value and pushes or sends
//! it back (a release). A type whose `Drop` gives a value back to such a pool
//! is a guard, and a pool method returning that guard is a guard acquire.
//!
//! To stay precise, the element type must be concrete (not a type parameter),
//! the acquire must return the element itself (a pool makes a fresh one when
//! the free list is empty; a queue returns `Option<T>`), and the type or field
//! name must say it pools (`pool`, `free`, `cache`, `spare`, `idle`, `recycle`, ...).

use super::resolve::TypeOrigin;
use super::{Api, ApiOrigin, Index, ReleaseParam, Role};
use crate::flow::CallEffect;
use crate::ir::{Body, BodyKind, Event, PlaceId, PlaceKind, TypeRef};
use crate::store::{BodySource, FileBodies, Key, KeySet};
use std::collections::{BTreeSet, HashMap};

pub(super) const POPS: &[&str] = &[
    "pop",
    "pop_front",
    "pop_back",
    "recv",
    "try_recv",
    "try_pop",
    "steal",
];
pub(super) const PUSHES: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "send",
    "try_send",
    "force_push",
];
const POOLISH: &[&str] = &[
    "pool", "free", "cache", "spare", "idle", "recycl", "reuse", "avail", "stash", "arena",
];

fn poolish(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    POOLISH.iter().any(|w| lower.contains(w))
}

/// For every place, the named place it was derived from (through moves,
/// aliases and method-call results: `self.free.lock().unwrap()` comes from
/// `self.free`). With `through_locals`, a local bound from one comes from it
/// too (`Some(c) => push(c)` of `match self.conn.take()`).
pub(super) fn derived_from(body: &Body, through_locals: bool) -> Vec<PlaceId> {
    let mut origin: Vec<PlaceId> = (0..body.places.len() as PlaceId).collect();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let (dest, src) = match ev {
            Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => (*dest, *src),
            Event::Alias { dest, of, .. } => (*dest, *of),
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
        let kind = body.places[dest as usize].kind;
        if kind == PlaceKind::Temp || (through_locals && kind == PlaceKind::Local) {
            origin[dest as usize] = origin[src as usize];
        }
    }
    origin
}

/// The first-level field of `self` a place comes from.
pub(super) fn self_field(body: &Body, origin: &[PlaceId], place: PlaceId) -> Option<String> {
    let (receiver, _) = body.receiver?;
    let p = origin[place as usize];
    if body.root_of(p) != receiver || p == receiver {
        return None;
    }
    body.field_path(p).first().map(|s| s.to_string())
}

/// A type with free-list fields (possibly several: a channel's two ends) of one element type.
struct Candidate {
    pool: String,
    fields: Vec<String>,
    element: String,
}

/// Add the APIs of hand-rolled pools (and their guards) to the index.
pub fn infer_pools(index: &mut Index, source: BodySource<'_>, free_list_types: &BTreeSet<String>) {
    let mut candidates: Vec<Candidate> = Vec::new();
    for s in index.struct_decls() {
        for f in &s.fields {
            let Some((container, element)) = f.collection.clone() else {
                continue;
            };
            let concrete = !s.generics.contains(&element);
            if !(concrete
                && free_list_types.contains(&container)
                && (poolish(&s.name) || poolish(&f.name)))
            {
                continue;
            }
            match candidates
                .iter_mut()
                .find(|c| c.pool == s.name && c.element == element)
            {
                Some(c) => c.fields.push(f.name.clone()),
                None => candidates.push(Candidate {
                    pool: s.name.clone(),
                    fields: vec![f.name.clone()],
                    element,
                }),
            }
        }
    }
    candidates.sort_by(|a, b| (&a.pool, &a.element).cmp(&(&b.pool, &b.element)));
    if candidates.is_empty() {
        return;
    }
    // Inherent methods by type, once: each candidate looks at its pool's only
    // (not at every body of the crate, which made this quadratic).
    let files = source(
        &[KeySet::new(
            candidates.iter().map(|c| Key::MethodOf(c.pool.as_str())),
        )],
        None,
    );
    let mut methods: HashMap<&str, Vec<(&FileBodies, &Body)>> = HashMap::new();
    for input in &files {
        for body in &input.bodies {
            if let (BodyKind::Fn, Some(ty), None) = (body.kind, &body.self_type, &body.trait_name) {
                methods.entry(ty.as_str()).or_default().push((input, body));
            }
        }
    }
    let mut found: Vec<Api> = Vec::new();
    let mut guards: HashMap<String, String> = HashMap::new();
    for c in &candidates {
        // A free list of indices or other plain numbers hands out keys (a
        // slot allocator's): like slab keys, they are handles, not values
        // whose drop leaks anything.
        let handle = index.canon(&c.element).origin == TypeOrigin::Std;
        let mut acquires = Vec::new();
        let mut releases = Vec::new();
        for &(input, body) in methods.get(c.pool.as_str()).into_iter().flatten() {
            let origin = derived_from(body, false);
            let on_free_list = |recv: &Option<crate::ir::Arg>| {
                recv.as_ref()
                    .and_then(|r| r.places.first())
                    .and_then(|&(p, _)| self_field(body, &origin, p))
                    .is_some_and(|f| c.fields.contains(&f))
            };
            let calls = || {
                body.blocks
                    .iter()
                    .flat_map(|b| &b.events)
                    .filter_map(|ev| match ev {
                        Event::Call {
                            call, recv, args, ..
                        } => Some((&body.callees[*call as usize].name, recv, args)),
                        _ => None,
                    })
            };
            let api = |role, via: String| Api {
                role,
                owner: Some(c.pool.clone()),
                name: body.fn_name.clone().unwrap_or_default(),
                has_receiver: Some(true),
                returns: body.returns.clone(),
                handle,
                counter: false,
                pool: Some(c.pool.clone()),
                origin: ApiOrigin::Inferred {
                    path: input.path.clone(),
                    line: body.line as usize,
                    via,
                },
                file: Some(input.file),
                declared_arg: None,
                module: None,
                boxes: false,
                collected: false,
                result: 0,
            };
            let fields = c.fields.join("`, `");
            let element_param = body.params.iter().position(|p| {
                p.is_some_and(|p| {
                    body.places[p as usize].ty == Some(TypeRef::Named(c.element.clone()))
                })
            });
            if let Some(i) = element_param {
                let param = body.params[i].expect("position found a param");
                let pushes_it = calls().any(|(name, recv, args)| {
                    PUSHES.contains(&name.as_str())
                        && on_free_list(recv)
                        && args
                            .iter()
                            .flat_map(|a| &a.places)
                            .any(|&(p, _)| body.root_of(origin[p as usize]) == param)
                });
                // A method that takes a value and puts it back is a release,
                // whatever it returns.
                if pushes_it {
                    releases.push(api(
                        Role::Release(ReleaseParam::Param(i)),
                        format!("puts a `{}` back on the free list `{fields}`", c.element),
                    ));
                    continue;
                }
            }
            let returns_element =
                body.returns.as_deref() == Some(c.element.as_str()) && !body.returns_wrapped;
            if returns_element
                && calls()
                    .any(|(name, recv, _)| POPS.contains(&name.as_str()) && on_free_list(recv))
            {
                acquires.push(api(
                    Role::Acquire { guard: false },
                    format!("takes a `{}` from the free list `{fields}`", c.element),
                ));
            }
        }
        if !acquires.is_empty() && !releases.is_empty() {
            found.extend(acquires);
            found.extend(releases);
            guards.insert(c.pool.clone(), c.element.clone());
        }
    }
    for api in found {
        index.add(api);
    }
    infer_guards(index, source, &files, &guards);
}

/// A type whose `Drop` gives a value back through an inferred release is a
/// guard; the pool's methods that return it are guard acquires.
fn infer_guards(
    index: &mut Index,
    source: BodySource<'_>,
    pool_methods: &[FileBodies],
    pools: &HashMap<String, String>,
) {
    let mut guard_types = Vec::new();
    // A guard's `drop` calls a release.
    let releases = index.release_names();
    let calls = index.scoped_call_keys(releases.iter().map(String::as_str));
    let shared: &Index = index;
    let query = [KeySet::new([Key::Implements("Drop")])];
    // The `Drop` itself must name one (see `guards::infer`).
    let released_in_drop = KeySet::new(releases.iter().map(|n| Key::InDrop(n)));
    for input in &source(
        &query,
        Some(&|file, probe| calls.matches(shared, file, probe) && probe(&released_in_drop)),
    ) {
        for body in &input.bodies {
            let Some(ty) = body.dropped_type() else {
                continue;
            };
            let releases = body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
                matches!(ev, Event::Call { call, .. }
                    if matches!(index.effect(&body.callees[*call as usize], input.file), CallEffect::Release { .. }))
            });
            if releases {
                guard_types.push(ty.to_string());
            }
        }
    }
    if guard_types.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for input in pool_methods {
        for body in input.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
            let (Some(pool), Some(ret)) = (&body.self_type, &body.returns) else {
                continue;
            };
            if !pools.contains_key(pool) || !guard_types.contains(ret) || body.trait_name.is_some()
            {
                continue;
            }
            found.push(Api {
                role: Role::Acquire { guard: true },
                owner: Some(pool.clone()),
                name: body.fn_name.clone().unwrap_or_default(),
                has_receiver: Some(body.receiver.is_some()),
                returns: Some(ret.clone()),
                handle: false,
                counter: false,
                pool: Some(pool.clone()),
                origin: ApiOrigin::Inferred {
                    path: input.path.clone(),
                    line: body.line as usize,
                    via: format!("returns `{ret}`, whose `Drop` gives back to `{pool}`"),
                },
                file: Some(input.file),
                declared_arg: None,
                module: None,
                boxes: false,
                collected: false,
                result: 0,
            });
        }
    }
    for api in found {
        index.add(api);
    }
    index.mark_guard_types(&guard_types);
}
