package sqltest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// Options tune a run.
type Options struct {
	// Update rewrites expected results and errors from actual output.
	Update bool
	// Timeout bounds each statement.
	Timeout time.Duration
	// Parallelism is the environment's parallelism.default.
	Parallelism int
}

// Failure is a record whose outcome differs from the file.
type Failure struct {
	File string
	Line int
	SQL  string
	Msg  string
}

func (f Failure) String() string {
	return fmt.Sprintf("%s:%d: %s\n%s", f.File, f.Line, f.Msg, f.SQL)
}

// RunFile runs every record of an slt file in a fresh batch-mode
// environment. With Update it rewrites the file and reports no failures.
func RunFile(path string, opt Options) ([]Failure, int, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	recs, trailing, err := Parse(string(src))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	if opt.Timeout == 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.Parallelism == 0 {
		opt.Parallelism = 2
	}
	env := table.NewEnvironment(table.Settings{Batch: true, Parallelism: opt.Parallelism,
		Config: map[string]string{"table.local-time-zone": "UTC"}})
	// $TMP in a statement names a directory private to this run, so files
	// written by sinks never collide between concurrent test runs.
	tmp, err := os.MkdirTemp("", "spry-slt-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	var fails []Failure
	for _, r := range recs {
		lines, runErr := run(env, r, tmp, opt.Timeout)
		fail := func(msg string) { fails = append(fails, Failure{path, r.Line, r.SQL, msg}) }
		switch r.Kind {
		case StatementOK:
			if runErr != nil {
				fail("statement failed: " + runErr.Error())
			}
		case StatementError, QueryError:
			switch {
			case runErr == nil:
				fail("expected an error containing " + fmt.Sprintf("%q", r.Error) + ", but it succeeded")
			case opt.Update && r.Error == "":
				first, _, _ := strings.Cut(runErr.Error(), "\n")
				r.Error = first
				r.headerRaw = strings.Fields(r.headerRaw)[0] + " error " + first
			case !strings.Contains(runErr.Error(), r.Error):
				fail(fmt.Sprintf("expected an error containing %q, got: %v", r.Error, runErr))
			}
		case Query:
			if runErr != nil {
				fail("query failed: " + runErr.Error())
				continue
			}
			if r.RowSort {
				sort.Strings(lines)
			}
			if opt.Update {
				r.Expected = lines
				continue
			}
			if !equalLines(lines, r.Expected) {
				fail(fmt.Sprintf("result differs\n--- expected\n%s\n--- actual\n%s",
					strings.Join(r.Expected, "\n"), strings.Join(lines, "\n")))
			}
		}
	}
	if opt.Update {
		// Failed statements and queries still fail: updating rewrites
		// expected results, never hides an error.
		return fails, len(recs), os.WriteFile(path, []byte(Format(recs, trailing)), 0o644)
	}
	return fails, len(recs), nil
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// run executes one record and renders its rows.
func run(env *table.Environment, r *Record, tmp string, timeout time.Duration) (lines []string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	res, err := env.ExecuteSQL(ctx, strings.ReplaceAll(r.SQL, "$TMP", tmp))
	if err != nil {
		return nil, err
	}
	if res.Kind == table.ResultJob {
		return nil, res.Wait()
	}
	rows, err := res.Rows(ctx)
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	for _, row := range rows {
		if text, ok := multiline(row.Values, res.Schema.Fields, res.Changelog, loc); ok {
			lines = append(lines, text...)
			continue
		}
		var b strings.Builder
		if res.Changelog {
			b.WriteString(row.Kind.String())
		}
		for i, v := range row.Values {
			if i > 0 || res.Changelog {
				b.WriteByte('\t')
			}
			b.WriteString(render(v, res.Schema.Fields[i].Type, loc))
		}
		lines = append(lines, b.String())
	}
	return lines, nil
}

func render(v any, t types.DataType, loc *time.Location) string {
	s := types.Format(v, t, loc, "NULL")
	if s == "" {
		return "(empty)"
	}
	// Keep one record per line and tabs as separators.
	return strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(s)
}

// multiline splits the one value of a one-column row that spans several
// lines (EXPLAIN, SHOW CREATE TABLE) into one result line per text line,
// so golden files show plans as they print. Blank lines become "(empty)"
// because a blank line ends a record's results.
func multiline(vals []any, fields []types.Field, changelog bool, loc *time.Location) ([]string, bool) {
	if changelog || len(vals) != 1 || vals[0] == nil {
		return nil, false
	}
	s := types.Format(vals[0], fields[0].Type, loc, "NULL")
	if !strings.Contains(s, "\n") {
		return nil, false
	}
	out := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range out {
		l = strings.ReplaceAll(strings.TrimRight(l, " \r"), "\t", `\t`)
		if l == "" {
			l = "(empty)"
		}
		out[i] = l
	}
	return out, true
}
