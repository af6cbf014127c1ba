package streamtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector/script"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/table/printer"
	"github.com/spry-engine/spry/types"

	_ "github.com/spry-engine/spry/connector/all" // every connector, 'script' included
)

// StepTimeout bounds how long a step waits for its barrier to reach the
// query's output.
var StepTimeout = 30 * time.Second

// StartTime is the job clock (processing time) when a query starts:
// 1970-01-01 00:00:00 UTC, until a proctime line moves it.
const StartTime = 0

// RunFile runs the time-scripted test file at path. Failures are reported
// on t with file:line, the step and the wanted and actual changelogs.
// With update, the expected rows of every step are rewritten with what the
// queries emitted (statement and query errors are still checked).
func RunFile(t *testing.T, path string, update bool) {
	t.Helper()
	runFile(t, path, update, false)
}

// runFile runs a test file, in recovery mode (recovery.go) when rec is set.
func runFile(t *testing.T, path string, update, rec bool) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks, lines, err := parse(path, string(src))
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, file: path, got: map[*block][]string{}}
	r.clock.Store(StartTime)
	r.env = table.NewEnvironment(table.Settings{Parallelism: 1, Clock: r.clock.Load})
	defer r.stop()
	if rec {
		r.rec = newRecovery(r, blocks)
	}
	for _, b := range blocks {
		switch b.kind {
		case blockStatement:
			r.statement(b)
		case blockQuery:
			r.startQuery(b)
		case blockStep, blockEnd:
			r.step(b, update)
		}
	}
	r.stop()
	if update && len(r.got) > 0 {
		if err := os.WriteFile(path, []byte(rewrite(lines, blocks, r.got)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runner runs one file: one session, at most one query at a time.
type runner struct {
	t     *testing.T
	file  string
	env   *table.Environment
	clock atomic.Int64

	res     *table.Result // the running query, nil when none
	out     output        // reads res's rows and barriers
	query   *block
	broken  bool  // the running query failed or timed out: skip its steps
	barrier int64 // the last barrier injected into the running query
	steps   int   // steps run on the running query
	got     map[*block][]string
	rec     *recovery // recovery mode: restore each query mid-input
}

func (r *runner) errorf(b *block, format string, a ...any) {
	r.t.Helper()
	r.t.Errorf("%s:%d: %s", r.file, b.line, fmt.Sprintf(format, a...))
}

func (r *runner) statement(b *block) {
	r.t.Helper()
	res, err := r.env.ExecuteSQL(context.Background(), b.sql)
	if err == nil && res != nil {
		switch res.Kind {
		case table.ResultJob:
			err = res.Wait() // an INSERT runs to its end
		case table.ResultRows:
			res.Cancel() // rows belong in a query block
		}
	}
	r.checkErr(b, err)
}

// checkErr compares a statement's or query's outcome with its block.
func (r *runner) checkErr(b *block, err error) bool {
	r.t.Helper()
	switch {
	case b.wantErr && err == nil:
		r.errorf(b, "want an error containing %q, the statement succeeded", b.errWant)
	case b.wantErr && !strings.Contains(err.Error(), b.errWant):
		r.errorf(b, "want an error containing %q, got: %v", b.errWant, err)
	case !b.wantErr && err != nil:
		r.errorf(b, "statement failed: %v", err)
	default:
		return err == nil
	}
	return false
}

// startQuery stops the running query and starts b's.
func (r *runner) startQuery(b *block) {
	r.t.Helper()
	r.stop()
	script.Reset()
	script.SetLocation(r.env.Config().Location())
	r.clock.Store(StartTime)
	r.rec.startQuery()
	res, err := r.env.ExecuteSQL(context.Background(), b.sql)
	if !r.checkErr(b, err) {
		r.query, r.broken = b, true
		return
	}
	r.res, r.query, r.broken, r.barrier, r.steps = res, b, false, 0, 0
	if res.Kind == table.ResultJob {
		r.out = newSinkOutput(res) // INSERT INTO a script table
	} else {
		r.out = collectOutput{res}
	}
}

// stop cancels the running query and waits for it.
func (r *runner) stop() {
	if r.res != nil {
		r.res.Cancel()
		_ = r.res.Wait()
		r.res = nil
	}
}

// step feeds a step's inputs, then waits for its barrier (or, for end,
// for the end of the query) and compares the rows emitted meanwhile.
func (r *runner) step(b *block, update bool) {
	r.t.Helper()
	r.steps++
	name := fmt.Sprintf("step %d", r.steps)
	if b.label != "" {
		name += " (" + b.label + ")"
	}
	if b.kind == blockEnd {
		name = "end"
	}
	if r.query == nil {
		r.errorf(b, "%s before any query", name)
		return
	}
	if r.broken || r.res == nil {
		r.errorf(b, "%s skipped: the query of line %d failed or ended", name, r.query.line)
		return
	}
	var got []string
	fed := false // rows or watermarks appended since the last barrier
	for _, in := range b.inputs {
		switch in.kind {
		case inRow:
			kind, vals, err := parseRow(in.row)
			if err != nil {
				r.t.Errorf("%s:%d: %v", r.file, in.line, err)
				r.broken = true
				return
			}
			script.Get(in.table).AddRow(script.Row{Kind: kind, Values: vals, Line: in.line})
			fed = true
		case inWatermark:
			ts, err := parseTime(in.ts)
			if err != nil {
				r.t.Errorf("%s:%d: %v", r.file, in.line, err)
				r.broken = true
				return
			}
			script.Get(in.table).AddWatermark(ts)
			fed = true
		case inProctime:
			ts, err := parseTime(in.ts)
			if err != nil {
				r.t.Errorf("%s:%d: %v", r.file, in.line, err)
				r.broken = true
				return
			}
			// What was fed before runs at the old time: let it pass a
			// barrier before moving the clock.
			if fed {
				rows, err := r.sync()
				got = append(got, rows...)
				if err != nil {
					r.errorf(b, "%s: %v\ngot so far:\n%s", name, err, indent(got))
					r.broken = true
					return
				}
				fed = false
			}
			r.clock.Store(ts)
		}
	}
	var rows []string
	var err error
	res := r.res
	if b.kind == blockEnd {
		script.End()
		rows, err = r.drain()
		r.res = nil
	} else {
		rows, err = r.sync()
	}
	got = append(got, rows...)
	if err != nil {
		r.errorf(b, "%s: %v\ngot so far:\n%s", name, err, indent(got))
		r.broken = true
		return
	}
	want := b.want
	if b.unordered {
		got = sorted(got)
		want = sorted(want)
	}
	for _, m := range b.metrics {
		v := res.MetricTotal(m.name) + r.rec.metricBase(m.name)
		got = append(got, fmt.Sprintf("metric %s %d", m.name, v))
		if !update && v != m.value {
			r.t.Errorf("%s:%d: %s of the query of line %d: metric %s = %d, want %d", r.file, m.line, name, r.query.line, m.name, v, m.value)
		}
	}
	r.got[b] = got
	if !update && !slices.Equal(got[:len(got)-len(b.metrics)], want) {
		r.errorf(b, "%s of the query of line %d: changelog differs\n%s", name, r.query.line, diff(want, got[:len(got)-len(b.metrics)]))
	}
	r.rec.afterStep(b)
}

// sync injects the next barrier and returns the rows emitted before it
// reaches the output (every output subtask).
func (r *runner) sync() ([]string, error) {
	r.barrier++
	script.Barrier(r.barrier)
	ctx, cancel := context.WithTimeout(context.Background(), StepTimeout)
	defer cancel()
	var rows []string
	seen := 0
	for {
		it, err := r.out.next(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			return rows, fmt.Errorf("barrier %d did not reach the output within %v (an operator holding rows or barriers back?)", r.barrier, StepTimeout)
		}
		if err == io.EOF {
			return rows, fmt.Errorf("the query ended before barrier %d", r.barrier)
		}
		if err != nil {
			return rows, fmt.Errorf("the query failed: %w", err)
		}
		if it.batch == nil {
			if it.barrier == r.barrier {
				if seen++; seen >= it.par {
					return rows, nil
				}
			}
			continue
		}
		rows = r.render(rows, it.batch)
	}
}

// drain reads the query to its end.
func (r *runner) drain() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), StepTimeout)
	defer cancel()
	var rows []string
	for {
		it, err := r.out.next(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			r.res.Cancel()
			return rows, fmt.Errorf("the query did not end within %v of the end of input", StepTimeout)
		}
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, fmt.Errorf("the query failed: %w", err)
		}
		if it.batch != nil {
			rows = r.render(rows, it.batch)
		}
	}
}

