//! May-analysis over a body's CFG: the possible states of every tracked pooled
//! value at every point, and the facts the rules read.
//!
//! Values are abstracted by their origin (one per acquire call site, one per
//! field that holds a pooled type on entry, one per released place that held
//! nothing known). Places own values with copy semantics (`let b = a;` leaves
//! both owning the value) because a later read of `a` means `a` is `Copy`; a
//! value leaks only when no live place owns it any more. Temporaries hand
//! their values over when moved.

use crate::ir::{Arg, AssignKind, Body, Event, ExitKind, PlaceId, Span};
use std::collections::{BTreeSet, HashMap};

/// What a call does, once the knowledge index has resolved its callee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallEffect {
    Unknown,
    Acquire(AcquireKind),
    Release {
        arg: ReleaseArg,
        /// The release resets what it takes back (so callers need not).
        resets: bool,
        /// The release bounds the capacity of what it takes back.
        bounds: bool,
    },
    /// Resets its receiver for reuse.
    Reset,
    /// `capacity()`, `shrink_to(..)`: bounds what the receiver keeps.
    BoundsCapacity,
    /// A method that takes `self` by value: the receiver is handed on.
    Consume,
    /// A method of a `Copy` type: the receiver is copied, never moved (an
    /// unknown call otherwise).
    CopyReceiver,
    /// The value's destructor never runs (`mem::forget`, `Box::leak`, `permit.forget()`).
    Forget {
        arg: ReleaseArg,
    },
    /// A guard's own method that disarms it (`fn keep(mut self) { self.armed = false }`).
    Disarm,
    /// A fallible callee that keeps the arguments whose bits are set when it
    /// succeeds and drops them when it fails (`Fiber::new(stack, n)`).
    Sink {
        args: u64,
    },
    /// Hands the arguments whose bits are set back inside the `Err` it
    /// returns when it fails, and keeps them when it succeeds (`bus.write(
    /// buf)` returning `Result<(), (ErrorCode, &'static mut [u8])>`).
    HandsBack {
        args: u64,
    },
    /// Takes one element out of a field of `self` that holds pooled values
    /// (`self.pending.pop()`, `self.by_id.remove(&k)`): the result owns it.
    TakeElement,
    /// Drops every element of such a field in place (`self.pending.clear()`,
    /// `truncate(0)`).
    DropElements,
    /// Gives the operand back to its pool on some paths, as the callee
    /// decides (`func (a *Agent) release() { if !a.reuse { ReleaseAgent(a) }
    /// }`): the caller is rid of it either way (no leak, and a release after
    /// it is no double release). With `use_after`, a later use is one after
    /// a release that may have happened (PL002); without, the callee releases
    /// only on its failing ways out, so a caller that goes on still has it.
    MayRelease {
        arg: ReleaseArg,
        use_after: bool,
    },
}

impl CallEffect {
    /// The operand a release or forget acts on.
    pub fn target<'a>(&self, recv: &'a Option<Arg>, args: &'a [Arg]) -> Option<&'a Arg> {
        match self {
            CallEffect::Release { arg, .. }
            | CallEffect::Forget { arg }
            | CallEffect::MayRelease { arg, .. } => match arg {
                ReleaseArg::Receiver => recv.as_ref(),
                ReleaseArg::Arg(i) => args.get(*i),
                ReleaseArg::Token => None,
            },
            _ => None,
        }
    }
}

/// What an acquire hands out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct AcquireKind {
    /// A guard that releases itself on drop.
    pub guard: bool,
    /// A raw value detached from its guard (`#[poollint::detach]`).
    pub detached: bool,
    /// A key-like handle (a slab key): use after release and double release
    /// apply, but dropping it leaks nothing.
    pub handle: bool,
    /// Its type declares a reset: releasing it un-reset is PL008.
    pub needs_reset: bool,
    /// A growable buffer: releasing it with no capacity bound is PL009.
    pub growable: bool,
    /// A count taken (`increment_count()`), not a value: the body owns it
    /// until a release of its pool gives one back, and it leaks only on the
    /// ways out that fail (`?`, `return Err(..)`).
    pub counter: bool,
    /// Which of the call's results carries the value ([`crate::ir::result_place`]).
    pub result: u8,
}

