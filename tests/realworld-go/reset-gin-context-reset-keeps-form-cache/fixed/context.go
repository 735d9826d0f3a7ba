package gin

import (
	"net/http"
	"net/url"
)

// responseWriter wraps the http.ResponseWriter of one request.
type responseWriter struct {
	http.ResponseWriter
	size   int
	status int
}

func (w *responseWriter) reset(writer http.ResponseWriter) {
	w.ResponseWriter = writer
	w.size = -1
	w.status = http.StatusOK
}

// ResponseWriter is what handlers write to.
type ResponseWriter interface {
	http.ResponseWriter
}

// Param is a URL parameter.
type Param struct {
	Key   string
	Value string
}

// Params is a Param-slice, as returned by the router.
type Params []Param

// Context carries one request through the middleware and its handler.
type Context struct {
	writermem responseWriter
	Request   *http.Request
	Writer    ResponseWriter

	Params   Params
	index    int8
	fullPath string

	// Keys is a key/value pair exclusively for the context of each request.
	Keys map[string]interface{}

	// Errors is a list of errors attached to all the handlers/middlewares who used this context.
	Errors []error

	// queryCache caches the parsed query of c.Request.URL.
	queryCache url.Values

	// formCache caches the parsed form data from POST, PATCH, or PUT body
	// parameters.
	formCache url.Values
}

func (c *Context) reset() {
	c.Writer = &c.writermem
	c.Params = c.Params[0:0]
	c.index = -1
	c.fullPath = ""
	c.Keys = nil
	c.Errors = c.Errors[0:0]
	c.queryCache = nil
	c.formCache = nil
}

func (c *Context) getQueryCache() {
	if c.queryCache == nil {
		c.queryCache = c.Request.URL.Query()
	}
}

// GetQuery returns the first value of a query parameter.
func (c *Context) GetQuery(key string) (string, bool) {
	c.getQueryCache()
	if values := c.queryCache[key]; len(values) > 0 {
		return values[0], true
	}
	return "", false
}

func (c *Context) getFormCache() {
	if c.formCache == nil {
		c.formCache = make(url.Values)
		req := c.Request
		if err := req.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart {
			return
		}
		c.formCache = req.PostForm
	}
}

// GetPostForm returns the first value of a urlencoded form or multipart form
// field.
func (c *Context) GetPostForm(key string) (string, bool) {
	c.getFormCache()
	if values := c.formCache[key]; len(values) > 0 {
		return values[0], true
	}
	return "", false
}
