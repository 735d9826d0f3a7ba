//! May-analysis over a body's CFG: the possible states of every tracked pooled
//! value at every point, and the facts the rules read.
//!
//! Values are abstracted by their origin (one per acquire call site, one per
//! field that holds a pooled type on entry, one per released place that held
//! nothing known). Places own values with copy semantics (`let b = a;` leaves
//! both owning the value) because a later read of `a` means `a` is `Copy`; a
//! value leaks only when no live place owns it any more. Temporaries hand
//! their values over when moved.

use crate::ir::{Arg, AssignKind, Body, DropKind, Event, ExitKind, Mode, PlaceId, PlaceKind, Span};
use std::collections::BTreeSet;

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
    /// The value's destructor never runs (`mem::forget`, `Box::leak`, `permit.forget()`).
    Forget {
        arg: ReleaseArg,
    },
}

impl CallEffect {
    /// The operand a release or forget acts on.
    pub fn target<'a>(&self, recv: &'a Option<Arg>, args: &'a [Arg]) -> Option<&'a Arg> {
        match self {
            CallEffect::Release { arg, .. } | CallEffect::Forget { arg } => match arg {
                ReleaseArg::Receiver => recv.as_ref(),
                ReleaseArg::Arg(i) => args.get(*i),
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
}

/// The knowledge-dependent inputs of one body's analysis.
#[derive(Clone, Debug, Default)]
pub struct Resolution {
    /// One effect per callee of the body.
    pub calls: Vec<CallEffect>,
    /// Field places of `self` whose declared type holds a pooled value on entry.
    pub entry_fields: Vec<PlaceId>,
    /// Give by-value parameters and a by-value receiver an entry value (for inference).
    pub track_params: bool,
    /// Per callee (empty: none): bit `i` set when the callee only looks at
    /// argument `i`, so a [`Mode::Share`] argument stays with the caller.
    pub borrowing: Vec<u64>,
}

impl Resolution {
    pub fn is_trivial(&self) -> bool {
        self.entry_fields.is_empty()
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
    Implicit { place: PlaceId },
    /// A by-value parameter (index) or the receiver (`None`).
    Param { index: Option<usize> },
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
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DoubleRelease {
    pub value: ValueId,
    pub span: Span,
    pub first: Span,
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
    pub held_across_await: BTreeSet<HeldAcrossAwait>,
    pub forgotten: BTreeSet<Forgotten>,
    pub released_unreset: BTreeSet<ReleaseSite>,
    pub released_unbounded: BTreeSet<ReleaseSite>,
    /// Values released somewhere in the body.
    pub released: BTreeSet<ValueId>,
    /// Values that may leave the body through `return` or its tail.
    pub returned: BTreeSet<ValueId>,
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
/// The bits that describe the value's content rather than where it is.
const CONTENT: u8 = NOT_RESET | UNBOUNDED;

const NO_SITE: u32 = u32::MAX;

#[derive(Clone, PartialEq, Eq)]
struct State {
    /// Per tracked place: the values it owns, and the values it points into.
    owns: Vec<Vec<u64>>,
    aliases: Vec<Vec<u64>>,
    status: Vec<u8>,
    /// Per value: a release that may have happened (start offset), for labels.
    release_site: Vec<(u32, u32)>,
}

fn bit_set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}
fn bit_get(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}
fn bits_iter(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        (0..64)
            .filter(move |b| word & (1 << b) != 0)
            .map(move |b| w * 64 + b)
    })
}
fn bits_clear(bits: &mut [u64]) {
    bits.iter_mut().for_each(|w| *w = 0);
}

impl State {
    /// Join `other` into `self`; whether `self` changed (no copy to compare).
    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        for (a, b) in self
            .owns
            .iter_mut()
            .chain(self.aliases.iter_mut())
            .zip(other.owns.iter().chain(&other.aliases))
        {
            for (x, y) in a.iter_mut().zip(b) {
                changed |= *y & !*x != 0;
                *x |= y;
            }
        }
        for (a, b) in self.status.iter_mut().zip(&other.status) {
            changed |= *b & !*a != 0;
            *a |= b;
        }
        for (a, b) in self.release_site.iter_mut().zip(&other.release_site) {
            changed |= *b < *a;
            *a = (*a).min(*b);
        }
        changed
    }
}

/// The analysis of one body under one resolution.
struct Analysis<'a> {
    body: &'a Body,
    res: &'a Resolution,
    /// Place id -> dense tracked index.
    tracked: Vec<Option<usize>>,
    /// The tracked places and their dense index: loops over tracked places
    /// must not cost the body's size (a long fn has many untracked places).
    tracked_places: Vec<(PlaceId, usize)>,
    tracked_count: usize,
    words: usize,
    values: Vec<Value>,
    /// Call id -> acquired value.
    call_value: Vec<Option<ValueId>>,
    /// (call id, place) -> implicit value for a release of an untracked place.
    implicit: Vec<((u32, PlaceId), ValueId)>,
}

/// Analyse one body. Returns `None` when nothing in it can involve a pooled value.
pub fn analyze(body: &Body, res: &Resolution) -> Option<Facts> {
    if res.is_trivial() {
        return None;
    }
    let mut a = Analysis::new(body, res);
    if a.values.is_empty() {
        return untracked_forgets(body, res);
    }
    Some(a.run())
}

/// Calls that look an entry up only to report whether it is there: asking
/// again after a removal is safe.
const QUERIES: &[&str] = &[
    "get",
    "get_mut",
    "contains",
    "contains_key",
    "try_remove",
    "try_get",
    "is_present",
    "get_owned",
];

fn is_access_call(name: &str) -> bool {
    !QUERIES.contains(&name) && !name.starts_with(|c: char| c.is_uppercase())
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

impl<'a> Analysis<'a> {
    fn new(body: &'a Body, res: &'a Resolution) -> Self {
        let mut values = Vec::new();
        let mut call_value = vec![None; body.callees.len()];
        let mut implicit = Vec::new();
        let mut seeds: Vec<PlaceId> = Vec::new();
        for &place in &res.entry_fields {
            values.push(Value {
                origin: Origin::EntryField { place },
            });
            seeds.push(place);
        }
        if res.track_params {
            for (i, p) in body.params.iter().enumerate() {
                if let Some(p) = *p {
                    values.push(Value {
                        origin: Origin::Param { index: Some(i) },
                    });
                    seeds.push(p);
                }
            }
            if let Some((p, true)) = body.receiver {
                values.push(Value {
                    origin: Origin::Param { index: None },
                });
                seeds.push(p);
            }
        }
        for block in &body.blocks {
            for ev in &block.events {
                let Event::Call {
                    call,
                    recv,
                    args,
                    result,
                    span,
                } = ev
                else {
                    continue;
                };
                match res.calls[*call as usize] {
                    CallEffect::Unknown
                    | CallEffect::Consume
                    | CallEffect::Reset
                    | CallEffect::BoundsCapacity
                    | CallEffect::Forget { .. } => {}
                    CallEffect::Acquire(kind) => {
                        if call_value[*call as usize].is_none() {
                            call_value[*call as usize] = Some(values.len());
                            values.push(Value {
                                origin: Origin::Acquire {
                                    call: *call,
                                    span: *span,
                                    kind,
                                },
                            });
                        }
                        seeds.push(*result);
                    }
                    effect @ CallEffect::Release { .. } => {
                        let released = effect.target(recv, args);
                        for &(place, _) in released.map(|a| a.places.as_slice()).unwrap_or(&[]) {
                            if !implicit.iter().any(|(k, _)| *k == (*call, place)) {
                                implicit.push(((*call, place), values.len()));
                                values.push(Value {
                                    origin: Origin::Implicit { place },
                                });
                            }
                            seeds.push(place);
                        }
                    }
                }
            }
        }
        if !res.track_params {
            for place in handle_params(body, implicit.iter().map(|((_, p), _)| *p)) {
                values.push(Value {
                    origin: Origin::Handle { place },
                });
                seeds.push(place);
            }
        }
        let tracked = track_places(body, &seeds);
        let tracked_places: Vec<(PlaceId, usize)> = tracked
            .iter()
            .enumerate()
            .filter_map(|(p, t)| t.map(|t| (p as PlaceId, t)))
            .collect();
        let tracked_count = tracked_places.len();
        let words = values.len().div_ceil(64).max(1);
        Analysis {
            body,
            res,
            tracked,
            tracked_places,
            tracked_count,
            words,
            values,
            call_value,
            implicit,
        }
    }

    fn entry_state(&self) -> State {
        let mut st = State {
            owns: vec![vec![0; self.words]; self.tracked_count],
            aliases: vec![vec![0; self.words]; self.tracked_count],
            status: vec![ABSENT; self.values.len()],
            release_site: vec![(NO_SITE, NO_SITE); self.values.len()],
        };
        for (v, value) in self.values.iter().enumerate() {
            let place = match value.origin {
                Origin::EntryField { place } => Some(place),
                Origin::Param { index: Some(i) } => self.body.params[i],
                Origin::Param { index: None } => self.body.receiver.map(|r| r.0),
                Origin::Handle { place } => Some(place),
                _ => None,
            };
            if let Some(t) = place.and_then(|p| self.tracked[p as usize]) {
                bit_set(&mut st.owns[t], v);
                st.status[v] = HELD;
            }
        }
        st
    }

    fn run(&mut self) -> Facts {
        let n = self.body.blocks.len();
        // `None`: not reached (yet). Unreached blocks cost no state.
        let mut ins: Vec<Option<State>> = vec![None; n];
        ins[self.body.entry as usize] = Some(self.entry_state());
        let mut queued = vec![false; n];
        let mut work = std::collections::VecDeque::new();
        work.push_back(self.body.entry as usize);
        queued[self.body.entry as usize] = true;
        let mut visits = 0;
        while let Some(b) = work.pop_front() {
            visits += 1;
            queued[b] = false;
            let Some(mut st) = ins[b].clone() else {
                continue;
            };
            for ev in &self.body.blocks[b].events {
                self.step(&mut st, ev, None);
            }
            for &s in &self.body.blocks[b].succs {
                let s = s as usize;
                let changed = match &mut ins[s] {
                    Some(old) => old.join(&st),
                    slot @ None => {
                        *slot = Some(st.clone());
                        true
                    }
                };
                if changed && !queued[s] {
                    queued[s] = true;
                    work.push_back(s);
                }
            }
        }
        let mut facts = Facts {
            values: self.values.clone(),
            block_visits: visits,
            ..Facts::default()
        };
        // An exit never reached keeps what the entry held.
        facts.exit_states = match &ins[self.body.exit as usize] {
            Some(st) => st.status.clone(),
            None => self.entry_state().status,
        };
        for (block, st) in self.body.blocks.iter().zip(ins) {
            let Some(mut st) = st else {
                continue;
            };
            for ev in &block.events {
                self.step(&mut st, ev, Some(&mut facts));
            }
        }
        facts
    }

    fn t(&self, place: PlaceId) -> Option<usize> {
        self.tracked[place as usize]
    }

    /// Is the value held by a named place (not only by a temporary)?
    fn owned_by_local(&self, st: &State, v: ValueId) -> bool {
        self.tracked_places.iter().any(|&(p, t)| {
            bit_get(&st.owns[t], v) && self.body.places[p as usize].kind != PlaceKind::Temp
        })
    }

    /// A reset or a capacity check of `place` (or of what it is a field of).
    fn clear_content(&self, st: &mut State, place: PlaceId, bits: u8) {
        let owner = std::iter::successors(Some(place), |p| self.body.places[*p as usize].parent)
            .find_map(|p| self.t(p));
        if let Some(t) = owner {
            for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
                st.status[v] &= !bits;
            }
        }
    }

    fn owned_elsewhere(&self, st: &State, v: ValueId) -> bool {
        st.owns.iter().any(|bits| bit_get(bits, v))
    }

    /// A read of `place`: report the values it (or a place it is a field of) may hold after release.
    /// Key-like values: parameters released as keys, implicit values, slab keys.
    fn is_handle(&self, v: ValueId) -> bool {
        match self.values[v].origin {
            Origin::Acquire { kind, .. } => kind.handle,
            Origin::Implicit { .. } | Origin::Handle { .. } => true,
            Origin::EntryField { .. } | Origin::Param { .. } => false,
        }
    }

    fn check_use(&self, st: &State, place: PlaceId, span: Span, facts: &mut Option<&mut Facts>) {
        self.check_use_of(st, place, span, facts, false);
    }

    /// A read of `place`. For key-like handles only an `access` (an index) is a
    /// use of what was released: passing the number around, or asking the slab
    /// whether it still holds it (`get`, `contains`), is not.
    fn check_use_of(
        &self,
        st: &State,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
        access: bool,
    ) {
        let Some(facts) = facts.as_deref_mut() else {
            return;
        };
        if self.body.places[place as usize].kind == PlaceKind::Temp {
            return;
        }
        let mut p = Some(place);
        while let Some(cur) = p {
            if let Some(t) = self.t(cur) {
                for (bits, alias) in [(&st.owns[t], None), (&st.aliases[t], Some(cur))] {
                    for v in bits_iter(bits) {
                        if st.status[v] & RELEASED != 0 && (access || !self.is_handle(v)) {
                            let (start, end) = st.release_site[v];
                            facts.uses_after_release.insert(UseAfterRelease {
                                value: v,
                                use_span: span,
                                release_span: Span { start, end },
                                alias,
                                place: cur,
                            });
                        }
                    }
                }
            }
            p = self.body.places[cur as usize].parent;
        }
    }

    fn transfer(
        &self,
        st: &mut State,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
        returned: bool,
    ) {
        self.check_use(st, place, span, facts);
        let Some(t) = self.t(place) else { return };
        for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
            st.status[v] = TRANSFERRED | (st.status[v] & CONTENT);
            if returned && let Some(f) = facts.as_deref_mut() {
                f.returned.insert(v);
            }
        }
        if self.body.places[place as usize].kind == PlaceKind::Temp {
            bits_clear(&mut st.owns[t]);
        }
    }

