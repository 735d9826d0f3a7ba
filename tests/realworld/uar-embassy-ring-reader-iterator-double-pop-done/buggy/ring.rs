// The ring buffer's reader side. `pop_done(n)` moves the read index past `n`
// bytes, handing that part of the storage back to the writer.
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

pub struct RingBuffer {
    pub buf: AtomicPtr<u8>,
    pub len: AtomicUsize,
    pub start: AtomicUsize,
    pub end: AtomicUsize,
}

impl RingBuffer {
    fn wrap(&self, n: usize) -> usize {
        let len = self.len.load(Ordering::Relaxed);
        if n >= 2 * len {
            n - 2 * len
        } else {
            n
        }
    }
}

pub struct Reader<'a>(pub &'a RingBuffer);

impl<'a> Reader<'a> {
    /// The contiguous readable region (pointer, length); empty when the
    /// ring buffer is empty.
    pub fn pop_buf(&mut self) -> (*mut u8, usize) {
        let end = self.0.end.load(Ordering::Acquire);
        let buf = self.0.buf.load(Ordering::Relaxed);
        let len = self.0.len.load(Ordering::Relaxed);
        let start = self.0.start.load(Ordering::Relaxed) % len;
        if start == end % len {
            return (buf, 0);
        }
        let end = end % len;
        let n = if end > start { end - start } else { len - start };
        (unsafe { buf.add(start) }, n)
    }

    /// Mark `n` bytes as read: the writer may overwrite them from now on.
    pub fn pop_done(&mut self, n: usize) {
        let start = self.0.start.load(Ordering::Relaxed);
        self.0.start.store(self.0.wrap(start + n), Ordering::Release);
    }
}
