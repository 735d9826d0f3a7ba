//! The fixed point over one body, and the reads of the state the transfer
//! function shares (uses, transfers, orphans).

use super::places::{field_descendants, handle_params, part_sources, track_places};
use super::state::{State, bit_get, bit_set, bits_clear, bits_iter};
use super::*;
use crate::ir::{PlaceKind, result_place};

/// The analysis of one body under one resolution.
pub(super) struct Analysis<'a> {
    pub(super) body: &'a Body,
    pub(super) res: &'a Resolution,
    /// Place id -> dense tracked index.
    pub(super) tracked: Vec<Option<usize>>,
    /// The tracked places and their dense index: loops over tracked places
    /// must not cost the body's size (a long fn has many untracked places).
    pub(super) tracked_places: Vec<(PlaceId, usize)>,
    pub(super) tracked_count: usize,
    /// The state row of the counts the body holds (after the places' rows).
    pub(super) token_slot: Option<usize>,
    pub(super) words: usize,
    pub(super) values: Vec<Value>,
    /// Call id -> acquired value.
    pub(super) call_value: Vec<Option<ValueId>>,
    /// (call id, place) -> implicit value for a release of an untracked place.
    pub(super) implicit: Vec<((u32, PlaceId), ValueId)>,
    /// Place -> its tracked fields (dense indices), cleared with it.
    pub(super) fields_below: std::collections::HashMap<PlaceId, Vec<usize>>,
    /// Locals bound from a field (`let conn = o.conn`, `let Outer { conn, ..
    /// } = o`) -> that field: they hold a part of the owner's value.
    pub(super) part_src: std::collections::HashMap<PlaceId, PlaceId>,
    /// Places moved into a call that a release of theirs may follow: the
    /// call got a copy (see `released_later`).
    pub(super) copied_args: std::collections::HashSet<(u32, PlaceId)>,
    /// A local bound to a view of stored data (`let mut inner =
    /// cb.inner.borrow_mut()`) -> the entry values of its fields: each
    /// binding (a loop's next element) views data with a history of its own.
    pub(super) rebinds: std::collections::HashMap<PlaceId, Vec<(PlaceId, ValueId)>>,
    /// An untracked field -> the tracked places that only ever alias
    /// through it (`out := enc.buf`): overwriting the field (`enc.buf =
    /// make(..)`) leaves them pointing at memory the owner no longer has.
    pub(super) field_views: std::collections::HashMap<PlaceId, Vec<usize>>,
    /// In a guard's own method: the receiver's index in
    /// `Resolution::guard_locals` (see `own_guard`).
    pub(super) own_guard: Option<usize>,
    /// Element places of `for` loops -> their loop, and the collections
    /// the loops iterate (see `element_releases`).
    pub(super) element_loops: HashMap<PlaceId, super::element_releases::ElementLoop>,
    pub(super) element_collections: Vec<PlaceId>,
}

