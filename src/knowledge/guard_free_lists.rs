//! Free lists a guard gives back to (issue 15 items 1 and 5). A guard type
//! whose `Drop` pushes the value it wraps (`self.conn.take().unwrap()`)
//! onto a collection field of a type the code declares (`InnerPool.pool:
//! VecDeque<Conn>`) shows where its pool keeps idle values, even when no
//! method of that type pops or pushes (mysql's pool does both inline).
//!
//! In the methods of the pool's own type (the owner of the guard-acquire),
//! a pop off that field takes a value the body then owes back: it wraps it
//! in the guard (stored and returned), pushes it back, or gives back the
//! count the pool keeps of it (`self.count.fetch_sub(1, ..)` on a claim
//! field the guard's `Drop` undoes, see [`super::claims`]). The value is a
//! count in the flow's sense: only the ways out that fail leak it, since a
//! method may drop an idle value on purpose (a reaper) and return normally.

use super::pools::{POPS, PUSHES, derived_from, self_field};
use super::{Index, Role};
use crate::flow::{AcquireKind, CallEffect, ReleaseArg};
use crate::ir::{Body, Event, TypeRef};
use crate::store::{BodySource, Key, KeySet};
use std::collections::HashMap;

/// A collection field a guard's `Drop` gives its value back to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GuardFreeList {
    /// The guard type whose `Drop` gives back to the list.
    pub guard: String,
    /// The pool of the guard-acquires that return the guard.
    pub pool: String,
    /// Types whose methods take values off the list: the guard-acquires'
    /// owners.
    pub takers: Vec<String>,
    /// The type declaring the field, and the field.
    pub owner: String,
    pub field: String,
}

/// Learn the free lists guards give back to, from their `Drop`.
pub fn learn(index: &mut Index, source: BodySource<'_>) {
    // Guard type -> (pool, owner) of the guard-acquires that return it.
    let mut guards: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for api in index.apis() {
        if let (Role::Acquire { guard: true }, Some(ty), Some(owner)) =
            (&api.role, &api.returns, &api.owner)
        {
            let pool = api.pool.clone().unwrap_or_else(|| owner.clone());
            guards
                .entry(ty.clone())
                .or_default()
                .push((pool, owner.clone()));
        }
    }
    if guards.is_empty() {
        return;
    }
    let pushes = KeySet::new(PUSHES.iter().map(|n| Key::InDrop(n)));
    let drops = KeySet::new([Key::Implements("Drop")]);
    let guard_methods = KeySet::new(guards.keys().map(|t| Key::MethodOf(t)));
    let filter: crate::store::FileFilter<'_> = &|_, probe| probe(&drops) && probe(&guard_methods);
    let mut found: Vec<GuardFreeList> = Vec::new();
    for input in &source(&[pushes], Some(filter)) {
        for body in &input.bodies {
            let Some(ty) = body.dropped_type() else {
                continue;
            };
            let Some(acquires) = guards.get(ty) else {
                continue;
            };
            for (owner, field) in lists_given_back_to(index, body, ty) {
                for (pool, taker) in acquires {
                    match found.iter_mut().find(|l| {
                        l.guard == ty && &l.pool == pool && l.owner == owner && l.field == field
                    }) {
                        Some(l) if !l.takers.contains(taker) => l.takers.push(taker.clone()),
                        Some(_) => {}
                        None => found.push(GuardFreeList {
                            guard: ty.to_string(),
                            pool: pool.clone(),
                            takers: vec![taker.clone()],
                            owner: owner.clone(),
                            field: field.clone(),
                        }),
                    }
                }
            }
        }
    }
    index.add_guard_free_lists(found);
}

