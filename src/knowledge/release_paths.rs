//! The paths of a release fn: where it puts the value it takes back onto
//! its pool's free list, and whether that value may not have been reset
//! there (PL008 on a pool's own release path).
//!
//! A release that puts its value back un-reset on one path while another
//! path resets it (or hands it to something that will, a recycler task, a
//! helper) means to reset: the un-reset put-back is the finding, reported
//! inside the release, and its callers need not reset. A release that never
//! resets leaves the reset to its callers (PL008 at their release calls).

use super::Index;
use super::summaries::is_resetting_name;
use crate::flow::CallEffect;
use crate::ir::{Body, Event, Mode, PlaceId, Span};

/// Calls that put a value back on a free list (or the channel that feeds one).
pub const PUT_BACKS: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "send",
    "try_send",
    "force_push",
];

/// What a release's body does with the value it takes back.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReleasePaths {
    /// Put-backs reached on a path where the value may not have been reset.
    pub unreset_put_backs: Vec<Span>,
    /// Some path resets the value or hands it to another fn.
    pub resets_or_hands_off: bool,
}

impl ReleasePaths {
    /// The release means to reset (some path does) but a put-back skips it.
    pub fn mixed(&self) -> bool {
        !self.unreset_put_backs.is_empty() && self.resets_or_hands_off
    }
}

/// Analyse the paths of `body`, a release that gives back `released`.
pub fn analyse(index: &Index, body: &Body, file: usize, released: PlaceId) -> ReleasePaths {
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    // Places that hold the value: copies, and results of calls it is moved
    // into (`conn.into()`, `Box::new(conn)`, `Some(conn)`).
    let mut holders = vec![released];
    for _ in 0..4 {
        let before = holders.len();
        for ev in events() {
            let (dest, from) = match ev {
                Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => {
                    (*dest, vec![*src])
                }
                Event::Call {
                    recv, args, result, ..
                } => (
                    *result,
                    recv.iter()
                        .chain(args)
                        .flat_map(|a| &a.places)
                        .filter(|&&(_, m)| m == Mode::Move)
                        .map(|&(p, _)| p)
                        .collect(),
                ),
                _ => continue,
            };
            if !holders.contains(&dest) && from.iter().any(|p| holders.contains(p)) {
                holders.push(dest);
            }
        }
        if holders.len() == before {
            break;
        }
    }
    let held = |p: PlaceId| holders.contains(&body.root_of(p));
    // Places something reads: a call result nothing reads (`self.to_recycler(m)`)
    // is not what is put back, whatever the value moved into the call.
    let mut read: Vec<PlaceId> = Vec::new();
    for ev in events() {
        match ev {
            Event::Move { src, .. } | Event::Take { src, .. } | Event::Alias { of: src, .. } => {
                read.push(body.root_of(*src));
            }
            Event::Call { recv, args, .. } => {
                read.extend(
                    recv.iter()
                        .chain(args)
                        .flat_map(|a| &a.places)
                        .map(|&(p, _)| body.root_of(p)),
                );
            }
            _ => {}
        }
    }
    // Locals derived from `self` (`let mut ex = self.inner.exchange.lock().unwrap()`).
    let from_self = super::inline_resets::derived_from_self(body);
    let on_self = |p: PlaceId| from_self.contains(&body.root_of(p)) && !held(p);
    // Classify each call: a reset of the value, a put-back of it, or a hand-off.
    #[derive(Clone, Copy, PartialEq)]
    enum Step {
        Reset,
        PutBack,
        Other,
    }
    let mut steps: Vec<Step> = Vec::with_capacity(body.callees.len());
    let mut out = ReleasePaths::default();
    for ev in events() {
        let Event::Call {
            call,
            recv,
            args,
            result,
            ..
        } = ev
        else {
            continue;
        };
        let callee = &body.callees[*call as usize];
        let effect = index.effect(callee, file);
        let on_value = recv
            .as_ref()
            .is_some_and(|r| r.places.iter().any(|&(p, _)| held(p)));
        let value_args: Vec<Mode> = args
            .iter()
            .flat_map(|a| &a.places)
            .filter(|&&(p, _)| held(p))
            .map(|&(_, m)| m)
            .collect();
        let step = if (on_value && (effect == CallEffect::Reset || is_resetting_name(&callee.name)))
            || (value_args.contains(&Mode::Borrow) && is_resetting_name(&callee.name))
        {
            Step::Reset
        } else if PUT_BACKS.contains(&callee.name.as_str())
            && value_args.contains(&Mode::Move)
            && recv
                .as_ref()
                .is_some_and(|r| r.places.iter().any(|&(p, _)| on_self(p)))
        {
            Step::PutBack
        } else {
            // Moved into another fn whose result is not what is put back: handed off.
            if value_args.contains(&Mode::Move)
                && (!holders.contains(result) || !read.contains(result))
            {
                out.resets_or_hands_off = true;
            }
            Step::Other
        };
        if step == Step::Reset {
            out.resets_or_hands_off = true;
        }
        if steps.len() <= *call as usize {
            steps.resize(*call as usize + 1, Step::Other);
        }
        steps[*call as usize] = step;
    }
    if !steps.contains(&Step::PutBack) {
        return out;
    }
    // May-analysis: "not reset yet" on the paths reaching each block.
    let n = body.blocks.len();
    let mut unreset_in: Vec<Option<bool>> = vec![None; n];
    unreset_in[body.entry as usize] = Some(true);
    let mut work = vec![body.entry as usize];
    let step_of = |call: u32| steps.get(call as usize).copied().unwrap_or(Step::Other);
    while let Some(b) = work.pop() {
        let Some(mut unreset) = unreset_in[b] else {
            continue;
        };
        for ev in &body.blocks[b].events {
            if let Event::Call { call, .. } = ev
                && step_of(*call) == Step::Reset
            {
                unreset = false;
            }
        }
        for &s in &body.blocks[b].succs {
            let s = s as usize;
            let joined = unreset_in[s].unwrap_or(false) || unreset;
            if unreset_in[s] != Some(joined) {
                unreset_in[s] = Some(joined);
                work.push(s);
            }
        }
    }
    for (b, block) in body.blocks.iter().enumerate() {
        let Some(mut unreset) = unreset_in[b] else {
            continue;
        };
        for ev in &block.events {
            let Event::Call { call, span, .. } = ev else {
                continue;
            };
            match step_of(*call) {
                Step::Reset => unreset = false,
                Step::PutBack if unreset => out.unreset_put_backs.push(*span),
                _ => {}
            }
        }
    }
    out.unreset_put_backs.sort();
    out.unreset_put_backs.dedup();
    out
}
