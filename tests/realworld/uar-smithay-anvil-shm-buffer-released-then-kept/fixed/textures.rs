// The texture a surface keeps between frames. A buffer kept here is still
// lent to the compositor and is released when the texture goes away.
use crate::protocol::wl_buffer::WlBuffer;

pub struct BufferTextures<T> {
    pub buffer: Option<WlBuffer>,
    pub texture: T,
}

impl<T> Drop for BufferTextures<T> {
    fn drop(&mut self) {
        if let Some(buffer) = self.buffer.take() {
            buffer.release();
        }
    }
}
