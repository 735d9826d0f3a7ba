//! A guard type's own methods (`impl WalSession { fn end(&mut self) }`).
//!
//! The guard's `Drop` gives the count back while an arm field is set
//! (`if self.in_txn { self.end(false) }`). A method of the guard that gives
//! the count back itself and then clears that field must clear it before
//! every way out: a `?` in between (`self.conn.wal_insert_end(c)?; self.in_txn
//! = false;`) leaves the guard armed, and its `Drop` gives the same count back
//! a second time.
//!
//! Only the receiver is followed: it is the one guard that surely exists,
//! armed or not, from the first event on. A method that never sets an arm
//! field says nothing of what its release means for the `Drop`: silent.

use super::analysis::Analysis;
use super::state::State;
use super::*;

/// The places a release event gives back: its value, or the amounts a
/// counter's release is passed (`window.release(self.unacked)`).
fn released_places<'e>(ev: &'e Event, res: &Resolution) -> impl Iterator<Item = PlaceId> + 'e {
    let given: &[Arg] = match ev {
        Event::Call {
            call, recv, args, ..
        } => match res.calls[*call as usize] {
            CallEffect::Release {
                arg: ReleaseArg::Token,
                ..
            } => args,
            effect @ CallEffect::Release { .. } => effect
                .target(recv, args)
                .map(std::slice::from_ref)
                .unwrap_or_default(),
            _ => &[],
        },
        _ => &[],
    };
    given
        .iter()
        .flat_map(|arg| arg.places.iter().map(|&(p, _)| p))
}

impl Analysis<'_> {
    /// The guard local that is the body's receiver, when the body is one of
    /// the guard's own methods (not its `Drop`) and sets an arm field, or
    /// gives back the amount an arm field holds (`pop_done(self.i)`).
    pub(super) fn own_guard(body: &Body, res: &Resolution) -> Option<usize> {
        if body.kind != crate::ir::BodyKind::Fn || body.is_drop() {
            return None;
        }
        let (receiver, _) = body.receiver?;
        let g = res.guard_locals.iter().position(|g| g.place == receiver)?;
        let arm_fields = &res.guard_locals[g].arm_fields;
        let minds_arm_field = body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
            matches!(ev, Event::Assign { place, .. } if arm_fields.contains(place))
                || released_places(ev, res).any(|p| arm_fields.contains(&p))
        });
        minds_arm_field.then_some(g)
    }

    /// A release of `place`: when it is an arm field of the body's own
    /// guard, what it counts is given back (`pop_done(self.i)`), and the
    /// `Drop` gives it back again unless the field is cleared.
    pub(super) fn arm_field_given_back(&self, st: &mut State, place: PlaceId, span: Span) {
        if let Some(g) = self.own_guard
            && self.res.guard_locals[g].arm_fields.contains(&place)
        {
            self.count_given_back(st, span);
        }
    }

    /// Guard `g` is (or may be) disarmed: its `Drop` will not release.
    pub(super) fn disarm(&self, st: &mut State, g: usize) {
        st.disarmed[g] = true;
        if self.own_guard == Some(g) {
            st.own_guard_release = (NO_SITE, NO_SITE);
        }
    }

    /// A count given back at `span`: while the body's own guard is surely
    /// armed, its `Drop` will give it back again unless a disarm follows.
    pub(super) fn count_given_back(&self, st: &mut State, span: Span) {
        if let Some(g) = self.own_guard
            && !st.disarmed[g]
        {
            st.own_guard_release = (span.start, span.end);
        }
    }

    /// A way out that drops the receiver while a release is not yet
    /// followed by its disarm.
    pub(super) fn leave_own_guard(
        &self,
        st: &State,
        drops: &[PlaceId],
        span: Span,
        fails: bool,
        facts: &mut Facts,
    ) {
        let Some(g) = self.own_guard else {
            return;
        };
        let guard = self.res.guard_locals[g].place;
        let (start, end) = st.own_guard_release;
        if start == NO_SITE || !drops.contains(&guard) {
            return;
        }
        let Some(&arm_field) = self.res.guard_locals[g].arm_fields.first() else {
            return;
        };
        facts.armed_guard_exits.insert(ArmedGuardExit {
            guard,
            arm_field,
            release: Span { start, end },
            exit: span,
            fails,
        });
    }
}
