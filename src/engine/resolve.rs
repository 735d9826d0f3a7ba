//! Resolving one body against the knowledge index: what each call does, the
//! fields that hold pooled values on entry, the guards in scope, the parts
//! whose type is `Copy`. The flow analysis takes the result as its input.

use crate::flow::{self, CallEffect, Resolution};
use crate::ir::{Body, Event, PlaceId, PlaceKind};
use crate::knowledge::{Index, LateBorrowed};

/// Resolve a body's calls and the pooled fields of `self` against the index.
pub fn resolve(body: &Body, index: &Index, file: usize, late: LateBorrowed<'_>) -> Resolution {
    let mut calls: Vec<CallEffect> = body.callees.iter().map(|c| index.effect(c, file)).collect();
    reset_from_landing_type(body, index, &mut calls);
    crate::knowledge::claims::resolve(body, index, &mut calls);
    crate::knowledge::guard_free_lists::resolve(body, index, &mut calls);
    let mut entry_fields = Vec::new();
    if let (Some((receiver, _)), Some(self_type)) = (body.receiver, &body.self_type) {
        for (p, place) in body.places.iter().enumerate() {
            if place.kind == PlaceKind::Field
                && place.parent == Some(receiver)
                && index.field_holds_pooled(self_type, body.field_path(p as u32)[0])
            {
                entry_fields.push(p as u32);
            }
        }
    }
    entry_fields.extend(borrowed_entry_fields(body, index));
    let element_views = element_views(body, index);
    let locked_maps = locked_maps(body, index);
    // Which arguments a callee only looks at matters only to the values the
    // analysis tracks: without any, asking could lower a deferred file for
    // nothing.
    let has_values = !entry_fields.is_empty()
        || !element_views.is_empty()
        || calls.iter().any(|c| {
            matches!(
                c,
                CallEffect::Acquire(_) | CallEffect::TakeElement | CallEffect::Release { .. }
            )
        });
    let mut res = Resolution {
        borrowing: if has_values {
            borrowing(body, index, file, late)
        } else {
            Vec::new()
        },
        calls,
        entry_fields,
        element_views,
        locked_maps,
        returned_future: returned_future(body, index),
        track_params: false,
        guard_locals: guard_locals(body, index, file),
        copy_parts: Vec::new(),
        acquire_spans: Vec::new(),
    };
    if !res.is_trivial() {
        res.copy_parts = copy_parts(body, index);
    }
    res
}

/// Fields of a local bound to a view of stored data (`let data =
/// user_data.get_mut::<SurfaceData>().unwrap()`) whose declared type holds
/// a pooled value: like `self`'s, they hold one on entry.
fn borrowed_entry_fields(body: &Body, index: &Index) -> Vec<PlaceId> {
    let mut out = Vec::new();
    for (p, place) in body.places.iter().enumerate() {
        let Some(parent) = place.parent.map(|q| &body.places[q as usize]) else {
            continue;
        };
        if place.kind != PlaceKind::Field || parent.kind != PlaceKind::Local || !parent.borrowed {
            continue;
        }
        let Some(ty) = parent.ty.as_ref().and_then(|t| index.resolve_type(t)) else {
            continue;
        };
        let field = place.name.rsplit('.').next().unwrap_or(&place.name);
        if index.field_holds_pooled(&ty, field) {
            out.push(p as PlaceId);
        }
    }
    out
}

