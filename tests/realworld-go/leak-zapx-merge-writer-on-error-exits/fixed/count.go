package zap

import (
	"hash/crc32"
	"io"
)

type StatsReporter interface {
	ReportBytesWritten(n uint64)
}

// CountHashWriter counts and checksums what goes through it.
type CountHashWriter struct {
	w   io.Writer
	crc uint32
	n   int
	s   StatsReporter
}

func NewCountHashWriterWithStatsReporter(w io.Writer, s StatsReporter) *CountHashWriter {
	return &CountHashWriter{w: w, s: s}
}

func (c *CountHashWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, b[:n])
	c.n += n
	if c.s != nil {
		c.s.ReportBytesWritten(uint64(n))
	}
	return n, err
}

func (c *CountHashWriter) Count() int    { return c.n }
func (c *CountHashWriter) Sum32() uint32 { return c.crc }

var errMergeClosed = &mergeError{"merge closed"}

type mergeError struct{ msg string }

func (e *mergeError) Error() string { return e.msg }
