package syncstorage

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
)

// many BSOs are encoded per request: reuse their buffers
var bsoBufferPool = sync.Pool{
	New: func() interface{} {
		return new(bytes.Buffer)
	},
}

// BSO is a basic storage object.
type BSO struct {
	Id        string
	Modified  int
	Payload   string
	SortIndex int
	TTL       int
}

// ModifiedToString renders milliseconds as seconds with two decimals.
func ModifiedToString(modified int) string {
	return strconv.FormatFloat(float64(modified)/1000, 'f', 2, 64)
}

// MarshalJSON writes `modified` in seconds with two decimals, which
// encoding/json cannot do for an int field.
func (b BSO) MarshalJSON() ([]byte, error) {
	buf := bsoBufferPool.Get().(*bytes.Buffer)
	buf.WriteString(`{"id":`)
	if encoded, err := json.Marshal(b.Id); err == nil {
		buf.Write(encoded)
	} else {
		buf.Reset()
		bsoBufferPool.Put(buf)
		return nil, err
	}

	buf.WriteString(`,"modified":`)
	buf.WriteString(ModifiedToString(b.Modified))

	buf.WriteString(`,"payload":`)
	if encoded, err := json.Marshal(b.Payload); err == nil {
		buf.Write(encoded)
	} else {
		buf.Reset()
		bsoBufferPool.Put(buf)
		return nil, err
	}

	if b.SortIndex != 0 {
		buf.WriteString(`,"sortindex":`)
		buf.WriteString(strconv.Itoa(b.SortIndex))
	}

	buf.WriteString("}")
	data := buf.Bytes()
	buf.Reset()
	bsoBufferPool.Put(buf)
	return data, nil //~ PL002
}
