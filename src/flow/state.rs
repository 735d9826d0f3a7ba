//! The state of the analysis at a point: which values each tracked place owns
//! or points into, and what may have happened to each value.

#[derive(Clone, PartialEq, Eq)]
pub(super) struct State {
    /// Per tracked place: the values it owns, and the values it points into.
    pub owns: Vec<Vec<u64>>,
    pub aliases: Vec<Vec<u64>>,
    pub status: Vec<u8>,
    /// Per value: a release that may have happened (start offset), for labels.
    pub release_site: Vec<(u32, u32)>,
    /// Per guard local (`Resolution::guard_locals`): may it be disarmed here?
    pub disarmed: Vec<bool>,
    /// In a guard's own method: a count given back while the guard was
    /// surely armed and not disarmed since (start, end; `NO_SITE` if none).
    pub own_guard_release: (u32, u32),
    /// Per collection a `for` loop iterates: the first release of an
    /// element by a loop that left it there (start, end, element place;
    /// `NO_MARK` if none, or if the collection changed since).
    pub element_marks: Vec<(u32, u32, u32)>,
}

pub(super) fn bit_set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}
pub(super) fn bit_get(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}
pub(super) fn bits_iter(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        (0..64)
            .filter(move |b| word & (1 << b) != 0)
            .map(move |b| w * 64 + b)
    })
}
pub(super) fn bits_clear(bits: &mut [u64]) {
    bits.iter_mut().for_each(|w| *w = 0);
}

impl State {
    /// Join `other` into `self`; whether `self` changed (no copy to compare).
    pub fn join(&mut self, other: &State) -> bool {
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
        for (a, b) in self.disarmed.iter_mut().zip(&other.disarmed) {
            changed |= *b && !*a;
            *a |= b;
        }
        for (a, b) in self
            .release_site
            .iter_mut()
            .chain(std::iter::once(&mut self.own_guard_release))
            .zip(other.release_site.iter().chain([&other.own_guard_release]))
        {
            changed |= *b < *a;
            *a = (*a).min(*b);
        }
        for (a, b) in self.element_marks.iter_mut().zip(&other.element_marks) {
            changed |= *b < *a;
            *a = (*a).min(*b);
        }
        changed
    }
}
