// Reduction of qutex's src/qutex.rs (after the fix): a lock whose waiters
// queue up and are woken one by one.
use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;

use crossbeam::queue::SegQueue;
use futures::sync::oneshot::{self, Canceled, Receiver, Sender};
use futures::{Future, Poll};

/// Access to the locked data; unlocks when dropped.
pub struct Guard<T> {
    qutex: Qutex<T>,
}

impl<T> Guard<T> {
    /// Releases the lock held by a `Guard` and returns the original `Qutex`.
    pub fn unlock(guard: Guard<T>) -> Qutex<T> {
        let qutex = unsafe { ::std::ptr::read(&guard.qutex) };
        ::std::mem::forget(guard);
        unsafe { qutex.direct_unlock() }
        qutex
    }
}

impl<T> Deref for Guard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        unsafe { &*self.qutex.inner.cell.get() }
    }
}

impl<T> DerefMut for Guard<T> {
    fn deref_mut(&mut self) -> &mut T {
        unsafe { &mut *self.qutex.inner.cell.get() }
    }
}

impl<T> Drop for Guard<T> {
    fn drop(&mut self) {
        unsafe { self.qutex.direct_unlock() }
    }
}

/// A future which resolves to a `Guard`.
pub struct FutureGuard<T> {
    qutex: Option<Qutex<T>>,
    rx: Receiver<()>,
}

impl<T> FutureGuard<T> {
    fn new(qutex: Qutex<T>, rx: Receiver<()>) -> FutureGuard<T> {
        FutureGuard {
            qutex: Some(qutex),
            rx,
        }
    }

    /// Blocks the current thread until this future resolves.
    pub fn wait(self) -> Result<Guard<T>, Canceled> {
        <Self as Future>::wait(self)
    }
}

impl<T> Future for FutureGuard<T> {
    type Item = Guard<T>;
    type Error = Canceled;

    fn poll(&mut self) -> Poll<Self::Item, Self::Error> {
        unsafe { self.qutex.as_ref().unwrap().process_queue() }
        match self.rx.poll() {
            Ok(status) => Ok(status.map(|_| Guard {
                qutex: self.qutex.take().unwrap(),
            })),
            Err(e) => Err(e),
        }
    }
}

impl<T> Drop for FutureGuard<T> {
    /// Unlocks if the lock was granted but the future never completed.
    fn drop(&mut self) {
        if let Some(qutex) = self.qutex.take() {
            self.rx.close();
            if let Ok(Some(())) = self.rx.try_recv() {
                unsafe { qutex.direct_unlock() }
            }
        }
    }
}

pub struct Request {
    tx: Sender<()>,
}

struct Inner<T> {
    state: AtomicUsize,
    cell: UnsafeCell<T>,
    queue: SegQueue<Request>,
}

pub struct Qutex<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Qutex<T> {
    /// Queues a lock request; the returned future resolves to a `Guard`.
    pub fn lock(self) -> FutureGuard<T> {
        let (tx, rx) = oneshot::channel();
        self.inner.queue.push(Request { tx });
        FutureGuard::new(self, rx)
    }

    /// Hands the lock to the next live requester, if unlocked.
    pub unsafe fn process_queue(&self) {
        if self.inner.state.compare_and_swap(0, 1, SeqCst) == 0 {
            loop {
                match self.inner.queue.pop().ok() {
                    Some(req) => {
                        if req.tx.send(()).is_ok() {
                            break;
                        }
                    }
                    None => {
                        self.inner.state.store(0, SeqCst);
                        break;
                    }
                }
            }
        }
    }

    /// Unlocks and wakes the next task in the queue.
    pub unsafe fn direct_unlock(&self) {
        self.inner.state.store(0, SeqCst);
        self.process_queue()
    }
}

impl<T> Clone for Qutex<T> {
    fn clone(&self) -> Qutex<T> {
        Qutex {
            inner: self.inner.clone(),
        }
    }
}

/// A caller that takes the lock, updates the value and gives the lock back
/// explicitly to keep using the `Qutex` handle.
pub fn set_and_unlock(lock: Qutex<bool>) -> Qutex<bool> {
    let mut guard = lock.lock().wait().unwrap();
    *guard = false;
    Guard::unlock(guard)
}
