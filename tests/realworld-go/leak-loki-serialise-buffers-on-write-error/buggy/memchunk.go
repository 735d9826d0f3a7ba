package chunkenc

import (
	"bytes"
	"encoding/binary"

	"github.com/pkg/errors"
)

type entry struct {
	t int64
	s string
}

// headBlock holds the entries appended since the last cut.
type headBlock struct {
	entries []entry
	size    int
	mint    int64
	maxt    int64
}

func (hb *headBlock) serialise(pool WriterPool) ([]byte, error) {
	inBuf := serializeBytesBufferPool.Get().(*bytes.Buffer) //~ PL001
	outBuf := &bytes.Buffer{}

	encBuf := make([]byte, binary.MaxVarintLen64)
	compressedWriter := pool.GetWriter(outBuf) //~ PL001
	for _, logEntry := range hb.entries {
		n := binary.PutVarint(encBuf, logEntry.t)
		inBuf.Write(encBuf[:n])

		n = binary.PutUvarint(encBuf, uint64(len(logEntry.s)))
		inBuf.Write(encBuf[:n])

		inBuf.WriteString(logEntry.s)
	}

	if _, err := compressedWriter.Write(inBuf.Bytes()); err != nil {
		return nil, errors.Wrap(err, "appending entry")
	}
	if err := compressedWriter.Close(); err != nil {
		return nil, errors.Wrap(err, "flushing pending compress buffer")
	}

	inBuf.Reset()
	serializeBytesBufferPool.Put(inBuf)

	pool.PutWriter(compressedWriter)
	return outBuf.Bytes(), nil
}