impl AcquireKind {
    pub fn raw() -> AcquireKind {
        AcquireKind::default()
    }

    pub fn guard() -> AcquireKind {
        AcquireKind {
            guard: true,
            ..AcquireKind::default()
        }
    }
}

/// Which operand of a call a release gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseArg {
    Receiver,
    Arg(usize),
    /// A counter's release: gives back a count the body holds.
    Token,
}

/// The knowledge-dependent inputs of one body's analysis.
#[derive(Clone, Debug, Default)]
pub struct Resolution {
    /// One effect per callee of the body.
    pub calls: Vec<CallEffect>,
    /// Field places of `self` whose declared type holds a pooled value on entry.
    pub entry_fields: Vec<PlaceId>,
    /// Elements a loop binds as mutable views of a field's slots that hold
    /// something to give back: each turn they start with the slot's value,
    /// and going out of scope leaves it in the slot.
    pub element_views: Vec<PlaceId>,
    /// Map fields behind a lock whose values hold pooled values (`pools:
    /// RwLock<HashMap<u64, PoolNode<Conn>>>`): see [`relocked_inserts`].
    pub locked_maps: Vec<PlaceId>,
    /// The body returns a future that may be dropped before it is polled
    /// with what its channel holds (see [`parked_sends`]): its type.
    pub returned_future: Option<String>,
    /// Give by-value parameters and a by-value receiver an entry value (for inference).
    pub track_params: bool,
    /// Locals of a guard type the code defines (its `Drop` releases): while
    /// one is in scope and armed, leaving the body gives the counts back.
    pub guard_locals: Vec<GuardLocal>,
    /// Per callee (empty: none): bit `i` set when the callee only looks at
    /// argument `i`, so a [`Mode::Share`] argument stays with the caller.
    pub borrowing: Vec<u64>,
    /// Parts of a value (field places, and locals bound from one:
    /// `let id = o.id`, `let Outer { id, .. } = o`) whose type is known to
    /// be `Copy`: passing one on hands nothing of the owner on. Sorted.
    pub copy_parts: Vec<PlaceId>,
    /// Acquire calls reported elsewhere than at the call: (call, span). A
    /// call that returns what its closure acquired is reported where the
    /// closure acquired it.
    pub acquire_spans: Vec<(u32, Span)>,
}

/// A local holding a guard, and the field places whose assignment disarms it.
#[derive(Clone, Debug, Default)]
pub struct GuardLocal {
    pub place: PlaceId,
    pub arm_fields: Vec<PlaceId>,
}

impl Resolution {
    pub fn is_trivial(&self) -> bool {
        self.entry_fields.is_empty()
            && self.element_views.is_empty()
            && self.locked_maps.is_empty()
            && !self.track_params
            && self.calls.iter().all(|c| *c == CallEffect::Unknown)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Returned by the acquire call at this event site.
    Acquire {
        call: u32,
        span: Span,
        kind: AcquireKind,
    },
    /// The value a field held when the body started.
    EntryField { place: PlaceId },
    /// The value a released place held that nothing here acquired.
    Implicit { place: PlaceId, receiver: bool },
    /// A by-value parameter (index) or the receiver (`None`).
    Param { index: Option<usize> },
    /// An element taken out of a field of `self` that holds pooled values
    /// (`self.pending.pop()`) at this call.
    Element {
        call: u32,
        span: Span,
        place: PlaceId,
    },
    /// What a parameter holds on entry, followed because it (or a copy) is released:
    /// a `Copy` handle such as a slab key.
    Handle { place: PlaceId },
}

#[derive(Clone, Debug)]
pub struct Value {
    pub origin: Origin,
}

impl Value {
    fn is_obligation(&self) -> bool {
        !matches!(self.origin, Origin::Acquire { kind, .. } if kind.guard || kind.handle)
    }

