//! Guard types learned, not only declared: the type a guard-acquire returns
//! (configured, declared or inferred), and any type whose `Drop` gives a
//! value back through a known release. The field such a `Drop` takes out and
//! releases is the guard's raw value: taking it out anywhere else detaches it.

use super::Index;
use crate::flow::{CallEffect, ReleaseArg};
use crate::ir::{Body, Event, PlaceId, PlaceKind};
use crate::store::{BodySource, Key, KeySet};

/// Learn guard types and their detach fields.
pub fn learn(index: &mut Index, source: BodySource<'_>) {
    index.learn_guard_returns();
    let releases = index.release_names();
    if releases.is_empty() {
        return;
    }
    let calls = index.scoped_call_keys(releases.iter().map(String::as_str));
    let shared: &Index = index;
    let query = [KeySet::new([Key::Implements("Drop")])];
    let mut guards = Vec::new();
    let mut fields = Vec::new();
    let mut unlocks = Vec::new();
    for input in &source(
        &query,
        Some(&|file, probe| calls.matches(shared, file, probe)),
    ) {
        for body in &input.bodies {
            let (Some(ty), Some("Drop"), Some("drop"), Some((receiver, _))) = (
                &body.self_type,
                body.trait_name.as_deref(),
                body.fn_name.as_deref(),
                body.receiver,
            ) else {
                continue;
            };
            let origin = origins(body);
            let mut releases = false;
            for ev in body.blocks.iter().flat_map(|b| &b.events) {
                let Event::Call {
                    call, recv, args, ..
                } = ev
                else {
                    continue;
                };
                let effect = shared.effect(&body.callees[*call as usize], input.file);
                if !matches!(effect, CallEffect::Release { .. }) {
                    continue;
                }
                releases = true;
                // `self.qutex.direct_unlock()`: a release through a handle
                // field as receiver (or a counting release called on it).
                let (by_receiver, target) = match effect {
                    CallEffect::Release {
                        arg: ReleaseArg::Token,
                        ..
                    } => (true, recv.as_ref()),
                    CallEffect::Release {
                        arg: ReleaseArg::Receiver,
                        ..
                    } => (true, effect.target(recv, args)),
                    _ => (false, effect.target(recv, args)),
                };
                let token = matches!(
                    effect,
                    CallEffect::Release {
                        arg: ReleaseArg::Token,
                        ..
                    }
                );
                for &(p, _) in target.iter().flat_map(|a| &a.places) {
                    if let Some(f) = self_field(body, &origin, receiver, p) {
                        if by_receiver {
                            unlocks.push((ty.clone(), f.clone()));
                        }
                        if !token {
                            fields.push((ty.clone(), f));
                        }
                    }
                }
            }
            if releases {
                guards.push(ty.clone());
            }
        }
    }
    index.mark_guard_types(&guards);
    for (ty, field) in unlocks {
        index.add_unlock_field(&ty, &field);
    }
    for (ty, field) in fields {
        if index.struct_decl(&ty).is_some() {
            index.add_detach_field(&ty, &field);
        }
    }
}

/// Methods whose result is what their receiver (or first argument) held:
/// `self.conn.take()`, `mem::take(&mut self.conn)`, `ManuallyDrop::take(..)`,
/// `.unwrap()`, `.expect(..)`.
const UNWRAPS: &[&str] = &[
    "take",
    "replace",
    "unwrap",
    "expect",
    "into_inner",
    "read",
    "unwrap_unchecked",
];

/// For every place, the place its value came from: through moves, takes,
/// and the result of an unwrapping call on it.
fn origins(body: &Body) -> Vec<PlaceId> {
    let mut origin: Vec<PlaceId> = (0..body.places.len() as PlaceId).collect();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let (dest, src) = match ev {
            Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => (*dest, *src),
            Event::Call {
                call,
                recv,
                args,
                result,
                ..
            } => {
                let name = body.callees[*call as usize].name.as_str();
                if !UNWRAPS.contains(&name) {
                    continue;
                }
                let from = recv
                    .as_ref()
                    .or(args.first())
                    .and_then(|a| a.places.first());
                match from {
                    Some(&(p, _)) => (*result, p),
                    None => continue,
                }
            }
            _ => continue,
        };
        if dest != src && body.places[dest as usize].kind != PlaceKind::Field {
            origin[dest as usize] = origin[src as usize];
        }
    }
    origin
}

/// The first-level field of `self` a place's value came from.
fn self_field(body: &Body, origin: &[PlaceId], receiver: PlaceId, p: PlaceId) -> Option<String> {
    let p = origin[p as usize];
    if p == receiver || body.root_of(p) != receiver {
        return None;
    }
    body.field_path(p).first().map(|f| f.to_string())
}
