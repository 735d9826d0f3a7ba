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

var defaultJSONDecoder = json.Unmarshal
