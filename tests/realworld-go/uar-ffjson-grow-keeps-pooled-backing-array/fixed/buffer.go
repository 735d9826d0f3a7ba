// Package v1 is a bytes.Buffer whose backing arrays come from, and go back
// to, size-classed pools (makeSlice and Pool, in buffer_pool.go).
package v1

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// Buffer is a variable-sized buffer of bytes with Read and Write methods.
type Buffer struct {
	buf              []byte // contents are the bytes buf[off : len(buf)]
	off              int    // read at &buf[off], write at &buf[len(buf)]
	runeBytes        [utf8.UTFMax]byte
	encoder          *json.Encoder
	skipTrailingByte bool
}

// ErrTooLarge is passed to panic if memory cannot be allocated to store data in a buffer.
var ErrTooLarge = errors.New("fflib.v1.Buffer: too large")

func (b *Buffer) Bytes() []byte { return b.buf[b.off:] }

func (b *Buffer) Len() int { return len(b.buf) - b.off }

func (b *Buffer) Truncate(n int) {
	if n == 0 {
		b.off = 0
		b.buf = b.buf[0:0]
	} else {
		b.buf = b.buf[0 : b.off+n]
	}
}

func (b *Buffer) Reset() { b.Truncate(0) }

// grow grows the buffer to guarantee space for n more bytes.
// It returns the index where bytes should be written.
func (b *Buffer) grow(n int) int {
	m := b.Len()
	if m == 0 {
		if b.buf == nil {
			b.buf = makeSlice(2 * n)
			b.off = 0
		} else if b.off != 0 {
			// empty: start again at the front
			b.Truncate(0)
		}
	}
	if len(b.buf)+n > cap(b.buf) {
		var buf []byte
		if m+n <= cap(b.buf)/2 {
			// enough room: slide the unread bytes down instead of
			// allocating
			copy(b.buf[:], b.buf[b.off:])
			buf = b.buf[:m]
		} else {
			// not enough room anywhere
			buf = makeSlice(2*cap(b.buf) + n)
			copy(buf, b.buf[b.off:])
			Pool(b.buf)
			b.buf = buf
		}
		b.off = 0
	}
	b.buf = b.buf[0 : b.off+m+n]
	return b.off + m
}

// Write appends the contents of p to the buffer, growing the buffer as
// needed.
func (b *Buffer) Write(p []byte) (n int, err error) {
	if b.skipTrailingByte {
		p = p[:len(p)-1]
	}
	m := b.grow(len(p))
	return copy(b.buf[m:], p), nil
}

// WriteString appends the contents of s to the buffer.
func (b *Buffer) WriteString(s string) (n int, err error) {
	m := b.grow(len(s))
	return copy(b.buf[m:], s), nil
}

// WriteByte appends the byte c to the buffer.
func (b *Buffer) WriteByte(c byte) error {
	m := b.grow(1)
	b.buf[m] = c
	return nil
}
