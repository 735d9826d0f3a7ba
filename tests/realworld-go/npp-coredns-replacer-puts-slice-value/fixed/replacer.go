package replacer

import (
	"context"
	"strconv"
	"sync"

	"github.com/miekg/dns"
)

// EmptyValue is the default empty value.
const EmptyValue = "-"

const (
	typeLabel = iota
	typeLiteral
	typeMetadata
)

type node struct {
	value string
	typ   int
}

// replacer is a parsed log format.
type replacer []node

// Request is the subset of the query's state the labels read.
type Request struct {
	W   dns.ResponseWriter
	Req *dns.Msg
}

// Recorder records what the handler chain wrote back.
type Recorder struct {
	Rcode int
	Len   int
}

type metadataFunc func(ctx context.Context, label string) func() string

var metadataValue metadataFunc = func(ctx context.Context, label string) func() string { return nil }

func appendValue(b []byte, state Request, rr *Recorder, label string) []byte {
	switch label {
	case "{type}":
		if len(state.Req.Question) > 0 {
			return append(b, dns.Type(state.Req.Question[0].Qtype).String()...)
		}
	case "{name}":
		if len(state.Req.Question) > 0 {
			return append(b, state.Req.Question[0].Name...)
		}
	case "{rcode}":
		if rr != nil {
			return append(b, dns.RcodeToString[rr.Rcode]...)
		}
	case "{size}":
		if rr != nil {
			return strconv.AppendInt(b, int64(rr.Len), 10)
		}
	}
	return append(b, EmptyValue...)
}

// bufPool stores pointers to scratch buffers.
var bufPool = sync.Pool{
	New: func() any {
		b := make([]byte, 0, 256)
		return &b
	},
}

// Replace renders the log line of one query.
func (r replacer) Replace(ctx context.Context, state Request, rr *Recorder) string {
	p := bufPool.Get().(*[]byte)
	b := *p
	for _, s := range r {
		switch s.typ {
		case typeLabel:
			b = appendValue(b, state, rr, s.value)
		case typeLiteral:
			b = append(b, s.value...)
		case typeMetadata:
			if fm := metadataValue(ctx, s.value); fm != nil {
				b = append(b, fm()...)
			} else {
				b = append(b, EmptyValue...)
			}
		}
	}
	s := string(b)
	*p = b[:0]
	bufPool.Put(p)
	return s
}
