// Pages of the page cache. A pinned page (pin count > 0) is never evicted;
// every `pin` must be matched by an `unpin` (or `try_unpin`).
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub struct PageInner {
    pub id: usize,
    pub pin_count: AtomicUsize,
}

pub struct Page {
    pub inner: UnsafeCell<PageInner>,
}

pub type PageRef = Arc<Page>;

impl Page {
    pub fn get(&self) -> &PageInner {
        unsafe { &*self.inner.get() }
    }

    pub fn pin(&self) {
        self.get().pin_count.fetch_add(1, Ordering::SeqCst);
    }

    pub fn unpin(&self) {
        let was_pinned = self.try_unpin();
        assert!(was_pinned, "Attempted to unpin page that was not pinned");
    }

    pub fn try_unpin(&self) -> bool {
        self.get()
            .pin_count
            .fetch_update(Ordering::Release, Ordering::SeqCst, |current| {
                if current == 0 {
                    None
                } else {
                    Some(current - 1)
                }
            })
            .is_ok()
    }

    pub fn is_pinned(&self) -> bool {
        self.get().pin_count.load(Ordering::Acquire) > 0
    }
}
