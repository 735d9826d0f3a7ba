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
                            buffer.release();
                            // don't keep the buffer: it is already released
                            Some((result, None))
                        }
                        Some(BufferType::Dma) => Some((renderer.import_dma_buffer(&buffer), Some(buffer))),
                        _ => {
                            buffer.release();
                            None
                        }
                    };
                    match texture {
                        Some((Ok(m), buffer)) => {
                            data.texture = Some(Box::new(BufferTextures { buffer, texture: m })
                                as Box<dyn std::any::Any + 'static>)
                        }
                        // there was an error reading the buffer, release it.
                        Some((Err(err), buffer)) => {
                            eprintln!("Error loading buffer: {:?}", err);
                            if let Some(buffer) = buffer {
                                buffer.release();
                            }
                        }
                        None => {}
                    };
                }
            }
        }
    });
}
