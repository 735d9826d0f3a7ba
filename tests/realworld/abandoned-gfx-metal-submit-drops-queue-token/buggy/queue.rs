// The queue's virtual pool of command buffers: `spawn` reserves one slot of
// the device queue's capacity and returns a Token for it, `release` gives the
// slot back. A Token that is only dropped keeps its slot reserved.
use std::ops::Range;

pub struct MetalCommandBuffer {
    pub label: String,
}

#[must_use]
#[derive(Debug)]
pub struct Token {
    active: bool,
}

impl Drop for Token {
    fn drop(&mut self) {
        // poor man's linear type: only checked in debug builds
        debug_assert!(!self.active);
    }
}

pub struct QueueInner {
    reserve: Range<usize>,
}

impl QueueInner {
    /// Spawns a command buffer from the virtual pool.
    pub fn spawn(&mut self) -> (MetalCommandBuffer, Token) {
        self.reserve.start += 1;
        (
            MetalCommandBuffer {
                label: String::new(),
            },
            Token { active: true },
        )
    }

    /// Returns a command buffer's slot to the virtual pool.
    pub fn release(&mut self, mut token: Token) {
        token.active = false;
        self.reserve.start -= 1;
    }
}

pub struct Shared {
    pub queue: parking_lot::Mutex<QueueInner>,
}
