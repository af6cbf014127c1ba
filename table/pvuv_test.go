package table

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The seed's PV/UV acceptance case: hourly page views and unique visitors
// over user behaviour events, with the window TVF and with the legacy
// group window, checked against an independent computation in Go.

// pvuvEvents is how many events the generator writes (over ~5 hours).
const pvuvEvents = 50_000

// hourStats is one hour's expected page views and unique visitors.
type hourStats struct {
	pv    int64
	users map[int64]bool
}

// writePVUV writes deterministic JSON-lines events to path: user_id,
// item_id, category_id, behavior and ts ('2017-11-26T01:00:00Z'), event
// times advancing over about five hours from 2017-11-26 01:00:00 UTC and
// out of order by up to one second. It returns the expected statistics
// per hour start.
func writePVUV(t *testing.T, path string) map[time.Time]*hourStats {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(2017, 1126))
	start := time.Date(2017, 11, 26, 1, 0, 0, 0, time.UTC)
	behaviors := []string{"pv", "pv", "pv", "pv", "cart", "fav", "buy"}
	stats := map[time.Time]*hourStats{}
	var maxTS time.Time
	outOfOrder := 0
	for i := range pvuvEvents {
		// 0.36 s apart on average: 50k events cover five hours.
		ts := start.Add(time.Duration(i) * 360 * time.Millisecond).Truncate(time.Second)
		if rng.IntN(4) == 0 && ts.Add(-time.Second).After(start) {
			ts = ts.Add(-time.Second) // out of order, within the 1 s bound
		}
		if ts.Before(maxTS.Add(-time.Second)) {
			ts = maxTS.Add(-time.Second)
		}
		if ts.Before(maxTS) {
			outOfOrder++
		}
		if ts.After(maxTS) {
			maxTS = ts
		}
		user := int64(rng.IntN(3000) + 1)
		item := int64(rng.IntN(100000) + 1)
		fmt.Fprintf(w, `{"user_id": %d, "item_id": %d, "category_id": %d, "behavior": "%s", "ts": "%s"}`+"\n",
			user, item, item%97, behaviors[rng.IntN(len(behaviors))], ts.Format("2006-01-02T15:04:05Z"))
		h := ts.Truncate(time.Hour)
		s := stats[h]
		if s == nil {
			s = &hourStats{users: map[int64]bool{}}
			stats[h] = s
		}
		s.pv++
		s.users[user] = true
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(stats) < 5 || outOfOrder < pvuvEvents/10 {
		t.Fatalf("generator: %d hours, %d rows out of order; want a few hours with many", len(stats), outOfOrder)
	}
	return stats
}

// pvuvStatements reads testdata/pvuv/pvuv.sql: the DDL, then the queries.
func pvuvStatements(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "pvuv", "pvuv.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var out []string
	for _, s := range strings.Split(strings.Join(lines, "\n"), ";\n") {
		if s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ";")); s != "" {
			out = append(out, strings.ReplaceAll(s, "${PATH}", path))
		}
	}
	return out
}

// TestPVUV runs both PV/UV queries in streaming mode (parallelism 1 and
// 2) and batch mode and compares the hourly results with the generator's.
func TestPVUV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "user_behavior.json")
	stats := writePVUV(t, path)
	var want []string
	for h, s := range stats {
		want = append(want, fmt.Sprintf("%s|%s|%d|%d", h.Format(time.DateTime), h.Add(time.Hour).Format(time.DateTime), s.pv, len(s.users)))
	}
	slices.Sort(want)
	stmts := pvuvStatements(t, path)
	if len(stmts) != 3 {
		t.Fatalf("testdata/pvuv/pvuv.sql: want the DDL and two queries, got %d statements", len(stmts))
	}
	modes := []struct {
		name string
		set  Settings
	}{
		{"streaming-p1", Settings{Parallelism: 1}},
		{"streaming-p2", Settings{Parallelism: 2}},
		{"batch", Settings{Parallelism: 2, Batch: true}},
	}
	for _, m := range modes {
		for qi, q := range stmts[1:] {
			name := []string{"window-tvf", "group-window"}[qi]
			t.Run(m.name+"/"+name, func(t *testing.T) {
				env := NewEnvironment(m.set)
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				if _, err := env.ExecuteSQL(ctx, stmts[0]); err != nil {
					t.Fatal(err)
				}
				r, err := env.ExecuteSQL(ctx, q)
				if err != nil {
					t.Fatalf("the %s PV/UV query does not run yet: %v", name, err)
				}
				rows, err := r.Rows(ctx)
				if err != nil {
					t.Fatalf("the %s PV/UV query failed: %v", name, err)
				}
				got := pvuvFinal(t, rows)
				if !slices.Equal(got, want) {
					t.Errorf("hourly pv/uv (window_start|window_end|pv|uv):\ngot  %q\nwant %q", got, want)
				}
			})
		}
	}
}

// pvuvFinal applies the result changelog (window results are append-only,
// but a retraction would be applied too) and returns the rows as
// start|end|pv|uv, sorted.
func pvuvFinal(t *testing.T, rows []Row) []string {
	t.Helper()
	count := map[string]int{}
	for _, r := range rows {
		if len(r.Values) != 4 {
			t.Fatalf("want 4 columns, got %v", r.Values)
		}
		k := fmt.Sprintf("%s|%s|%v|%v", pvuvTime(r.Values[0]), pvuvTime(r.Values[1]), r.Values[2], r.Values[3])
		if r.Kind.IsRetraction() {
			count[k]--
		} else {
			count[k]++
		}
	}
	var out []string
	for k, n := range count {
		for range n {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// pvuvTime prints a TIMESTAMP value (µs since the epoch, or a time.Time)
// as yyyy-MM-dd HH:mm:ss.
func pvuvTime(v any) string {
	switch x := v.(type) {
	case int64:
		return time.UnixMicro(x).UTC().Format(time.DateTime)
	case time.Time:
		return x.UTC().Format(time.DateTime)
	}
	return fmt.Sprint(v)
}
