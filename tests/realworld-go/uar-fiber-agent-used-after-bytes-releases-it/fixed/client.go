package fiber

import (
	"time"

	"github.com/valyala/fasthttp"
)

// Agent is an object storing all request data for client.
type Agent struct {
	*fasthttp.HostClient

	req         *Request
	resp        *Response
	errs        []error
	timeout     time.Duration
	reuse       bool
	jsonDecoder func(data []byte, v interface{}) error
}

// Reuse lets the agent be used again after Bytes, String or Struct.
func (a *Agent) Reuse() *Agent {
	a.reuse = true
	return a
}

// Bytes returns the status code, bytes body and errors of url.
//
// it's not safe to use Agent after calling [Agent.Bytes]
func (a *Agent) Bytes() (code int, body []byte, errs []error) {
	defer a.release()
	return a.bytes()
}

func (a *Agent) bytes() (code int, body []byte, errs []error) {
	if errs = append(errs, a.errs...); len(errs) > 0 {
		return
	}

	req, resp := a.req, a.resp

	defer func() {
		if len(errs) == 0 {
			code = resp.StatusCode()
		}

		body = append([]byte(nil), resp.Body()...)
	}()

	if a.timeout > 0 {
		if err := a.HostClient.DoTimeout(req, resp, a.timeout); err != nil {
			errs = append(errs, err)
			return
		}
	} else if err := a.HostClient.Do(req, resp); err != nil {
		errs = append(errs, err)
	}

	return
}

// String returns the status code, string body and errors of url.
//
// it's not safe to use Agent after calling [Agent.String]
func (a *Agent) String() (int, string, []error) {
	defer a.release()
	code, body, errs := a.bytes()

	return code, string(body), errs
}

// Struct returns the status code, bytes body and errors of url.
// And bytes body will be unmarshalled to given v.
//
// it's not safe to use Agent after calling [Agent.Struct]
func (a *Agent) Struct(v interface{}) (code int, body []byte, errs []error) {
	defer a.release()
	if code, body, errs = a.bytes(); len(errs) > 0 {
		return
	}

	if err := a.jsonDecoder(body, v); err != nil {
		errs = append(errs, err)
	}

	return
}

func (a *Agent) release() {
	if !a.reuse {
		ReleaseAgent(a)
	} else {
		a.errs = a.errs[:0]
	}
}

func (a *Agent) reset() {
	a.HostClient = nil
	a.req.Reset()
	a.resp = nil
	a.timeout = 0
	a.errs = a.errs[:0]
	a.reuse = false
	a.jsonDecoder = defaultJSONDecoder
}
