package kafka

import (
	"context"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// produceN writes the values from..to-1 as {"n":i} records into each of
// the first parts partitions of topic (value i*100+partition).
func produceN(t *testing.T, bootstrap, topic string, parts int32, from, to int) {
	t.Helper()
	var recs []kafkatest.Record
	for i := from; i < to; i++ {
		for p := int32(0); p < parts; p++ {
			recs = append(recs, kafkatest.Record{Partition: p, Value: []byte(`{"n":` + strconv.Itoa(i*100+int(p)) + `}`)})
		}
	}
	kafkatest.Produce(t, bootstrap, topic, recs...)
}

// openSource opens subtask sub of parallelism par of tbl's source,
// restoring ps when not nil.
func openSource(t *testing.T, tbl *connector.Table, sub, par int, ps []connector.SplitPosition) *Source {
	t.Helper()
	s, err := newSourceMode(tbl, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ok(t, s.Open(ctx, connector.Task{Subtask: sub, Parallelism: par, BatchSize: 4, Checkpointing: true}))
	if ps != nil {
		ok(t, s.RestorePosition(ps))
	}
	return s
}

// readN reads from s until it has n values (n < 0: until io.EOF).
func readN(t *testing.T, s *Source, n int) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []int64
	for n < 0 || len(out) < n {
		b, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			if n >= 0 {
				t.Fatalf("EOF after %d of %d values", len(out), n)
			}
			break
		}
		ok(t, err)
		if b == nil {
			continue
		}
		out = append(out, b.Cols[0].(*array.Int64).Int64Values()...)
	}
	return out
}

func TestSourceRestoreFake(t *testing.T) { sourceRestore(t, kafkatest.Fake(t)) }

func TestSourceRestoreBroker(t *testing.T) { sourceRestore(t, kafkatest.Broker(t)) }

// sourceRestore: a bounded source checkpointed in the middle resumes at
// the stored offsets, at the same and at another parallelism, and stops
// at the end offsets of its first start although the topic grew since;
// the checkpoint's offsets are committed to the group on completion.
func sourceRestore(t *testing.T, bootstrap string) {
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 2)
	produceN(t, bootstrap, topic, 2, 0, 10)
	var want []int64
	for i := 0; i < 10; i++ {
		want = append(want, int64(i*100), int64(i*100+1))
	}
	// group-offsets without committed offsets nor a reset policy: only a
	// restored source can start.
	tbl := nTable(bootstrap, topic, map[string]string{"properties.group.id": topic, "scan.startup.mode": "earliest-offset",
		"scan.bounded.mode": "latest-offset"})
	grp := nTable(bootstrap, topic, map[string]string{"properties.group.id": topic + "-none",
		"scan.bounded.mode": "latest-offset"})

	first := openSource(t, tbl, 0, 1, nil)
	got := readN(t, first, 7)
	ps, err := first.SnapshotPosition()
	ok(t, err)
	ok(t, first.NotifyCheckpointComplete(context.Background(), 1))
	ok(t, first.Close())
	produceN(t, bootstrap, topic, 2, 10, 15) // after the bounded end was fixed

	adm := kadm.NewClient(kafkatest.Client(t, bootstrap))
	committed, err := adm.FetchOffsets(context.Background(), topic)
	ok(t, err)
	for _, o := range first.Offsets() {
		if c, found := committed.Lookup(topic, o.Partition); !found || c.At != o.Offset {
			t.Errorf("partition %d: committed %v, checkpointed %d", o.Partition, c.At, o.Offset)
		}
	}

	for _, par := range []int{1, 2} {
		all := slices.Clone(got)
		for sub := 0; sub < par; sub++ {
			tb := tbl
			if par == 1 {
				tb = grp
			}
			s := openSource(t, tb, sub, par, ps)
			all = append(all, readN(t, s, -1)...)
			ok(t, s.Close())
		}
		slices.Sort(all)
		if !slices.Equal(all, want) {
			t.Errorf("parallelism %d: read %v, want %v", par, all, want)
		}
	}
}

