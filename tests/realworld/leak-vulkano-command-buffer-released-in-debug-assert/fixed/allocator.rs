// The standard allocator keeps, per thread and queue family, a pool whose
// command buffers are allocated up front and parked in reserves; `allocate`
// pops one, `deallocate` must push it back.
use crate::pool::{
    AllocationHandle, CommandBufferAlloc, CommandBufferAllocator, CommandBufferLevel, CommandPool,
    CommandPoolAlloc, VulkanError,
};
use crossbeam_queue::ArrayQueue;
use std::sync::Arc;

const MAX_POOLS: usize = 32;

struct Pool {
    // The Vulkan pool specific to a device's queue family.
    inner: Arc<CommandPool>,
    // List of existing command buffers that are available for reuse.
    buffer_reserve: [Option<ArrayQueue<CommandPoolAlloc>>; 2],
    // Where we go when we're dropped.
    pool_reserve: std::sync::Weak<ArrayQueue<Arc<Pool>>>,
}

struct Entry {
    pool: Arc<Pool>,
    allocations: [usize; 2],
    pool_reserve: Arc<ArrayQueue<Arc<Pool>>>,
}

impl Entry {
    fn allocate(
        &mut self,
        level: CommandBufferLevel,
        buffer_count: &[usize; 2],
    ) -> Result<CommandBufferAlloc, VulkanError> {
        if self.allocations[level as usize] >= buffer_count[level as usize] {
            if let Some(pool) = self.pool_reserve.pop() {
                self.pool = pool;
                self.allocations = [0; 2];
            }
        }

        let buffer_reserve = self.pool.buffer_reserve[level as usize]
            .as_ref()
            .unwrap_or_else(|| {
                panic!("the command buffer pool for level `{level:?}` was configured to be empty")
            });

        self.allocations[level as usize] += 1;

        Ok(CommandBufferAlloc {
            inner: buffer_reserve.pop().unwrap(),
            pool: self.pool.inner.clone(),
            handle: AllocationHandle::from_ptr(Arc::into_raw(self.pool.clone()) as _),
        })
    }
}

pub struct StandardCommandBufferAllocator {
    entries: std::cell::UnsafeCell<Vec<Option<Entry>>>,
    buffer_count: [usize; 2],
}

unsafe impl Send for StandardCommandBufferAllocator {}
unsafe impl Sync for StandardCommandBufferAllocator {}

unsafe impl CommandBufferAllocator for StandardCommandBufferAllocator {
    fn allocate(
        &self,
        queue_family_index: u32,
        level: CommandBufferLevel,
    ) -> Result<CommandBufferAlloc, VulkanError> {
        let entries = unsafe { &mut *self.entries.get() };
        let entry = entries[queue_family_index as usize].as_mut().unwrap();
        entry.allocate(level, &self.buffer_count)
    }

    unsafe fn deallocate(&self, allocation: CommandBufferAlloc) {
        let ptr = allocation.handle.as_ptr().cast::<Pool>();

        // SAFETY: the caller guarantees `allocation` came from `self`, so `ptr` is the
        // pool whose `Arc` we cloned in `allocate`.
        let pool = unsafe { Arc::from_raw(ptr) };

        let level = allocation.inner.level();

        // This cannot panic because in order to have allocated a command buffer with the level in
        // the first place, the size of the pool for that level must have been non-zero.
        let buffer_reserve = pool.buffer_reserve[level as usize].as_ref().unwrap();

        let res = buffer_reserve.push(allocation.inner);

        // This cannot happen because every allocation is (supposed to be) returned to the pool
        // whence it came, so there must be enough room for it.
        debug_assert!(res.is_ok());

        // We have to make sure that we only reset the pool under this condition, because there
        // could be other references in other allocations.
        if Arc::strong_count(&pool) == 1 {
            // The pool reserve can be dropped from under us when an entry is cleared, in which
            // case we destroy the pool.
            if let Some(reserve) = pool.pool_reserve.upgrade() {
                // If there is not enough space in the reserve, we destroy the pool.
                let _ = reserve.push(pool);
            }
        }
    }
}

pub fn new_reserve() -> Arc<ArrayQueue<Arc<Pool>>> {
    Arc::new(ArrayQueue::new(MAX_POOLS))
}
