// A cell that holds a `&'static mut` buffer while nobody uses it.
use core::cell::Cell;

pub struct TakeCell<'a, T: 'a + ?Sized> {
    val: Cell<Option<&'a mut T>>,
}

impl<'a, T: ?Sized> TakeCell<'a, T> {
    pub const fn empty() -> TakeCell<'a, T> {
        TakeCell { val: Cell::new(None) }
    }

    pub fn new(value: &'a mut T) -> TakeCell<'a, T> {
        TakeCell {
            val: Cell::new(Some(value)),
        }
    }

    /// Takes the buffer out; the cell is empty until it is put back.
    pub fn take(&self) -> Option<&'a mut T> {
        self.val.take()
    }

    pub fn put(&self, val: Option<&'a mut T>) {
        self.val.replace(val);
    }

    pub fn replace(&self, val: &'a mut T) -> Option<&'a mut T> {
        self.val.replace(Some(val))
    }
}