/// The collection fields (owner type, field) a guard's `Drop` pushes a
/// value taken out of one of its own fields onto, when the element type is
/// the type that field wraps (`conn: Option<Conn>` onto `VecDeque<Conn>`).
fn lists_given_back_to(index: &Index, drop: &Body, guard: &str) -> Vec<(String, String)> {
    let origin = derived_from(drop, true);
    let wraps = |field: &str| {
        index
            .struct_decl(guard)
            .and_then(|d| d.fields.iter().find(|f| f.name == field))
            .and_then(|f| f.core.clone())
    };
    let mut out = Vec::new();
    for ev in drop.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call { call, args, .. } = ev else {
            continue;
        };
        let callee = &drop.callees[*call as usize];
        if !PUSHES.contains(&callee.name.as_str()) {
            continue;
        }
        let Some((owner, field, element)) = collection_field(index, callee) else {
            continue;
        };
        let pushes_own = args
            .iter()
            .flat_map(|a| &a.places)
            .filter_map(|&(p, _)| self_field(drop, &origin, p))
            .any(|f| wraps(&f).as_deref() == Some(element.as_str()));
        if pushes_own && !out.contains(&(owner.clone(), field.clone())) {
            out.push((owner, field));
        }
    }
    out
}

/// The collection field a method call's receiver is, by its type: (the
/// declaring type, the field, the element type), the element concrete.
fn collection_field(index: &Index, callee: &crate::ir::Callee) -> Option<(String, String, String)> {
    let Some(TypeRef::FieldOf(base, field)) = &callee.receiver_type else {
        return None;
    };
    let (decl, f) = index.field_decl(base, field, 0)?;
    let (_, element) = f.collection.as_ref()?;
    if decl.generics.contains(element) {
        return None;
    }
    Some((decl.name.clone(), f.name.clone(), element.clone()))
}

/// In a method of a type that takes values off a guard's free list, read
/// its pops off that list as values owed back, its pushes onto it as their
/// release, and its undos of the pool's claim fields as giving one back.
pub fn resolve(body: &Body, index: &Index, calls: &mut [CallEffect]) {
    let lists = index.guard_free_lists();
    let Some(self_type) = body.self_type.as_deref() else {
        return;
    };
    if lists.is_empty()
        || !lists
            .iter()
            .any(|l| l.takers.iter().any(|t| t == self_type))
    {
        return;
    }
    let mut pools: Vec<&str> = Vec::new();
    for (callee, effect) in body.callees.iter().zip(calls.iter_mut()) {
        if *effect != CallEffect::Unknown {
            continue;
        }
        let Some(list) = index.free_list_called(self_type, callee) else {
            continue;
        };
        *effect = if POPS.contains(&callee.name.as_str()) {
            pools.push(&list.pool);
            CallEffect::Acquire(AcquireKind {
                counter: true,
                ..AcquireKind::raw()
            })
        } else {
            CallEffect::Release {
                arg: ReleaseArg::Arg(0),
                resets: false,
                bounds: false,
            }
        };
    }
    for (callee, effect) in body.callees.iter().zip(calls.iter_mut()) {
        let Some(op) = callee.claim.as_ref().filter(|op| !op.claim) else {
            continue;
        };
        let undoes = pools
            .iter()
            .any(|p| index.claim_fields(p).is_some_and(|f| f.contains(&op.field)));
        if undoes && *effect == CallEffect::Unknown {
            *effect = CallEffect::Release {
                arg: ReleaseArg::Token,
                resets: false,
                bounds: false,
            };
        }
    }
}

impl Index {
    /// The guard's free list a pop or push in a method of `self_type` calls,
    /// when `self_type` takes values off it.
    pub fn free_list_called(
        &self,
        self_type: &str,
        callee: &crate::ir::Callee,
    ) -> Option<&GuardFreeList> {
        let name = callee.name.as_str();
        if self.guard_free_lists().is_empty() || !(POPS.contains(&name) || PUSHES.contains(&name)) {
            return None;
        }
        let (owner, field, _) = collection_field(self, callee)?;
        self.guard_free_lists().iter().find(|l| {
            l.owner == owner && l.field == field && l.takers.iter().any(|t| t == self_type)
        })
    }
}