    /// Values whose last owner just went away while they were still held.
    fn report_orphans(&self, st: &State, vals: &[ValueId], mut on_leak: impl FnMut(ValueId)) {
        for &v in vals {
            if st.status[v] & HELD != 0
                && self.values[v].is_obligation()
                && !self.owned_elsewhere(st, v)
            {
                on_leak(v);
            }
        }
    }

    fn step(&self, st: &mut State, ev: &Event, mut facts: Option<&mut Facts>) {
        match ev {
            Event::Call {
                call,
                recv,
                args,
                result,
                span,
            } => {
                let effect = self.res.calls[*call as usize];
                let released = effect.target(recv, args);
                let clears = match effect {
                    CallEffect::Reset => NOT_RESET,
                    CallEffect::BoundsCapacity => UNBOUNDED,
                    _ => 0,
                };
                if clears != 0 {
                    for &(place, _) in recv.iter().flat_map(|r| &r.places) {
                        self.clear_content(st, place, clears);
                    }
                }
                // A key passed to a call (not a query like `get`/`contains`, not a
                // constructor) reaches what it names.
                let callee = &self.body.callees[*call as usize].name;
                if is_access_call(callee) && effect == CallEffect::Unknown {
                    for arg in recv.iter().chain(args) {
                        for &(place, _) in &arg.places {
                            self.check_use_of(st, place, arg.span, &mut facts, true);
                        }
                    }
                }
                let borrowed = self.res.borrowing.get(*call as usize).copied().unwrap_or(0);
                for arg in recv.iter().chain(args) {
                    if released.is_some_and(|r| std::ptr::eq(r, arg)) {
                        continue;
                    }
                    let consumed = effect == CallEffect::Consume
                        && recv.as_ref().is_some_and(|r| std::ptr::eq(r, arg));
                    let kept = args
                        .iter()
                        .position(|a| std::ptr::eq(a, arg))
                        .is_none_or(|i| i >= 64 || borrowed & (1 << i) == 0);
                    for &(place, mode) in &arg.places {
                        match mode {
                            _ if consumed => self.transfer(st, place, arg.span, &mut facts, false),
                            Mode::Move => self.transfer(st, place, arg.span, &mut facts, false),
                            Mode::Share if kept => {
                                self.transfer(st, place, arg.span, &mut facts, false)
                            }
                            Mode::Shared | Mode::Share => {
                                self.check_use(st, place, arg.span, &mut facts)
                            }
                            Mode::Borrow => {
                                self.check_use(st, place, arg.span, &mut facts);
                                if effect == CallEffect::Unknown {
                                    self.havoc_fields(st, place);
                                }
                            }
                        }
                    }
                }
                if let (Some(arg), CallEffect::Forget { .. }) = (released, effect) {
                    for &(place, _) in &arg.places {
                        self.forget(st, &place, span, facts.as_deref_mut());
                    }
                }
                if let (Some(arg), CallEffect::Release { resets, bounds, .. }) = (released, effect)
                {
                    for &(place, _) in &arg.places {
                        self.release(st, *call, place, *span, &mut facts, resets, bounds);
                    }
                }
                if let Some(v) = self.call_value[*call as usize] {
                    // A new instance from this site: an old one that is no longer held is gone.
                    if st.status[v] & HELD == 0 {
                        st.owns
                            .iter_mut()
                            .chain(st.aliases.iter_mut())
                            .for_each(|bits| {
                                bits[v / 64] &= !(1 << (v % 64));
                            });
                    }
                    let CallEffect::Acquire(kind) = effect else {
                        unreachable!("acquire values come from acquires")
                    };
                    st.status[v] = HELD
                        | if kind.needs_reset { NOT_RESET } else { 0 }
                        | if kind.growable { UNBOUNDED } else { 0 };
                    st.release_site[v] = (NO_SITE, NO_SITE);
                    if let Some(t) = self.t(*result) {
                        bits_clear(&mut st.owns[t]);
                        bit_set(&mut st.owns[t], v);
                    }
                }
            }
            Event::Move { dest, src, span } | Event::Take { dest, src, span } => {
                self.check_use(st, *src, *span, &mut facts);
                let (Some(d), Some(s)) = (self.t(*dest), self.t(*src)) else {
                    return;
                };
                if d == s {
                    return;
                }
                st.owns[d] = st.owns[s].clone();
                st.aliases[d] = st.aliases[s].clone();
                if matches!(ev, Event::Take { .. })
                    || self.body.places[*src as usize].kind == PlaceKind::Temp
                {
                    bits_clear(&mut st.owns[s]);
                    bits_clear(&mut st.aliases[s]);
                }
            }
            Event::Alias { dest, of, span } => {
                self.check_use(st, *of, *span, &mut facts);
                let owner =
                    std::iter::successors(Some(*of), |p| self.body.places[*p as usize].parent)
                        .find_map(|p| self.t(p));
                let (Some(d), Some(o)) = (self.t(*dest), owner) else {
                    return;
                };
                let mut bits = st.owns[o].clone();
                bits.iter_mut()
                    .zip(&st.aliases[o])
                    .for_each(|(x, y)| *x |= y);
                st.aliases[d] = bits;
                bits_clear(&mut st.owns[d]);
            }
            Event::Transfer {
                place,
                span,
                returned,
            } => {
                self.transfer(st, *place, *span, &mut facts, *returned);
            }
            // Only an index (`slab[key]`) accesses what a key-like handle names.
            Event::Use { place, span, weak } => {
                self.check_use_of(st, *place, *span, &mut facts, !*weak)
            }
            Event::Assign { place, kind, span } => {
                let Some(t) = self.t(*place) else { return };
                let owned: Vec<_> = bits_iter(&st.owns[t]).collect();
                bits_clear(&mut st.owns[t]);
                bits_clear(&mut st.aliases[t]);
                if let Some(f) = facts {
                    let kind = *kind;
                    self.report_orphans(st, &owned, |v| {
                        f.abandons.insert(Abandon {
                            value: v,
                            place: *place,
                            span: *span,
                            kind: Some(kind),
                        });
                    });
                }
                // An overwritten value nothing refers to any more can never be
                // touched again: forget its history, so that a loop that
                // reassigns a place does not mix the old value into the new.
                for v in owned {
                    let referenced = st
                        .owns
                        .iter()
                        .chain(st.aliases.iter())
                        .any(|bits| bit_get(bits, v));
                    if !referenced {
                        st.status[v] = ABSENT;
                    }
                }
            }
            Event::Drop { place, kind, span } => {
                if *kind == DropKind::Explicit {
                    self.check_use(st, *place, *span, &mut facts);
                }
                let Some(t) = self.t(*place) else { return };
                let owned: Vec<_> = bits_iter(&st.owns[t]).collect();
                bits_clear(&mut st.owns[t]);
                if let Some(f) = facts {
                    self.report_orphans(st, &owned, |v| {
                        if matches!(self.values[v].origin, Origin::EntryField { .. }) {
                            // A field's value taken out (`take()`, `mem::take`) and dropped.
                            f.abandons.insert(Abandon {
                                value: v,
                                place: *place,
                                span: *span,
                                kind: None,
                            });
                            return;
                        }
                        f.leaks.insert(Leak {
                            value: v,
                            kind: if *kind == DropKind::Explicit {
                                LeakKind::Dropped
                            } else {
                                LeakKind::Discarded
                            },
                            span: *span,
                            place: *place,
                        });
                    });
                }
                for v in owned {
                    if st.status[v] & HELD != 0 {
                        st.status[v] = (st.status[v] & !HELD) | TRANSFERRED;
                    }
                }
            }
            Event::Vanish { place } => {
                // The pattern did not match: the value is not there on this edge.
                if let Some(t) = self.t(*place) {
                    let owned: Vec<_> = bits_iter(&st.owns[t]).collect();
                    bits_clear(&mut st.owns[t]);
                    bits_clear(&mut st.aliases[t]);
                    for v in owned {
                        if !self.owned_elsewhere(st, v) {
                            st.status[v] = ABSENT;
                        }
                    }
                }
            }
            Event::Await { span } => {
                if let Some(f) = facts {
                    for (v, value) in self.values.iter().enumerate() {
                        if value.is_raw_acquire()
                            && st.status[v] & HELD != 0
                            && self.owned_by_local(st, v)
                        {
                            f.held_across_await.insert(HeldAcrossAwait {
                                value: v,
                                span: *span,
                            });
                        }
                    }
                }
            }
            Event::Exit { kind, span, drops } => {
                let mut owned: Vec<(ValueId, PlaceId)> = Vec::new();
                for &p in drops {
                    if let Some(t) = self.t(p) {
                        owned.extend(bits_iter(&st.owns[t]).map(|v| (v, p)));
                        bits_clear(&mut st.owns[t]);
                        bits_clear(&mut st.aliases[t]);
                    }
                }
                owned.sort_unstable();
                owned.dedup_by_key(|(v, _)| *v);
                if let Some(f) = facts {
                    for (v, place) in owned {
                        self.report_orphans(st, &[v], |v| {
                            f.leaks.insert(Leak {
                                value: v,
                                kind: LeakKind::Exit(*kind),
                                span: *span,
                                place,
                            });
                        });
                    }
                }
            }
        }
    }

