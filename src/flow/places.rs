//! Which places of a body can hold a tracked value.

use crate::ir::{Body, Event, PlaceId};

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
pub(super) fn track_places(body: &Body, seeds: &[PlaceId]) -> Vec<Option<usize>> {
    let n = body.places.len();
    let mut flows_to: Vec<Vec<PlaceId>> = vec![Vec::new(); n];
    for block in &body.blocks {
        for ev in &block.events {
            match ev {
                Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => {
                    flows_to[*src as usize].push(*dest)
                }
                Event::Alias { dest, of, .. } => {
                    // A pointer into `buf.0` points into `buf`.
                    let mut p = Some(*of);
                    while let Some(cur) = p {
                        flows_to[cur as usize].push(*dest);
                        p = body.places[cur as usize].parent;
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
