package gin

import (
	"net/http"
	"sync"
)

// Engine is the framework's instance.
type Engine struct {
	pool  sync.Pool
	trees map[string]func(c *Context)
}

// New returns a new blank Engine instance.
func New() *Engine {
	engine := &Engine{trees: make(map[string]func(c *Context))}
	engine.pool.New = func() interface{} {
		return engine.allocateContext()
	}
	return engine
}

func (engine *Engine) allocateContext() *Context {
	return &Context{}
}

// ServeHTTP conforms to the http.Handler interface.
func (engine *Engine) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	c := engine.pool.Get().(*Context)
	c.writermem.reset(w)
	c.Request = req
	c.reset()

	engine.handleHTTPRequest(c)

	engine.pool.Put(c)
}

func (engine *Engine) handleHTTPRequest(c *Context) {
	if h := engine.trees[c.Request.Method]; h != nil {
		c.fullPath = c.Request.URL.Path
		h(c)
		return
	}
	c.Writer.WriteHeader(http.StatusNotFound)
}