    pub fn is_guard(&self) -> bool {
        matches!(self.origin, Origin::Acquire { kind, .. } if kind.guard)
    }

    /// A raw value from an acquire (not a guard or handle, not detached).
    pub fn is_raw_acquire(&self) -> bool {
        matches!(self.origin, Origin::Acquire { kind, .. } if !kind.guard && !kind.detached && !kind.handle)
    }

    pub fn is_detached(&self) -> bool {
        matches!(self.origin, Origin::Acquire { kind, .. } if kind.detached)
    }
}

pub type ValueId = usize;

/// A leaking exit of a value: the value is still held when its last owner goes away.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Leak {
    pub value: ValueId,
    pub kind: LeakKind,
    pub span: Span,
    pub place: PlaceId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeakKind {
    Exit(ExitKind),
    Dropped,
    Discarded,
    /// Handed back inside an `Err` that is discarded (`let _ = bus.write(buf)`).
    ErrDiscarded,
    Forgotten,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UseAfterRelease {
    pub value: ValueId,
    pub use_span: Span,
    pub release_span: Span,
    /// The place read, when it is an alias (pointer, slice, clone) rather than an owner.
    pub alias: Option<PlaceId>,
    pub place: PlaceId,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Abandon {
    pub value: ValueId,
    pub place: PlaceId,
    pub span: Span,
    /// `None` when the value was taken out of the place and discarded.
    pub kind: Option<AssignKind>,
    /// The place's elements were dropped in place (`self.pending.clear()`).
    pub cleared: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DoubleRelease {
    pub value: ValueId,
    pub span: Span,
    pub first: Span,
}

/// A count given back in a guard's own method while the guard was armed,
/// and a way out that leaves it armed: the guard's `Drop` gives the count
/// back again ([`own_guard`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ArmedGuardExit {
    /// The receiver, the guard.
    pub guard: PlaceId,
    /// The field its `Drop` checks (`self.in_txn`).
    pub arm_field: PlaceId,
    pub release: Span,
    pub exit: Span,
    /// The way out is a failing one (`?`, `return Err(..)`).
    pub fails: bool,
}

/// Two loops over one collection release its elements: the first walked it
/// without taking them out ([`element_releases`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DoubleReleasedElements {
    /// The collection (`self.keys`).
    pub collection: PlaceId,
    /// The first loop's release of its element, and that loop's iterable.
    pub first: Span,
    pub first_loop: Span,
    /// The second release.
    pub span: Span,
}

/// An `insert` into a map of pooled values, under a lock, of a key looked
/// up under an earlier lock and not again under this one: an entry added
/// in between is displaced and dropped ([`relocked_inserts`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RelockedInsert {
    /// The map field (`self.pools`).
    pub map: PlaceId,
    /// The lookup under the earlier lock.
    pub lookup: Span,
    /// The insert.
    pub span: Span,
}

/// A pooled value sent on a channel the body made, whose receiver the
/// returned future keeps ([`parked_sends`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParkedSend {
    /// The place sent.
    pub value: PlaceId,
    /// The acquire it came from, and the send.
    pub acquire: Span,
    pub send: Span,
    /// The channel's receiving end.
    pub receiver: PlaceId,
}

/// `mem::forget` and friends: a value (or an untracked place) whose destructor never runs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Forgotten {
    pub value: Option<ValueId>,
    pub place: PlaceId,
    pub span: Span,
}

/// A release of a value on a path where it was not reset (or not bounded).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReleaseSite {
    pub value: ValueId,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HeldAcrossAwait {
    pub value: ValueId,
    pub span: Span,
}

