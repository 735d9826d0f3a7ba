//! Fields whose stored values each carry a count of a counter pool: turso's
//! `PageStack::stack`, where `push` pins a page (`page.pin()`, a count on
//! the page) and stores it in a slot, and the stack's `Drop` unpins every
//! page it takes out of the slots. The count lives as long as the value
//! stays in the slot: a slot overwritten through a loop's mutable view
//! (`for slot in self.stack.stack.iter_mut() { *slot = None }`) drops a
//! pinned page without its unpin (PL003).
//!
//! A field `f` of a type `T` is taken to hold counted values when all hold:
//! - `T` is a guard type the code defines (its `Drop` releases: see
//!   [`super::guards`]), so the type owns what its fields carry;
//! - a method of `T` other than its `Drop` takes a count on a value (a
//!   counter acquire with the value as receiver: `page.pin()`) and then
//!   stores the value;
//! - a method of `T` releases a value that came out of `self.f` (bound by
//!   a loop over it, taken, moved or borrowed from it).

use super::Index;
use crate::flow::{CallEffect, ReleaseArg};
use crate::ir::{Body, Event, PlaceId, PlaceKind, Span};
use crate::store::{BodySource, Key, KeySet};
use std::collections::{BTreeSet, HashMap, HashSet};

/// How many moves, takes and views a released value is followed back.
const STEPS: usize = 8;

/// Learn the fields whose values carry a count ([`Index::field_holds_counts`]).
pub fn infer(index: &mut Index, source: BodySource<'_>) {
    let types = index.guard_type_names();
    if types.is_empty() {
        return;
    }
    let shared: &Index = index;
    let files = source(&[KeySet::new(types.iter().map(|t| Key::MethodOf(t)))], None);
    let mut counts_taken: HashSet<&str> = HashSet::new();
    let mut released: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for file in &files {
        for body in &file.bodies {
            let Some(ty) = body.self_type.as_deref().filter(|t| types.contains(*t)) else {
                continue;
            };
            for ev in body.blocks.iter().flat_map(|b| &b.events) {
                let Event::Call {
                    call,
                    recv,
                    args,
                    span,
                    ..
                } = ev
                else {
                    continue;
                };
                let effect = shared.effect(&body.callees[*call as usize], file.file);
                match effect {
                    CallEffect::Acquire(kind)
                        if kind.counter
                            && !body.is_drop()
                            && recv
                                .iter()
                                .flat_map(|r| &r.places)
                                .any(|&(p, _)| stored_after(body, p, *span)) =>
                    {
                        counts_taken.insert(ty);
                    }
                    CallEffect::Release { arg, .. } => {
                        // A count given back on the value's own behalf
                        // (`page.try_unpin()`) names the value as receiver.
                        let given_back = match arg {
                            ReleaseArg::Token => recv.as_ref(),
                            _ => effect.target(recv, args),
                        };
                        let fields = given_back
                            .into_iter()
                            .flat_map(|a| &a.places)
                            .filter_map(|&(p, _)| field_released_from(body, p));
                        released.entry(ty).or_default().extend(fields);
                    }
                    _ => {}
                }
            }
        }
    }
    let counted: Vec<(String, String)> = released
        .into_iter()
        .filter(|(ty, _)| counts_taken.contains(ty))
        .flat_map(|(ty, fields)| fields.into_iter().map(move |f| (ty.to_string(), f)))
        .filter(|(ty, f)| shared.declares_field(ty, f))
        .collect();
    index.add_counted_fields(counted);
}

/// Is the value at `place` stored after `span` (`self.stack[i] =
/// Some(page)` after `page.pin()`): moved out of the body, not returned?
fn stored_after(body: &Body, place: PlaceId, span: Span) -> bool {
    body.places[place as usize].kind == PlaceKind::Local
        && body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
            matches!(ev, Event::Transfer { place: p, span: at, returned: false }
                if *p == place && at.start > span.start)
        })
}

/// The field of `self` a released place's value came out of, followed back
/// through moves, takes and views (`if let Some(page) = slot.take()` in
/// `for slot in self.stack.iter_mut()`: `stack`).
fn field_released_from(body: &Body, place: PlaceId) -> Option<String> {
    let (receiver, _) = body.receiver?;
    let mut from: HashMap<PlaceId, PlaceId> = HashMap::new();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match *ev {
            Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => {
                from.entry(dest).or_insert(src);
            }
            Event::Alias { dest, of, .. }
            | Event::Element {
                element: dest, of, ..
            } => {
                from.entry(dest).or_insert(of);
            }
            _ => {}
        }
    }
    let mut p = place;
    for _ in 0..STEPS {
        let field = body.place_and_owners(p).find(|&q| {
            let q = &body.places[q as usize];
            q.kind == PlaceKind::Field && q.parent == Some(receiver)
        });
        if let Some(field) = field {
            return body.field_path(field).first().map(|s| s.to_string());
        }
        p = *from.get(&p)?;
    }
    None
}
