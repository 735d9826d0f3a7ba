package recordio

import (
	"bufio"
	"fmt"
	"io"
	"os"

	pool "github.com/libp2p/go-buffer-pool"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	*bufio.Reader
	count uint64
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	r.count += uint64(n)
	return n, err
}

func (r *countingReader) ReadByte() (byte, error) {
	b, err := r.Reader.ReadByte()
	if err == nil {
		r.count++
	}
	return b, err
}

func (r *countingReader) Count() uint64 { return r.count }

type FileReader struct {
	open          bool
	closed        bool
	currentOffset uint64
	file          *os.File
	header        *Header
	reader        *countingReader
	bufferPool    *pool.BufferPool
}

func (r *FileReader) ReadNext() ([]byte, error) {
	if !r.open || r.closed {
		return nil, fmt.Errorf("file reader for '%s' was either not opened yet or is closed already", r.file.Name())
	}

	if r.header.fileVersion == Version1 {
		return readNextV1(r)
	}
	start := r.reader.Count()
	payloadSizeUncompressed, payloadSizeCompressed, err := readRecordHeaderV2(r.reader)
	if err != nil {
		return nil, fmt.Errorf("error while parsing record header of '%s': %w", r.file.Name(), err)
	}

	expectedBytesRead, pooledRecordBuffer := allocateRecordBufferPooled(r.bufferPool, r.header, payloadSizeUncompressed, payloadSizeCompressed) //~ PL001
	numRead, err := io.ReadFull(r.reader, pooledRecordBuffer)
	if err != nil {
		return nil, fmt.Errorf("error while reading into record buffer of '%s': %w", r.file.Name(), err)
	}

	if uint64(numRead) != expectedBytesRead {
		return nil, fmt.Errorf("not enough bytes in the record of '%s' found, expected %d but were %d", r.file.Name(), expectedBytesRead, numRead)
	}

	var returnSlice []byte
	if r.header.compressor != nil {
		pooledDecompressionBuffer := r.bufferPool.Get(int(payloadSizeUncompressed)) //~ PL001
		decompressedRecord, err := r.header.compressor.DecompressWithBuf(pooledRecordBuffer, pooledDecompressionBuffer)
		if err != nil {
			return nil, err
		}
		// a copy, so the pooled slices do not leave this function
		returnSlice = make([]byte, len(decompressedRecord))
		copy(returnSlice, decompressedRecord)
		r.bufferPool.Put(pooledRecordBuffer)
		r.bufferPool.Put(pooledDecompressionBuffer)
	} else {
		returnSlice = make([]byte, len(pooledRecordBuffer))
		copy(returnSlice, pooledRecordBuffer)
		r.bufferPool.Put(pooledRecordBuffer)
	}

	r.currentOffset = r.currentOffset + (r.reader.Count() - start)
	return returnSlice, nil
}

// legacy support path for non-vint compressed V1
func readNextV1(r *FileReader) ([]byte, error) {
	headerBuf := r.bufferPool.Get(RecordHeaderSizeBytes) //~ PL001
	numRead, err := io.ReadFull(r.reader, headerBuf)
	if err != nil {
		return nil, fmt.Errorf("error while reading record header of '%s': %w", r.file.Name(), err)
	}

	if numRead != RecordHeaderSizeBytes {
		return nil, fmt.Errorf("not enough bytes in the record header of '%s' found, expected %d but were %d", r.file.Name(), RecordHeaderSizeBytes, numRead)
	}

	r.currentOffset = r.currentOffset + uint64(numRead)
	payloadSizeUncompressed, payloadSizeCompressed, err := readRecordHeaderV1(headerBuf)
	if err != nil {
		return nil, fmt.Errorf("error while parsing record header of '%s': %w", r.file.Name(), err)
	}
	r.bufferPool.Put(headerBuf)

	expectedBytesRead, recordBuffer := allocateRecordBuffer(r.header, payloadSizeUncompressed, payloadSizeCompressed)
	numRead, err = io.ReadFull(r.reader, recordBuffer)
	if err != nil {
		return nil, fmt.Errorf("error while reading into record buffer of '%s': %w", r.file.Name(), err)
	}

	if uint64(numRead) != expectedBytesRead {
		return nil, fmt.Errorf("not enough bytes in the record found of '%s', expected %d but were %d", r.file.Name(), expectedBytesRead, numRead)
	}

	if r.header.compressor != nil {
		recordBuffer, err = r.header.compressor.Decompress(recordBuffer)
		if err != nil {
			return nil, fmt.Errorf("error while decompressing record of '%s': %w", r.file.Name(), err)
		}
	}

	r.currentOffset = r.currentOffset + uint64(numRead)
	return recordBuffer, nil
}
