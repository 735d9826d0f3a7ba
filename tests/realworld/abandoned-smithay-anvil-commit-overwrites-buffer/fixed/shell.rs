// anvil's commit handler: the buffer a client commits waits in the surface's
// user data until the drawer imports it and releases it.
use crate::protocol::wl_buffer::WlBuffer;
use crate::protocol::wl_surface::WlSurface;
use crate::protocol::CompositorToken;

pub struct TextureMetadata {
    pub dimensions: (u32, u32),
}

#[derive(Default)]
pub struct SurfaceData {
    pub buffer: Option<WlBuffer>,
    pub texture: Option<TextureMetadata>,
}

pub fn surface_commit(surface: &WlSurface, token: CompositorToken) {
    token.with_surface_data(surface, |attributes| {
        attributes
            .user_data
            .insert_if_missing(|| SurfaceData::default());
        match attributes.buffer.take() {
            Some(Some((buffer, (_x, _y)))) => {
                // new contents: hand the superseded buffer back first
                let data = attributes.user_data.get_mut::<SurfaceData>().unwrap();
                if let Some(old_buffer) = data.buffer.replace(buffer) {
                    old_buffer.release();
                }
                data.texture = None;
            }
            Some(None) => {
                // erase the contents
                let data = attributes.user_data.get_mut::<SurfaceData>().unwrap();
                if let Some(old_buffer) = data.buffer.take() {
                    old_buffer.release();
                }
                data.texture = None;
            }
            None => {}
        }
    });
}
