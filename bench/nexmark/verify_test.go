package nexmarkbench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/spry-engine/spry/connector/all" // nexmark, blackhole, filesystem
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// The verifier's knobs, as flags or environment variables (the flags win):
// the acceptance run is NEXMARK_EVENTS=1000000; `make test` keeps the
// default small so the suite stays within its time budget.
var (
	flagEvents  = flag.Int64("nexmark.events", envInt("NEXMARK_EVENTS", 50_000), "events per query run (env NEXMARK_EVENTS)")
	flagQueries = flag.String("nexmark.queries", os.Getenv("NEXMARK_QUERIES"), "comma-separated queries to verify, e.g. q5,q7 (env NEXMARK_QUERIES; default all but q6)")
	flagTimeout = flag.Duration("nexmark.timeout", time.Duration(envInt("NEXMARK_TIMEOUT_S", 300))*time.Second, "time limit of one query run (env NEXMARK_TIMEOUT_S, seconds)")
	flagPar     = flag.Int("nexmark.parallelism", int(envInt("NEXMARK_PARALLELISM", 2)), "parallelism of the runs (env NEXMARK_PARALLELISM)")
)

func envInt(key string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(key), 10, 64); err == nil && n > 0 {
		return n
	}
	return def
}

// rate gives N events about 100 s of event time whatever N is, so the
// 10 s windows of q5/q7/q8/q11 see several windows even in short runs.
func rate(events int64) int64 { return max(events/100, 100) }

// skipBatch names the queries whose batch run is not compared, and why.
var skipBatch = map[string]string{
	"q12": "processing-time windows: which bids share a window depends on wall-clock timing, and Flink has no batch proctime windows; checked by an invariant instead: no bid is counted twice (windows still open when the bounded input ends are not fired: end of input advances event time, not processing time)",
}

// tieColumns names, for the queries that pick rows by an ORDER BY that can
// tie, the result columns the pick determines whatever the tie-break: with
// equal sort keys Flink's streaming operators keep the row that arrived
// last (Deduplicate) or first (Top-N) while batch sorts, so the rows chosen
// among ties may differ between modes. When the full rows differ, the
// verifier compares these columns instead and says so.
var tieColumns = map[string][]int{
	"q9":  {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13}, // auction columns, price, bid_dateTime
	"q18": {0, 1, 5},                              // auction, bidder, dateTime
	"q19": {0, 2, 7},                              // auction, price, rank_number
}

// outcome is one query's verdict for the summary.
type outcome struct {
	query, verdict, reason string
	rows                   int
	elapsed                time.Duration
}

// TestVerify runs every query in streaming mode, materializes its final
// result from the changelog, runs it in batch mode and compares the two as
// multisets; q5, q7, q8 and q11 are also compared with an independent
// computation over the generator's events (check_test.go).
func TestVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("the Nexmark verifier is not short")
	}
	n := *flagEvents
	dir := t.TempDir()
	if err := writeSideInput(dir); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"EVENTS_NUM": strconv.FormatInt(n, 10), "TPS": strconv.FormatInt(rate(n), 10), "NEXMARK_DIR": dir}
	want := Queries()
	if *flagQueries != "" {
		want = strings.Split(*flagQueries, ",")
	}
	var results []outcome
	for _, q := range want {
		q = strings.TrimSpace(q)
		start := time.Now()
		rows, verdict, reason := verifyQuery(t, q, vars, n)
		results = append(results, outcome{q, verdict, reason, rows, time.Since(start)})
		fmt.Printf("%s: %s (%d rows, %.1fs) %s\n", q, verdict, rows, time.Since(start).Seconds(), oneLine(reason))
		if verdict == "FAIL" {
			t.Errorf("%s: FAIL: %s", q, reason)
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nNexmark verifier: %d events, rate %d events/s, parallelism %d\n", n, rate(n), *flagPar)
	fmt.Fprintf(&sb, "| query | verdict | rows | time | reason |\n|---|---|---|---|---|\n")
	for _, r := range results {
		fmt.Fprintf(&sb, "| %s | %s | %d | %.1fs | %s |\n", r.query, r.verdict, r.rows, r.elapsed.Seconds(), oneLine(r.reason))
	}
	fmt.Print(sb.String())
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func writeSideInput(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return err
	}
	var sb strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&sb, "%d,%d\n", i, i)
	}
	return os.WriteFile(filepath.Join(dir, "data", "side_input.txt"), []byte(sb.String()), 0o644)
}