/// Everything the rules read about one body.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub values: Vec<Value>,
    pub leaks: BTreeSet<Leak>,
    pub uses_after_release: BTreeSet<UseAfterRelease>,
    pub abandons: BTreeSet<Abandon>,
    pub double_releases: BTreeSet<DoubleRelease>,
    pub armed_guard_exits: BTreeSet<ArmedGuardExit>,
    pub double_released_elements: BTreeSet<DoubleReleasedElements>,
    pub relocked_inserts: Vec<RelockedInsert>,
    pub parked_sends: Vec<ParkedSend>,
    pub held_across_await: BTreeSet<HeldAcrossAwait>,
    pub forgotten: BTreeSet<Forgotten>,
    pub released_unreset: BTreeSet<ReleaseSite>,
    pub released_unbounded: BTreeSet<ReleaseSite>,
    /// Values released somewhere in the body.
    pub released: BTreeSet<ValueId>,
    /// Values that may leave the body through `return` or its tail.
    pub returned: BTreeSet<ValueId>,
    /// Each returned value with the position of the result it leaves in
    /// (0 but for a Go func's later results: [`crate::ir::Body::later_results`]).
    pub returned_at: BTreeSet<(ValueId, u8)>,
    /// The possible states of each value where the body exits.
    pub exit_states: Vec<u8>,
    /// Blocks visited to reach the fixed point (a bounded multiple of the
    /// body's blocks: tests check it).
    pub block_visits: usize,
}

/// Status bits: what may have happened to a value on the paths reaching a point.
pub const ABSENT: u8 = 1;
pub const HELD: u8 = 2;
pub const RELEASED: u8 = 4;
pub const TRANSFERRED: u8 = 8;
/// May not have been reset since it was acquired.
pub const NOT_RESET: u8 = 16;
/// May not have had its capacity checked since it was acquired.
pub const UNBOUNDED: u8 = 32;
/// Moved into a fallible callee: gone with the call's result if it failed.
pub const SUNK: u8 = 64;
/// Held by a call's result only inside its `Err` (a callee that hands its
/// argument back when it fails): the `Ok` way on has it no more.
pub const IN_ERR: u8 = 128;
/// The bits that describe the value's content rather than where it is.
const CONTENT: u8 = NOT_RESET | UNBOUNDED;

const NO_SITE: u32 = u32::MAX;

mod analysis;
pub mod debug_only;
mod dominance;
mod element_releases;
mod own_guard;
mod parked_sends;
mod places;
mod relocked_inserts;
mod slot_views;
pub use relocked_inserts::relocked_fields;
mod released_later;
mod state;
mod step;
#[cfg(test)]
mod tests;

use analysis::Analysis;
pub use places::part_sources;

/// Analyse one body. Returns `None` when nothing in it can involve a pooled value.
pub fn analyze(body: &Body, res: &Resolution) -> Option<Facts> {
    if res.is_trivial() {
        return None;
    }
    let mut a = Analysis::new(body, res);
    let mut facts = if a.values.is_empty() && a.own_guard.is_none() {
        untracked_forgets(body, res)
    } else {
        Some(a.run())
    };
    let relocked = relocked_inserts::find(body, &res.locked_maps);
    if !relocked.is_empty() {
        facts.get_or_insert_default().relocked_inserts = relocked;
    }
    let parked = parked_sends::find(body, res);
    if !parked.is_empty() {
        facts.get_or_insert_default().parked_sends = parked;
    }
    facts
}
/// With nothing tracked, the only facts are the `forget`s (of guard-typed locals).
fn untracked_forgets(body: &Body, res: &Resolution) -> Option<Facts> {
    let mut facts = Facts::default();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call {
            call,
            recv,
            args,
            span,
            ..
        } = ev
        else {
            continue;
        };
        let effect = res.calls[*call as usize];
        let target = matches!(effect, CallEffect::Forget { .. })
            .then(|| effect.target(recv, args))
            .flatten();
        for &(place, _) in target.iter().flat_map(|a| &a.places) {
            facts.forgotten.insert(Forgotten {
                value: None,
                place,
                span: *span,
            });
        }
    }
    (!facts.forgotten.is_empty()).then_some(facts)
}
