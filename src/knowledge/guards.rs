//! Guard types the code defines for itself: a type whose `Drop` calls a
//! pool's release (`impl Drop for Undo { fn drop(&mut self) { if self.armed
//! { self.limits.decrement_count() } } }`). Building one after an acquire
//! covers every later exit; a disarm — a field its `Drop` checks set again
//! (`g.armed = false`), one of its methods that does so, `mem::forget(g)`,
//! `into_inner(g)` — hands the obligation back to the body.

use super::Index;
use crate::flow::CallEffect;
use crate::ir::{Body, Event, PlaceKind};
use crate::store::{BodySource, Key, KeySet};
use std::collections::{BTreeSet, HashMap};

/// What the index knows of a guard type the code defines.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GuardInfo {
    /// Fields its `Drop` reads (an `armed` flag): setting one disarms it.
    pub arm_fields: BTreeSet<String>,
    /// Its methods that set one of those fields.
    pub disarm_methods: BTreeSet<String>,
}

/// Find the guard types: `Drop` impls that call a release.
pub fn infer(index: &mut Index, source: BodySource<'_>) {
    let releases = index.release_names();
    let calls = index.scoped_call_keys(releases.iter().map(String::as_str));
    // A `Drop` that undoes a claim of a pool is a guard too.
    let claims = index.has_claim_fields();
    if calls.is_empty() && !claims {
        return;
    }
    let shared: &Index = index;
    let query = [KeySet::new([Key::Implements("Drop")])];
    let undoes = KeySet::new(super::claims::UNDOS.iter().map(|n| Key::InDrop(n)));
    // ... on a claim field (`store` and `swap` are in most `Drop`s).
    let claim_fields = KeySet::new(
        index
            .claim_field_list()
            .into_iter()
            .map(|(_, field)| Key::InDrop(field)),
    );
    // Or it calls one of its own type's methods that names one
    // (`if self.i > 0 { self.reset_buf() }`, where `reset_buf` gives the
    // bytes back): the file then calls a release in some body.
    let files = source(
        &query,
        Some(&|file, probe| {
            calls.matches(shared, file, probe) || claims && probe(&undoes) && probe(&claim_fields)
        }),
    );
    let mut guards: HashMap<String, GuardInfo> = HashMap::new();
    for file in &files {
        let calls_a_release = |body: &Body| {
            body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
                matches!(ev, Event::Call { call, .. }
                    if matches!(shared.effect(&body.callees[*call as usize], file.file), CallEffect::Release { .. }))
            })
        };
        for body in &file.bodies {
            let Some(ty) = body.self_type.as_ref().filter(|_| body.is_drop()) else {
                continue;
            };
            let gives_back = calls_a_release(body)
                || super::claims::undoes_a_claim(shared, body)
                || own_methods_called(body).any(|name| {
                    file.bodies.iter().any(|m| {
                        m.self_type.as_ref() == Some(ty)
                            && m.fn_name.as_deref() == Some(name)
                            && !m.is_drop()
                            && calls_a_release(m)
                    })
                });
            if gives_back {
                guards.entry(ty.clone()).or_default().arm_fields = fields_read(body);
            }
        }
    }
    if guards.is_empty() {
        return;
    }
    // Their methods that set an arm field disarm them.
    let types: Vec<String> = guards.keys().cloned().collect();
    let methods = source(&[KeySet::new(types.iter().map(|t| Key::MethodOf(t)))], None);
    for file in &methods {
        for body in &file.bodies {
            let (Some(ty), Some(name)) = (&body.self_type, &body.fn_name) else {
                continue;
            };
            let Some(info) = guards.get_mut(ty) else {
                continue;
            };
            if body.trait_name.as_deref() != Some("Drop")
                && (fields_set(body, ty)
                    .iter()
                    .any(|f| info.arm_fields.contains(f))
                    || forgets_itself(body, ty))
            {
                info.disarm_methods.insert(name.clone());
            }
        }
    }
    index.add_guards(guards);
}

/// The places holding a method's own value: its receiver, and parameters
/// of its own type (`fn into_inner(g: Self)`).
fn own_places(body: &Body, ty: &str) -> Vec<u32> {
    let own_type = Some(crate::ir::TypeRef::Named(ty.to_string()));
    body.receiver
        .map(|(r, _)| r)
        .into_iter()
        .chain(
            body.params
                .iter()
                .flatten()
                .copied()
                .filter(|&p| body.places[p as usize].ty == own_type),
        )
        .collect()
}

/// A method of a guard type that forgets its own value taken by value
/// (`fn into_inner(g: Self) -> T { .. mem::forget(g); .. }`, as
/// `ScopeGuard::into_inner` does): its `Drop` never runs.
fn forgets_itself(body: &Body, ty: &str) -> bool {
    let own = own_places(body, ty);
    body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
        matches!(ev, Event::Call { call, args, .. }
            if body.callees[*call as usize].name == "forget"
                && args.first().is_some_and(|a| a.places.iter().any(|(p, _)| own.contains(p))))
    })
}

/// The methods `body` calls on its own receiver (`self.reset_buf()`).
fn own_methods_called(body: &Body) -> impl Iterator<Item = &str> {
    let receiver = body.receiver.map(|(r, _)| r);
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .filter_map(move |ev| match ev {
            Event::Call {
                call,
                recv: Some(recv),
                ..
            } if receiver.is_some() && recv.places.iter().any(|&(p, _)| Some(p) == receiver) => {
                Some(body.callees[*call as usize].name.as_str())
            }
            _ => None,
        })
}

/// The fields of `self` the body reads (a condition such as `if self.armed`).
fn fields_read(body: &Body) -> BTreeSet<String> {
    self_fields(body, |ev| match ev {
        Event::Use { place, .. } => Some(*place),
        _ => None,
    })
}

/// The fields of its own value the body assigns (`self.armed = false`,
/// `g.armed = false` in `fn into_inner(mut g: Self)`).
fn fields_set(body: &Body, ty: &str) -> BTreeSet<String> {
    let own = own_places(body, ty);
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .filter_map(|ev| match ev {
            Event::Assign { place, .. } => Some(*place),
            _ => None,
        })
        .filter(|&p| {
            body.places[p as usize].kind == PlaceKind::Field
                && body.places[p as usize]
                    .parent
                    .is_some_and(|q| own.contains(&q))
        })
        .filter_map(|p| body.field_path(p).first().map(|s| s.to_string()))
        .collect()
}

fn self_fields(body: &Body, place_of: impl Fn(&Event) -> Option<u32>) -> BTreeSet<String> {
    let Some((receiver, _)) = body.receiver else {
        return BTreeSet::new();
    };
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .filter_map(place_of)
        .filter(|&p| {
            body.places[p as usize].kind == PlaceKind::Field
                && body.places[p as usize].parent == Some(receiver)
        })
        .filter_map(|p| body.field_path(p).first().map(|s| s.to_string()))
        .collect()
}