// render appends b's rows as Flink prints them: +I[alice, 3].
func (r *runner) render(rows []string, b *types.Batch) []string {
	loc := r.env.Config().Location()
	for i := 0; i < b.Len(); i++ {
		rows = append(rows, printer.RowString(b.Kind(i), b.Row(i), b.Schema, loc, "NULL"))
	}
	return rows
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func indent(rows []string) string {
	if len(rows) == 0 {
		return "  (no rows)"
	}
	return "  " + strings.Join(rows, "\n  ")
}

// diff prints want and got, marking rows missing from got with '-' and
// unexpected rows with '+' (by count, ignoring order).
func diff(want, got []string) string {
	left := map[string]int{}
	for _, g := range got {
		left[g]++
	}
	var b strings.Builder
	b.WriteString("want:\n")
	for _, w := range want {
		mark := "  "
		if left[w] > 0 {
			left[w]--
		} else {
			mark = "- "
		}
		b.WriteString("  " + mark + w + "\n")
	}
	if len(want) == 0 {
		b.WriteString("    (no rows)\n")
	}
	right := map[string]int{}
	for _, w := range want {
		right[w]++
	}
	b.WriteString("got:\n")
	for _, g := range got {
		mark := "  "
		if right[g] > 0 {
			right[g]--
		} else {
			mark = "+ "
		}
		b.WriteString("  " + mark + g + "\n")
	}
	if len(got) == 0 {
		b.WriteString("    (no rows)\n")
	}
	return b.String()
}

// rewrite replaces the expected rows of the steps in got.
func rewrite(lines []string, blocks []*block, got map[*block][]string) string {
	var out []string
	pos := 0
	for _, b := range blocks {
		rows, ok := got[b]
		if !ok {
			continue
		}
		out = append(out, lines[pos:b.wantFrom]...)
		out = append(out, rows...)
		pos = b.wantTo
	}
	out = append(out, lines[pos:]...)
	return strings.Join(out, "\n")
}