    /// `mem::forget(x)` and friends: `place`'s destructor never runs.
    fn forget(&self, st: &mut State, place: &PlaceId, span: &Span, mut facts: Option<&mut Facts>) {
        self.check_use(st, *place, *span, &mut facts);
        let Some(t) = self.t(*place) else {
            if let Some(f) = facts {
                f.forgotten.insert(Forgotten {
                    value: None,
                    place: *place,
                    span: *span,
                });
            }
            return;
        };
        let owned: Vec<_> = bits_iter(&st.owns[t]).collect();
        bits_clear(&mut st.owns[t]);
        if let Some(f) = facts {
            if owned.is_empty() {
                f.forgotten.insert(Forgotten {
                    value: None,
                    place: *place,
                    span: *span,
                });
            }
            for &v in &owned {
                if self.values[v].is_guard() && st.status[v] & HELD != 0 {
                    f.forgotten.insert(Forgotten {
                        value: Some(v),
                        place: *place,
                        span: *span,
                    });
                }
            }
            self.report_orphans(st, &owned, |v| {
                f.leaks.insert(Leak {
                    value: v,
                    kind: LeakKind::Forgotten,
                    span: *span,
                    place: *place,
                });
            });
        }
        for v in owned {
            if st.status[v] & HELD != 0 {
                st.status[v] = (st.status[v] & !HELD) | TRANSFERRED;
            }
        }
    }

