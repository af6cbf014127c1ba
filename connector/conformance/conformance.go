// Package conformance is the test suite every connector with a source
// and a sink runs against its real server (Redpanda Connect's
// integration.StreamTests, in Go tests): open and close, N records written
// and read back (in order per partition where the system orders them),
// restart from the offsets a source recorded, and a bounded scan that
// ends.
//
// A connector's test describes how to make a fresh table (a topic, a SQL
// table) in a Harness and calls Run:
//
//	conformance.Run(t, conformance.Harness{
//		Factory:  kafka.Factory,
//		NewTable: func(t *testing.T, s *types.Schema) *connector.Table { ... },
//		OrderedByPart: true,
//	})
package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Schema is the table every test uses: id is unique, part groups rows
// (a Kafka key; rows of one part must keep their seq order when
// OrderedByPart), seq is the write order.
var Schema = &types.Schema{Fields: []types.Field{
	{Name: "id", Type: types.BigInt.NotNullable()},
	{Name: "part", Type: types.Int},
	{Name: "seq", Type: types.BigInt},
	{Name: "name", Type: types.String},
}, PrimaryKey: []int{0}}

// Harness describes the connector under test.
type Harness struct {
	// Factory builds the sources and sinks.
	Factory *connector.Factory
	// NewTable returns a table of schema (Schema) backed by a fresh, empty
	// topic or table, with options making the source read it from the
	// beginning and end at its end (a bounded scan).
	NewTable func(t *testing.T, schema *types.Schema) *connector.Table
	// Parallelism is the number of source subtasks that read the table
	// together (default 2).
	Parallelism int
	// OrderedByPart says the source returns the rows of one part in the
	// order they were written (Kafka: part is the message key, so it
	// selects one partition).
	OrderedByPart bool
	// Rows is the number of rows written (default 200).
	Rows int
	// Timeout bounds each read (default 30 s).
	Timeout time.Duration
}

// Snapshotter is the checkpoint interface of a source that records its
// position (runtime/ops.Snapshotter's shape).
type Snapshotter interface {
	SnapshotState(w io.Writer) error
	RestoreState(r io.Reader) error
}

// Run runs every conformance test as a subtest of t.
func Run(t *testing.T, h Harness) {
	if h.Parallelism == 0 {
		h.Parallelism = 2
	}
	if h.Rows == 0 {
		h.Rows = 200
	}
	if h.Timeout == 0 {
		h.Timeout = 30 * time.Second
	}
	t.Run("OpenClose", func(t *testing.T) { openClose(t, h) })
	t.Run("RoundTrip", func(t *testing.T) { roundTrip(t, h) })
	t.Run("Restart", func(t *testing.T) { restart(t, h) })
	t.Run("BoundedEnd", func(t *testing.T) { boundedEnd(t, h) })
}

// Rows builds n rows of Schema: id i, part i mod 5, seq i, name "row-i".
func Rows(n int) *types.Batch {
	bb := types.NewBatchBuilder(Schema)
	for i := 0; i < n; i++ {
		bb.Add(types.Insert, []any{int64(i), int32(i % 5), int64(i), fmt.Sprintf("row-%d", i)})
	}
	return bb.Build()
}

func task(i, p int) connector.Task { return connector.Task{Subtask: i, Parallelism: p, BatchSize: 16} }

// Write writes rows through one sink subtask and finishes it.
func Write(t *testing.T, h Harness, tbl *connector.Table, rows *types.Batch) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	sink, err := h.Factory.NewSink(tbl)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Open(ctx, task(0, 1)); err != nil {
		t.Fatal(err)
	}
	// Several Write calls, as the runtime makes them.
	for i := 0; i < rows.Len(); i += 64 {
		if err := sink.Write(ctx, rows.Slice(i, min(i+64, rows.Len()))); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
}

// readAll reads one source subtask to its end (or until stopAfter rows
// when stopAfter > 0), returning the rows as "id,part,seq,name" strings.
func readAll(t *testing.T, h Harness, src connector.Source, stopAfter int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	var out []string
	for stopAfter <= 0 || len(out) < stopAfter {
		b, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("reading after %d rows: %v", len(out), err)
		}
		if b == nil {
			continue
		}
		for i := 0; i < b.Len(); i++ {
			r := b.Row(i)
			out = append(out, fmt.Sprintf("%v,%v,%v,%v", r[0], r[1], r[2], r[3]))
		}
	}
	return out
}

