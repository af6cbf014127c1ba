package jdbc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/types"
)

func tableOn(srv *jdbctest.Server, name string, schema *types.Schema, opts ...string) *connector.Table {
	o := map[string]string{"connector": "jdbc", OptURL: srv.JDBCURL, OptTableName: name}
	if srv.Username != "" {
		o[OptUsername], o[OptPassword] = srv.Username, srv.Password
	}
	for i := 0; i+1 < len(opts); i += 2 {
		o[opts[i]] = opts[i+1]
	}
	return &connector.Table{Name: "default_catalog.default_database." + name, Schema: schema, Options: o}
}

// TestScanSplitsSubtasks reads a partitioned table with three subtasks:
// each reads its own splits, together every row once.
func TestScanSplitsSubtasks(t *testing.T) {
	srv := jdbctest.SQLite(t)
	nums := srv.Table(t, "nums")
	srv.Exec(t, "CREATE TABLE "+nums+" (k BIGINT, v VARCHAR(10))")
	var vals []string
	for i := 0; i < 100; i++ {
		vals = append(vals, fmt.Sprintf("(%d, 'v')", i))
	}
	srv.Exec(t, "INSERT INTO "+nums+" VALUES "+strings.Join(vals, ", "))
	tbl := tableOn(srv, nums, kvSchema, OptPartitionColumn, "k", OptPartitionNum, "5",
		OptPartitionLower, "0", OptPartitionUpper, "99")
	seen := map[int64]int{}
	for sub := 0; sub < 3; sub++ {
		src, err := newSource(tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Open(context.Background(), connector.Task{Subtask: sub, Parallelism: 3, BatchSize: 7}); err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			b, err := src.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ks := b.Cols[0].(*array.Int64)
			for i := 0; i < b.Len(); i++ {
				seen[ks.Value(i)]++
				// Splits of 20: subtask s reads splits s and s+3.
				if split := int(ks.Value(i)) / 20; split%3 != sub {
					t.Errorf("subtask %d read key %d of split %d", sub, ks.Value(i), split)
				}
			}
			n += b.Len()
		}
		src.Close()
		if want := map[int]int{0: 40, 1: 40, 2: 20}[sub]; n != want {
			t.Errorf("subtask %d read %d rows, want %d", sub, n, want)
		}
	}
	if len(seen) != 100 {
		t.Errorf("read %d distinct keys, want 100", len(seen))
	}
}

// TestLookupCache looks keys up twice around a change of the table: with
// the PARTIAL cache the second lookup sees the cached rows (and the cached
// miss), without a cache it sees the change. The probe key is INT while
// the column is BIGINT.
func TestLookupCache(t *testing.T) {
	for _, cache := range []string{"NONE", "PARTIAL"} {
		srv := jdbctest.SQLite(t)
		dim := srv.Table(t, "dim")
		srv.Exec(t, "CREATE TABLE "+dim+" (k BIGINT, v VARCHAR(10))", "INSERT INTO "+dim+" VALUES (1, 'a'), (2, 'b'), (2, 'bb')")
		l, err := newLookup(tableOn(srv, dim, kvSchema, OptLookupCache, cache), []int{0})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Open(context.Background(), connector.Task{}); err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		probe := func() string {
			kb := array.NewInt32Builder(memory.DefaultAllocator)
			kb.AppendValues([]int32{2, 3, 0, 1}, []bool{true, true, false, true})
			rows, at, err := l.Lookup(context.Background(), []arrow.Array{kb.NewArray()}, 4)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for i := 0; i < rows.Len(); i++ {
				out = append(out, fmt.Sprintf("%d:%v", at[i], rows.Row(i)[1]))
			}
			return strings.Join(out, " ")
		}
		if got, want := probe(), "0:b 0:bb 3:a"; got != want {
			t.Fatalf("%s: first lookup %q, want %q", cache, got, want)
		}
		srv.Exec(t, "UPDATE "+dim+" SET v = 'x'", "INSERT INTO "+dim+" VALUES (3, 'c')")
		want := map[string]string{"NONE": "0:x 0:x 1:c 3:x", "PARTIAL": "0:b 0:bb 3:a"}[cache]
		if got := probe(); got != want {
			t.Fatalf("%s: second lookup %q, want %q", cache, got, want)
		}
		if c := l.(*lookupSource).cache; c != nil && c.hits != 3 {
			t.Errorf("cache hits %d, want 3", c.hits)
		}
	}
}

// TestFlushInterval checks that buffered rows reach the table after
// sink.buffer-flush.interval while no rows arrive.
func TestFlushInterval(t *testing.T) {
	srv := jdbctest.SQLite(t)
	iv := makeKV(t, srv, "iv")
	s := openSink(t, srv, iv, nil, OptSinkFlushMaxRows, "1000", OptSinkFlushInterval, "50ms")
	if err := s.Write(context.Background(), kvBatch([]int64{1, 2, 3}, nil)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for count(t, srv, iv) != 3 {
		if time.Now().After(deadline) {
			t.Fatal("rows not flushed by the interval")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWriteFailureNamesCause drops the table under a running sink: the
// write fails at once (a missing table is not worth retrying) with the
// database's message.
func TestWriteFailureNamesCause(t *testing.T) {
	srv := jdbctest.SQLite(t)
	gone := makeKV(t, srv, "gone")
	s := openSink(t, srv, gone, nil, OptSinkFlushMaxRows, "1", OptSinkMaxRetries, "5")
	srv.Exec(t, "DROP TABLE "+gone)
	start := time.Now()
	err := s.Write(context.Background(), kvBatch([]int64{1}, nil))
	var se *StatementError
	if !errors.As(err, &se) || se.Attempts != 1 || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("want a StatementError after 1 attempt naming the missing table, got %v", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %s", time.Since(start))
	}
}

// BenchmarkLookupCached measures lookups answered by the PARTIAL cache
// (batches of 1024 probes over 1000 keys): the lookup join's hot path.
func BenchmarkLookupCached(b *testing.B) {
	srv := jdbctest.SQLite(b)
	dim := srv.Table(b, "dim")
	srv.Exec(b, "CREATE TABLE "+dim+" (k BIGINT PRIMARY KEY, v VARCHAR(10))")
	var vals []string
	for i := 0; i < 1000; i++ {
		vals = append(vals, fmt.Sprintf("(%d, 'v%d')", i, i))
	}
	srv.Exec(b, "INSERT INTO "+dim+" VALUES "+strings.Join(vals, ", "))
	l, err := newLookup(tableOn(srv, dim, kvSchema, OptLookupCache, "PARTIAL"), []int{0})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Open(context.Background(), connector.Task{}); err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	kb := array.NewInt64Builder(memory.DefaultAllocator)
	for i := 0; i < 1024; i++ {
		kb.Append(int64(i*7919) % 1000)
	}
	keys := []arrow.Array{kb.NewArray()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := l.Lookup(context.Background(), keys, 1024); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*1024/b.Elapsed().Seconds(), "probes/s")
}
