//! A map entry looked up under one lock and inserted under another (issue
//! 15 item 5: overwrites of collection entries holding pooled values).
//! pingora's `InUsePool::insert` looked for the reuse hash's node under a
//! read lock, dropped it, then inserted a fresh node under the write lock:
//! a node another thread created in between was displaced, and the pooled
//! connections inside it dropped with it.
//!
//! The check is structural. An `insert(k, ..)` whose result (the displaced
//! value) is discarded, on a view of a lock over a map field that holds
//! pooled values (`self.pools.write()`), is reported when the same key was
//! looked up (`get`, `get_mut`, `contains_key`) on another view of the same
//! lock earlier in the body, and not on this view before the insert. The
//! earlier lookup shows the key may be there; only a lookup under the lock
//! that inserts can rule it out.

use super::RelockedInsert;
use crate::ir::{Body, Event, PlaceId, PlaceKind, Span};
use std::collections::HashMap;

/// Methods that take a lock and return a view of what it guards.
const LOCKS: &[&str] = &["lock", "read", "write", "try_lock", "try_read", "try_write"];
/// Methods that pass a lock's result on (`lock().unwrap()`).
const UNWRAPS: &[&str] = &["unwrap", "expect"];
/// Methods that tell whether a key is there.
const LOOKUPS: &[&str] = &["get", "get_mut", "contains_key", "get_key_value"];

/// A call on a lock's view: the map field, the view, the key and the call.
struct KeyedCall {
    map: PlaceId,
    view: PlaceId,
    key: PlaceId,
    span: Span,
    result: PlaceId,
}

/// The inserts into `maps` (fields holding pooled values) that may displace
/// an entry added since an earlier lookup under another lock.
pub(super) fn find(body: &Body, maps: &[PlaceId]) -> Vec<RelockedInsert> {
    if maps.is_empty() {
        return Vec::new();
    }
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    let views = lock_views(body, maps);
    if views.len() < 2 {
        return Vec::new();
    }
    let mut lookups = Vec::new();
    let mut inserts = Vec::new();
    for ev in events() {
        let Event::Call {
            call,
            recv: Some(recv),
            args,
            result,
            span,
            ..
        } = ev
        else {
            continue;
        };
        let name = body.callees[*call as usize].name.as_str();
        let Some((view, map)) = recv
            .places
            .iter()
            .find_map(|(p, _)| views.get(p).map(|m| (*p, *m)))
        else {
            continue;
        };
        let Some(key) = args.first().and_then(|a| match a.places[..] {
            [(k, _)] if body.places[k as usize].kind == PlaceKind::Local => Some(k),
            _ => None,
        }) else {
            continue;
        };
        let keyed = KeyedCall {
            map,
            view,
            key,
            span: *span,
            result: *result,
        };
        if LOOKUPS.contains(&name) {
            lookups.push(keyed);
        } else if name == "insert" && args.len() == 2 {
            inserts.push(keyed);
        }
    }
    let discarded = |result: PlaceId| {
        events().any(|ev| {
            matches!(ev, Event::Drop { place, kind: crate::ir::DropKind::Discarded, .. } if *place == result)
        }) && !events().any(|ev| matches!(ev, Event::Move { src, .. } if *src == result))
    };
    let mut out = Vec::new();
    for insert in inserts.iter().filter(|i| discarded(i.result)) {
        let before = |l: &&KeyedCall| {
            l.map == insert.map && l.key == insert.key && l.span.start < insert.span.start
        };
        let rechecked = lookups.iter().filter(before).any(|l| l.view == insert.view);
        let earlier = lookups
            .iter()
            .filter(before)
            .find(|l| l.view != insert.view);
        if let (false, Some(lookup)) = (rechecked, earlier) {
            out.push(RelockedInsert {
                map: insert.map,
                lookup: lookup.span,
                span: insert.span,
            });
        }
    }
    out
}

/// The fields whose lock the body takes more than once: only a map among
/// them can be looked up under one lock and inserted into under another.
pub fn relocked_fields(body: &Body) -> Vec<PlaceId> {
    let mut taken: HashMap<PlaceId, usize> = HashMap::new();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Call {
            call,
            recv: Some(recv),
            ..
        } = ev
            && LOCKS.contains(&body.callees[*call as usize].name.as_str())
        {
            for &(p, _) in &recv.places {
                if body.places[p as usize].kind == PlaceKind::Field {
                    *taken.entry(p).or_default() += 1;
                }
            }
        }
    }
    let mut fields: Vec<PlaceId> = taken
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(p, _)| p)
        .collect();
    fields.sort_unstable();
    fields
}

/// The places that view a lock over one of `maps`, bound from its `lock`,
/// `read` or `write` (through `unwrap`/`expect`) -> that map.
fn lock_views(body: &Body, maps: &[PlaceId]) -> HashMap<PlaceId, PlaceId> {
    let mut of_lock: HashMap<PlaceId, PlaceId> = HashMap::new();
    let mut views = HashMap::new();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match ev {
            Event::Call {
                call,
                recv: Some(recv),
                result,
                ..
            } => {
                let name = body.callees[*call as usize].name.as_str();
                let locked = recv.places.iter().find_map(|(p, _)| {
                    if LOCKS.contains(&name) && maps.contains(p) {
                        Some(*p)
                    } else if UNWRAPS.contains(&name) {
                        of_lock.get(p).copied()
                    } else {
                        None
                    }
                });
                if let Some(map) = locked {
                    of_lock.insert(*result, map);
                }
            }
            Event::Move { dest, src, .. } => {
                if let Some(&map) = of_lock.get(src) {
                    views.insert(*dest, map);
                }
            }
            _ => {}
        }
    }
    // A lock taken for one call (`self.pools.read().get(&k)`) is a view too.
    views.extend(of_lock);
    views
}
