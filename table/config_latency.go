package table

import "github.com/spry-engine/spry/runtime"

// KeyLatencyInterval is Flink's metrics.latency.interval: how often every
// source subtask emits a latency marker, whose source-to-sink time sink
// tasks record in the metrics.Latency histogram (Result.Histogram). "0 ms",
// the default, emits none.
const KeyLatencyInterval = "metrics.latency.interval"

func init() {
	knownOptions[KeyLatencyInterval] = option{constDef("0 ms"), minDurationCheck(0)}
}

// applyLatency carries metrics.latency.interval to the job's options.
func (c *Config) applyLatency(o *runtime.Options) error {
	d, err := c.duration(KeyLatencyInterval)
	if err != nil {
		return err
	}
	o.LatencyInterval = d
	return nil
}
