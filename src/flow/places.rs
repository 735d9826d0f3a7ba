//! Which places of a body can hold a tracked value.

use crate::ir::{Body, Event, PlaceId, PlaceKind};
use std::collections::HashMap;

/// Parameters whose value reaches a release, directly or through copies.
pub(super) fn handle_params(body: &Body, released: impl Iterator<Item = PlaceId>) -> Vec<PlaceId> {
    let params: Vec<PlaceId> = body
        .params
        .iter()
        .flatten()
        .copied()
        .chain(body.receiver.map(|r| r.0))
        .collect();
    let mut sources: Vec<Vec<PlaceId>> = vec![Vec::new(); body.places.len()];
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Move { dest, src, .. } = ev {
            sources[*dest as usize].push(*src);
        }
    }
    let mut seen = vec![false; body.places.len()];
    let mut stack: Vec<PlaceId> = released.collect();
    let mut out = Vec::new();
    while let Some(p) = stack.pop() {
        if std::mem::replace(&mut seen[p as usize], true) {
            continue;
        }
        if params.contains(&p) {
            out.push(p);
        }
        stack.extend(sources[p as usize].iter().copied());
    }
    out.sort_unstable();
    out
}

/// The places that can ever hold a tracked value: the seeds and everything
/// values flow to from them. Everything else is left out of the state.
/// Forgets that return what they forget (`Box::leak`, `Rc::into_raw`,
/// `Arc::into_raw`): a raw value whose result the body keeps is handed on
/// to it, not forgotten.
pub(super) fn returns_what_it_leaks(callee: &crate::ir::Callee) -> bool {
    matches!(
        (callee.qualifier.as_deref(), callee.name.as_str()),
        (Some("Box"), "leak") | (Some("Rc" | "Arc"), "into_raw")
    )
}

pub(super) fn track_places(
    body: &Body,
    seeds: &[PlaceId],
    part_src: &HashMap<PlaceId, PlaceId>,
) -> Vec<Option<usize>> {
    let n = body.places.len();
    let mut flows_to: Vec<Vec<PlaceId>> = vec![Vec::new(); n];
    for block in &body.blocks {
        for ev in &block.events {
            match ev {
                Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => {
                    flows_to[*src as usize].push(*dest)
                }
                // `Box::leak(b)` kept: the result may own what `b` did.
                Event::Call {
                    call, args, result, ..
                } if returns_what_it_leaks(&body.callees[*call as usize]) => {
                    for &(p, _) in args.iter().flat_map(|a| &a.places) {
                        flows_to[p as usize].push(*result);
                    }
                }
                Event::Alias { dest, of, .. } => {
                    // A pointer into `buf.0` (or into `data` of `let (data,
                    // len) = buf`) points into `buf`.
                    let up =
                        |p: PlaceId| part_src.get(&p).copied().or(body.places[p as usize].parent);
                    let mut p = Some(*of);
                    for _ in 0..16 {
                        let Some(cur) = p else { break };
                        flows_to[cur as usize].push(*dest);
                        p = up(cur);
                    }
                }
                _ => {}
            }
        }
    }
    let mut on = vec![false; n];
    let mut stack: Vec<PlaceId> = seeds.to_vec();
    while let Some(p) = stack.pop() {
        if std::mem::replace(&mut on[p as usize], true) {
            continue;
        }
        stack.extend(flows_to[p as usize].iter().copied());
    }
    let mut next = 0;
    on.into_iter()
        .map(|on| {
            on.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// Locals bound from a part of a value -> that part: from a field (`let conn
/// = o.conn`, `let Outer { conn, .. } = o`), or from such a local (`let c =
/// conn`). What they hold is a part of the owner's value.
pub fn part_sources(body: &Body) -> HashMap<PlaceId, PlaceId> {
    let moves: Vec<(PlaceId, PlaceId)> = body
        .blocks
        .iter()
        .flat_map(|b| &b.events)
        .filter_map(|ev| match ev {
            Event::Move { dest, src, .. }
                if body.places[*dest as usize].kind == PlaceKind::Local =>
            {
                Some((*dest, *src))
            }
            _ => None,
        })
        .collect();
    let mut out: HashMap<PlaceId, PlaceId> = HashMap::new();
    // Two rounds: a copy of a part may be lowered before the part's binding
    // (a loop's back edge).
    for _ in 0..2 {
        for &(dest, src) in &moves {
            if body.places[src as usize].kind == PlaceKind::Field || out.contains_key(&src) {
                out.entry(dest).or_insert(src);
            }
        }
    }
    out
}

/// Per place with tracked fields below it (`st` of `st.buffer`): the dense
/// indices of those fields. A place bound or overwritten afresh (a loop's
/// `for st in ..`, `st = next()`) holds new fields: their state goes with it.
pub(super) fn field_descendants(
    body: &Body,
    tracked: &[Option<usize>],
) -> HashMap<PlaceId, Vec<usize>> {
    let mut out: HashMap<PlaceId, Vec<usize>> = HashMap::new();
    for (q, t) in tracked.iter().enumerate() {
        let Some(t) = *t else { continue };
        let mut p = body.places[q].parent;
        while let Some(a) = p {
            out.entry(a).or_default().push(t);
            p = body.places[a as usize].parent;
        }
    }
    out
}