    /// An unknown call that borrows `place` (`self.helper()`, `reset(&mut self.msg)`)
    /// may take or release the pooled fields under it: stay silent about them.
    fn havoc_fields(&self, st: &mut State, place: PlaceId) {
        for &(q, t) in &self.tracked_places {
            let under = std::iter::successors(Some(q), |p| self.body.places[*p as usize].parent)
                .any(|p| p == place);
            if !under {
                continue;
            }
            for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
                if matches!(self.values[v].origin, Origin::EntryField { .. })
                    && st.status[v] & HELD != 0
                {
                    st.status[v] = (st.status[v] & !HELD) | TRANSFERRED;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn release(
        &self,
        st: &mut State,
        call: u32,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
        resets: bool,
        bounds: bool,
    ) {
        let Some(t) = self.t(place) else { return };
        let mut owned: Vec<_> = bits_iter(&st.owns[t]).collect();
        if owned.is_empty() {
            owned = bits_iter(&st.aliases[t]).collect();
        }
        if owned.is_empty()
            && let Some(&(_, v)) = self.implicit.iter().find(|(k, _)| *k == (call, place))
        {
            // A new instance (a loop's next key): its history starts here.
            bit_set(&mut st.owns[t], v);
            st.status[v] = HELD;
            st.release_site[v] = (NO_SITE, NO_SITE);
            owned.push(v);
        }
        for v in owned {
            if st.status[v] & RELEASED != 0
                && let Some(f) = facts.as_deref_mut()
            {
                let (start, end) = st.release_site[v];
                f.double_releases.insert(DoubleRelease {
                    value: v,
                    span,
                    first: Span { start, end },
                });
            }
            if let Some(f) = facts.as_deref_mut() {
                f.released.insert(v);
                if !resets && st.status[v] & NOT_RESET != 0 {
                    f.released_unreset.insert(ReleaseSite { value: v, span });
                }
                if !bounds && st.status[v] & UNBOUNDED != 0 {
                    f.released_unbounded.insert(ReleaseSite { value: v, span });
                }
            }
            st.status[v] = RELEASED | (st.status[v] & CONTENT);
            st.release_site[v] = (span.start, span.end);
        }
    }
}

/// Parameters whose value reaches a release, directly or through copies.
fn handle_params(body: &Body, released: impl Iterator<Item = PlaceId>) -> Vec<PlaceId> {
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
fn track_places(body: &Body, seeds: &[PlaceId]) -> Vec<Option<usize>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::*;

    fn place(name: &str, kind: PlaceKind) -> Place {
        Place {
            name: name.into(),
            kind,
            parent: None,
            ty: None,
        }
    }

    fn callee() -> Callee {
        Callee {
            name: "f".into(),
            qualifier: None,
            qualified: None,
            receiver_type: None,
            is_method: false,
            arg_count: 0,
        }
    }

    /// `let buf = acquire(); if c { return; } release(buf);`
    #[test]
    fn early_return_leaks_and_release_path_does_not() {
        let span = |s| Span::new(s, s + 1);
        let body = Body {
            kind: BodyKind::Fn,
            name: "f".into(),
            fn_name: Some("f".into()),
            self_type: None,
            trait_name: None,
            span: span(0),
            line: 1,
            places: vec![
                place("<temp>", PlaceKind::Temp),
                place("buf", PlaceKind::Local),
                place("<temp>", PlaceKind::Temp),
            ],
            callees: vec![callee(), callee()],
            blocks: vec![
                Block {
                    events: vec![
                        Event::Call {
                            call: 0,
                            recv: None,
                            args: vec![],
                            result: 0,
                            span: span(1),
                        },
                        Event::Move {
                            dest: 1,
                            src: 0,
                            span: span(1),
                        },
                    ],
                    succs: vec![1, 2],
                },
                Block {
                    events: vec![Event::Exit {
                        kind: ExitKind::Return,
                        span: span(2),
                        drops: vec![1],
                    }],
                    succs: vec![3],
                },
                Block {
                    events: vec![
                        Event::Call {
                            call: 1,
                            recv: None,
                            args: vec![Arg {
                                places: vec![(1, Mode::Move)],
                                span: span(3),
                                non_pointer: false,
                            }],
                            result: 2,
                            span: span(3),
                        },
                        Event::Exit {
                            kind: ExitKind::End,
                            span: span(4),
                            drops: vec![1],
                        },
                    ],
                    succs: vec![3],
                },
                Block::default(),
            ],
            entry: 0,
            exit: 3,
            params: vec![],
            receiver: None,
            returns: None,
            returns_wrapped: false,
        };
        let res = Resolution {
            borrowing: Vec::new(),
            calls: vec![
                CallEffect::Acquire(AcquireKind::raw()),
                CallEffect::Release {
                    arg: ReleaseArg::Arg(0),
                    resets: true,
                    bounds: true,
                },
            ],
            ..Resolution::default()
        };
        let facts = analyze(&body, &res).unwrap();
        let leaks: Vec<_> = facts.leaks.iter().map(|l| l.span).collect();
        assert_eq!(leaks, vec![span(2)]);
        assert_eq!(facts.exit_states[0], HELD | RELEASED);
    }
}
