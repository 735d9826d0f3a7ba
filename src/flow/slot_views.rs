//! Loops through mutable views of a field's slots (`for slot in
//! self.stack.iter_mut()`, [`Resolution::element_views`]): each turn the
//! view holds the slot's value (rebound at the loop's `Event::Element`), an
//! overwrite through it (`*slot = None`) abandons that value, and the view
//! going out of scope leaves what it holds in the slot. A slot of counted
//! storage (turso's pinned pages) is given back by a counter release on
//! the value taken out of it (`page.try_unpin()`).

use super::analysis::Analysis;
use super::state::{State, bits_iter};
use super::*;

impl Analysis<'_> {
    /// A loop's view of a slot goes out of scope: the slot keeps what the
    /// view held (`mem::replace(slot, fresh)` stored `fresh` there).
    pub(super) fn slot_keeps(st: &mut State, held: &[ValueId]) {
        for &v in held {
            if st.status[v] & HELD != 0 {
                st.status[v] = TRANSFERRED | (st.status[v] & CONTENT);
            }
        }
    }

    /// A counter's release on a value out of a slot of counted storage
    /// (`page.try_unpin()`) gives back the count that value carries.
    pub(super) fn stored_count_given_back(
        &self,
        st: &mut State,
        call: u32,
        recv: &Option<Arg>,
        span: Span,
        facts: &mut Option<&mut Facts>,
    ) {
        if self.res.element_views.is_empty() {
            return;
        }
        for &(place, _) in recv.iter().flat_map(|r| &r.places) {
            if self.holds_slot_value(st, place) {
                self.release(st, call, place, span, facts, false, false);
            }
        }
    }

    /// Does `place` hold (or view) the value a slot view was bound to?
    fn holds_slot_value(&self, st: &State, place: PlaceId) -> bool {
        let Some(t) = self.t(place) else {
            return false;
        };
        bits_iter(&st.owns[t])
            .chain(bits_iter(&st.aliases[t]))
            .any(|v| {
                st.status[v] & HELD != 0
                    && matches!(self.values[v].origin,
                        Origin::EntryField { place } if self.res.element_views.contains(&place))
            })
    }
}
