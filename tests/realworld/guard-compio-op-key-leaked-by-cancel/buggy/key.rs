// Reduction of compio-driver's key.rs: a `Key` is one counted reference to the
// heap slot of a submitted operation.
use std::marker::PhantomData;

use crate::thin_cell::ThinCell;

pub trait OpCode {}

pub struct RawOp<T: ?Sized> {
    pub cancelled: bool,
    pub result: Option<std::io::Result<usize>>,
    pub op: T,
}

#[derive(Clone)]
pub struct ErasedKey {
    inner: ThinCell<RawOp<dyn OpCode>>,
}

impl ErasedKey {
    pub(crate) fn new<T: OpCode + 'static>(op: T) -> Self {
        let raw_op = RawOp {
            cancelled: false,
            result: None,
            op,
        };
        let inner = unsafe { ThinCell::new_unsize(raw_op, |p| p as _) };
        Self { inner }
    }

    /// Takes back a reference previously given away by `into_raw`.
    pub(crate) unsafe fn from_raw(user_data: usize) -> Self {
        let inner = unsafe { ThinCell::from_raw(user_data as *mut ()) };
        Self { inner }
    }

    /// The pointer as `user_data`; never pass it to `from_raw`.
    pub(crate) fn as_raw(&self) -> usize {
        self.inner.as_ptr() as _
    }

    /// Gives one reference away as `user_data`.
    pub(crate) fn into_raw(self) -> usize {
        self.inner.leak() as _
    }

    pub(crate) fn set_cancelled(&self) {
        self.inner.borrow_mut().cancelled = true;
    }

    pub(crate) fn has_result(&self) -> bool {
        self.inner.borrow().result.is_some()
    }
}

pub struct Key<T> {
    erased: ErasedKey,
    _p: PhantomData<T>,
}

impl<T> Clone for Key<T> {
    fn clone(&self) -> Self {
        Self {
            erased: self.erased.clone(),
            _p: PhantomData,
        }
    }
}

impl<T> Key<T> {
    pub(crate) fn into_raw(self) -> usize {
        self.erased.into_raw()
    }

    pub(crate) fn as_raw(&self) -> usize {
        self.erased.as_raw()
    }

    pub(crate) fn erase(self) -> ErasedKey {
        self.erased
    }

    pub(crate) fn set_cancelled(&self) {
        self.erased.set_cancelled()
    }

    pub(crate) fn has_result(&self) -> bool {
        self.erased.has_result()
    }
}

impl<T: OpCode + 'static> Key<T> {
    pub(crate) fn new(op: T) -> Self {
        Self {
            erased: ErasedKey::new(op),
            _p: PhantomData,
        }
    }
}
