use core::cell::Cell;

/// Holds a value while nobody uses it.
pub struct MapCell<T> {
    val: Cell<Option<T>>,
}

impl<T> MapCell<T> {
    pub fn new(value: T) -> MapCell<T> {
        MapCell {
            val: Cell::new(Some(value)),
        }
    }

    /// Takes the value out; the cell is empty until it is put back.
    pub fn take(&self) -> Option<T> {
        self.val.take()
    }

    pub fn put(&self, val: T) {
        self.val.set(Some(val));
    }

    pub fn replace(&self, val: T) -> Option<T> {
        self.val.replace(Some(val))
    }
}

/// A `'static` buffer of which only a window is "active".
pub struct LeasableMutableBuffer<'a, T> {
    internal: &'a mut [T],
    active_range: core::ops::Range<usize>,
}

impl<'a, T> LeasableMutableBuffer<'a, T> {
    pub fn len(&self) -> usize {
        self.active_range.len()
    }
    pub fn slice(&mut self, range: core::ops::Range<usize>) {
        self.active_range = range;
    }
    pub fn reset(&mut self) {
        self.active_range = 0..self.internal.len();
    }
}
