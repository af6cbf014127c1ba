package filesystem

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

func TestEscapePathName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2024-01-02", "2024-01-02"},
		{"10:30", "10%3A30"},
		{"a/b=c", "a%2Fb%3Dc"},
		{"50%", "50%25"},
		{"x y", "x y"},
		{"tab\there", "tab%09here"},
		{"q?#*[]^{}'\"\\", "q%3F%23%2A%5B%5D%5E%7B}%27%22%5C"},
		{"naïve", "naïve"},
	} {
		got := string(escapePathName(nil, tc.in))
		if got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if back := unescapePathName(got); back != tc.in {
			t.Errorf("unescape(%q) = %q, want %q", got, back, tc.in)
		}
	}
	if got := unescapePathName("50%z1%4"); got != "50%z1%4" {
		t.Errorf("bad escapes must stay: %q", got)
	}
}

func TestPartitionPath(t *testing.T) {
	keys := []string{"dt", "hm"}
	for _, tc := range []struct {
		values []string
		want   string
	}{
		{[]string{"2024-01-02", "10:30"}, "dt=2024-01-02/hm=10%3A30"},
		{[]string{"", "x"}, "dt=__DEFAULT_PARTITION__/hm=x"},
		{[]string{"x", " \t"}, "dt=x/hm=__DEFAULT_PARTITION__"},
	} {
		got := filepath.ToSlash(partitionPath(keys, tc.values, defaultPartitionName))
		if got != tc.want {
			t.Errorf("partitionPath(%q) = %q, want %q", tc.values, got, tc.want)
		}
		back, ok := parsePartitionPath(filepath.Join(got, "part-0"), keys)
		if !ok || strings.Contains(got, defaultPartitionName) == (strings.Join(back, ",") == strings.Join(tc.values, ",")) {
			t.Errorf("parse(%q) = %q, %v", got, back, ok)
		}
	}
	if _, ok := parsePartitionPath("dt=x/part-0", keys); ok {
		t.Error("a path missing a key must not parse")
	}
}

var partSchema = types.NewSchema(types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "dt", Type: types.String},
	types.Field{Name: "name", Type: types.String}, types.Field{Name: "hr", Type: types.Int})

type partRow struct {
	id   int64
	dt   any
	name string
	hr   any
}

func partBatch(rows []partRow) *types.Batch {
	bb := types.NewBatchBuilder(partSchema)
	for _, r := range rows {
		bb.Add(types.Insert, []any{r.id, r.dt, r.name, r.hr})
	}
	return bb.Build()
}

func partTable(opts map[string]string, overwrite bool) *connector.Table {
	return &connector.Table{Name: "p", Schema: partSchema, Options: opts, PartitionKeys: []string{"dt", "hr"}, Overwrite: overwrite}
}

