package fasthttp

import (
	"bufio"

	"github.com/valyala/bytebufferpool"
)

type httpWriter interface {
	Write(w *bufio.Writer) error
}

// String returns the request as text, or the error message when it cannot be
// written.
func (req *Request) String() string {
	return getHTTPString(req)
}

// String returns the response as text, or the error message when it cannot be
// written.
func (resp *Response) String() string {
	return getHTTPString(resp)
}

func getHTTPString(hw httpWriter) string {
	w := bytebufferpool.Get()
	defer bytebufferpool.Put(w)

	bw := bufio.NewWriter(w)
	if err := hw.Write(bw); err != nil {
		return err.Error()
	}
	if err := bw.Flush(); err != nil {
		return err.Error()
	}
	s := string(w.B)
	return s
}
