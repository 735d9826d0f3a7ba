package zerolog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"
)

var (
	consoleBufPool = sync.Pool{
		New: func() interface{} {
			return bytes.NewBuffer(make([]byte, 0, 100))
		},
	}

	consoleDefaultTimeFormat = time.Kitchen
	consoleDefaultPartsOrder = func() []string {
		return []string{"time", "level", "caller", "message"}
	}
)

// ConsoleWriter parses the JSON input and writes it in a human-friendly
// format to Out.
type ConsoleWriter struct {
	Out        io.Writer
	NoColor    bool
	TimeFormat string
	PartsOrder []string
}

// NewConsoleWriter creates and initializes a new ConsoleWriter.
func NewConsoleWriter(options ...func(w *ConsoleWriter)) ConsoleWriter {
	w := ConsoleWriter{
		Out:        os.Stdout,
		TimeFormat: consoleDefaultTimeFormat,
		PartsOrder: consoleDefaultPartsOrder(),
	}
	for _, opt := range options {
		opt(&w)
	}
	return w
}

// Write transforms the JSON input with formatters and appends to w.Out.
func (w ConsoleWriter) Write(p []byte) (n int, err error) {
	if w.PartsOrder == nil {
		w.PartsOrder = consoleDefaultPartsOrder()
	}

	var buf = consoleBufPool.Get().(*bytes.Buffer)
	defer func() {
		buf.Reset()
		consoleBufPool.Put(buf)
	}()

	var evt map[string]interface{}
	d := json.NewDecoder(bytes.NewReader(p))
	d.UseNumber()
	err = d.Decode(&evt)
	if err != nil {
		return n, fmt.Errorf("cannot decode event: %s", err)
	}

	for _, part := range w.PartsOrder {
		w.writePart(buf, evt, part)
	}

	w.writeFields(evt, buf)

	err = buf.WriteByte('\n')
	if err != nil {
		return n, err
	}
	_, err = buf.WriteTo(w.Out)
	return len(p), err
}

// writeFields appends the remaining fields, sorted by name.
func (w ConsoleWriter) writeFields(evt map[string]interface{}, buf *bytes.Buffer) {
	fields := make([]string, 0, len(evt))
	for field := range evt {
		switch field {
		case "time", "level", "caller", "message":
			continue
		}
		fields = append(fields, field)
	}
	sort.Strings(fields)
	for _, field := range fields {
		fmt.Fprintf(buf, " %s=%v", field, evt[field])
	}
}

// writePart appends one of the leading parts of the line.
func (w ConsoleWriter) writePart(buf *bytes.Buffer, evt map[string]interface{}, p string) {
	v, ok := evt[p]
	if !ok {
		return
	}
	if buf.Len() > 0 {
		buf.WriteByte(' ')
	}
	fmt.Fprintf(buf, "%v", v)
}