// verifyQuery returns the number of final rows, PASS/FAIL and a reason.
func verifyQuery(t *testing.T, q string, vars map[string]string, events int64) (int, string, string) {
	script, err := Load(".", q, vars)
	if err != nil {
		return 0, "FAIL", err.Error()
	}
	ties := tieColumns[q]
	stream, streamTies, err := run(script, false, ties)
	if err != nil {
		return 0, "FAIL", "streaming: " + err.Error()
	}
	rows := stream.size()
	if q == "q12" {
		counted, reason := checkQ12(stream, events)
		if reason != "" {
			return rows, "FAIL", reason
		}
		return rows, "RUNS", fmt.Sprintf("%d bids counted in closed windows; not compared: %s", counted, skipBatch[q])
	}
	batch, batchTies, err := run(script, true, ties)
	if err != nil {
		return rows, "FAIL", "batch: " + err.Error()
	}
	note := "streaming = batch"
	if diff := stream.diff(batch, "streaming", "batch"); diff != "" {
		if ties == nil {
			return rows, "FAIL", "streaming final result differs from batch: " + diff
		}
		if d := streamTies.diff(batchTies, "streaming", "batch"); d != "" {
			return rows, "FAIL", "streaming final result differs from batch, beyond ties: " + d
		}
		note = fmt.Sprintf("streaming = batch on columns %v; the rows picked among ORDER BY ties differ (%s)", ties, strings.SplitN(diff, ";", 2)[0])
	}
	if check, ok := independent[q]; ok {
		want, err := check(events, rate(events))
		if err != nil {
			return rows, "FAIL", "independent check: " + err.Error()
		}
		if diff := stream.diff(want, "spry", "independent Go computation"); diff != "" {
			return rows, "FAIL", "differs from the independent computation: " + diff
		}
		note += " = independent Go computation"
	}
	if rows == 0 {
		note += " (empty result)"
	}
	return rows, "PASS", note
}

// run executes the script's query (the INSERT's SELECT) in streaming or
// batch mode and returns its final result, and if cols is set the final
// result projected on those columns.
func run(s *Script, batch bool, cols []int) (multiset, multiset, error) {
	ctx, cancel := context.WithTimeout(context.Background(), *flagTimeout)
	defer cancel()
	env := table.NewEnvironment(table.Settings{Batch: batch, Parallelism: *flagPar})
	for _, st := range s.SetupWithoutSink() {
		if _, err := env.ExecuteSQL(ctx, st); err != nil {
			return nil, nil, err
		}
	}
	res, err := env.ExecuteSQL(ctx, s.Select)
	if err != nil {
		return nil, nil, err
	}
	defer res.Cancel()
	m, proj := multiset{}, multiset{}
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("no result within %s: %w", *flagTimeout, err)
			}
			return nil, nil, err
		}
		if b == nil {
			continue
		}
		m.apply(b, nil)
		if cols != nil {
			proj.apply(b, cols)
		}
	}
	if err := res.Wait(); err != nil {
		return nil, nil, err
	}
	return m, proj, nil
}

// multiset is a materialized result: row key → count. Keys are the rows'
// Go values printed with %v (types.Value gives the same Go types in both
// modes and in the independent checks).
type multiset map[string]int

func key(vals []any) string { return fmt.Sprintf("%v", vals) }

// apply folds a changelog batch in: +I/+U add a row, -U/-D remove one;
// with cols, rows are projected on those columns first.
func (m multiset) apply(b *types.Batch, cols []int) {
	for i := range b.Len() {
		row := b.Row(i)
		if cols != nil {
			p := make([]any, len(cols))
			for j, c := range cols {
				p[j] = row[c]
			}
			row = p
		}
		k := key(row)
		switch b.Kind(i) {
		case types.UpdateBefore, types.Delete:
			m[k]--
			if m[k] == 0 {
				delete(m, k)
			}
		default:
			m[k]++
		}
	}
}

func (m multiset) size() int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// diff describes how m and o differ ("" when equal), with a few samples.
func (m multiset) diff(o multiset, mName, oName string) string {
	var onlyM, onlyO []string
	for k, c := range m {
		if d := c - o[k]; d > 0 {
			onlyM = append(onlyM, fmt.Sprintf("%s x%d", k, d))
		} else if d < 0 {
			onlyO = append(onlyO, fmt.Sprintf("%s x%d", k, -d))
		}
	}
	for k, c := range o {
		if _, ok := m[k]; !ok {
			onlyO = append(onlyO, fmt.Sprintf("%s x%d", k, c))
		}
	}
	if len(onlyM) == 0 && len(onlyO) == 0 {
		return ""
	}
	sort.Strings(onlyM)
	sort.Strings(onlyO)
	sample := func(s []string) string {
		if len(s) > 3 {
			return strings.Join(s[:3], "; ") + fmt.Sprintf("; ... (%d in all)", len(s))
		}
		return strings.Join(s, "; ")
	}
	return fmt.Sprintf("%d rows (%d distinct) vs %d rows (%d distinct); only in %s: [%s]; only in %s: [%s]",
		m.size(), len(m), o.size(), len(o), mName, sample(onlyM), oName, sample(onlyO))
}

// checkQ12 checks the proctime query's invariant: whatever the windows, no
// bid is counted twice. It returns the number of bids counted.
func checkQ12(m multiset, events int64) (int64, string) {
	var total int64
	for k, c := range m {
		// [bidder bid_count starttime endtime]
		f := strings.Fields(strings.Trim(k, "[]"))
		if len(f) != 4 {
			return 0, "unexpected row " + k
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		total += n * int64(c)
	}
	if limit := bidsIn(events); total > limit {
		return total, fmt.Sprintf("bid counts add up to %d, more than the %d bids", total, limit)
	}
	return total, ""
}

// bidsIn is the number of bids among the first n events (46 of every 50).
func bidsIn(n int64) int64 {
	full, rest := n/50, n%50
	return full*46 + max(rest-4, 0)
}
