// Iterating over the reader consumes the bytes it yields: each segment's
// bytes are given back when the segment is exhausted, and the partly read
// segment when the iterator is dropped.
use crate::ring::Reader;
use core::slice;

pub struct ReaderIterator<'a, 'b> {
    reader: &'b mut Reader<'a>,
    buf: &'b mut [u8],
    i: usize,
}

pub fn iter<'a, 'b>(reader: &'b mut Reader<'a>) -> ReaderIterator<'a, 'b> {
    let (data, len) = reader.pop_buf();
    let buf = unsafe { slice::from_raw_parts_mut(data, len) };
    ReaderIterator { reader, buf, i: 0 }
}

impl<'a, 'b> ReaderIterator<'a, 'b> {
    fn reset_buf(&mut self) {
        self.reader.pop_done(self.i);
        // `i` still counts the bytes just given back: `Drop` (`i > 0`) gives
        // them back again

        let (data, len) = self.reader.pop_buf();
        self.buf = unsafe { slice::from_raw_parts_mut(data, len) };
    } //~ PL005
}

impl<'a, 'b> Iterator for ReaderIterator<'a, 'b> {
    type Item = u8;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.buf.get(self.i).map(|x| *x);
        if item.is_some() {
            self.i += 1;
        }
        if item.is_some() && self.i == self.buf.len() {
            self.reset_buf();
        }
        item
    }
}

impl<'a, 'b> Drop for ReaderIterator<'a, 'b> {
    fn drop(&mut self) {
        if self.i > 0 {
            // `i` still counts the bytes the last `reset_buf` gave back: they are
            // given back again, and the read index runs past the write index
            self.reset_buf();
        }
    }
}
