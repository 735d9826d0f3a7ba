// Queue submission: immediate command buffers are committed as they are and
// their sink is destroyed with them.
use crate::command::{CommandBuffer, CommandSink};
use crate::queue::{MetalCommandBuffer, Shared};
use std::sync::Arc;

pub struct CommandQueue {
    pub shared: Arc<Shared>,
    pub retained_buffers: Vec<u64>,
}

fn commit(_cmd_buffer: &MetalCommandBuffer) {}

impl CommandQueue {
    pub fn submit<'a, I>(&mut self, command_buffers: I)
    where
        I: IntoIterator<Item = &'a CommandBuffer>,
    {
        let mut cmd_queue = self.shared.queue.lock();
        let mut num_immediate = 0;
        let mut release_sinks = Vec::new();
        for cmd_buffer in command_buffers {
            let mut inner = cmd_buffer.inner.borrow_mut();
            let retained: Vec<u64> = inner.retained_buffers.drain(..).collect();
            self.retained_buffers.extend(retained);
            match inner.sink {
                Some(CommandSink::Immediate {
                    ref cmd_buffer,
                    num_passes,
                    ..
                }) => {
                    num_immediate += 1;
                    if num_passes != 0 {
                        commit(cmd_buffer);
                    }
                    // destroy the sink with the associated command buffer
                    release_sinks.extend(inner.sink.take());
                }
                Some(CommandSink::Deferred { ref journal }) => {
                    let _ = journal.len();
                }
                None => panic!("Command buffer not recorded for submission"),
            }
        }
        for sink in release_sinks {
            if let CommandSink::Immediate { token, .. } = sink {
                cmd_queue.release(token);
            }
        }
        let _ = num_immediate;
    }
}