impl<'a> Analysis<'a> {
    pub(super) fn new(body: &'a Body, res: &'a Resolution) -> Self {
        let (element_loops, element_collections) = super::element_releases::element_loops(body);
        let mut values = Vec::new();
        let mut call_value = vec![None; body.callees.len()];
        let mut implicit = Vec::new();
        let mut seeds: Vec<PlaceId> = Vec::new();
        for &place in res.entry_fields.iter().chain(&res.element_views) {
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
                    more_results,
                } = ev
                else {
                    continue;
                };
                match res.calls[*call as usize] {
                    CallEffect::Unknown
                    | CallEffect::Consume
                    | CallEffect::CopyReceiver
                    | CallEffect::Reset
                    | CallEffect::BoundsCapacity
                    | CallEffect::Forget { .. }
                    | CallEffect::Disarm
                    | CallEffect::DropElements
                    | CallEffect::MayRelease {
                        use_after: false, ..
                    } => {}
                    CallEffect::Sink { .. } | CallEffect::HandsBack { .. } => seeds.push(*result),
                    effect @ (CallEffect::TakeElement | CallEffect::Acquire(_)) => {
                        // One value per call site (a loop makes new instances of it).
                        let origin = if let CallEffect::Acquire(kind) = effect {
                            let span = res
                                .acquire_spans
                                .iter()
                                .find(|(c, _)| c == call)
                                .map_or(*span, |&(_, s)| s);
                            Origin::Acquire {
                                call: *call,
                                span,
                                kind,
                            }
                        } else {
                            let Some(&(place, _)) = recv.as_ref().and_then(|r| r.places.first())
                            else {
                                continue;
                            };
                            Origin::Element {
                                call: *call,
                                span: *span,
                                place,
                            }
                        };
                        if call_value[*call as usize].is_none() {
                            call_value[*call as usize] = Some(values.len());
                            values.push(Value { origin });
                        }
                        // The result holds it (a count is held by the body
                        // itself, the token slot, once the result says it was taken).
                        let k = match effect {
                            CallEffect::Acquire(kind) => kind.result,
                            _ => 0,
                        };
                        seeds.push(result_place(*result, more_results, k));
                    }
                    effect @ (CallEffect::Release { .. }
                    | CallEffect::MayRelease {
                        use_after: true, ..
                    }) => {
                        let released = effect.target(recv, args);
                        let receiver = matches!(
                            effect,
                            CallEffect::Release {
                                arg: ReleaseArg::Receiver,
                                ..
                            } | CallEffect::MayRelease {
                                arg: ReleaseArg::Receiver,
                                ..
                            }
                        );
                        for &(place, _) in released.map(|a| a.places.as_slice()).unwrap_or(&[]) {
                            if !implicit.iter().any(|(k, _)| *k == (*call, place)) {
                                implicit.push(((*call, place), values.len()));
                                values.push(Value {
                                    origin: Origin::Implicit { place, receiver },
                                });
                            }
                            seeds.push(place);
                        }
                    }
                }
            }
        }
        if !res.track_params {
            // Keys handed to their container (`slab.remove(key)`), not
            // objects that give themselves back (`buffer.release()`).
            let keys = implicit.iter().filter_map(|&((_, p), v)| {
                let receiver = matches!(
                    values[v],
                    Value {
                        origin: Origin::Implicit { receiver: true, .. }
                    }
                );
                (!receiver).then_some(p)
            });
            for place in handle_params(body, keys.collect::<Vec<_>>().into_iter()) {
                values.push(Value {
                    origin: Origin::Handle { place },
                });
                seeds.push(place);
            }
        }
        seeds.extend(res.guard_locals.iter().map(|g| g.place));
        let part_src = part_sources(body);
        let tracked = track_places(body, &seeds, &part_src);
        let tracked_places: Vec<(PlaceId, usize)> = tracked
            .iter()
            .enumerate()
            .filter_map(|(p, t)| t.map(|t| (p as PlaceId, t)))
            .collect();
        // One more row after the places: the counts the body holds (and the
        // values a failed callee dropped, until the way out reports them).
        let has_counts = values
            .iter()
            .any(|v| matches!(v.origin, Origin::Acquire { kind, .. } if kind.counter))
            || res
                .calls
                .iter()
                .any(|c| matches!(c, CallEffect::Sink { .. }));
        let token_slot = has_counts.then_some(tracked_places.len());
        let tracked_count = tracked_places.len() + usize::from(has_counts);
        let fields_below = field_descendants(body, &tracked);
        let words = values.len().div_ceil(64).max(1);
        let mut rebinds: std::collections::HashMap<PlaceId, Vec<(PlaceId, ValueId)>> =
            Default::default();
        for (v, value) in values.iter().enumerate() {
            if let Origin::EntryField { place } = value.origin
                && let Some(parent) = body.places[place as usize].parent
                && body.places[parent as usize].kind == PlaceKind::Local
                && body.places[parent as usize].borrowed
            {
                rebinds.entry(parent).or_default().push((place, v));
            }
            // A loop's view of a slot views the next slot each turn.
            if let Origin::EntryField { place } = value.origin
                && res.element_views.contains(&place)
            {
                rebinds.entry(place).or_default().push((place, v));
            }
        }
        let field_views = field_views(body, &tracked);
        Analysis {
            body,
            res,
            tracked,
            tracked_places,
            tracked_count,
            token_slot,
            words,
            values,
            call_value,
            implicit,
            fields_below,
            part_src,
            copied_args: super::released_later::copied_into_calls(body, &res.calls),
            rebinds,
            field_views,
            own_guard: Self::own_guard(body, res),
            element_loops,
            element_collections,
        }
    }

    pub(super) fn entry_state(&self) -> State {
        let mut st = State {
            owns: vec![vec![0; self.words]; self.tracked_count],
            aliases: vec![vec![0; self.words]; self.tracked_count],
            status: vec![ABSENT; self.values.len()],
            release_site: vec![(NO_SITE, NO_SITE); self.values.len()],
            disarmed: vec![false; self.res.guard_locals.len()],
            own_guard_release: (NO_SITE, NO_SITE),
            element_marks: vec![super::element_releases::NO_MARK; self.element_collections.len()],
        };
        for (v, value) in self.values.iter().enumerate() {
            let place = match value.origin {
                // A loop's element view holds its value from its binding on.
                Origin::EntryField { place } if self.res.element_views.contains(&place) => None,
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

    pub(super) fn run(&mut self) -> Facts {
        let n = self.body.blocks.len();
        // `None`: not reached (yet). Unreached blocks cost no state.
        let mut ins: Vec<Option<State>> = vec![None; n];
        ins[self.body.entry as usize] = Some(self.entry_state());
        // Blocks are visited in reverse postorder, so that a join is
        // stepped once all its forward predecessors have reached it: the
        // steps that drop a value (`Unreached`, `Vanish`) are not monotone,
        // and a join stepped early would keep a state no path has.
        let rank = reverse_postorder(self.body);
        let mut work = std::collections::BTreeSet::new();
        work.insert((rank[self.body.entry as usize], self.body.entry as usize));
        let mut visits = 0;
        while let Some((_, b)) = work.pop_first() {
            visits += 1;
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
                if changed {
                    work.insert((rank[s], s));
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
        // A double release only on paths the data may rule out: silent.
        if !facts.double_releases.is_empty() {
            let dominance = super::dominance::Dominance::new(self.body);
            facts
                .double_releases
                .retain(|d| dominance.certainly_follows(d.first, d.span));
        }
        if !facts.double_released_elements.is_empty() {
            let dominance = super::dominance::Dominance::new(self.body);
            facts
                .double_released_elements
                .retain(|d| dominance.every_turn_reaches(d.first_loop, d.first));
        }
        if !facts.armed_guard_exits.is_empty() {
            let dominance = super::dominance::Dominance::new(self.body);
            facts
                .armed_guard_exits
                .retain(|d| dominance.certainly_leaves(d.release, d.exit));
        }
        facts
    }

    pub(super) fn t(&self, place: PlaceId) -> Option<usize> {
        self.tracked[place as usize]
    }

    /// Is the value held by a named place (not only by a temporary)?
    pub(super) fn owned_by_local(&self, st: &State, v: ValueId) -> bool {
        self.tracked_places.iter().any(|&(p, t)| {
            bit_get(&st.owns[t], v) && self.body.places[p as usize].kind != PlaceKind::Temp
        })
    }

    /// A reset or a capacity check of `place` (or of what it is a field of).
    pub(super) fn clear_content(&self, st: &mut State, place: PlaceId, bits: u8) {
        let owner = self.body.place_and_owners(place).find_map(|p| self.t(p));
        if let Some(t) = owner {
            for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
                st.status[v] &= !bits;
            }
        }
    }

    pub(super) fn owned_elsewhere(&self, st: &State, v: ValueId) -> bool {
        st.owns.iter().any(|bits| bit_get(bits, v))
    }

    /// A read of `place`: report the values it (or a place it is a field of) may hold after release.
    /// Key-like values: parameters released as keys, implicit values, slab keys.
    pub(super) fn is_handle(&self, v: ValueId) -> bool {
        match self.values[v].origin {
            Origin::Acquire { kind, .. } => kind.handle,
            // Released as a receiver (`buffer.release()`): an object that
            // gives itself back, not a key handed to its container.
            Origin::Implicit { receiver, .. } => !receiver,
            Origin::Handle { .. } => true,
            Origin::EntryField { .. } | Origin::Param { .. } | Origin::Element { .. } => false,
        }
    }

    pub(super) fn check_use(
        &self,
        st: &State,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
    ) {
        self.check_use_of(st, place, span, facts, false);
    }

    /// A read of `place`. For key-like handles only an `access` (an index) is a
    /// use of what was released: passing the number around, or asking the slab
    /// whether it still holds it (`get`, `contains`), is not.
    pub(super) fn check_use_of(
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

    pub(super) fn transfer(
        &self,
        st: &mut State,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
        returned: bool,
    ) {
        self.check_use(st, place, span, facts);
        let Some(t) = self.t(place) else {
            // A part handed on (`spawn(o.conn)`, `tx.send(conn)` after `let
            // Outer { conn, .. } = o`) takes the owner's value with it,
            // unless the part is a `Copy` number or key.
            if self.carries_part(place) {
                self.discharge_part(st, place);
            }
            return;
        };
        for v in bits_iter(&st.owns[t]).collect::<Vec<_>>() {
            st.status[v] = TRANSFERRED | (st.status[v] & CONTENT);
            if returned && let Some(f) = facts.as_deref_mut() {
                f.returned.insert(v);
                let position = match self.body.later_results.iter().find(|(p, _)| *p == place) {
                    None => 0,
                    Some(&(_, crate::ir::FORWARDED)) => match self.values[v].origin {
                        Origin::Acquire { kind, .. } => kind.result,
                        _ => 0,
                    },
                    Some(&(_, k)) => k,
                };
                f.returned_at.insert((v, position));
            }
        }
        if self.body.places[place as usize].kind == PlaceKind::Temp {
            bits_clear(&mut st.owns[t]);
        }
    }

    /// The nearest tracked place a part belongs to (`o` of `o.conn`, `pair`
    /// of `pair.0.conn`); callers decide whether the part holds anything itself.
    /// A local bound from a field is a part of the field's owner too.
    pub(super) fn owner_of_part(&self, place: PlaceId) -> Option<usize> {
        let up = |p: &PlaceId| {
            self.part_src
                .get(p)
                .copied()
                .or(self.body.places[*p as usize].parent)
        };
        // Bounded: `node = node.next` makes a local a part of itself.
        std::iter::successors(up(&place), up)
            .take(16)
            .find_map(|p| self.t(p))
    }

    /// Does handing the place on take (part of) its owner's value with it?
    /// A part that is a `Copy` number or key does not.
    pub(super) fn carries_part(&self, place: PlaceId) -> bool {
        self.is_part(place) && self.res.copy_parts.binary_search(&place).is_err()
    }

    /// Is the place a part of another (a field path, or a local bound from one)?
    pub(super) fn is_part(&self, place: PlaceId) -> bool {
        self.body.places[place as usize].kind == PlaceKind::Field
            || self.part_src.contains_key(&place)
    }

    /// A part of a tracked value released (`pool.put(o.conn)`,
    /// `pool.put_buf(&mut o.conn)`): the part the pool cares about is back,
    /// so the owner's obligation is discharged, as if handed on (its other
    /// fields stay usable: not a release of the whole, so no use after
    /// release either).
    /// Whether the place is such a part (its owner holds a value).
    pub(super) fn discharge_part(&self, st: &mut State, place: PlaceId) -> bool {
        let Some(o) = self.owner_of_part(place) else {
            return false;
        };
        let held: Vec<_> = bits_iter(&st.owns[o])
            .filter(|&v| st.status[v] & HELD != 0)
            .collect();
        for &v in &held {
            st.status[v] = TRANSFERRED | (st.status[v] & CONTENT);
        }
        !held.is_empty()
    }

    /// Values whose last owner just went away while they were still held.
    pub(super) fn report_orphans(
        &self,
        st: &State,
        vals: &[ValueId],
        mut on_leak: impl FnMut(ValueId),
    ) {
        for &v in vals {
            if st.status[v] & HELD != 0
                && self.values[v].is_obligation()
                && !self.owned_elsewhere(st, v)
            {
                on_leak(v);
            }
        }
    }
}

/// The tracked places each untracked field is the one source of aliases
/// of (every `Alias` into the place is of that field).
fn field_views(
    body: &Body,
    tracked: &[Option<usize>],
) -> std::collections::HashMap<PlaceId, Vec<usize>> {
    let mut source: std::collections::HashMap<usize, Option<PlaceId>> = Default::default();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Alias { dest, of, .. } = ev
            && let Some(d) = tracked[*dest as usize]
        {
            let field = (body.places[*of as usize].kind == PlaceKind::Field
                && tracked[*of as usize].is_none())
            .then_some(*of);
            source
                .entry(d)
                .and_modify(|s| {
                    if *s != field {
                        *s = None;
                    }
                })
                .or_insert(field);
        }
    }
    let mut views: std::collections::HashMap<PlaceId, Vec<usize>> = Default::default();
    for (d, field) in source {
        if let Some(field) = field {
            views.entry(field).or_default().push(d);
        }
    }
    views
}

/// Each block's position in a reverse postorder of the CFG from its entry
/// (blocks the entry does not reach come last).
fn reverse_postorder(body: &Body) -> Vec<usize> {
    let n = body.blocks.len();
    let mut post = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    // (block, next successor to look at)
    let mut stack = vec![(body.entry as usize, 0)];
    seen[body.entry as usize] = true;
    while let Some((b, i)) = stack.last_mut() {
        let b = *b;
        match body.blocks[b].succs.get(*i) {
            Some(&s) => {
                *i += 1;
                if !std::mem::replace(&mut seen[s as usize], true) {
                    stack.push((s as usize, 0));
                }
            }
            None => {
                post.push(b);
                stack.pop();
            }
        }
    }
    let mut rank = vec![n; n];
    for (i, &b) in post.iter().rev().enumerate() {
        rank[b] = i;
    }
    rank
}
