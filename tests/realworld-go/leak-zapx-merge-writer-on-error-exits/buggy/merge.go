package zap

import (
	"bufio"
	"encoding/binary"
	"os"
	"sync"
)

var DefaultFileMergerBufferSize = 1024 * 1024

var mergeBufferPool = sync.Pool{
	New: func() interface{} {
		return bufio.NewWriterSize(nil, DefaultFileMergerBufferSize)
	},
}

type SegmentBase struct {
	mem     []byte
	numDocs uint64
}

func MergeToWriter(segments []*SegmentBase, chunkMode uint32, cr *CountHashWriter, closeCh chan struct{}) (
	newDocNums [][]uint64, numDocs, storedIndexOffset, sectionsIndexOffset uint64, err error) {
	for _, sb := range segments {
		select {
		case <-closeCh:
			return nil, 0, 0, 0, errMergeClosed
		default:
		}
		if _, err = cr.Write(sb.mem); err != nil {
			return nil, 0, 0, 0, err
		}
		numDocs += sb.numDocs
	}
	return newDocNums, numDocs, 0, uint64(cr.Count()), nil
}

func persistFooter(numDocs, storedIndexOffset, sectionsIndexOffset uint64, chunkMode uint32, crc uint32, w *CountHashWriter) error {
	var buf [8]byte
	for _, v := range []uint64{numDocs, storedIndexOffset, sectionsIndexOffset, uint64(chunkMode), uint64(crc)} {
		binary.BigEndian.PutUint64(buf[:], v)
		if _, err := w.Write(buf[:]); err != nil {
			return err
		}
	}
	return nil
}

func mergeSegmentBases(segmentBases []*SegmentBase, path string, chunkMode uint32, closeCh chan struct{}, s StatsReporter) (
	[][]uint64, uint64, error) {
	flag := os.O_RDWR | os.O_CREATE

	f, err := os.OpenFile(path, flag, 0600)
	if err != nil {
		return nil, 0, err
	}

	cleanup := func() {
		_ = f.Close()
		_ = os.Remove(path)
	}

	// buffer the output
	br := mergeBufferPool.Get().(*bufio.Writer) //~ PL001
	br.Reset(f)

	// wrap it for counting (tracking offsets)
	cr := NewCountHashWriterWithStatsReporter(br, s)

	newDocNums, numDocs, storedIndexOffset, sectionsIndexOffset, err :=
		MergeToWriter(segmentBases, chunkMode, cr, closeCh)
	if err != nil {
		cleanup()
		return nil, 0, err
	}

	err = persistFooter(numDocs, storedIndexOffset, sectionsIndexOffset, chunkMode, cr.Sum32(), cr)
	if err != nil {
		cleanup()
		return nil, 0, err
	}

	err = br.Flush()
	if err != nil {
		cleanup()
		return nil, 0, err
	}

	err = f.Sync()
	if err != nil {
		cleanup()
		return nil, 0, err
	}

	err = f.Close()
	if err != nil {
		cleanup()
		return nil, 0, err
	}

	numBytesWritten := cr.Count()
	mergeBufferPool.Put(br)
	return newDocNums, uint64(numBytesWritten), nil
}