// writeParts runs one sink subtask per element of batches over tbl.
func writeParts(t *testing.T, tbl *connector.Table, batches ...[]partRow) {
	t.Helper()
	ctx := context.Background()
	for k, rows := range batches {
		s, err := Factory.NewSink(tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Open(ctx, connector.Task{Subtask: k, Parallelism: len(batches)}); err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, partBatch(rows)); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

// readParts reads tbl with the projection proj, rendering rows as a|b|c.
func readParts(t *testing.T, tbl *connector.Table, proj []int, par int) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for k := 0; k < par; k++ {
		cp := *tbl
		cp.Projection = proj
		src, err := Factory.NewSource(&cp)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Open(ctx, connector.Task{Subtask: k, Parallelism: par, BatchSize: 2}); err != nil {
			t.Fatal(err)
		}
		for {
			b, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < b.Len(); i++ {
				var f []string
				for j, v := range b.Row(i) {
					f = append(f, types.Format(v, b.Schema.Fields[j].Type, time.UTC, "NULL"))
				}
				out = append(out, strings.Join(f, "|"))
			}
		}
		src.Close()
	}
	sort.Strings(out)
	return out
}

// files lists the files under dir, relative, with in-progress names
// cut to their directory.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			if i := strings.LastIndex(rel, "/part-"); i >= 0 {
				rel = rel[:i] + "/part"
			}
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestPartitionedWriteRead(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv", OptCommitPolicyKind: "success-file"}
	tbl := partTable(opts, false)
	writeParts(t, tbl,
		[]partRow{{1, "2024-01-01", "a", int32(1)}, {2, "2024-01-02", "b", int32(1)}, {3, "2024-01-01", "c", int32(1)}, {4, nil, "d", int32(2)}},
		[]partRow{{5, "2024-01-01", "e", int32(1)}, {6, "", "f", nil}, {7, "a/b", "g", int32(3)}})

	want := []string{
		"dt=2024-01-01/hr=1/_SUCCESS", "dt=2024-01-01/hr=1/part", "dt=2024-01-01/hr=1/part",
		"dt=2024-01-02/hr=1/_SUCCESS", "dt=2024-01-02/hr=1/part",
		"dt=__DEFAULT_PARTITION__/hr=2/_SUCCESS", "dt=__DEFAULT_PARTITION__/hr=2/part",
		"dt=__DEFAULT_PARTITION__/hr=__DEFAULT_PARTITION__/_SUCCESS", "dt=__DEFAULT_PARTITION__/hr=__DEFAULT_PARTITION__/part",
		"dt=a%2Fb/hr=3/_SUCCESS", "dt=a%2Fb/hr=3/part",
	}
	if got := files(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The files hold only the data columns.
	part, _ := filepath.Glob(filepath.Join(dir, "dt=2024-01-02", "hr=1", "part-*"))
	if data, _ := os.ReadFile(part[0]); string(data) != "2,b\n" {
		t.Errorf("part file holds %q, want the data columns only", data)
	}

	for _, tc := range []struct {
		name string
		proj []int
		want []string
	}{
		{"all", nil, []string{"1|2024-01-01|a|1", "2|2024-01-02|b|1", "3|2024-01-01|c|1", "4|NULL|d|2", "5|2024-01-01|e|1", "6|NULL|f|NULL", "7|a/b|g|3"}},
		{"projected", []int{3, 0}, []string{"1|1", "1|2", "1|3", "1|5", "2|4", "3|7", "NULL|6"}},
		{"keys only", []int{1}, []string{"2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02", "NULL", "NULL", "a/b"}},
	} {
		for _, par := range []int{1, 3} {
			if got := readParts(t, tbl, tc.proj, par); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("%s (parallelism %d):\n%s\nwant:\n%s", tc.name, par, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		}
	}
}

// TestPartitionedOverwrite checks Flink's dynamic overwrite: only the
// partitions the job writes are replaced.
func TestPartitionedOverwrite(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv"}
	writeParts(t, partTable(opts, false), []partRow{{1, "d1", "a", int32(1)}, {2, "d2", "b", int32(1)}})
	writeParts(t, partTable(opts, true), []partRow{{3, "d1", "c", int32(1)}}, []partRow{{4, "d1", "d", int32(1)}})
	got := readParts(t, partTable(opts, false), []int{0, 1}, 1)
	if want := "2|d2\n3|d1\n4|d1"; strings.Join(got, "\n") != want {
		t.Errorf("after overwrite:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// TestProcessTimeCommit checks that a streaming job commits a partition
// (rolls its file and writes the success file) once its data is older
// than the delay and the check interval.
func TestProcessTimeCommit(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv", OptCommitPolicyKind: "success-file",
		OptSuccessFileName: "_DONE", OptCommitDelay: "20 ms", OptRollingCheck: "1 ms"}
	ctx := context.Background()
	s, err := Factory.NewSink(partTable(opts, false))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, connector.Task{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, partBatch([]partRow{{1, "d1", "a", int32(1)}})); err != nil {
		t.Fatal(err)
	}
	done := filepath.Join(dir, "dt=d1", "hr=1", "_DONE")
	if _, err := os.Stat(done); err == nil {
		t.Fatal("committed before the delay")
	}
	time.Sleep(30 * time.Millisecond)
	if err := s.Write(ctx, partBatch([]partRow{{2, "d2", "b", int32(1)}})); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(done); err != nil {
		t.Fatalf("partition not committed after the delay: %v", err)
	}
	if got := readParts(t, partTable(opts, false), []int{0}, 1); strings.Join(got, ",") != "1" {
		t.Errorf("committed data = %q, want the first row visible", got)
	}
}

func TestPartitionOptions(t *testing.T) {
	for _, tc := range []struct {
		opts map[string]string
		err  string // "" = valid
	}{
		{map[string]string{OptCommitTrigger: "partition-time", OptExtractorPattern: "$dt $hr:00:00", OptCommitPolicyKind: "success-file"}, ""},
		{map[string]string{OptCommitPolicyKind: "metastore"}, "'metastore'"},
		{map[string]string{OptCommitPolicyKind: "success-file,custom"}, "'custom'"},
		{map[string]string{OptCommitPolicyKind: "bogus"}, "unknown partition commit policy"},
		{map[string]string{OptCommitTrigger: "event-time"}, OptCommitTrigger},
		{map[string]string{OptCommitDelay: "soon"}, OptCommitDelay},
		{map[string]string{OptCommitWatermarkTZ: "Mars/Base"}, OptCommitWatermarkTZ},
		{map[string]string{OptCommitWatermarkTZ: "GMT+08:00"}, ""},
		{map[string]string{OptExtractorKind: "custom"}, "not supported"},
		{map[string]string{OptCommitTrigger: "partition-time", OptExtractorFormatter: "yyyyMMdd EEE"}, "unsupported letter"},
	} {
		opts := map[string]string{"connector": "filesystem", OptPath: t.TempDir(), OptFormat: "csv"}
		for k, v := range tc.opts {
			opts[k] = v
		}
		_, err := Factory.NewSink(partTable(opts, false))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%v: unexpected error %v", tc.opts, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%v: error %v, want one containing %q", tc.opts, err, tc.err)
		}
		var ve *connector.ValidationError
		if err != nil && !errors.As(err, &ve) {
			t.Errorf("%v: error %T is not a ValidationError", tc.opts, err)
		}
	}
}

func TestTimeExtractor(t *testing.T) {
	keys := []string{"dt", "hm"}
	for _, tc := range []struct {
		pattern, formatter string
		values             []string
		want               string
	}{
		{"$dt $hm:00", defaultTSFormatter, []string{"2024-03-04", "10:30"}, "2024-03-04 10:30:00"},
		{"", defaultTSFormatter, []string{"2024-03-04", "x"}, "2024-03-04 00:00:00"},
		{"$dt", "yyyyMMdd", []string{"20240304", ""}, "2024-03-04 00:00:00"},
		{"$dt $hm", "yyyy-MM-dd HH'h'mm", []string{"2024-03-04", "07h05"}, "2024-03-04 07:05:00"},
	} {
		e, err := newTimeExtractor(keys, tc.pattern, tc.formatter)
		if err != nil {
			t.Fatal(err)
		}
		us, err := e.extract(tc.values, time.UTC)
		if err != nil {
			t.Errorf("%q %q: %v", tc.pattern, tc.values, err)
			continue
		}
		if got := time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05"); got != tc.want {
			t.Errorf("%q %q = %s, want %s", tc.pattern, tc.values, got, tc.want)
		}
	}
}

// TestPartitionTimeCommit checks the partition-time trigger: a partition
// is committed once the watermark passes its time plus the delay.
func TestPartitionTimeCommit(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv", OptCommitPolicyKind: "success-file",
		OptCommitTrigger: "partition-time", OptCommitDelay: "1 h", OptExtractorPattern: "$dt $hr:00:00", OptExtractorFormatter: "yyyy-MM-dd H:mm:ss"}
	ctx := context.Background()
	s, err := Factory.NewSink(partTable(opts, false))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, connector.Task{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, partBatch([]partRow{{1, "2024-01-01", "a", int32(1)}, {2, "2024-01-01", "b", int32(2)}})); err != nil {
		t.Fatal(err)
	}
	at := func(hh, mm int) int64 { return time.Date(2024, 1, 1, hh, mm, 0, 0, time.UTC).UnixMicro() }
	success := func(hr string) bool {
		_, err := os.Stat(filepath.Join(dir, "dt=2024-01-01", "hr="+hr, "_SUCCESS"))
		return err == nil
	}
	for _, step := range []struct {
		wm       int64
		hr1, hr2 bool
	}{
		{at(1, 59), false, false},
		{at(2, 0), false, false}, // not strictly past 01:00 + 1 h
		{at(2, 1), true, false},
		{at(3, 30), true, true},
	} {
		if err := s.(connector.WatermarkSink).WriteWatermark(ctx, step.wm); err != nil {
			t.Fatal(err)
		}
		if success("1") != step.hr1 || success("2") != step.hr2 {
			t.Errorf("watermark %s: committed hr=1 %v hr=2 %v, want %v %v", time.UnixMicro(step.wm).UTC(), success("1"), success("2"), step.hr1, step.hr2)
		}
	}
	if got := readParts(t, partTable(opts, false), []int{0}, 1); strings.Join(got, ",") != "1,2" {
		t.Errorf("committed data = %q", got)
	}
}

