package main

import (
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/table"
)

// latencyQuantiles returns the job's p50 and p99 source-to-sink latency in
// milliseconds (metrics.Latency, recorded by the sinks in microseconds),
// or nils where the job measured none.
func latencyQuantiles(r *table.Result) (p50, p99 *float64) {
	h := r.Histogram(metrics.Latency)
	if h == nil || h.Count() == 0 {
		return nil, nil
	}
	a, b := h.Quantile(0.5)/1000, h.Quantile(0.99)/1000
	return &a, &b
}
