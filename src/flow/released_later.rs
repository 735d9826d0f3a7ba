//! Handles passed on and then released: `device_set_address(addr)` followed,
//! on some path, by `free_address(addr)`. A value the body still releases
//! after moving it into a call was only copied into it (in Rust, only a
//! `Copy` value can be read after a move: ids, addresses, keys), so the call
//! did not take the obligation; the body keeps it, and a `?` in between is
//! a leak.
//!
//! A backward may-analysis over the CFG: at each call, which places a
//! release of the same place can follow without an assignment to the place
//! in between (an assignment starts a new value).

use super::CallEffect;
use crate::ir::{Body, CallId, Event, Mode, PlaceId};
use std::collections::HashSet;

/// The (call, place) pairs of places moved into a call of unknown effect
/// that a release of the same place may follow.
pub(super) fn copied_into_calls(body: &Body, calls: &[CallEffect]) -> HashSet<(CallId, PlaceId)> {
    // The places some release gives back (at most 64, as one bit each).
    let mut released: Vec<PlaceId> = Vec::new();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Call {
            call, recv, args, ..
        } = ev
            && let Some(arg) = release_target(calls[*call as usize], recv, args)
        {
            for &(p, _) in &arg.places {
                if !released.contains(&p) && released.len() < 64 {
                    released.push(p);
                }
            }
        }
    }
    let mut out = HashSet::new();
    if released.is_empty() {
        return out;
    }
    let bit = |p: PlaceId| released.iter().position(|&r| r == p).map(|i| 1u64 << i);
    // One step backwards over an event: what is released later before it.
    let step = |ev: &Event, later: u64, out: &mut Option<&mut HashSet<(CallId, PlaceId)>>| match ev
    {
        Event::Call {
            call, recv, args, ..
        } => {
            let effect = calls[*call as usize];
            if let Some(out) = out.as_deref_mut()
                && matches!(effect, CallEffect::Unknown | CallEffect::CopyReceiver)
            {
                for &(p, mode) in args.iter().flat_map(|a| &a.places) {
                    if mode == Mode::Move && bit(p).is_some_and(|b| later & b != 0) {
                        out.insert((*call, p));
                    }
                }
            }
            let gen_bits = release_target(effect, recv, args)
                .iter()
                .flat_map(|a| &a.places)
                .filter_map(|&(p, _)| bit(p))
                .fold(0, |acc, b| acc | b);
            later | gen_bits
        }
        Event::Move { dest, .. } | Event::Take { dest, .. } => later & !bit(*dest).unwrap_or(0),
        Event::Assign { place, .. } => later & !bit(*place).unwrap_or(0),
        _ => later,
    };
    // `after[b]`: released later on leaving block `b`. Iterate to a fixed
    // point in reverse block order (bits only grow; 64 bits bound it).
    let n = body.blocks.len();
    let mut before = vec![0u64; n];
    let after = |before: &[u64], b: usize| {
        body.blocks[b]
            .succs
            .iter()
            .fold(0, |acc, &s| acc | before[s as usize])
    };
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..n).rev() {
            let mut later = after(&before, b);
            for ev in body.blocks[b].events.iter().rev() {
                later = step(ev, later, &mut None);
            }
            if later != before[b] {
                before[b] = later;
                changed = true;
            }
        }
    }
    for b in 0..n {
        let mut later = after(&before, b);
        for ev in body.blocks[b].events.iter().rev() {
            later = step(ev, later, &mut Some(&mut out));
        }
    }
    out
}

/// The operand a release gives back (not a counter's token).
fn release_target<'a>(
    effect: CallEffect,
    recv: &'a Option<crate::ir::Arg>,
    args: &'a [crate::ir::Arg],
) -> Option<&'a crate::ir::Arg> {
    match effect {
        CallEffect::Release { .. } => effect.target(recv, args),
        _ => None,
    }
}
