// anvil's drawing pass: pull the committed buffer of every surface and import
// it into a texture.
use crate::protocol::{buffer_type, with_surface_tree_upward, BufferType, ImportBuffers, SurfaceAttributes};
use crate::textures::BufferTextures;

pub fn draw_surface_tree<R, T>(renderer: &mut R, roots: &[SurfaceAttributes])
where
    R: ImportBuffers<TextureId = T>,
    T: 'static,
{
    with_surface_tree_upward(roots, |attributes| {
        if let Some(data) = attributes.data() {
            let mut data = data.borrow_mut();
            if data.texture.is_none() {
                if let Some(buffer) = data.current_state.buffer.take() {
                    let texture = match buffer_type(&buffer) {
                        Some(BufferType::Shm) => {
                            let result = renderer.import_shm_buffer(&buffer, &attributes.damage);
                            if result.is_ok() {
                                // the contents are copied: the client may have it back
                                buffer.release();
                            }
                            Some(result)
                        }
                        Some(BufferType::Dma) => Some(renderer.import_dma_buffer(&buffer)),
                        _ => None,
                    };
                    match texture {
                        Some(Ok(m)) => {
                            // on the SHM path `buffer` was released above: keeping it
                            // here releases it a second time when the texture drops
                            data.texture = Some(Box::new(BufferTextures { buffer: Some(buffer), texture: m }) //~ PL002
                                as Box<dyn std::any::Any + 'static>)
                        }
                        // there was an error reading the buffer, release it.
                        Some(Err(err)) => {
                            eprintln!("Error loading buffer: {:?}", err);
                            buffer.release();
                        }
                        None => buffer.release(),
                    };
                }
            }
        }
    });
}
