package syncstorage

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/sirupsen/logrus"
)

// mozlog is one line of the MozLog format.
type mozlog struct {
	Timestamp  int64
	Type       string
	Logger     string
	Hostname   string
	EnvVersion string
	Pid        int
	Severity   uint8
	Fields     logrus.Fields
}

// MozlogFormatter is a logrus formatter that writes MozLog JSON.
type MozlogFormatter struct {
	Hostname string
	Pid      int
}

var encoderPool = sync.Pool{
	New: func() interface{} {
		return new(bytes.Buffer)
	},
}

// Format encodes a logrus.Entry as a MozLog JSON object.
func (f *MozlogFormatter) Format(entry *logrus.Entry) ([]byte, error) {
	m := &mozlog{
		Timestamp:  entry.Time.UnixNano(),
		Type:       "mozsvc.metrics",
		Logger:     "Sync-1_5",
		Hostname:   f.Hostname,
		EnvVersion: "2.0",
		Pid:        f.Pid,
		Fields:     entry.Data,
	}
	if entry.Message != "" {
		entry.Data["msg"] = entry.Message
	}
	switch entry.Level {
	case logrus.ErrorLevel:
		m.Severity = 3
	case logrus.WarnLevel:
		m.Severity = 4
	case logrus.InfoLevel:
		m.Severity = 6
	case logrus.DebugLevel:
		m.Severity = 7
	}

	b := encoderPool.Get().(*bytes.Buffer)
	b.Reset()
	defer encoderPool.Put(b)

	enc := json.NewEncoder(b)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}

	c := make([]byte, b.Len())
	copy(c, b.Bytes())
	return c, nil
}
