package proto

import (
	"time"

	"github.com/jhump/protoreflect/desc"
)

// EncoderPool provides a pool for encoders.
type EncoderPool interface {
	// Get provides an encoder from the pool
	Get() *Encoder

	// Put returns an encoder to the pool
	Put(e *Encoder)
}

// SchemaDescr describes one deployed version of a namespace schema.
type SchemaDescr interface {
	DeployId() string
	Get() *desc.MessageDescriptor
}

// OStream is the output stream of an encoder.
type OStream interface {
	Reset(buf []byte)
	Len() int
}

type Options struct {
	pool        EncoderPool
	defaultUnit time.Duration
}

func (o Options) EncoderPool() EncoderPool { return o.pool }

type customFieldState struct {
	fieldNum  int
	prevFloat float64
	prevBytes []byte
}

type marshalledField struct {
	fieldNum   int32
	marshalled []byte
}

// customAndNonCustomFields sorts the schema's fields into the ones the
// encoder compresses itself and the ones it marshals, reusing the slices it
// is given when they are big enough.
func customAndNonCustomFields(
	customFields []customFieldState,
	nonCustomFields []marshalledField,
	schema *desc.MessageDescriptor,
) ([]customFieldState, []marshalledField) {
	fields := schema.GetFields()
	if cap(customFields) >= len(fields) {
		for i := range customFields {
			customFields[i] = customFieldState{}
		}
		customFields = customFields[:0]
	} else {
		customFields = make([]customFieldState, 0, len(fields))
	}
	if cap(nonCustomFields) >= len(fields) {
		for i := range nonCustomFields {
			nonCustomFields[i] = marshalledField{}
		}
		nonCustomFields = nonCustomFields[:0]
	} else {
		nonCustomFields = make([]marshalledField, 0, len(fields))
	}
	for _, field := range fields {
		if field.GetType() == 0 {
			nonCustomFields = append(nonCustomFields, marshalledField{fieldNum: field.GetNumber()})
			continue
		}
		customFields = append(customFields, customFieldState{fieldNum: int(field.GetNumber())})
	}
	return customFields, nonCustomFields
}
