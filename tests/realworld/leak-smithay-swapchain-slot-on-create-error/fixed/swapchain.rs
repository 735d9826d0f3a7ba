use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;

pub const SLOT_CAP: usize = 4;

pub trait Buffer {
    fn width(&self) -> u32;
}

pub trait Allocator {
    type Buffer: Buffer;
    type Error: std::error::Error;
    fn create_buffer(
        &mut self,
        width: u32,
        height: u32,
        fourcc: u32,
        modifiers: &[u64],
    ) -> Result<Self::Buffer, Self::Error>;
}

struct InternalSlot<B: Buffer> {
    buffer: Option<B>,
    acquired: AtomicBool,
    age: AtomicU8,
}

impl<B: Buffer> Default for InternalSlot<B> {
    fn default() -> Self {
        InternalSlot {
            buffer: None,
            acquired: AtomicBool::new(false),
            age: AtomicU8::new(0),
        }
    }
}

/// A claimed slot: the claim is given back when the last copy drops.
pub struct Slot<B: Buffer>(Arc<InternalSlot<B>>);

impl<B: Buffer> Drop for Slot<B> {
    fn drop(&mut self) {
        self.0.acquired.store(false, Ordering::SeqCst);
    }
}

pub struct Swapchain<A: Allocator> {
    pub allocator: A,
    width: u32,
    height: u32,
    fourcc: u32,
    modifiers: Vec<u64>,
    slots: [Arc<InternalSlot<A::Buffer>>; SLOT_CAP],
}

impl<A: Allocator> Swapchain<A> {
    /// The first free slot, its buffer created on first use.
    pub fn acquire(&mut self) -> Result<Option<Slot<A::Buffer>>, A::Error> {
        if let Some(free_slot) = self
            .slots
            .iter_mut()
            .find(|s| !s.acquired.swap(true, Ordering::SeqCst))
        {
            if free_slot.buffer.is_none() {
                let free_slot =
                    Arc::get_mut(free_slot).expect("Acquired was false, but Arc is not unique?");
                match self
                    .allocator
                    .create_buffer(self.width, self.height, self.fourcc, &self.modifiers)
                {
                    Ok(buffer) => free_slot.buffer = Some(buffer),
                    Err(err) => {
                        free_slot.acquired.store(false, Ordering::SeqCst);
                        return Err(err);
                    }
                }
            }
            assert!(free_slot.buffer.is_some());
            return Ok(Some(Slot(free_slot.clone())));
        }
        Ok(None)
    }
}
