// Stand-ins for the wayland-server, smithay compositor and renderer APIs.
use std::cell::RefCell;

pub mod wl_buffer {
    #[derive(Debug)]
    pub struct WlBuffer {
        pub id: u32,
    }

    impl WlBuffer {
        /// Sends `wl_buffer.release`: the client may reuse the buffer's memory.
        pub fn release(&self) {}
    }
}

pub enum BufferType {
    Shm,
    Dma,
}

pub fn buffer_type(buffer: &wl_buffer::WlBuffer) -> Option<BufferType> {
    match buffer.id % 3 {
        0 => Some(BufferType::Shm),
        1 => Some(BufferType::Dma),
        _ => None,
    }
}

pub struct SurfaceState {
    pub buffer: Option<wl_buffer::WlBuffer>,
}

pub struct SurfaceData {
    pub current_state: SurfaceState,
    pub texture: Option<Box<dyn std::any::Any + 'static>>,
}

pub struct SurfaceAttributes {
    pub damage: Vec<(i32, i32, i32, i32)>,
    pub user_data: Vec<RefCell<SurfaceData>>,
}

impl SurfaceAttributes {
    pub fn data(&self) -> Option<&RefCell<SurfaceData>> {
        self.user_data.first()
    }
}

/// A renderer that can turn client buffers into textures. SHM contents are
/// copied; dmabuf textures keep reading the client's buffer.
pub trait ImportBuffers {
    type TextureId;
    type Error: std::fmt::Debug;

    fn import_shm_buffer(
        &mut self,
        buffer: &wl_buffer::WlBuffer,
        damage: &[(i32, i32, i32, i32)],
    ) -> Result<Self::TextureId, Self::Error>;

    fn import_dma_buffer(
        &mut self,
        buffer: &wl_buffer::WlBuffer,
    ) -> Result<Self::TextureId, Self::Error>;
}

pub fn with_surface_tree_upward<F>(roots: &[SurfaceAttributes], mut f: F)
where
    F: FnMut(&SurfaceAttributes),
{
    for r in roots {
        f(r);
    }
}
