package client

import "sync"

var (
	expectedLabels           = 20
	expectedSamplesPerSeries = 10

	timeSeriesPool = sync.Pool{
		New: func() interface{} {
			return &TimeSeries{
				Labels:  make([]LabelAdapter, 0, expectedLabels),
				Samples: make([]Sample, 0, expectedSamplesPerSeries),
			}
		},
	}
)

// PreallocTimeseries is a TimeSeries which preallocs slices on Unmarshal.
type PreallocTimeseries struct {
	*TimeSeries
}

// Unmarshal implements proto.Message.
func (p *PreallocTimeseries) Unmarshal(dAtA []byte) error {
	p.TimeSeries = timeSeriesPool.Get().(*TimeSeries)
	return p.TimeSeries.Unmarshal(dAtA)
}

// ReuseTimeseries puts the timeseries back into a sync.Pool for reuse.
func ReuseTimeseries(ts *TimeSeries) {
	ts.Labels = ts.Labels[:0]
	ts.Samples = ts.Samples[:0]
	timeSeriesPool.Put(ts)
}

// ToWriteRequest builds the series of a request from samples.
func ToWriteRequest(lbls [][]LabelAdapter, samples []Sample) []PreallocTimeseries {
	out := make([]PreallocTimeseries, 0, len(samples))
	for i, s := range samples {
		ts := timeSeriesPool.Get().(*TimeSeries)
		ts.Labels = append(ts.Labels, lbls[i]...)
		ts.Samples = append(ts.Samples, s)
		out = append(out, PreallocTimeseries{TimeSeries: ts})
	}
	return out
}
