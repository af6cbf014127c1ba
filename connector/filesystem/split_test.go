package filesystem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

var wordSchema = types.NewSchema(types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "word", Type: types.String})

// readWords runs par source subtasks over one table and returns every row
// as "id|word", sorted, and the rows each subtask read.
func readWords(t *testing.T, opts map[string]string, par, batch int) ([]string, []int, error) {
	t.Helper()
	ctx := context.Background()
	var out []string
	per := make([]int, par)
	for k := 0; k < par; k++ {
		src, err := Factory.NewSource(&connector.Table{Name: "in", Schema: wordSchema, Options: opts})
		if err != nil {
			return nil, nil, err
		}
		if err := src.Open(ctx, connector.Task{Subtask: k, Parallelism: par, BatchSize: batch}); err != nil {
			return nil, nil, err
		}
		for {
			b, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				src.Close()
				return nil, nil, err
			}
			per[k] += b.Len()
			for i := 0; i < b.Len(); i++ {
				r := b.Row(i)
				w := "<null>"
				if r[1] != nil {
					w = r[1].(string)
				}
				out = append(out, fmt.Sprintf("%d|%s", r[0], w))
			}
		}
		src.Close()
	}
	sort.Strings(out)
	return out, per, nil
}

// TestSplitReadsEveryRecordOnce reads files cut into byte-range splits at
// many positions and parallelisms: every record must come out exactly
// once, whatever the quotes and line endings.
func TestSplitReadsEveryRecordOnce(t *testing.T) {
	defer func(v int64) { minSplitBytes = v }(minSplitBytes)
	word := func(i int) string { return fmt.Sprintf("w%d", i%7) }
	cases := []struct {
		name   string
		format string
		opts   map[string]string
		line   func(i int) string // one record, without its newline
		value  func(i int) string // the word read back
	}{
		{"plain csv", "csv", nil, func(i int) string { return fmt.Sprintf("%d,%s", i, word(i)) }, word},
		{"crlf csv", "csv", nil, func(i int) string { return fmt.Sprintf("%d,%s\r", i, word(i)) }, word},
		{"quoted early", "csv", nil, func(i int) string {
			if i == 3 {
				return fmt.Sprintf("%d,\"a\nb\"", i)
			}
			return fmt.Sprintf("%d,%s", i, word(i))
		}, func(i int) string {
			if i == 3 {
				return "a\nb"
			}
			return word(i)
		}},
		{"multi-line quotes late", "csv", nil, func(i int) string {
			if i%40 == 37 {
				return fmt.Sprintf("%d,\"x,\n%d\n\"", i, i)
			}
			return fmt.Sprintf("%d,%s", i, word(i))
		}, func(i int) string {
			if i%40 == 37 {
				return fmt.Sprintf("x,\n%d\n", i)
			}
			return word(i)
		}},
		{"escaped newline", "csv", map[string]string{"csv.escape-character": "\\", "csv.disable-quote-character": "true"},
			func(i int) string {
				if i == 150 {
					return fmt.Sprintf("%d,p\\\nq", i)
				}
				return fmt.Sprintf("%d,%s", i, word(i))
			}, func(i int) string {
				if i == 150 {
					return "p\nq"
				}
				return word(i)
			}},
		{"json lines", "json", nil, func(i int) string { return fmt.Sprintf(`{"id":%d,"word":"%s"}`, i, word(i)) }, word},
	}
	const rows = 200
	for _, c := range cases {
		dir := t.TempDir()
		path := filepath.Join(dir, "data."+c.format)
		var sb strings.Builder
		var want []string
		for i := 0; i < rows; i++ {
			sb.WriteString(c.line(i))
			sb.WriteByte('\n')
			want = append(want, fmt.Sprintf("%d|%s", i, c.value(i)))
		}
		sort.Strings(want)
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		opts := map[string]string{OptPath: path, OptFormat: c.format}
		for k, v := range c.opts {
			opts[k] = v
		}
		for _, par := range []int{1, 2, 3, 5} {
			for _, minSplit := range []int64{1, 7, 50, 333, 1000} {
				minSplitBytes = minSplit
				got, per, err := readWords(t, opts, par, 16)
				if err != nil {
					t.Fatalf("%s p=%d split=%d: %v", c.name, par, minSplit, err)
				}
				if c.name == "plain csv" || c.name == "json lines" {
					for k, n := range per {
						if minSplit < 100 && n == 0 {
							t.Errorf("%s p=%d split=%d: subtask %d read nothing: %v", c.name, par, minSplit, k, per)
						}
					}
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s p=%d split=%d: got %d rows, want %d", c.name, par, minSplit, len(got), len(want))
				}
			}
		}
	}
}

func TestSplitFile(t *testing.T) {
	defer func(v int64) { minSplitBytes = v }(minSplitBytes)
	minSplitBytes = 10
	tests := []struct {
		size  int64
		n     int
		count int
	}{{5, 4, 1}, {25, 4, 2}, {100, 4, 4}, {100, 1, 1}}
	for _, tc := range tests {
		sp := splitFile("f", tc.size, tc.n)
		if len(sp) != tc.count {
			t.Errorf("splitFile(%d, %d): %d splits, want %d", tc.size, tc.n, len(sp), tc.count)
			continue
		}
		if sp[0].start != 0 || sp[len(sp)-1].limit < tc.size {
			t.Errorf("splitFile(%d, %d) does not cover the file: %+v", tc.size, tc.n, sp)
		}
		for k := 1; k < len(sp); k++ {
			if sp[k].start != sp[k-1].limit {
				t.Errorf("splitFile(%d, %d): gap between splits %+v", tc.size, tc.n, sp)
			}
		}
	}
}

// TestSplitErrorLine checks that a bad record in a later split is reported
// at its line in the whole file.
func TestSplitErrorLine(t *testing.T) {
	defer func(v int64) { minSplitBytes = v }(minSplitBytes)
	minSplitBytes = 16
	dir := t.TempDir()
	path := filepath.Join(dir, "a.csv")
	var sb strings.Builder
	for i := 0; i < 100; i++ {
		if i == 80 {
			sb.WriteString("bad,x\n")
			continue
		}
		fmt.Fprintf(&sb, "%d,w\n", i)
	}
	os.WriteFile(path, []byte(sb.String()), 0o644)
	_, _, err := readWords(t, map[string]string{OptPath: path, OptFormat: "csv"}, 3, 8)
	if err == nil || !strings.Contains(err.Error(), "a.csv:81: failed to deserialize CSV 'bad,x'") {
		t.Errorf("got %v", err)
	}
}

// TestProjection reads a projected table: CSV projects in its decoder
// (a bad value in a column not read is no error), JSON by narrowing.
func TestProjection(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("1,x,2020-01-01 00:00:00\n2,y,not a time\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"id":1,"name":"x"}`+"\n"+`{"id":2,"name":"y"}`+"\n"), 0o644)
	for _, format := range []string{"csv", "json"} {
		tbl := &connector.Table{Name: "in", Schema: schema, Projection: []int{1, 0},
			Options: map[string]string{OptPath: filepath.Join(dir, "a."+format), OptFormat: format}}
		src, err := Factory.NewSource(tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Open(context.Background(), connector.Task{Parallelism: 1}); err != nil {
			t.Fatal(err)
		}
		b, err := src.Next(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if got := fmt.Sprint(b.Schema.Names(), b.Row(0), b.Row(1)); got != "[name id] [x 1] [y 2]" {
			t.Errorf("%s: got %s", format, got)
		}
		src.Close()
	}
}
