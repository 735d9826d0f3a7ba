// The GL entry points the renderer uses (generated bindings in the real crate).
#![allow(non_snake_case)]

pub type GLuint = u32;
pub type GLenum = u32;

pub const NO_ERROR: GLenum = 0;
pub const INVALID_ENUM: GLenum = 0x0500;
pub const INVALID_OPERATION: GLenum = 0x0502;
pub const PIXEL_PACK_BUFFER: GLenum = 0x88EB;
pub const STREAM_DRAW: GLenum = 0x88E0;
pub const BACK: GLenum = 0x0405;
pub const NONE: GLenum = 0;

pub struct Gles2;

impl Gles2 {
    pub unsafe fn GetError(&self) -> GLenum {
        NO_ERROR
    }
    /// Writes `n` new buffer names into `buffers`.
    pub unsafe fn GenBuffers(&self, n: i32, buffers: *mut GLuint) {}
    /// Deletes the `n` buffers named in `buffers`.
    pub unsafe fn DeleteBuffers(&self, n: i32, buffers: *const GLuint) {}
    pub unsafe fn BindBuffer(&self, target: GLenum, buffer: GLuint) {}
    pub unsafe fn BufferData(&self, target: GLenum, size: isize, data: *const u8, usage: GLenum) {}
    pub unsafe fn ReadBuffer(&self, mode: GLenum) {}
    pub unsafe fn ReadPixels(&self, x: i32, y: i32, w: i32, h: i32, format: GLenum, ty: GLenum, data: *mut u8) {}
}
