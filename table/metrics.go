package table

import (
	"fmt"

	"github.com/spry-engine/spry/metrics"
)

// Metrics returns the current value of every metric of the statement's
// job, one sample per operator subtask and name (Flink's operator metrics,
// e.g. numLateRecordsDropped), or nil when the result has no job. It may
// be called while the job runs.
func (r *Result) Metrics() []metrics.Sample {
	if js, ok := r.src.(*jobStream); ok && js.job != nil {
		return js.job.Metrics().Snapshot()
	}
	return nil
}

// MetricTotal sums the metric called name over the job's operators and
// subtasks; 0 without a job.
func (r *Result) MetricTotal(name string) int64 {
	var n int64
	for _, s := range r.Metrics() {
		if s.Name == name {
			n += s.Value
		}
	}
	return n
}

// noticedMetrics are the counters a user must hear about when they are
// not zero: rows the job did not use. Each comes with how to say it.
var noticedMetrics = []struct{ name, what string }{
	{metrics.LateRecordsDropped, "late records dropped"},
	{metrics.SkippedRecords, "records skipped"},
}

// MetricWarnings returns one line per non-zero counter of rows the job
// dropped or skipped, e.g. "[WARN] 3 late records dropped
// (numLateRecordsDropped)", for front ends to print when a job ends: late
// rows are never dropped silently.
func (r *Result) MetricWarnings() []string {
	samples := r.Metrics()
	var out []string
	for _, m := range noticedMetrics {
		var n int64
		for _, s := range samples {
			if s.Name == m.name {
				n += s.Value
			}
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("[WARN] %d %s (%s)", n, m.what, m.name))
		}
	}
	return out
}

// Histogram returns the histogram called name merged over the job's
// operators and subtasks (e.g. metrics.Latency, in microseconds); an empty
// histogram, never nil, when the result has no job.
func (r *Result) Histogram(name string) *metrics.Histogram {
	if js, ok := r.src.(*jobStream); ok && js.job != nil {
		return js.job.Metrics().MergedHistogram(name)
	}
	return new(metrics.Histogram)
}
