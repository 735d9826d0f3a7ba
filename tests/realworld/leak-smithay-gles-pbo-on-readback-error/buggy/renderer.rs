use crate::ffi::{self, GLenum, GLuint, Gles2};
use std::ptr;
use std::sync::mpsc::Sender;

#[derive(Debug)]
pub enum GlesError {
    UnknownPixelFormat,
    UnsupportedPixelFormat(u32),
    UnsupportedPixelLayout,
}

#[derive(Clone, Copy)]
pub struct Size {
    pub w: i32,
    pub h: i32,
}

#[derive(Clone, Copy)]
pub struct Rectangle {
    pub x: i32,
    pub y: i32,
    pub size: Size,
}

pub enum CleanupResource {
    Mapping(GLuint),
}

/// A read-back in flight: owns the pixel-pack buffer and has it deleted
/// (through the cleanup channel) when dropped.
pub struct GlesMapping {
    pbo: GLuint,
    format: GLenum,
    layout: GLenum,
    size: Size,
    destruction_callback_sender: Sender<CleanupResource>,
}

impl Drop for GlesMapping {
    fn drop(&mut self) {
        let _ = self
            .destruction_callback_sender
            .send(CleanupResource::Mapping(self.pbo));
    }
}

fn fourcc_to_gl_formats(fourcc: u32) -> Option<(GLenum, GLenum)> {
    (fourcc != 0).then_some((0x1908, 0x1401))
}

fn gl_bpp(format: GLenum, layout: GLenum) -> Option<usize> {
    (format != 0 && layout != 0).then_some(32)
}

pub struct GlesRenderer {
    gl: Gles2,
    cleanup: Sender<CleanupResource>,
}

impl GlesRenderer {
    /// Reads `region` of the bound framebuffer into a new pixel-pack buffer.
    pub fn copy_framebuffer(&mut self, region: Rectangle, fourcc: u32) -> Result<GlesMapping, GlesError> {
        let (format, layout) = fourcc_to_gl_formats(fourcc).ok_or(GlesError::UnknownPixelFormat)?;

        let mut pbo = 0;
        let err = unsafe {
            self.gl.GetError(); // clear errors
            self.gl.GenBuffers(1, &mut pbo); //~ PL001
            self.gl.BindBuffer(ffi::PIXEL_PACK_BUFFER, pbo);
            let bpp = gl_bpp(format, layout).ok_or(GlesError::UnsupportedPixelLayout)? / 8;
            let size = (region.size.w * region.size.h * bpp as i32) as isize;
            self.gl
                .BufferData(ffi::PIXEL_PACK_BUFFER, size, ptr::null(), ffi::STREAM_DRAW);
            self.gl.ReadBuffer(ffi::BACK);
            self.gl.ReadPixels(
                region.x,
                region.y,
                region.size.w,
                region.size.h,
                format,
                layout,
                ptr::null_mut(),
            );
            self.gl.ReadBuffer(ffi::NONE);
            self.gl.BindBuffer(ffi::PIXEL_PACK_BUFFER, 0);
            self.gl.GetError()
        };

        match err {
            ffi::NO_ERROR => Ok(GlesMapping {
                pbo,
                format,
                layout,
                size: region.size,
                destruction_callback_sender: self.cleanup.clone(),
            }),
            ffi::INVALID_ENUM | ffi::INVALID_OPERATION => Err(GlesError::UnsupportedPixelFormat(fourcc)),
            _ => Err(GlesError::UnknownPixelFormat),
        }
    }
}