/// An acquire whose API does not name what it hands out (Go's
/// `sync.Pool.Get` returns `any`) takes the type of the local its result
/// lands in (`buf := pool.Get().(*bytes.Buffer)`): a value of a type with a
/// reset must be reset before it goes back (PL008).
fn reset_from_landing_type(body: &Body, index: &Index, calls: &mut [CallEffect]) {
    let untyped = |c: &CallEffect| matches!(c, CallEffect::Acquire(k) if !k.guard && !k.needs_reset && !k.counter);
    if !calls.iter().any(untyped) {
        return;
    }
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    // Where each place is first moved to.
    let mut landing: std::collections::HashMap<PlaceId, PlaceId> = Default::default();
    for ev in events() {
        if let Event::Move { dest, src, .. } = ev {
            landing.entry(*src).or_insert(*dest);
        }
    }
    for ev in events() {
        let Event::Call {
            call,
            result,
            more_results,
            ..
        } = ev
        else {
            continue;
        };
        if !untyped(&calls[*call as usize]) {
            continue;
        }
        let CallEffect::Acquire(kind) = &mut calls[*call as usize] else {
            continue;
        };
        let result = crate::ir::result_place(*result, more_results, kind.result);
        kind.needs_reset = landing
            .get(&result)
            .and_then(|d| body.places[*d as usize].ty.as_ref())
            .and_then(|t| index.resolve_type(t))
            .is_some_and(|t| index.type_has_reset(&t));
    }
}

/// The parts of values (field places, and locals bound from a field) whose
/// type is known to be `Copy`: a primitive, or a `Copy` type of the crate.
pub fn copy_parts(body: &Body, index: &Index) -> Vec<PlaceId> {
    let is_copy = |name: &str| {
        (crate::knowledge::resolve::is_primitive(name) && !matches!(name, "error" | "any"))
            || index.is_copy(name)
    };
    let parts = flow::part_sources(body);
    (0..body.places.len() as PlaceId)
        .filter(|&p| body.places[p as usize].kind == PlaceKind::Field || parts.contains_key(&p))
        .filter(|&p| {
            place_type(body, p, 0)
                .and_then(|t| index.resolve_type(&t))
                .is_some_and(|name| is_copy(&name))
        })
        .collect()
}

/// The type of a place: its own, or for a field the member of its owner's
/// type (`self.stack.stack`: field `stack` of field `stack` of `Self`).
fn place_type(body: &Body, p: PlaceId, depth: usize) -> Option<crate::ir::TypeRef> {
    let place = &body.places[p as usize];
    match (place.kind, place.parent) {
        (PlaceKind::Field, Some(parent)) if depth < 8 => Some(crate::ir::TypeRef::FieldOf(
            Box::new(place_type(body, parent, depth + 1)?),
            member_name(place).to_string(),
        )),
        _ => place.ty.clone(),
    }
}

/// The last segment of a field place's name (`stack` of `self.stack`).
fn member_name(place: &crate::ir::Place) -> &str {
    place.name.rsplit('.').next().unwrap_or(&place.name)
}

/// The elements a loop binds as mutable views of the slots of a field
/// whose values hold something to give back (`for slot in
/// self.stack.stack.iter_mut()`, a field of `PageStack` holding pooled
/// values or values with a count taken): each turn starts with the slot's
/// value, which an overwrite through the view (`*slot = None`) abandons.
/// Not when a call earlier in the body was handed the collection or what
/// holds it (`self.unpin_all()`): it may have emptied the slots.
fn element_views(body: &Body, index: &Index) -> Vec<PlaceId> {
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    let mut out = Vec::new();
    for ev in events() {
        let Event::Element {
            element,
            of,
            mutable: true,
            drains: false,
            span,
        } = *ev
        else {
            continue;
        };
        let handed_before = events().any(|ev| match ev {
            Event::Call {
                recv,
                args,
                span: at,
                ..
            } => {
                at.start < span.start
                    && recv
                        .iter()
                        .chain(args)
                        .flat_map(|a| &a.places)
                        .any(|&(p, _)| {
                            body.place_and_owners(of).any(|o| o == p)
                                || body.place_and_owners(p).any(|o| o == of)
                        })
            }
            _ => false,
        });
        if handed_before {
            continue;
        }
        let field = &body.places[of as usize];
        let (PlaceKind::Field, Some(owner)) = (field.kind, field.parent) else {
            continue;
        };
        let Some(owner_type) = place_type(body, owner, 0).and_then(|t| index.resolve_type(&t))
        else {
            continue;
        };
        let member = member_name(field);
        if index.field_holds_pooled(&owner_type, member)
            || index.field_holds_counts(&owner_type, member)
        {
            out.push(element);
        }
    }
    out
}

