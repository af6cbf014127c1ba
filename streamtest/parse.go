package streamtest

import (
	"fmt"
	"strings"
)

// blockKind is the kind of a test file block.
type blockKind int

const (
	blockStatement blockKind = iota // statement ok | statement error <text>
	blockQuery                      // query | query error <text>
	blockStep                       // step [label] [unordered]
	blockEnd                        // end [unordered]
)

// block is one block of a test file: a header line, a body and, for steps,
// the expected changelog after "----".
type block struct {
	kind blockKind
	line int // 1-based line of the header
	// errWant is the expected error substring of "statement error" and
	// "query error"; wantErr tells that an error is expected.
	wantErr bool
	errWant string
	sql     string

	// Steps.
	label     string
	unordered bool
	inputs    []input
	want      []string
	metrics   []metricWant
	// wantFrom..wantTo are the 0-based line indexes [from, to) of the
	// expected rows, replaced by -update.
	wantFrom, wantTo int
}

// metricWant is a "metric <name> <value>" line among a step's expected
// rows: the job's total of the metric after the step.
type metricWant struct {
	name  string
	value int64
	line  int
}

// inputKind is the kind of a step input line.
type inputKind int

const (
	inRow       inputKind = iota // <table> +I[v1, v2, ...]
	inWatermark                  // watermark <table> <timestamp>
	inProctime                   // proctime <timestamp>
)

// input is one line of a step before "----".
type input struct {
	kind  inputKind
	line  int
	table string
	row   string // the row text: +I[...]
	ts    string // the watermark or processing time text
}

// ParseError reports a malformed test file.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// parse splits a test file into blocks. Blocks are separated by blank
// lines; lines starting with '#' between blocks are comments.
func parse(file, src string) ([]*block, []string, error) {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var out []*block
	bad := func(i int, f string, a ...any) error {
		return &ParseError{File: file, Line: i + 1, Msg: fmt.Sprintf(f, a...)}
	}
	i := 0
	for i < len(lines) {
		trim := strings.TrimSpace(lines[i])
		if trim == "" || strings.HasPrefix(trim, "#") {
			i++
			continue
		}
		f := strings.Fields(trim)
		b := &block{line: i + 1}
		switch f[0] {
		case "statement", "query":
			b.kind = blockStatement
			if f[0] == "query" {
				b.kind = blockQuery
			}
			switch {
			case f[0] == "statement" && len(f) == 2 && f[1] == "ok":
			case f[0] == "query" && len(f) == 1:
			case len(f) >= 2 && f[1] == "error":
				b.wantErr = true
				b.errWant = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(trim, f[0])), "error"))
			default:
				return nil, nil, bad(i, "want 'statement ok', 'statement error <text>', 'query' or 'query error <text>', got %q", trim)
			}
			i++
			var sql []string
			for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
				sql = append(sql, lines[i])
				i++
			}
			if len(sql) == 0 {
				return nil, nil, bad(b.line-1, "%s without SQL on the next lines", f[0])
			}
			b.sql = strings.Join(sql, "\n")
		case "step", "end":
			b.kind = blockStep
			if f[0] == "end" {
				b.kind = blockEnd
			}
			for _, w := range f[1:] {
				switch {
				case w == "unordered":
					b.unordered = true
				case b.kind == blockStep && b.label == "":
					b.label = w
				default:
					return nil, nil, bad(i, "unexpected %q in %q: want '%s [label] [unordered]'", w, trim, f[0])
				}
			}
			i++
			for {
				if i >= len(lines) || strings.TrimSpace(lines[i]) == "" {
					return nil, nil, bad(b.line-1, "%s without '----' line before its expected rows", f[0])
				}
				t := strings.TrimSpace(lines[i])
				if t == "----" {
					i++
					break
				}
				if !strings.HasPrefix(t, "#") {
					in, err := parseInput(t, i+1)
					if err != nil {
						return nil, nil, bad(i, "%v", err)
					}
					b.inputs = append(b.inputs, in)
				}
				i++
			}
			b.wantFrom = i
			for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
				t := strings.TrimSpace(lines[i])
				switch {
				case strings.HasPrefix(t, "#"):
				case strings.HasPrefix(t, "metric "):
					var m metricWant
					if _, err := fmt.Sscanf(t, "metric %s %d", &m.name, &m.value); err != nil {
						return nil, nil, bad(i, "want 'metric <name> <value>', got %q", t)
					}
					m.line = i + 1
					b.metrics = append(b.metrics, m)
				default:
					b.want = append(b.want, t)
				}
				i++
			}
			b.wantTo = i
		default:
			return nil, nil, bad(i, "unknown block %q: want statement, query, step or end", f[0])
		}
		out = append(out, b)
	}
	return out, lines, nil
}

// parseInput parses one step input line.
func parseInput(t string, line int) (input, error) {
	f := strings.Fields(t)
	switch f[0] {
	case "watermark":
		if len(f) < 3 {
			return input{}, fmt.Errorf("want 'watermark <table> <timestamp>', got %q", t)
		}
		return input{kind: inWatermark, line: line, table: f[1], ts: strings.Join(f[2:], " ")}, nil
	case "proctime":
		if len(f) < 2 {
			return input{}, fmt.Errorf("want 'proctime <timestamp>', got %q", t)
		}
		return input{kind: inProctime, line: line, ts: strings.Join(f[1:], " ")}, nil
	}
	if len(f) < 2 {
		return input{}, fmt.Errorf("want '<table> +I[...]', 'watermark <table> <timestamp>' or 'proctime <timestamp>', got %q", t)
	}
	return input{kind: inRow, line: line, table: f[0], row: strings.TrimSpace(strings.TrimPrefix(t, f[0]))}, nil
}