func open(t *testing.T, h Harness, tbl *connector.Table, i int, restore []byte) connector.Source {
	t.Helper()
	src, err := h.Factory.NewSource(tbl)
	if err != nil {
		t.Fatal(err)
	}
	if restore != nil {
		sn, ok := connector.Underlying(src).(Snapshotter)
		if !ok {
			t.Fatalf("source %T does not record its position (SnapshotState/RestoreState)", src)
		}
		if err := sn.RestoreState(bytes.NewReader(restore)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	if err := src.Open(ctx, task(i, h.Parallelism)); err != nil {
		t.Fatal(err)
	}
	return src
}

func openClose(t *testing.T, h Harness) {
	tbl := h.NewTable(t, Schema)
	Write(t, h, tbl, Rows(0))
	for i := 0; i < h.Parallelism; i++ {
		src := open(t, h, tbl, i, nil)
		if got := readAll(t, h, src, 0); len(got) != 0 {
			t.Errorf("subtask %d read %d rows from an empty table", i, len(got))
		}
		if err := src.Close(); err != nil {
			t.Error(err)
		}
	}
}

func roundTrip(t *testing.T, h Harness) {
	tbl := h.NewTable(t, Schema)
	Write(t, h, tbl, Rows(h.Rows))
	var all []string
	for i := 0; i < h.Parallelism; i++ {
		src := open(t, h, tbl, i, nil)
		rows := readAll(t, h, src, 0)
		if err := src.Close(); err != nil {
			t.Error(err)
		}
		if h.OrderedByPart {
			checkOrder(t, i, rows)
		}
		all = append(all, rows...)
	}
	checkAll(t, h, all)
}

// checkOrder fails when two rows of one part came out of seq order.
func checkOrder(t *testing.T, subtask int, rows []string) {
	t.Helper()
	last := map[int]int{}
	for _, r := range rows {
		var id, part, seq int
		if _, err := fmt.Sscanf(r, "%d,%d,%d,", &id, &part, &seq); err != nil {
			t.Fatalf("row %q: %v", r, err)
		}
		if prev, ok := last[part]; ok && seq < prev {
			t.Errorf("subtask %d: part %d has seq %d after %d", subtask, part, seq, prev)
			return
		}
		last[part] = seq
	}
}

// checkAll fails unless rows are exactly the rows written, once each.
func checkAll(t *testing.T, h Harness, rows []string) {
	t.Helper()
	want := make([]string, h.Rows)
	for i := range want {
		want[i] = fmt.Sprintf("%d,%d,%d,row-%d", i, i%5, i, i)
	}
	got := append([]string(nil), rows...)
	sort.Strings(got)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("row %d: read %q, want %q", i, got[i], want[i])
		}
	}
}

// restart reads part of the table, snapshots the position, and reads the
// rest with a fresh source restored from it: every row once.
func restart(t *testing.T, h Harness) {
	tbl := h.NewTable(t, Schema)
	Write(t, h, tbl, Rows(h.Rows))
	var all []string
	for i := 0; i < h.Parallelism; i++ {
		src := open(t, h, tbl, i, nil)
		sn, ok := connector.Underlying(src).(Snapshotter)
		if !ok {
			t.Fatalf("source %T does not record its position (SnapshotState/RestoreState)", src)
		}
		first := readAll(t, h, src, h.Rows/(2*h.Parallelism))
		var state bytes.Buffer
		if err := sn.SnapshotState(&state); err != nil {
			t.Fatal(err)
		}
		if err := src.Close(); err != nil {
			t.Error(err)
		}
		again := open(t, h, tbl, i, state.Bytes())
		rest := readAll(t, h, again, 0)
		if err := again.Close(); err != nil {
			t.Error(err)
		}
		all = append(append(all, first...), rest...)
	}
	checkAll(t, h, all)
}

// boundedEnd checks that a bounded source keeps returning io.EOF once it
// ended.
func boundedEnd(t *testing.T, h Harness) {
	tbl := h.NewTable(t, Schema)
	Write(t, h, tbl, Rows(10))
	src := open(t, h, tbl, 0, nil)
	defer src.Close()
	readAll(t, h, src, 0)
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	for i := 0; i < 3; i++ {
		if _, err := src.Next(ctx); !errors.Is(err, io.EOF) {
			t.Fatalf("Next after the end returned %v, want io.EOF", err)
		}
	}
}