// TestRestoredWatermarks: after a restore, each restored partition keeps
// its own watermark again: a partition without new rows holds the
// subtask's watermark back, so its later rows are not late.
func TestRestoredWatermarks(t *testing.T) {
	b := kafkatest.Fake(t)
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, b, topic, 2)
	base := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	produce := func(part int32, from time.Time) {
		for i := 0; i < 3; i++ {
			kafkatest.Produce(t, b, topic, kafkatest.Record{Partition: part, Value: []byte(`{"v": 1}`), Timestamp: from.Add(time.Duration(i) * time.Second)})
		}
	}
	produce(0, base.Add(5*time.Minute))
	produce(1, base)
	ts := types.Field{Name: "ts", Type: types.TimestampLTZ}
	tbl := &connector.Table{Name: "k", Schema: &types.Schema{Fields: []types.Field{{Name: "v", Type: types.Int}, ts}},
		Metadata: []string{"", "timestamp"}, Options: map[string]string{"connector": "kafka", "properties.bootstrap.servers": b,
			"format": "json", "topic": topic, "scan.startup.mode": "earliest-offset"}}
	open := func(ps []connector.SplitPosition) watermarked {
		plain, err := newSourceMode(tbl, false)
		ok(t, err)
		ws, err := plain.ApplyWatermark(&expr.ColumnRef{Index: 1, Name: "ts", T: ts.Type}, 1, 0)
		ok(t, err)
		src := ws.(watermarked)
		ok(t, src.Open(context.Background(), connector.Task{Parallelism: 1, BatchSize: 1, Checkpointing: true}))
		if ps != nil {
			ok(t, src.RestorePosition(ps))
		}
		return src
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	read := func(src watermarked, n int) {
		for got := 0; got < n; {
			wm := src.CurrentWatermark()
			bt, err := src.Next(ctx)
			ok(t, err)
			for i := 0; bt != nil && i < bt.Len(); i++ {
				if v := int64(bt.Cols[1].(*array.Timestamp).Value(i)); v <= wm {
					t.Errorf("row at %d late for the watermark %d", v, wm)
				}
				got++
			}
		}
	}
	first := open(nil)
	read(first, 6)
	ps, err := first.SnapshotPosition()
	ok(t, err)
	ok(t, first.Close())

	produce(0, base.Add(6*time.Minute))
	again := open(ps)
	defer again.Close()
	read(again, 3)
	if wm := again.CurrentWatermark(); wm != math.MinInt64 {
		t.Errorf("watermark %d while restored partition 1 has no new rows, want none", wm)
	}
	produce(1, base.Add(time.Minute))
	read(again, 3)
	if wm, want := again.CurrentWatermark(), base.Add(time.Minute+2*time.Second).UnixMicro(); wm != want {
		t.Errorf("watermark %d, want partition 1's %d", wm, want)
	}
}

// TestUpsertRestore: a restored upsert-kafka source resumes at its
// offsets with the latest value of each key, so updates and deletes
// after the checkpoint retract the right rows instead of the whole topic
// being read again.
func TestUpsertRestore(t *testing.T) {
	b := kafkatest.Fake(t)
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, b, topic, 2)
	rec := func(p int32, k, v int) kafkatest.Record {
		r := kafkatest.Record{Partition: p, Key: []byte(`{"k":` + strconv.Itoa(k) + `}`)}
		if v >= 0 {
			r.Value = []byte(`{"k":` + strconv.Itoa(k) + `,"v":` + strconv.Itoa(v) + `}`)
		}
		return r
	}
	kafkatest.Produce(t, b, topic, rec(0, 1, 10), rec(1, 2, 20))
	schema := &types.Schema{Fields: []types.Field{{Name: "k", Type: types.BigInt}, {Name: "v", Type: types.BigInt}}}
	tbl := &connector.Table{Name: "u", Schema: schema, PrimaryKey: []int{0}, Options: map[string]string{"connector": "upsert-kafka",
		"topic": topic, "properties.bootstrap.servers": b, "key.format": "json", "value.format": "json"}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	changes := func(s *Source, n int) []string {
		var out []string
		for len(out) < n {
			bt, err := s.Next(ctx)
			ok(t, err)
			for i := 0; bt != nil && i < bt.Len(); i++ {
				out = append(out, bt.Kind(i).String()+strconv.FormatInt(bt.Cols[1].(*array.Int64).Value(i), 10))
			}
		}
		slices.Sort(out)
		return out
	}
	open := func(ps []connector.SplitPosition) *Source {
		s, err := newSourceMode(tbl, true)
		ok(t, err)
		ok(t, s.Open(ctx, connector.Task{Parallelism: 1, BatchSize: 8, Checkpointing: true}))
		if ps != nil {
			ok(t, s.RestorePosition(ps))
		}
		return s
	}
	first := open(nil)
	if got, want := changes(first, 2), []string{"+I10", "+I20"}; !slices.Equal(got, want) {
		t.Errorf("first run: %v, want %v", got, want)
	}
	ps, err := first.SnapshotPosition()
	ok(t, err)
	ok(t, first.Close())
	kafkatest.Produce(t, b, topic, rec(0, 1, 11), rec(1, 2, -1))
	again := open(ps)
	defer again.Close()
	if got, want := changes(again, 3), []string{"+U11", "-D20", "-U10"}; !slices.Equal(got, want) {
		t.Errorf("restored run: %v, want %v", got, want)
	}
}
