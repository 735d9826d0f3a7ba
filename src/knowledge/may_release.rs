//! Fns of the scanned code that give a by-value parameter (or their
//! receiver) back to its pool on some paths only, as they decide: fiber's
//! `func (a *Agent) release() { if !a.reuse { ReleaseAgent(a) } ... }`,
//! quic-go's `PutBack` that puts only what came from the pool, and every fn
//! that calls one on its value (`Bytes` with `defer a.release()`).
//!
//! A caller of one is rid of the value either way: it does not leak, and a
//! release after it is not a double release. Whether a later use is one
//! after release (PL002) depends on what the caller can know:
//! - the fn calls a (maybe-)release on the value on every path (`defer
//!   a.release()`), or returns nothing to tell the caller what it did: the
//!   caller cannot know, so a later use may be after release;
//! - the fn releases only on some paths and returns something (`if err !=
//!   nil { putBuf(b); return err }`, nats' `recycleIfDone() bool`): the
//!   caller can tell, and one that goes on may have the value still, so a
//!   later use is not reported (precision first).
//!
//! Inferred with the wrappers ([`super::infer`]), to the same fixed point.

use super::{Index, ReleaseParam};
use crate::flow::{CallEffect, Facts, Origin, RELEASED, ReleaseArg};
use crate::ir::{Body, Event, PlaceId};

/// A fn that may release one of its by-value parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MayRelease {
    pub param: ReleaseParam,
    /// A caller's later use of the value may be after release.
    pub use_after: bool,
}

/// Does the analysed `body` (its parameters tracked, `calls` its calls'
/// effects) release a parameter on some path but not all? `no_results`:
/// its fn returns nothing at all.
pub(super) fn of_body(
    body: &Body,
    facts: &Facts,
    calls: &[CallEffect],
    no_results: bool,
) -> Option<MayRelease> {
    let param = facts
        .values
        .iter()
        .enumerate()
        .find_map(|(v, value)| match value.origin {
            Origin::Param { index } if facts.exit_states[v] & RELEASED != 0 => Some(index),
            _ => None,
        })?;
    let place = match param {
        Some(i) => (*body.params.get(i)?)?,
        None => body.receiver?.0,
    };
    Some(MayRelease {
        param: match param {
            Some(i) => ReleaseParam::Param(i),
            None => ReleaseParam::Receiver,
        },
        use_after: no_results || every_path_releases(body, calls, place),
    })
}

/// Does every path from the body's entry to its exit pass a call that
/// (maybe) releases `place`, or a copy of it (a `defer`'s slot)?
fn every_path_releases(body: &Body, calls: &[CallEffect], place: PlaceId) -> bool {
    let mut holders = vec![place];
    for _ in 0..4 {
        let before = holders.len();
        for ev in body.blocks.iter().flat_map(|b| &b.events) {
            let (dest, src) = match ev {
                Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => (*dest, *src),
                Event::Alias { dest, of, .. } => (*dest, *of),
                _ => continue,
            };
            if holders.contains(&src) && !holders.contains(&dest) {
                holders.push(dest);
            }
        }
        if holders.len() == before {
            break;
        }
    }
    let releases_here = |block: &crate::ir::Block| {
        block.events.iter().any(|ev| {
            let Event::Call {
                call, recv, args, ..
            } = ev
            else {
                return false;
            };
            let effect = calls[*call as usize];
            let releasing = matches!(
                effect,
                CallEffect::Release { .. }
                    | CallEffect::MayRelease {
                        use_after: true,
                        ..
                    }
            );
            releasing
                && effect
                    .target(recv, args)
                    .is_some_and(|a| a.places.iter().any(|(p, _)| holders.contains(p)))
        })
    };
    let cut: Vec<bool> = body.blocks.iter().map(releases_here).collect();
    let mut seen = vec![false; body.blocks.len()];
    let mut stack = vec![body.entry];
    while let Some(b) = stack.pop() {
        let b = b as usize;
        if seen[b] || cut[b] {
            continue;
        }
        if b == body.exit as usize {
            return false;
        }
        seen[b] = true;
        stack.extend(&body.blocks[b].succs);
    }
    true
}

impl Index {
    /// Record an inferred may-release; whether it is new.
    pub fn add_may_release(&mut self, owner: Option<&str>, name: &str, m: MayRelease) -> bool {
        let key = (owner.unwrap_or("").to_string(), name.to_string());
        self.may_release_names.insert(name.to_string());
        self.may_releases.insert(key, m) != Some(m)
    }

    /// Names of the fns a later use after which may be after release: a file
    /// that calls one is worth analysing.
    pub fn may_release_names(&self) -> impl Iterator<Item = &str> {
        self.may_releases
            .iter()
            .filter(|(_, m)| m.use_after)
            .map(|((_, name), _)| name.as_str())
    }

    pub fn is_may_release_name(&self, name: &str) -> bool {
        self.may_release_names.contains(name)
    }

    /// The effect of a call of a may-release fn of the scanned code.
    pub(super) fn may_release_effect(&self, callee: &crate::ir::Callee) -> Option<CallEffect> {
        if self.may_releases.is_empty() {
            return None;
        }
        let ((owner, name), shift) = self.callee_fn(callee)?;
        let m = self.may_releases.get(&(owner, name))?;
        let arg = match (m.param, callee.is_method) {
            (ReleaseParam::Receiver, true) => ReleaseArg::Receiver,
            (ReleaseParam::Receiver, false) if shift == 1 => ReleaseArg::Arg(0),
            (ReleaseParam::Receiver, false) => return None,
            (ReleaseParam::Param(i), _) => ReleaseArg::Arg(i + shift),
        };
        Some(CallEffect::MayRelease {
            arg,
            use_after: m.use_after,
        })
    }
}
