package fasthttp

import (
	"bufio"
	"io"
	"sync"
)

// Request is an HTTP request; values are recycled through requestPool.
type Request struct {
	Header RequestHeader
	body   []byte
}

type RequestHeader struct {
	method      []byte
	contentType []byte
}

func (h *RequestHeader) SetMethod(m string) { h.method = append(h.method[:0], m...) }
func (h *RequestHeader) SetContentTypeBytes(ct []byte) {
	h.contentType = append(h.contentType[:0], ct...)
}
func (req *Request) BodyWriter() io.Writer { return (*requestBodyWriter)(req) }
func (h *RequestHeader) Reset() {
	h.method = h.method[:0]
	h.contentType = h.contentType[:0]
}

func (req *Request) Reset() {
	req.Header.Reset()
	req.body = req.body[:0]
}
func (req *Request) Write(w *bufio.Writer) error { _, err := w.Write(req.body); return err }

type requestBodyWriter Request

func (w *requestBodyWriter) Write(p []byte) (int, error) {
	w.body = append(w.body, p...)
	return len(p), nil
}

var requestPool sync.Pool

// AcquireRequest returns an empty Request from the pool.
func AcquireRequest() *Request {
	v := requestPool.Get()
	if v == nil {
		return &Request{}
	}
	return v.(*Request)
}

// ReleaseRequest returns req to the pool; req must not be touched afterwards.
func ReleaseRequest(req *Request) {
	req.Reset()
	requestPool.Put(req)
}

// Args are query or form arguments.
type Args struct{ buf []byte }

func (a *Args) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(a.buf)
	return int64(n), err
}

type clientDoer interface {
	Do(req *Request, resp *Response) error
}

type Response struct {
	statusCode int
	body       []byte
}

func (resp *Response) Write(w *bufio.Writer) error { _, err := w.Write(resp.body); return err }

var strPostArgsContentType = []byte("application/x-www-form-urlencoded")

func doRequestFollowRedirectsBuffer(req *Request, dst []byte, url string, c clientDoer) (int, []byte, error) {
	var resp Response
	if err := c.Do(req, &resp); err != nil {
		return 0, dst, err
	}
	return resp.statusCode, append(dst, resp.body...), nil
}
