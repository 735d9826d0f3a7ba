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
        let _cmd_queue = self.shared.queue.lock();
        let mut num_immediate = 0;
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
                    // destroy the sink with the associated command buffer:
                    // its Token is dropped, the queue slot stays reserved
                    inner.sink = None; //~ PL003
                }
                Some(CommandSink::Deferred { ref journal }) => {
                    let _ = journal.len();
                }
                None => panic!("Command buffer not recorded for submission"),
            }
        }
        let _ = num_immediate;
    }
}
