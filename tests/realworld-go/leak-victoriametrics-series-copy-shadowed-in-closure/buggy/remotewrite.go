package remotewrite

import (
	"sync"
	"sync/atomic"

	"github.com/VictoriaMetrics/VictoriaMetrics/lib/prompb"
)

type relabelConfigs struct{ rules []string }

func (pcs *relabelConfigs) Len() int { return len(pcs.rules) }

// Apply relabels tss in place and returns the series that were kept.
func (pcs *relabelConfigs) Apply(tss []prompb.TimeSeries) []prompb.TimeSeries {
	dst := tss[:0]
	for _, ts := range tss {
		if len(ts.Labels) > 0 {
			dst = append(dst, ts)
		}
	}
	return dst
}

type aggregators struct{ keepInput bool }

func (sas *aggregators) IsEnabled() bool { return sas != nil }

// Push aggregates tss and reports which series it matched.
func (sas *aggregators) Push(tss []prompb.TimeSeries, matchIdxs []byte) []byte {
	for range tss {
		matchIdxs = append(matchIdxs, 1)
	}
	return matchIdxs
}

type pendingSeries struct{ n atomic.Int64 }

func (ps *pendingSeries) TryPush(tss []prompb.TimeSeries) bool {
	ps.n.Add(int64(len(tss)))
	return true
}

type remoteWriteCtx struct {
	pcs                  *relabelConfigs
	sas                  *aggregators
	pss                  []*pendingSeries
	pssNextIdx           atomic.Uint64
	streamAggrKeepInput  bool
	rowsDroppedByRelabel atomic.Int64
	pushFailures         atomic.Int64
}

var tssPool = &sync.Pool{
	New: func() any {
		a := []prompb.TimeSeries{}
		return &a
	},
}

// dropAggregatedSeries drops the series the aggregators matched.
func dropAggregatedSeries(src []prompb.TimeSeries, matchIdxs []byte) []prompb.TimeSeries {
	dst := src[:0]
	for i, match := range matchIdxs {
		if match == 1 {
			continue
		}
		dst = append(dst, src[i])
	}
	clear(src[len(dst):])
	return dst
}

// TryPushTimeSeries relabels and aggregates tss for this remote storage and
// queues what is left. tss is shared with the other remote storages, so it is
// copied before it is modified.
func (rwctx *remoteWriteCtx) TryPushTimeSeries(tss []prompb.TimeSeries) bool {
	var v *[]prompb.TimeSeries
	defer func() {
		if v != nil {
			*v = prompb.ResetTimeSeries(tss)
			tssPool.Put(v)
		}
	}()

	copyTimeSeriesIfNeeded := func() {
		if v == nil {
			v := tssPool.Get().(*[]prompb.TimeSeries) //~ PL001
			tss = append(*v, tss...)
		}
	}

	if pcs := rwctx.pcs; pcs != nil && pcs.Len() > 0 {
		copyTimeSeriesIfNeeded()
		before := len(tss)
		tss = pcs.Apply(tss)
		rwctx.rowsDroppedByRelabel.Add(int64(before - len(tss)))
	}

	if sas := rwctx.sas; sas.IsEnabled() {
		matchIdxs := sas.Push(tss, nil)
		if !rwctx.streamAggrKeepInput {
			copyTimeSeriesIfNeeded()
			tss = dropAggregatedSeries(tss, matchIdxs)
		}
	}

	idx := rwctx.pssNextIdx.Add(1) % uint64(len(rwctx.pss))
	if rwctx.pss[idx].TryPush(tss) {
		return true
	}
	rwctx.pushFailures.Add(1)
	return false
}