/// The type of the future the body returns, when a caller may drop it
/// before it is polled with a value in its channel: a type the code
/// defines that implements `Future`, keeps a channel's `Receiver`, and has
/// no `Drop` (see [`crate::flow::ParkedSend`]).
fn returned_future(body: &Body, index: &Index) -> Option<String> {
    let ty = body.returns.as_deref()?;
    if body.returns_wrapped || !index.implements(ty, "Future") || index.implements(ty, "Drop") {
        return None;
    }
    let keeps_receiver = index
        .struct_decl(ty)?
        .fields
        .iter()
        .any(|f| f.mentions.iter().any(|m| m == "Receiver"));
    keeps_receiver.then(|| ty.to_string())
}

/// The map fields behind a lock that hold pooled values, where the body
/// takes their lock more than once (see [`crate::flow::RelockedInsert`]).
fn locked_maps(body: &Body, index: &Index) -> Vec<PlaceId> {
    let mut out = Vec::new();
    for p in flow::relocked_fields(body) {
        let place = &body.places[p as usize];
        let Some(owner) = place.parent else {
            continue;
        };
        let Some(owner_type) = place_type(body, owner, 0).and_then(|t| index.resolve_type(&t))
        else {
            continue;
        };
        if index.locked_map_holds_pooled(&owner_type, member_name(place)) {
            out.push(p);
        }
    }
    out
}

/// Per callee, the arguments the callee only looks at (for shared pointers,
/// [`crate::ir::Mode::Share`]); empty when the body shares none.
pub fn borrowing(body: &Body, index: &Index, file: usize, late: LateBorrowed<'_>) -> Vec<u64> {
    let shares = body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
        matches!(ev, crate::ir::Event::Call { args, .. }
            if args.iter().flat_map(|a| &a.places).any(|(_, m)| *m == crate::ir::Mode::Share))
    });
    if !shares {
        return Vec::new();
    }
    body.callees
        .iter()
        .map(|c| index.borrowed_args(c, file, late))
        .collect()
}

/// The locals holding a scope guard whose closure gives back to a pool
/// (`let g = scopeguard::guard((), |_| limits.decrement_count())`, or the
/// hidden local of a `defer!`): while armed, they cover every way out.
fn scope_guard_locals(body: &Body, index: &Index, file: usize) -> Vec<flow::GuardLocal> {
    let mut out = Vec::new();
    for guard in &body.scope_guards {
        let releases = guard
            .on_drop
            .iter()
            .any(|c| matches!(index.effect(c, file), CallEffect::Release { .. }));
        if !releases {
            continue;
        }
        // The guard call's result lands in the local `let` binds it to.
        let place = if body.places[guard.place as usize].kind == PlaceKind::Local {
            Some(guard.place)
        } else {
            body.blocks
                .iter()
                .flat_map(|b| &b.events)
                .find_map(|ev| match *ev {
                    Event::Move { dest, src, .. }
                        if src == guard.place
                            && body.places[dest as usize].kind == PlaceKind::Local =>
                    {
                        Some(dest)
                    }
                    _ => None,
                })
        };
        if let Some(place) = place {
            out.push(flow::GuardLocal {
                place,
                arm_fields: Vec::new(),
            });
        }
    }
    out
}

/// The locals of a guard type the code defines, and their arm fields' places.
pub fn guard_locals(body: &Body, index: &Index, file: usize) -> Vec<flow::GuardLocal> {
    let mut out = scope_guard_locals(body, index, file);
    for (p, place) in body.places.iter().enumerate() {
        if place.kind != PlaceKind::Local {
            continue;
        }
        let Some(info) = place
            .ty
            .as_ref()
            .and_then(|t| index.resolve_type(t))
            .and_then(|t| index.guard_info(&t))
        else {
            continue;
        };
        let arm_fields = body
            .places
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.kind == PlaceKind::Field
                    && f.parent == Some(p as u32)
                    && info
                        .arm_fields
                        .contains(f.name.rsplit('.').next().unwrap_or(&f.name))
            })
            .map(|(f, _)| f as u32)
            .collect();
        out.push(flow::GuardLocal {
            place: p as u32,
            arm_fields,
        });
    }
    out
}
