// The drawer: takes the pending buffer, imports it into a texture and gives
// the buffer back to the client once its contents are copied.
use crate::protocol::SurfaceAttributes;
use crate::shell::{SurfaceData, TextureMetadata};

pub fn import_pending(attributes: &mut SurfaceAttributes) {
    let data = attributes.user_data.get_mut::<SurfaceData>().unwrap();
    if data.texture.is_none() {
        if let Some(buffer) = data.buffer.take() {
            let texture = upload(&buffer);
            buffer.release();
            data.texture = texture;
        }
    }
}

fn upload(_buffer: &crate::protocol::wl_buffer::WlBuffer) -> Option<TextureMetadata> {
    Some(TextureMetadata {
        dimensions: (64, 64),
    })
}
