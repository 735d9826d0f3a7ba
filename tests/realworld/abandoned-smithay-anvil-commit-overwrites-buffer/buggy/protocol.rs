// Stand-ins for the wayland-server and smithay types the compositor uses.

pub mod wl_buffer {
    pub struct WlBuffer {
        pub id: u32,
    }

    impl WlBuffer {
        /// Sends `wl_buffer.release`: the client may reuse the buffer's memory.
        pub fn release(&self) {}
    }
}

pub mod wl_surface {
    pub struct WlSurface {
        pub id: u32,
    }
}

pub struct UserDataMap {
    slots: Vec<Box<dyn std::any::Any>>,
}

impl UserDataMap {
    pub fn insert_if_missing<T: 'static, F: FnOnce() -> T>(&mut self, init: F) {
        if self.get_mut::<T>().is_none() {
            self.slots.push(Box::new(init()));
        }
    }

    pub fn get_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.slots.iter_mut().find_map(|s| s.downcast_mut::<T>())
    }
}

/// Double-buffered state of a surface: `buffer` is `Some(Some(..))` when the
/// client attached a new buffer, `Some(None)` when it detached its buffer.
pub struct SurfaceAttributes {
    pub buffer: Option<Option<(wl_buffer::WlBuffer, (i32, i32))>>,
    pub user_data: UserDataMap,
}

pub struct CompositorToken;

impl CompositorToken {
    pub fn with_surface_data<F>(&self, _surface: &wl_surface::WlSurface, f: F)
    where
        F: FnOnce(&mut SurfaceAttributes),
    {
        let _ = f;
    }
}
