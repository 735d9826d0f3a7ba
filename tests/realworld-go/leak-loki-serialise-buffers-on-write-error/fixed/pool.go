package chunkenc

import (
	"bytes"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// WriterPool is a pool of compressing writers for one chunk encoding.
type WriterPool interface {
	GetWriter(io.Writer) io.WriteCloser
	PutWriter(io.WriteCloser)
}

// GzipPool pools gzip writers at one compression level.
type GzipPool struct {
	writers sync.Pool
	level   int
}

// GetWriter gets or creates a new CompressionWriter and reset it to write to dst.
func (pool *GzipPool) GetWriter(dst io.Writer) io.WriteCloser {
	if w := pool.writers.Get(); w != nil {
		writer := w.(*gzip.Writer)
		writer.Reset(dst)
		return writer
	}
	level := pool.level
	if level == 0 {
		level = gzip.DefaultCompression
	}
	w, err := gzip.NewWriterLevel(dst, level)
	if err != nil {
		panic(err)
	}
	return w
}

// PutWriter places back in the pool a CompressionWriter.
func (pool *GzipPool) PutWriter(writer io.WriteCloser) {
	pool.writers.Put(writer)
}

var (
	Gzip = GzipPool{level: gzip.DefaultCompression}

	serializeBytesBufferPool = sync.Pool{
		New: func() interface{} {
			return &bytes.Buffer{}
		},
	}
)