// TestPartitionedWriteAllocs checks that routing rows to partitions costs
// allocations per batch and partition, not per row.
func TestPartitionedWriteAllocs(t *testing.T) {
	opts := map[string]string{"connector": "filesystem", OptPath: t.TempDir(), OptFormat: "csv"}
	s, err := Factory.NewSink(partTable(opts, false))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Open(ctx, connector.Task{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	rows := make([]partRow, 1024)
	for i := range rows {
		rows[i] = partRow{int64(i), []string{"d1", "d2", "d3", "d4"}[i%4], "x", int32(1)}
	}
	b := partBatch(rows)
	if err := s.Write(ctx, b); err != nil { // opens the partitions
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if err := s.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.0f allocations per batch", allocs)
	if allocs > 100 {
		t.Errorf("%.0f allocations per batch of %d rows in 4 partitions, want a few per partition", allocs, len(rows))
	}
}

// TestPartitionTimeCommitWaitsForAllSubtasks checks that the success file
// of a partition two subtasks write appears only once both watermarks
// passed it (each subtask's files are visible by then).
func TestPartitionTimeCommitWaitsForAllSubtasks(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv", OptCommitPolicyKind: "success-file",
		OptCommitTrigger: "partition-time", OptExtractorPattern: "$dt $hr:00:00", OptExtractorFormatter: "yyyy-MM-dd H:mm:ss"}
	ctx := context.Background()
	tbl := partTable(opts, false)
	var sinks []connector.Sink
	for k := 0; k < 2; k++ {
		s, err := Factory.NewSink(tbl)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Open(ctx, connector.Task{Subtask: k, Parallelism: 2}); err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, partBatch([]partRow{{int64(k), "2024-01-01", "a", int32(1)}})); err != nil {
			t.Fatal(err)
		}
		sinks = append(sinks, s)
	}
	done := filepath.Join(dir, "dt=2024-01-01", "hr=1", "_SUCCESS")
	past := time.Date(2024, 1, 1, 1, 0, 1, 0, time.UTC).UnixMicro()
	if err := sinks[0].(connector.WatermarkSink).WriteWatermark(ctx, past); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(done); err == nil {
		t.Fatal("success file written while subtask 1 has not passed the partition")
	}
	if err := sinks[1].(connector.WatermarkSink).WriteWatermark(ctx, past); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(done); err != nil {
		t.Fatalf("success file missing once every subtask passed the partition: %v", err)
	}
	if got := readParts(t, tbl, []int{0}, 1); strings.Join(got, ",") != "0,1" {
		t.Errorf("visible rows = %q, want both subtasks'", got)
	}
}
