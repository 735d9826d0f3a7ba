//! The transfer function: what each IR event does to the state, and the
//! facts it records on the way.

use super::analysis::Analysis;
use super::state::{State, bit_get, bit_set, bits_clear, bits_iter};
use super::*;
use crate::ir::{DropKind, Mode, PlaceKind, result_place};

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
impl Analysis<'_> {
    /// A counter's release gives back a count the body holds (the oldest
    /// first: counts are not told apart).
    fn give_back_count(&self, st: &mut State, slot: usize, span: Span) {
        if let Some(v) = bits_iter(&st.owns[slot]).find(|&v| st.status[v] & HELD != 0) {
            st.status[v] = RELEASED;
            st.release_site[v] = (span.start, span.end);
        }
    }

    /// A value moved into a fallible callee: handed on, unless the call
    /// fails (its result then vanishes, and the value with it).
    fn sink(
        &self,
        st: &mut State,
        place: PlaceId,
        result: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
    ) {
        if self
            .move_to_result(st, place, result, span, facts, TRANSFERRED | SUNK)
            .is_some()
            && self.body.places[place as usize].kind == PlaceKind::Temp
            && let Some(t) = self.t(place)
        {
            bits_clear(&mut st.owns[t]);
        }
    }

    /// `bus.write(buf)` where the callee hands `buf` back inside its `Err`:
    /// the result holds it, on the failing side only (an `Unwrapped` way on
    /// has it no more; a discarded result drops it).
    /// The call is recorded as the value's site: a discarded `Err` is
    /// reported there, not where the temporaries drop.
    fn hand_back(
        &self,
        st: &mut State,
        place: PlaceId,
        result: PlaceId,
        span: Span,
        call: Span,
        facts: &mut Option<&mut Facts>,
    ) {
        let Some(moved) = self.move_to_result(st, place, result, span, facts, HELD | IN_ERR) else {
            return;
        };
        let t = self
            .t(place)
            .expect("move_to_result found the place tracked");
        for v in moved {
            st.owns[t][v / 64] &= !(1 << (v % 64));
            st.release_site[v] = (call.start, call.end);
        }
    }

    /// The held values of `place` go with the call's `result`, their status
    /// now `status` (content bits kept); `None` when either place is
    /// untracked, after handing `place` on as any other move.
    fn move_to_result(
        &self,
        st: &mut State,
        place: PlaceId,
        result: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
        status: u8,
    ) -> Option<Vec<ValueId>> {
        self.check_use(st, place, span, facts);
        let (Some(t), Some(r)) = (self.t(place), self.t(result)) else {
            self.transfer(st, place, span, facts, false);
            return None;
        };
        let moved: Vec<ValueId> = bits_iter(&st.owns[t])
            .filter(|&v| st.status[v] & HELD != 0)
            .collect();
        for &v in &moved {
            st.status[v] = status | (st.status[v] & CONTENT);
            bit_set(&mut st.owns[r], v);
        }
        Some(moved)
    }

    /// `self.pending.pop()`: while the field still holds the pooled values it
    /// had on entry, the result owns the element taken out (a new one at
    /// each call: a loop pops another).
    fn take_element(&self, st: &mut State, call: u32, recv: &Option<Arg>, result: PlaceId) {
        let Some(v) = self.call_value[call as usize] else {
            return;
        };
        let contents: Vec<_> = recv
            .iter()
            .flat_map(|r| &r.places)
            .flat_map(|&(p, _)| self.held_entry_values(st, p))
            .collect();
        let holds = !contents.is_empty();
        // Elements are being taken out one by one (a `while let .. pop()`
        // loop empties the field): what is left is not known any more, so a
        // later `clear()` or overwrite is not reported.
        for e in contents {
            st.status[e] = (st.status[e] & !HELD) | TRANSFERRED;
        }
        Self::forget_old_instance(st, v);
        let Some(r) = self.t(result) else { return };
        bits_clear(&mut st.owns[r]);
        if holds {
            st.status[v] = HELD;
            st.release_site[v] = (NO_SITE, NO_SITE);
            bit_set(&mut st.owns[r], v);
        }
    }

    /// `self.pending.clear()`: the pooled elements the field held on entry
    /// are dropped where they are.
    fn drop_elements(
        &self,
        st: &mut State,
        recv: &Option<Arg>,
        span: Span,
        facts: &mut Option<&mut Facts>,
    ) {
        for &(place, _) in recv.iter().flat_map(|r| &r.places) {
            for v in self.held_entry_values(st, place) {
                st.status[v] = (st.status[v] & !HELD) | TRANSFERRED;
                if let Some(f) = facts.as_deref_mut() {
                    f.abandons.insert(Abandon {
                        value: v,
                        place,
                        span,
                        kind: None,
                        cleared: true,
                    });
                }
            }
        }
    }

    /// The values a field held on entry that it still holds.
    fn held_entry_values(&self, st: &State, place: PlaceId) -> Vec<ValueId> {
        let Some(t) = self.t(place) else {
            return Vec::new();
        };
        bits_iter(&st.owns[t])
            .filter(|&e| {
                st.status[e] & HELD != 0
                    && matches!(self.values[e].origin, Origin::EntryField { .. })
            })
            .collect()
    }

    /// Is a value lost from `place` a field's value dropped (PL003) rather
    /// than a leak (PL001)? A field's value is; an element taken out of a
    /// field is too, unless a local took it (`let slot = free.pop()?` then
    /// a `?`: the local's value is not released on every path).
    fn abandoned_not_leaked(&self, v: ValueId, place: PlaceId) -> bool {
        match self.values[v].origin {
            Origin::EntryField { .. } => true,
            Origin::Element { .. } => self.body.places[place as usize].kind != PlaceKind::Local,
            _ => false,
        }
    }

    /// A call site makes a new instance of its value: an old one that is no
    /// longer held is gone from every place.
    /// A view of stored data bound (again): its fields hold what the
    /// storage holds, a new instance of their entry values.
    fn rebind_view(&self, st: &mut State, local: PlaceId) {
        let Some(fields) = self.rebinds.get(&local) else {
            return;
        };
        for &(field, v) in fields {
            st.owns
                .iter_mut()
                .chain(st.aliases.iter_mut())
                .for_each(|bits| bits[v / 64] &= !(1 << (v % 64)));
            if let Some(t) = self.t(field) {
                bit_set(&mut st.owns[t], v);
            }
            st.status[v] = HELD;
            st.release_site[v] = (NO_SITE, NO_SITE);
        }
    }

    fn forget_old_instance(st: &mut State, v: ValueId) {
        if st.status[v] & HELD == 0 {
            st.owns
                .iter_mut()
                .chain(st.aliases.iter_mut())
                .for_each(|bits| bits[v / 64] &= !(1 << (v % 64)));
        }
    }

    /// Is `place` only copied into `call`: the body releases it later and
    /// it holds a value not yet released (see `released_later`)?
    fn copied_into_call(&self, st: &State, call: u32, place: PlaceId) -> bool {
        self.copied_args.contains(&(call, place))
            && self
                .t(place)
                .is_some_and(|t| bits_iter(&st.owns[t]).any(|v| st.status[v] & HELD != 0))
    }

    /// The guard local a place is, if it is one.
    fn guard_index(&self, place: PlaceId) -> Option<usize> {
        self.res.guard_locals.iter().position(|g| g.place == place)
    }

    /// The place a call's result lands in.
    fn call_result(&self, call: u32) -> PlaceId {
        self.body.call_site(call).map_or(0, |(_, result)| result)
    }

    pub(super) fn step(&self, st: &mut State, ev: &Event, mut facts: Option<&mut Facts>) {
        self.collections_changed(st, ev);
        match ev {
            Event::Call {
                call,
                recv,
                args,
                result,
                span,
                more_results,
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
                let unknown = matches!(effect, CallEffect::Unknown | CallEffect::CopyReceiver);
                if is_access_call(callee) && unknown {
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
                    let is_recv = recv.as_ref().is_some_and(|r| std::ptr::eq(r, arg));
                    let consumed = effect == CallEffect::Consume && is_recv;
                    let copied = effect == CallEffect::CopyReceiver && is_recv;
                    let arg_bit = |bits: u64| {
                        args.iter()
                            .position(|a| std::ptr::eq(a, arg))
                            .is_some_and(|i| i < 64 && bits & (1 << i) != 0)
                    };
                    let (sunk, handed_back) = match effect {
                        CallEffect::Sink { args: bits } => (arg_bit(bits), false),
                        CallEffect::HandsBack { args: bits } => (false, arg_bit(bits)),
                        _ => (false, false),
                    };
                    let kept = args
                        .iter()
                        .position(|a| std::ptr::eq(a, arg))
                        .is_none_or(|i| i >= 64 || borrowed & (1 << i) == 0);
                    for &(place, mode) in &arg.places {
                        match mode {
                            Mode::Move if sunk => {
                                self.sink(st, place, *result, arg.span, &mut facts)
                            }
                            Mode::Move if handed_back => {
                                self.hand_back(st, place, *result, arg.span, *span, &mut facts)
                            }
                            _ if consumed => self.transfer(st, place, arg.span, &mut facts, false),
                            Mode::Move if copied || self.copied_into_call(st, *call, place) => {
                                self.check_use(st, place, arg.span, &mut facts)
                            }
                            Mode::Move => self.transfer(st, place, arg.span, &mut facts, false),
                            Mode::Share if kept && !self.copied_into_call(st, *call, place) => {
                                self.transfer(st, place, arg.span, &mut facts, false)
                            }
                            Mode::Shared | Mode::Share => {
                                self.check_use(st, place, arg.span, &mut facts)
                            }
                            Mode::Borrow => {
                                self.check_use(st, place, arg.span, &mut facts);
                                if unknown {
                                    self.havoc_fields(st, place);
                                }
                            }
                        }
                    }
                }
                if effect == CallEffect::Disarm {
                    // On the guard (`g.keep()`), or with it (`Undo::into_inner(g)`).
                    for &(place, _) in recv.iter().chain(args.first()).flat_map(|r| &r.places) {
                        if let Some(g) = self.guard_index(place) {
                            self.disarm(st, g);
                        }
                    }
                }
                if let (Some(arg), CallEffect::Forget { .. }) = (released, effect) {
                    for &(place, _) in &arg.places {
                        if let Some(g) = self.guard_index(place) {
                            self.disarm(st, g);
                        }
                        if !self.leak_kept(st, *call, place, *result) {
                            self.forget(st, &place, span, facts.as_deref_mut());
                        }
                    }
                }
                if let CallEffect::Release {
                    arg: ReleaseArg::Token,
                    ..
                } = effect
                {
                    if let Some(t) = self.token_slot {
                        self.give_back_count(st, t, *span);
                    }
                    self.count_given_back(st, *span);
                    self.stored_count_given_back(st, *call, recv, *span, &mut facts);
                }
                if let (Some(arg), CallEffect::Release { resets, bounds, .. }) = (released, effect)
                {
                    for &(place, _) in &arg.places {
                        self.arm_field_given_back(st, place, *span);
                        self.element_released(st, place, *span, &mut facts);
                        self.release(st, *call, place, *span, &mut facts, resets, bounds);
                    }
                }
                if let (Some(arg), CallEffect::MayRelease { use_after, .. }) = (released, effect) {
                    for &(place, _) in &arg.places {
                        if use_after {
                            self.may_release(st, *call, place, *span);
                        } else {
                            self.transfer(st, place, arg.span, &mut facts, false);
                        }
                    }
                }
                if effect == CallEffect::DropElements {
                    self.drop_elements(st, recv, *span, &mut facts);
                }
                if effect == CallEffect::TakeElement {
                    self.take_element(st, *call, recv, *result);
                } else if let Some(v) = self.call_value[*call as usize] {
                    Self::forget_old_instance(st, v);
                    let CallEffect::Acquire(kind) = effect else {
                        unreachable!("acquire values come from acquires")
                    };
                    st.status[v] = HELD
                        | if kind.needs_reset { NOT_RESET } else { 0 }
                        | if kind.growable { UNBOUNDED } else { 0 };
                    st.release_site[v] = (NO_SITE, NO_SITE);
                    if kind.counter
                        && let Some(t) = self.token_slot
                    {
                        bit_set(&mut st.owns[t], v);
                    }
                    // The result carries it too: a failed call took nothing.
                    if let Some(t) = self.t(result_place(*result, more_results, kind.result)) {
                        bits_clear(&mut st.owns[t]);
                        bit_set(&mut st.owns[t], v);
                    }
                }
            }
            Event::Move { dest, src, span } | Event::Take { dest, src, span } => {
                self.check_use(st, *src, *span, &mut facts);
                self.rebind_view(st, *dest);
                if self.t(*src).is_none()
                    && matches!(
                        self.body.places[*dest as usize].kind,
                        PlaceKind::Field | PlaceKind::Temp
                    )
                    && self.carries_part(*src)
                {
                    // A part stored elsewhere (`h.conn = Some(conn)`), or built
                    // into a value that goes on (`break 'get (guard, manifest)`),
                    // takes the owner's value with it.
                    self.discharge_part(st, *src);
                }
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
                self.rebind_view(st, *dest);
                let owner = self.t(*of).or_else(|| self.owner_of_part(*of));
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
                if let Some(g) = self
                    .res
                    .guard_locals
                    .iter()
                    .position(|g| g.arm_fields.contains(place))
                {
                    self.disarm(st, g);
                }
                for &d in self.field_views.get(place).into_iter().flatten() {
                    bits_clear(&mut st.aliases[d]);
                }
                let Some(t) = self.t(*place) else {
                    self.forget_fields(st, *place);
                    return;
                };
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
                            cleared: false,
                        });
                    });
                }
                self.forget_fields(st, *place);
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
                if self.res.element_views.contains(place) {
                    Self::slot_keeps(st, &owned);
                    return;
                }
                if let Some(f) = facts {
                    self.report_orphans(st, &owned, |v| {
                        if self.abandoned_not_leaked(v, *place) {
                            // A field's value taken out (`take()`, `mem::take`,
                            // `pop()`) and dropped.
                            f.abandons.insert(Abandon {
                                value: v,
                                place: *place,
                                span: *span,
                                kind: None,
                                cleared: false,
                            });
                            return;
                        }
                        f.leaks.insert(Leak {
                            value: v,
                            kind: if *kind == DropKind::Explicit {
                                LeakKind::Dropped
                            } else if st.status[v] & IN_ERR != 0 {
                                LeakKind::ErrDiscarded
                            } else {
                                LeakKind::Discarded
                            },
                            span: match st.release_site[v] {
                                (start, end) if st.status[v] & IN_ERR != 0 && start != NO_SITE => {
                                    Span { start, end }
                                }
                                _ => *span,
                            },
                            place: *place,
                        });
                    });
                }
                for v in owned {
                    // A count the body still holds is not gone with the
                    // call's result.
                    let counted = self.token_slot.is_some_and(|t| bit_get(&st.owns[t], v));
                    if st.status[v] & HELD != 0 && !counted {
                        st.status[v] = (st.status[v] & !HELD) | TRANSFERRED;
                    }
                }
            }
            Event::ErrArm { place, span } => {
                let in_err = self
                    .t(*place)
                    .is_some_and(|t| bits_iter(&st.owns[t]).any(|v| st.status[v] & IN_ERR != 0));
                let ev = if in_err {
                    Event::Drop {
                        place: *place,
                        kind: DropKind::Discarded,
                        span: *span,
                    }
                } else {
                    Event::Vanish { place: *place }
                };
                self.step(st, &ev, facts);
            }
            Event::Unwrapped { place } => {
                // The success edge: what came back inside the `Err` is not here.
                if let Some(t) = self.t(*place) {
                    for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
                        if st.status[v] & IN_ERR != 0 {
                            st.owns[t][v / 64] &= !(1 << (v % 64));
                            st.status[v] = TRANSFERRED | (st.status[v] & CONTENT);
                        }
                    }
                }
            }
            Event::Vanish { place } => {
                // The pattern did not match: the value is not there on this edge.
                if let Some(t) = self.t(*place) {
                    let owned: Vec<_> = bits_iter(&st.owns[t]).collect();
                    bits_clear(&mut st.owns[t]);
                    bits_clear(&mut st.aliases[t]);
                    // A count whose call failed was never taken; a value a
                    // failed callee was given is gone with it (a leak at the
                    // way out that follows).
                    if let Some(slot) = self.token_slot {
                        for &v in &owned {
                            if st.status[v] & SUNK != 0 {
                                st.status[v] = HELD | (st.status[v] & CONTENT);
                                bit_set(&mut st.owns[slot], v);
                            } else {
                                st.owns[slot][v / 64] &= !(1 << (v % 64));
                            }
                        }
                    }
                    for v in owned {
                        if !self.owned_elsewhere(st, v) {
                            st.status[v] = ABSENT;
                        }
                    }
                }
            }
            Event::Unreached { place } => {
                // A value the place holds only by the join, that may be
                // absent here: this path is taken to be one without it.
                let Some(t) = self.t(*place) else {
                    return;
                };
                for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
                    if st.status[v] & ABSENT == 0 {
                        continue;
                    }
                    for bits in st.owns.iter_mut().chain(st.aliases.iter_mut()) {
                        bits[v / 64] &= !(1 << (v % 64));
                    }
                    st.status[v] = ABSENT;
                }
            }
            Event::Element { element, .. } => self.rebind_view(st, *element),
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
                if let Some(f) = facts.as_deref_mut() {
                    let fails = matches!(kind, ExitKind::Try | ExitKind::Fail);
                    self.leave_own_guard(st, drops, *span, fails, f);
                }
                // A guard in scope that is surely still armed gives the counts
                // back as it drops.
                let covered = drops
                    .iter()
                    .any(|p| self.guard_index(*p).is_some_and(|g| !st.disarmed[g]));
                if matches!(kind, ExitKind::Try | ExitKind::Fail)
                    && !covered
                    && let (Some(t), Some(f)) = (self.token_slot, facts.as_deref_mut())
                {
                    for v in bits_iter(&st.owns[t]) {
                        if st.status[v] & HELD != 0 {
                            let Origin::Acquire { call, .. } = self.values[v].origin else {
                                continue;
                            };
                            f.leaks.insert(Leak {
                                value: v,
                                kind: LeakKind::Exit(*kind),
                                span: *span,
                                place: self.call_result(call),
                            });
                        }
                    }
                }
                let mut owned: Vec<(ValueId, PlaceId)> = Vec::new();
                for &p in drops {
                    if let Some(t) = self.t(p) {
                        let held: Vec<ValueId> = bits_iter(&st.owns[t]).collect();
                        bits_clear(&mut st.owns[t]);
                        bits_clear(&mut st.aliases[t]);
                        if self.res.element_views.contains(&p) {
                            Self::slot_keeps(st, &held);
                        } else {
                            owned.extend(held.into_iter().map(|v| (v, p)));
                        }
                    }
                }
                owned.sort_unstable();
                owned.dedup_by_key(|(v, _)| *v);
                if let Some(f) = facts {
                    for (v, place) in owned {
                        self.report_orphans(st, &[v], |v| {
                            if self.abandoned_not_leaked(v, place) {
                                // A field's value or an element taken out of
                                // it (`mem::replace`, `pop()`), dropped on the
                                // way out.
                                f.abandons.insert(Abandon {
                                    value: v,
                                    place,
                                    span: *span,
                                    kind: None,
                                    cleared: false,
                                });
                                return;
                            }
                            f.leaks.insert(Leak {
                                value: v,
                                kind: LeakKind::Exit(*kind),
                                span: *span,
                                place,
                            });
                        });
                    }
                }
                for &p in drops {
                    self.forget_fields(st, p);
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

    /// `NonNull::from(Box::leak(b))`: a leak whose result the body keeps
    /// hands a raw value on to that result, as `Box::into_raw` does (the
    /// pointer may still go back to the pool). A guard is forgotten all the
    /// same: its `Drop` never runs.
    fn leak_kept(&self, st: &mut State, call: u32, place: PlaceId, result: PlaceId) -> bool {
        let returns_it = super::places::returns_what_it_leaks(&self.body.callees[call as usize]);
        let (Some(t), Some(r)) = (self.t(place), self.t(result)) else {
            return false;
        };
        let owned: Vec<ValueId> = bits_iter(&st.owns[t]).collect();
        if !returns_it
            || owned.is_empty()
            || owned.iter().any(|&v| self.values[v].is_guard())
            || !self.result_kept(result)
        {
            return false;
        }
        bits_clear(&mut st.owns[r]);
        for v in owned {
            bit_set(&mut st.owns[r], v);
        }
        bits_clear(&mut st.owns[t]);
        true
    }

    /// Is a call's result moved, handed on or used as an argument (not
    /// only dropped at the end of its statement)?
    fn result_kept(&self, result: PlaceId) -> bool {
        self.body
            .blocks
            .iter()
            .flat_map(|b| &b.events)
            .any(|ev| match ev {
                Event::Move { src, .. } | Event::Take { src, .. } => *src == result,
                Event::Alias { of, .. } => *of == result,
                Event::Transfer { place, .. } => *place == result,
                Event::Call { recv, args, .. } => recv
                    .iter()
                    .chain(args)
                    .any(|a| a.places.iter().any(|&(p, _)| p == result)),
                _ => false,
            })
    }

    /// `place` goes out of scope or is overwritten: what its fields held is
    /// no longer reachable through it (the next iteration's `st.buffer` is
    /// another buffer).
    fn forget_fields(&self, st: &mut State, place: PlaceId) {
        for &t in self.fields_below.get(&place).into_iter().flatten() {
            bits_clear(&mut st.owns[t]);
            bits_clear(&mut st.aliases[t]);
        }
    }

    /// An unknown call that borrows `place` (`self.helper()`, `reset(&mut self.msg)`)
    /// may take or release the pooled fields under it: stay silent about them.
    fn havoc_fields(&self, st: &mut State, place: PlaceId) {
        for &(q, t) in &self.tracked_places {
            let under = self.body.place_and_owners(q).any(|p| p == place);
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
    pub(super) fn release(
        &self,
        st: &mut State,
        call: u32,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
        resets: bool,
        bounds: bool,
    ) {
        let Some(t) = self.t(place) else {
            self.discharge_part(st, place);
            return;
        };
        let mut owned = held_values(st, t);
        if owned.is_empty() && self.is_part(place) && self.discharge_part(st, place) {
            // A field's state is not invented for its owner; a local bound
            // from one goes on to hold what it released (a later use of it
            // is a use after release).
            if self.body.places[place as usize].kind == PlaceKind::Field {
                return;
            }
        }
        if owned.is_empty() {
            owned.extend(self.implicit_instance(st, call, t, place));
        }
        for v in owned {
            // After a release that may not have happened (`MayRelease`, which
            // leaves it `TRANSFERRED` too), this one may be the only one.
            if st.status[v] & RELEASED != 0
                && st.status[v] & TRANSFERRED == 0
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

    /// A call that may give `place`'s value back (`CallEffect::MayRelease`
    /// with `use_after`): afterwards it may be released (a use is PL002) and
    /// is no longer the body's to give back. No double release is reported
    /// at it: whether it released is the callee's to decide.
    fn may_release(&self, st: &mut State, call: u32, place: PlaceId, span: Span) {
        let Some(t) = self.t(place) else {
            return;
        };
        let mut owned = held_values(st, t);
        if owned.is_empty() {
            owned.extend(self.implicit_instance(st, call, t, place));
        }
        for v in owned {
            st.status[v] = RELEASED | TRANSFERRED | (st.status[v] & CONTENT);
            st.release_site[v] = (span.start, span.end);
        }
    }

    /// The value a release at `call` of `place` gives back when nothing here
    /// acquired it (`Origin::Implicit`), as a new instance held by `place`
    /// (a loop's next key): its history starts here.
    fn implicit_instance(
        &self,
        st: &mut State,
        call: u32,
        t: usize,
        place: PlaceId,
    ) -> Option<usize> {
        let &(_, v) = self.implicit.iter().find(|(k, _)| *k == (call, place))?;
        bit_set(&mut st.owns[t], v);
        st.status[v] = HELD;
        st.release_site[v] = (NO_SITE, NO_SITE);
        Some(v)
    }
}

/// The values tracked place `t` holds: those it owns, else those it points
/// into.
fn held_values(st: &State, t: usize) -> Vec<usize> {
    let owned: Vec<usize> = bits_iter(&st.owns[t]).collect();
    if owned.is_empty() {
        bits_iter(&st.aliases[t]).collect()
    } else {
        owned
    }
}
