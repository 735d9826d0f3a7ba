package fiber

import (
	"encoding/json"
	"sync"

	"github.com/valyala/fasthttp"
)

// Request and Response wrap fasthttp's.
type Request = fasthttp.Request
type Response = fasthttp.Response

var (
	agentPool = sync.Pool{
		New: func() interface{} {
			return &Agent{req: &Request{}}
		},
	}
	responsePool sync.Pool
)

// AcquireAgent returns an empty Agent instance from Agent pool.
func AcquireAgent() *Agent {
	return agentPool.Get().(*Agent)
}

// ReleaseAgent returns a acquired via AcquireAgent to Agent pool.
// Neither a nor its members may be touched afterwards.
func ReleaseAgent(a *Agent) {
	a.reset()
	agentPool.Put(a)
}

// AcquireResponse returns an empty Response instance from response pool.
func AcquireResponse() *Response {
	v := responsePool.Get()
	if v == nil {
		return &Response{}
	}
	return v.(*Response)
}

// ReleaseResponse returns resp acquired via AcquireResponse to response pool.
func ReleaseResponse(resp *Response) {
	resp.Reset()
	responsePool.Put(resp)
}

var defaultJSONDecoder = json.Unmarshal
