// Command buffers record into a "sink". An immediate sink owns a command
// buffer spawned from the queue, and with it the queue Token.
use crate::queue::{MetalCommandBuffer, Shared, Token};
use std::cell::RefCell;
use std::sync::Arc;

pub enum CommandSink {
    Immediate {
        cmd_buffer: MetalCommandBuffer,
        token: Token,
        num_passes: usize,
    },
    Deferred {
        journal: Vec<u32>,
    },
}

pub struct CommandBufferInner {
    pub sink: Option<CommandSink>,
    pub retained_buffers: Vec<u64>,
}

impl CommandBufferInner {
    pub fn reset(&mut self, shared: &Shared) {
        match self.sink.take() {
            Some(CommandSink::Immediate { token, .. }) => {
                shared.queue.lock().release(token);
            }
            Some(CommandSink::Deferred { .. }) | None => {}
        }
        self.retained_buffers.clear();
    }
}

pub struct CommandBuffer {
    pub shared: Arc<Shared>,
    pub inner: RefCell<CommandBufferInner>,
}

impl CommandBuffer {
    pub fn begin(&self, one_time_submit: bool) {
        let mut inner = self.inner.borrow_mut();
        inner.reset(&self.shared);
        inner.sink = Some(if one_time_submit {
            let (cmd_buffer, token) = self.shared.queue.lock().spawn();
            CommandSink::Immediate {
                cmd_buffer,
                token,
                num_passes: 0,
            }
        } else {
            CommandSink::Deferred {
                journal: Vec::new(),
            }
        });
    }
}
