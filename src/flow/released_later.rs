//! Values passed to a call and then released by the body itself: the call
//! only got a copy or a loan, so the body keeps the obligation, and a way
//! out in between is a leak.
//!
//! - **Moved** (Rust): `device_set_address(addr)` followed, on some path, by
//!   `free_address(addr)`. Only a `Copy` value can be read after a move
//!   (ids, addresses, keys), so the call got a copy.
//! - **Shared** (a Go pointer or slice): `dec.DecompressWithBuf(src, dst)`
//!   followed by `pool.Put(dst)` on *every* way out that does not fail. A
//!   callee that kept the pointer would see it reused after that `Put`, so
//!   the body lent it. A release on some paths only proves nothing: a
//!   callee may keep the value when it succeeds and leave it to the caller
//!   when it fails (`if err := q.Send(buf); err != nil { pool.Put(buf) }`).
//!
//! Backward analyses over the CFG: at each call, which places a release of
//! the same place follows (may, or must before every exit that does not
//! fail) without an assignment to the place in between (an assignment
//! starts a new value).

use super::CallEffect;
use crate::ir::{Body, CallId, Event, ExitKind, Mode, PlaceId};
use std::collections::HashSet;

/// The (call, place) pairs of places passed to a call of unknown effect
/// that the body releases afterwards: moved ones that a release may
/// follow, shared ones that a release follows on every way out that does
/// not fail.
pub(super) fn copied_into_calls(body: &Body, calls: &[CallEffect]) -> HashSet<(CallId, PlaceId)> {
    // The places some release gives back (at most 64, as one bit each).
    let mut released: Vec<PlaceId> = Vec::new();
    let mut shares = false;
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Call {
            call, recv, args, ..
        } = ev
        {
            if let Some(arg) = release_target(calls[*call as usize], recv, args) {
                for &(p, _) in &arg.places {
                    if !released.contains(&p) && released.len() < 64 {
                        released.push(p);
                    }
                }
            }
            shares |= args
                .iter()
                .flat_map(|a| &a.places)
                .any(|&(_, m)| m == Mode::Share);
        }
    }
    let mut out = HashSet::new();
    if released.is_empty() {
        return out;
    }
    let bit = |p: PlaceId| released.iter().position(|&r| r == p).map(|i| 1u64 << i);
    let moved = Released {
        body,
        calls,
        bit: &bit,
        must: false,
    };
    moved.record(&mut out);
    if shares {
        let shared = Released {
            must: true,
            ..moved
        };
        shared.record(&mut out);
    }
    out
}

/// One of the two analyses: places as bits of the released places.
#[derive(Clone, Copy)]
struct Released<'a> {
    body: &'a Body,
    calls: &'a [CallEffect],
    bit: &'a dyn Fn(PlaceId) -> Option<u64>,
    /// Must (released before every way out that does not fail), for
    /// shared arguments; else may, for moved ones.
    must: bool,
}

impl Released<'_> {
    /// The mode of the arguments this analysis judges.
    fn mode(&self) -> Mode {
        if self.must { Mode::Share } else { Mode::Move }
    }

    /// One step backwards over an event: what is released later before it.
    fn step(&self, ev: &Event, later: u64, out: Option<&mut HashSet<(CallId, PlaceId)>>) -> u64 {
        let bit = self.bit;
        match ev {
            Event::Call {
                call, recv, args, ..
            } => {
                let effect = self.calls[*call as usize];
                if let Some(out) = out
                    && matches!(effect, CallEffect::Unknown | CallEffect::CopyReceiver)
                {
                    for &(p, mode) in args.iter().flat_map(|a| &a.places) {
                        if mode == self.mode() && bit(p).is_some_and(|b| later & b != 0) {
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
            // A way out that fails owes nothing to the question.
            Event::Exit {
                kind: ExitKind::Fail | ExitKind::Try,
                ..
            } if self.must => u64::MAX,
            _ => later,
        }
    }

    /// What is released later on leaving block `b`, from what is released
    /// later on entering each block.
    fn after(&self, before: &[u64], b: usize) -> u64 {
        let succs = &self.body.blocks[b].succs;
        if !self.must {
            return succs.iter().fold(0, |acc, &s| acc | before[s as usize]);
        }
        if b == self.body.exit as usize {
            return 0;
        }
        succs
            .iter()
            .fold(u64::MAX, |acc, &s| acc & before[s as usize])
    }

    /// Iterate to a fixed point in reverse block order (bits only grow for
    /// may, only shrink for must; 64 bits bound it), then record the calls.
    fn record(&self, out: &mut HashSet<(CallId, PlaceId)>) {
        let n = self.body.blocks.len();
        let mut before = vec![if self.must { u64::MAX } else { 0 }; n];
        let mut changed = true;
        while changed {
            changed = false;
            for b in (0..n).rev() {
                let mut later = self.after(&before, b);
                for ev in self.body.blocks[b].events.iter().rev() {
                    later = self.step(ev, later, None);
                }
                if later != before[b] {
                    before[b] = later;
                    changed = true;
                }
            }
        }
        for b in 0..n {
            let mut later = self.after(&before, b);
            for ev in self.body.blocks[b].events.iter().rev() {
                later = self.step(ev, later, Some(&mut *out));
            }
        }
    }
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
