package promscrape

import (
	"compress/gzip"
	"fmt"

	"github.com/VictoriaMetrics/VictoriaMetrics/lib/bytesutil"
	"github.com/VictoriaMetrics/VictoriaMetrics/lib/chunkedbuffer"
)

type scrapeWork struct {
	ReadData    func(dst *chunkedbuffer.Buffer) (bool, error)
	prevBodyLen int
	process     func(body []byte, err error) error
}

func readFromBuffer(dst *bytesutil.ByteBuffer, src *chunkedbuffer.Buffer, isGzipped bool) error {
	if !isGzipped {
		src.MustWriteTo(dst)
		return nil
	}
	reader, err := gzip.NewReader(src.NewReader())
	if err != nil {
		return fmt.Errorf("cannot decompress response body: %w", err)
	}
	_, err = dst.ReadFrom(reader)
	if err != nil {
		return fmt.Errorf("cannot read gzipped response body: %w", err)
	}
	return nil
}

// getTargetResponse fetches the response from the target the way a scrape
// does, for the target-response debug page.
func (sw *scrapeWork) getTargetResponse() ([]byte, error) {
	cb := chunkedbuffer.Get()
	defer chunkedbuffer.Put(cb)

	isGzipped, err := sw.ReadData(cb)
	if err != nil {
		return nil, err
	}

	var bb bytesutil.ByteBuffer
	err = readFromBuffer(&bb, cb, isGzipped)
	return bb.B, err
}

func (sw *scrapeWork) scrapeInternal() error {
	// read the whole response first, so the scrape duration does not include
	// the parsing below
	cb := chunkedbuffer.Get()
	isGzipped, err := sw.ReadData(cb)

	var body bytesutil.ByteBuffer
	if err == nil {
		err = readFromBuffer(&body, cb, isGzipped)
	}
	chunkedbuffer.Put(cb)

	sw.prevBodyLen = len(body.B)
	return sw.process(body.B, err)
}
