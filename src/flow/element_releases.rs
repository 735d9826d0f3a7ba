//! Two loops over one collection that both release its elements (issue 15
//! item 5): `for &k in self.keys.iter() { slab.remove(k) }`, then later
//! `for k in self.keys.drain(..) { slab.remove(k) }`. The first loop walks
//! the collection without taking its elements out, so the second finds the
//! same keys and gives each back a second time.
//!
//! The state keeps, per iterated collection, the first release of an element
//! of a non-draining loop; a release of an element of another loop over the
//! same collection is then a double release, unless the collection changed
//! in between (assigned, cleared, pushed to: any call on it but a read). The
//! report keeps only what the structure makes certain: every turn of the
//! first loop reaches its release.

use super::analysis::Analysis;
use super::state::State;
use super::*;
use crate::ir::Mode;

/// Methods of a collection that leave its elements where they are.
const READS: &[&str] = &[
    "iter",
    "into_iter",
    "copied",
    "cloned",
    "keys",
    "values",
    "drain",
    "len",
    "is_empty",
    "get",
    "contains",
    "contains_key",
    "first",
    "last",
];

/// A `for` loop's element binding ([`Event::Element`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct ElementLoop {
    /// The index of its collection among the body's iterated collections.
    pub collection: usize,
    pub drains: bool,
    /// The loop's iterable, which names the loop.
    pub span: Span,
}

/// The body's element bindings (element place -> its loop) and the places
/// of the collections they iterate.
pub(super) fn element_loops(body: &Body) -> (HashMap<PlaceId, ElementLoop>, Vec<PlaceId>) {
    let mut loops = HashMap::new();
    let mut collections: Vec<PlaceId> = Vec::new();
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        // A loop through mutable views of the slots may empty them as it
        // goes (`if let Some(p) = slot.take()`): a later loop need not find
        // the same elements.
        if let Event::Element {
            element,
            of,
            drains,
            mutable: false,
            span,
        } = *ev
        {
            let collection = match collections.iter().position(|&c| c == of) {
                Some(i) => i,
                None => {
                    collections.push(of);
                    collections.len() - 1
                }
            };
            loops.insert(
                element,
                ElementLoop {
                    collection,
                    drains,
                    span,
                },
            );
        }
    }
    (loops, collections)
}

impl Analysis<'_> {
    /// The loop whose element `place` is, or is a field of.
    fn element_loop(&self, place: PlaceId) -> Option<(PlaceId, ElementLoop)> {
        self.body
            .place_and_owners(place)
            .find_map(|p| self.element_loops.get(&p).map(|l| (p, *l)))
    }

    /// A release of `place`: when it is an element a loop bound, a release
    /// of an element of an earlier loop over the same collection makes it
    /// the second.
    pub(super) fn element_released(
        &self,
        st: &mut State,
        place: PlaceId,
        span: Span,
        facts: &mut Option<&mut Facts>,
    ) {
        let Some((element, turn)) = self.element_loop(place) else {
            return;
        };
        let mark = &mut st.element_marks[turn.collection];
        if mark.0 != NO_SITE && mark.2 != element {
            if let Some(f) = facts.as_deref_mut() {
                f.double_released_elements.insert(DoubleReleasedElements {
                    collection: self.element_collections[turn.collection],
                    first: Span {
                        start: mark.0,
                        end: mark.1,
                    },
                    first_loop: self.element_loops[&mark.2].span,
                    span,
                });
            }
        } else if mark.0 == NO_SITE && !turn.drains {
            *mark = (span.start, span.end, element);
        }
    }

    /// An event that may change what the collections hold: an assignment
    /// to one (or to what holds it), or a call on one that is not a read.
    pub(super) fn collections_changed(&self, st: &mut State, ev: &Event) {
        if self.element_collections.is_empty() {
            return;
        }
        let changed = |st: &mut State, place: PlaceId| {
            for (i, &c) in self.element_collections.iter().enumerate() {
                let within = self.body.place_and_owners(c).any(|p| p == place);
                if within {
                    st.element_marks[i] = NO_MARK;
                }
            }
        };
        match ev {
            Event::Assign { place, .. } | Event::Take { src: place, .. } => changed(st, *place),
            Event::Call {
                call, recv, args, ..
            } => {
                let name = self.body.callees[*call as usize].name.as_str();
                let on_recv = recv.iter().filter(|_| !READS.contains(&name));
                for arg in on_recv.chain(args.iter().filter(|a| {
                    a.places
                        .iter()
                        .any(|&(_, m)| m == Mode::Borrow || m == Mode::Move)
                })) {
                    for &(place, _) in &arg.places {
                        changed(st, place);
                    }
                }
            }
            _ => {}
        }
    }
}

/// No release marked for a collection.
pub(super) const NO_MARK: (u32, u32, PlaceId) = (NO_SITE, NO_SITE, PlaceId::MAX);
