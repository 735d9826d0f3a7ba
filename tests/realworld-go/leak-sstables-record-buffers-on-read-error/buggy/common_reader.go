package recordio

import (
	"encoding/binary"
	"fmt"
	"io"

	pool "github.com/libp2p/go-buffer-pool"
)

const (
	Version1                 = 1
	RecordHeaderSizeBytes    = 20
	MagicNumberSeparator     = 0x130691
	MagicNumberSeparatorLong = 0x130691
)

// CompressionI (de)compresses record payloads.
type CompressionI interface {
	Decompress(buf []byte) ([]byte, error)
	DecompressWithBuf(buf []byte, destinationBuffer []byte) ([]byte, error)
}

type Header struct {
	compressor  CompressionI
	fileVersion uint32
}

var MagicNumberMismatchErr = fmt.Errorf("magic number mismatch")

func readRecordHeaderV1(buffer []byte) (uint64, uint64, error) {
	if len(buffer) != RecordHeaderSizeBytes {
		return 0, 0, fmt.Errorf("record header buffer size mismatch, expected %d but was %d", RecordHeaderSizeBytes, len(buffer))
	}
	if binary.LittleEndian.Uint32(buffer[0:4]) != MagicNumberSeparator {
		return 0, 0, MagicNumberMismatchErr
	}
	return binary.LittleEndian.Uint64(buffer[4:12]), binary.LittleEndian.Uint64(buffer[12:20]), nil
}

func readRecordHeaderV2(r io.ByteReader) (uint64, uint64, error) {
	magicNumber, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, 0, err
	}
	if magicNumber != MagicNumberSeparatorLong {
		return 0, 0, MagicNumberMismatchErr
	}
	payloadSizeUncompressed, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, 0, err
	}
	payloadSizeCompressed, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, 0, err
	}
	return payloadSizeUncompressed, payloadSizeCompressed, nil
}

func allocateRecordBuffer(header *Header, payloadSizeUncompressed uint64, payloadSizeCompressed uint64) (uint64, []byte) {
	expectedBytesRead := payloadSizeUncompressed
	if header.compressor != nil {
		expectedBytesRead = payloadSizeCompressed
	}
	return expectedBytesRead, make([]byte, expectedBytesRead)
}

// allocateRecordBufferPooled is allocateRecordBuffer with a buffer from the
// pool: the caller must Put the second result back.
func allocateRecordBufferPooled(bufferPool *pool.BufferPool, header *Header, payloadSizeUncompressed uint64, payloadSizeCompressed uint64) (uint64, []byte) {
	expectedBytesRead := payloadSizeUncompressed
	if header.compressor != nil {
		expectedBytesRead = payloadSizeCompressed
	}
	return expectedBytesRead, bufferPool.Get(int(expectedBytesRead))
}
