package client

import "encoding/binary"

// LabelAdapter is a label name and value.
type LabelAdapter struct {
	Name  string
	Value string
}

// Sample is one value at one time.
type Sample struct {
	Value       float64
	TimestampMs int64
}

// TimeSeries is one series of a remote-write request.
type TimeSeries struct {
	Labels  []LabelAdapter
	Samples []Sample
}

// Unmarshal decodes a series, appending to the slices it already has.
func (m *TimeSeries) Unmarshal(dAtA []byte) error {
	for len(dAtA) >= 16 {
		m.Samples = append(m.Samples, Sample{
			TimestampMs: int64(binary.LittleEndian.Uint64(dAtA[0:8])),
			Value:       float64(binary.LittleEndian.Uint64(dAtA[8:16])),
		})
		dAtA = dAtA[16:]
	}
	return nil
}
