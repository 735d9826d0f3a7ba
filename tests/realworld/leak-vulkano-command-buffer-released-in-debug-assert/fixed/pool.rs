// The Vulkan side: a command pool and the command buffers allocated from it.
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandBufferLevel {
    Primary = 0,
    Secondary = 1,
}

pub struct CommandPool {
    pub handle: u64,
}

pub struct VulkanError;

impl CommandPool {
    pub fn allocate_command_buffers(
        &self,
        level: CommandBufferLevel,
        count: usize,
    ) -> Result<Vec<CommandPoolAlloc>, VulkanError> {
        Ok((0..count)
            .map(|i| CommandPoolAlloc {
                handle: self.handle + i as u64,
                level,
            })
            .collect())
    }
}

/// A raw command buffer. Dropping it does not free it: it belongs to its pool.
pub struct CommandPoolAlloc {
    pub handle: u64,
    pub level: CommandBufferLevel,
}

impl CommandPoolAlloc {
    pub fn level(&self) -> CommandBufferLevel {
        self.level
    }
}

pub struct CommandBufferAlloc {
    /// The internal object that contains the command buffer.
    pub inner: CommandPoolAlloc,
    /// The command pool that the command buffer was allocated from.
    pub pool: Arc<CommandPool>,
    /// An opaque handle identifying the allocation inside the allocator.
    pub handle: AllocationHandle,
}

#[derive(Clone, Copy)]
pub struct AllocationHandle(pub *mut ());

impl AllocationHandle {
    pub fn from_ptr(ptr: *mut ()) -> Self {
        AllocationHandle(ptr)
    }

    pub fn as_ptr(self) -> *mut () {
        self.0
    }
}

/// Types that manage the memory of command buffers.
pub unsafe trait CommandBufferAllocator: Send + Sync + 'static {
    /// Allocates a command buffer.
    fn allocate(
        &self,
        queue_family_index: u32,
        level: CommandBufferLevel,
    ) -> Result<CommandBufferAlloc, VulkanError>;

    /// Deallocates the given `allocation`.
    ///
    /// # Safety
    ///
    /// - `allocation` must refer to a **currently allocated** allocation of `self`.
    unsafe fn deallocate(&self, allocation: CommandBufferAlloc);
}
