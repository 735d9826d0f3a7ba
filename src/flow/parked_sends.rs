//! Values parked in a channel whose receiver a returned future owns
//! (quinn's `open_uni` before its fix): the body takes a value from its
//! pool, sends it on a channel it made itself (`let (send, recv) =
//! oneshot::channel()`), and returns a future that keeps `recv`. The send
//! cannot fail (the receiver is alive), so the value waits in the channel
//! until the future is polled; a caller that drops the future first (the
//! arm of a `select!` that lost, a timeout) drops the value with the
//! channel, and it never goes back to its pool.
//!
//! Resolution says whether the body returns such a future
//! ([`Resolution::returned_future`]: a type the code defines that
//! implements `Future`, keeps a channel's `Receiver`, and has no `Drop` that
//! could give back what it holds). This check finds the sends.

use super::{CallEffect, ParkedSend, Resolution};
use crate::ir::{Body, Event, Mode, PlaceId, PlaceKind};

/// Calls that make a channel and return its two ends, `(sender, receiver)`.
const CHANNEL_MAKERS: &[&str] = &["channel", "unbounded", "bounded", "sync_channel"];
/// The modules and crates they are called through.
const CHANNEL_MODULES: &[&str] = &[
    "oneshot",
    "mpsc",
    "crossbeam_channel",
    "flume",
    "async_channel",
    "kanal",
];
/// Calls that put a value into a channel.
const SENDS: &[&str] = &["send", "try_send", "unbounded_send", "send_blocking"];

/// How a place got its value, where it has only one definition.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Def {
    None,
    Place(PlaceId),
    Call(u32),
    /// More than one: not followed.
    Many,
}

pub(super) fn find(body: &Body, res: &Resolution) -> Vec<ParkedSend> {
    if res.returned_future.is_none() {
        return Vec::new();
    }
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    let mut defs = vec![Def::None; body.places.len()];
    let mut define = |dest: PlaceId, def: Def| {
        let d = &mut defs[dest as usize];
        *d = if *d == Def::None { def } else { Def::Many };
    };
    for ev in events() {
        match ev {
            Event::Move { dest, src, .. } | Event::Take { dest, src, .. } => {
                define(*dest, Def::Place(*src))
            }
            Event::Call { call, result, .. } => define(*result, Def::Call(*call)),
            _ => {}
        }
    }
    // Follow a place back through moves to the call that made its value.
    let origin_call = |mut p: PlaceId| {
        for _ in 0..8 {
            match defs[p as usize] {
                Def::Place(src) => p = src,
                Def::Call(c) => return Some(c),
                Def::None | Def::Many => return None,
            }
        }
        None
    };
    let transferred: Vec<PlaceId> = events()
        .filter_map(|ev| match ev {
            Event::Transfer { place, .. } => Some(*place),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for ev in events() {
        let Event::Call {
            call,
            recv: Some(recv),
            args,
            span,
            ..
        } = ev
        else {
            continue;
        };
        if !SENDS.contains(&body.callees[*call as usize].name.as_str()) {
            continue;
        }
        let Some(&(sender, _)) = recv.places.first() else {
            continue;
        };
        let Some(receiver) = paired_receiver(body, &defs, sender) else {
            continue;
        };
        if !transferred.contains(&receiver) {
            continue;
        }
        for &(place, mode) in args.iter().flat_map(|a| &a.places) {
            let Some(acquire) = origin_call(place).filter(|_| mode == Mode::Move) else {
                continue;
            };
            let CallEffect::Acquire(kind) = res.calls[acquire as usize] else {
                continue;
            };
            if kind.guard || kind.handle || kind.counter {
                continue;
            }
            let Some((acquired_at, _)) = body.call_site(acquire) else {
                continue;
            };
            out.push(ParkedSend {
                value: place,
                acquire: acquired_at,
                send: *span,
                receiver,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The receiving end of the channel `sender` is the sending end of: both
/// bound from one `let (send, recv) = oneshot::channel()`.
fn paired_receiver(body: &Body, defs: &[Def], sender: PlaceId) -> Option<PlaceId> {
    let Def::Place(part) = defs[sender as usize] else {
        return None;
    };
    let tuple = body.places[part as usize].parent?;
    if body.places[part as usize].kind != PlaceKind::Field
        || !body.places[part as usize].name.ends_with(".0")
    {
        return None;
    }
    let Def::Place(made) = defs[tuple as usize] else {
        return None;
    };
    let Def::Call(maker) = defs[made as usize] else {
        return None;
    };
    let callee = &body.callees[maker as usize];
    let module = callee
        .qualified
        .as_deref()
        .or(callee.qualifier.as_deref())?;
    let last = module.rsplit("::").next().unwrap_or(module);
    if !CHANNEL_MAKERS.contains(&callee.name.as_str()) || !CHANNEL_MODULES.contains(&last) {
        return None;
    }
    let second =
        body.places
            .iter()
            .position(|p| p.parent == Some(tuple) && p.name.ends_with(".1"))? as PlaceId;
    (0..body.places.len() as PlaceId).find(|&p| defs[p as usize] == Def::Place(second))
}
