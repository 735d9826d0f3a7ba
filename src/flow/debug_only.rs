//! Give-backs that only debug builds run: `debug_assert!(queue.push(v).is_ok())`
//! evaluates its arguments in debug builds only, so in a release build the
//! push never happens and `v` is dropped.
//!
//! This is a question about the body's IR, not about paths: where is the
//! value a place holds given away (moved into a call, stored, returned), and
//! is every one of those places inside a block that only debug builds run?

use crate::ir::{Body, Event, Mode, PlaceId, PlaceKind, Span};

/// Where the value in `place` is given away, when it is given away at least
/// once and only ever inside `debug_assert!` arguments: the span of the first
/// such give-away. `None` when a release build gives it away somewhere, or
/// when nothing gives it away at all (a deliberate drop is not this bug).
///
/// The value is followed through the places it is moved into (`let inner =
/// v.inner;`, a temp built around it) and its parts (`v.inner`).
pub fn given_away_only_in_debug(body: &Body, place: PlaceId) -> Option<Span> {
    if body.debug_only.is_empty() {
        return None;
    }
    let holders = holders_of(body, place);
    let holds = |p: PlaceId| holders[p as usize];
    let mut in_debug = None;
    for (b, block) in body.blocks.iter().enumerate() {
        let debug = body.is_debug_only(b as u32);
        for ev in &block.events {
            let given = match ev {
                Event::Call {
                    recv, args, span, ..
                } => recv
                    .iter()
                    .chain(args)
                    .flat_map(|a| &a.places)
                    .any(|&(p, m)| m == Mode::Move && holds(p))
                    .then_some(*span),
                Event::Transfer { place, span, .. } => holds(*place).then_some(*span),
                // Stored into a field of something else.
                Event::Move { dest, src, span } | Event::Take { dest, src, span } => (holds(*src)
                    && !holds(*dest)
                    && body.places[*dest as usize].kind == PlaceKind::Field)
                    .then_some(*span),
                _ => None,
            };
            match (given, debug) {
                (Some(_), false) => return None,
                (Some(span), true) => {
                    in_debug.get_or_insert(span);
                }
                (None, _) => {}
            }
        }
    }
    in_debug
}

/// Per place: does it hold (a part of) the value `place` holds on entry? The
/// place itself, its parts, and the locals and temps it is moved into, to a
/// fixed point.
fn holders_of(body: &Body, place: PlaceId) -> Vec<bool> {
    let mut holders = vec![false; body.places.len()];
    holders[place as usize] = true;
    loop {
        let mut grew = false;
        for (p, pl) in body.places.iter().enumerate() {
            if !holders[p] && pl.parent.is_some_and(|parent| holders[parent as usize]) {
                holders[p] = true;
                grew = true;
            }
        }
        for block in &body.blocks {
            for ev in &block.events {
                if let Event::Move { dest, src, .. } | Event::Take { dest, src, .. } = ev
                    && holders[*src as usize]
                    && !holders[*dest as usize]
                    && body.places[*dest as usize].kind != PlaceKind::Field
                {
                    holders[*dest as usize] = true;
                    grew = true;
                }
            }
        }
        if !grew {
            return holders;
        }
    }
}
