package kafka

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// TestPartitionWatermarks reads partition 0 of a 2-partition topic
// before the lagging partition 1 has data, one record per batch. The
// source's watermark stays unset while partition 1 has none (a single
// watermark over the subtask's rows, the assigner's, would have made all
// of partition 1's rows late), then follows the slower partition; with an
// idle timeout the empty partition stops holding it back.
func TestPartitionWatermarks(t *testing.T) {
	for _, tc := range []struct {
		name string
		idle time.Duration
	}{{"NoIdleTimeout", 0}, {"IdleTimeout", 400 * time.Millisecond}} {
		t.Run(tc.name, func(t *testing.T) { partitionWatermarks(t, tc.idle) })
	}
}

func partitionWatermarks(t *testing.T, idle time.Duration) {
	b := kafkatest.Fake(t)
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, b, topic, 2)
	base := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	produce := func(part int32, from time.Time) {
		for i := 0; i < 5; i++ {
			kafkatest.Produce(t, b, topic, kafkatest.Record{Partition: part, Value: []byte(`{"v": 1}`), Timestamp: from.Add(time.Duration(i) * time.Second)})
		}
	}
	produce(0, base.Add(5*time.Minute))
	opts := map[string]string{"connector": "kafka", "properties.bootstrap.servers": b, "format": "json",
		"topic": topic, "scan.startup.mode": "earliest-offset"}
	ts := types.Field{Name: "ts", Type: types.TimestampLTZ}
	tbl := &connector.Table{Name: "k", Options: opts, Schema: &types.Schema{Fields: []types.Field{{Name: "v", Type: types.Int}, ts}},
		Metadata: []string{"", "timestamp"}}
	plain, err := newSourceMode(tbl, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := connector.Source(plain).(connector.WatermarkSource); ok {
		t.Error("a Kafka source without a pushed-down watermark produces watermarks")
	}
	ws, err := plain.ApplyWatermark(&expr.ColumnRef{Index: 1, Name: "ts", T: ts.Type}, 1, idle)
	if err != nil {
		t.Fatal(err)
	}
	src := ws.(watermarked)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := src.Open(ctx, connector.Task{Parallelism: 1, BatchSize: 1}); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// read returns n rows' rowtimes, checking none is late for the
	// watermark reported before it; assigner is the watermark a single
	// assigner over the same rows reaches.
	assigner, late := int64(math.MinInt64), 0
	read := func(n int) {
		for got := 0; got < n; {
			wm := src.CurrentWatermark()
			bt, err := src.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; bt != nil && i < bt.Len(); i++ {
				v := int64(bt.Cols[1].(*array.Timestamp).Value(i))
				if v <= wm {
					t.Errorf("row at %d late for the source's watermark %d", v, wm)
				}
				if v <= assigner {
					late++
				}
				assigner = max(assigner, v)
				got++
			}
		}
	}
	read(5)
	if wm := src.CurrentWatermark(); idle == 0 && wm != math.MinInt64 {
		t.Errorf("watermark %d while partition 1 has no data, want none", wm)
	}
	if idle > 0 {
		time.Sleep(2 * idle)
		_ = src.CurrentWatermark()
		if !src.SourceIdle() {
			t.Error("source not idle after both partitions went without records for the idle timeout")
		}
		produce(0, base.Add(6*time.Minute))
		read(5)
		if wm, want := src.CurrentWatermark(), base.Add(6*time.Minute+4*time.Second).UnixMicro(); wm != want {
			t.Errorf("watermark %d with partition 1 idle, want partition 0's %d", wm, want)
		}
		if src.SourceIdle() {
			t.Error("source idle although partition 0 is not")
		}
		return
	}
	produce(1, base)
	read(5)
	if late != 5 {
		t.Errorf("a single assigner would drop %d rows as late, want 5", late)
	}
	if wm, want := src.CurrentWatermark(), base.Add(4*time.Second).UnixMicro(); wm != want {
		t.Errorf("watermark %d, want the lagging partition's %d", wm, want)
	}
	if src.SourceIdle() {
		t.Error("source idle without an idle timeout")
	}
}

// TestCombinedWatermark checks the minimum over partitions: unset
// partitions hold it back, idle and finished ones do not, and a subtask
// without partitions is idle only with an idle timeout.
func TestCombinedWatermark(t *testing.T) {
	now := time.Now()
	p0, p1 := tp{"t", 0}, tp{"t", 1}
	unset := int64(math.MinInt64)
	for _, tc := range []struct {
		name     string
		idle     time.Duration
		max      map[tp]int64
		quiet    map[tp]time.Duration // time since the partition's last record
		finished map[tp]bool
		wm       int64
		isIdle   bool
	}{
		{"Min", 0, map[tp]int64{p0: 10, p1: 5}, nil, nil, 5, false},
		{"UnsetHoldsBack", 0, map[tp]int64{p0: 10, p1: unset}, nil, nil, unset, false},
		{"IdleExcluded", time.Second, map[tp]int64{p0: 10, p1: unset}, map[tp]time.Duration{p1: 2 * time.Second}, nil, 10, false},
		{"FinishedExcluded", 0, map[tp]int64{p0: 10, p1: 5}, nil, map[tp]bool{p1: true}, 10, false},
		{"AllIdle", time.Second, map[tp]int64{p0: 10}, map[tp]time.Duration{p0: 2 * time.Second}, nil, unset, true},
		{"NoPartitions", 0, map[tp]int64{}, nil, nil, unset, false},
		{"NoPartitionsIdleTimeout", time.Second, map[tp]int64{}, nil, nil, unset, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &partWatermarks{idle: tc.idle, max: tc.max, active: map[tp]time.Time{}, emitted: unset}
			for p := range tc.max {
				w.active[p] = now.Add(-tc.quiet[p])
			}
			wm, idle := w.current(func(p tp) bool { return !tc.finished[p] }, now)
			if wm != tc.wm || idle != tc.isIdle {
				t.Errorf("current = %d, idle %v; want %d, idle %v", wm, idle, tc.wm, tc.isIdle)
			}
		})
	}
}
