package script

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/values"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// pollWait bounds how long Next waits for new script events before it
// returns idle, so the runtime keeps ticking processing time.
const pollWait = 20 * time.Millisecond

// RowError reports a script row the table cannot take.
type RowError struct {
	Table string
	Line  int
	Msg   string
}

func (e *RowError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("script table %s, row of line %d: %s", e.Table, e.Line, e.Msg)
	}
	return fmt.Sprintf("script table %s: %s", e.Table, e.Msg)
}

// source reads one script from the start. Next returns the rows up to the
// next watermark, barrier or end; a watermark or barrier is taken by the
// Next call after those rows and then reported by CurrentWatermark or
// TakeBarrier, so the runtime emits everything in script order.
type source struct {
	table   *connector.Table
	mode    types.ChangelogMode
	script  *Script
	pos     int
	wm      int64
	barrier int64 // taken by Next, not yet by TakeBarrier
	batch   int
	eval    *expr.Context
	casts   []expr.Expr // per column: CAST(text AS column type)
	texts   *types.Schema
	timer   *time.Timer
}

var (
	_ connector.Source          = (*source)(nil)
	_ connector.WatermarkSource = (*source)(nil)
)

func newSource(t *connector.Table) (connector.Source, error) {
	mode, err := values.ParseChangelogMode(orDefault(t.Options, OptChangelogMode, "I"))
	if err != nil {
		return nil, &connector.ValidationError{Table: t.Name, Msg: err.Error()}
	}
	s := &source{table: t, mode: mode, wm: math.MinInt64, texts: &types.Schema{}}
	for i, f := range t.Schema.Fields {
		to := f.Type
		to.TimeAttr = 0
		ref := &expr.ColumnRef{Index: i, Name: f.Name, T: types.String}
		c, err := functions.NewCast(ref, to.WithNullable(true), false)
		if err != nil {
			return nil, &connector.ValidationError{Table: t.Name, Msg: fmt.Sprintf("column %s: script rows cannot give a %s: %v", f.Name, f.Type, err)}
		}
		s.casts = append(s.casts, c)
		s.texts.Fields = append(s.texts.Fields, types.Field{Name: f.Name, Type: types.String})
	}
	return s, nil
}

// Open finds the table's script; only subtask 0 reads it.
func (s *source) Open(_ context.Context, task connector.Task) error {
	s.batch = task.BatchSize
	if s.batch <= 0 {
		s.batch = 1024
	}
	s.eval = expr.NewContext(currentLocation())
	if task.Subtask == 0 {
		s.script = Get(scriptID(s.table))
	}
	s.timer = time.NewTimer(pollWait)
	return nil
}

// Next returns the next rows of the script, (nil, nil) after taking a
// watermark or barrier or when the script has nothing new, and io.EOF at
// its end.
func (s *source) Next(ctx context.Context) (*types.Batch, error) {
	if s.script == nil {
		return nil, io.EOF
	}
	if s.barrier != 0 {
		return nil, nil // the runtime has not taken it yet
	}
	var rows []Row
	for len(rows) < s.batch {
		e, ok, more := s.script.at(s.pos)
		if !ok {
			if len(rows) > 0 {
				break
			}
			s.timer.Reset(pollWait)
			select {
			case <-more:
				s.timer.Stop()
				continue
			case <-s.timer.C:
				return nil, nil
			case <-ctx.Done():
				s.timer.Stop()
				return nil, nil
			}
		}
		if e.kind != evRow && len(rows) > 0 {
			break
		}
		switch e.kind {
		case evRow:
			rows = append(rows, e.row)
			s.pos++
			continue
		case evWatermark:
			s.pos++
			s.wm = max(s.wm, e.ts)
		case evBarrier:
			s.pos++
			s.barrier = e.ts
		case evEnd:
			return nil, io.EOF
		}
		return nil, nil
	}
	return s.build(rows)
}

// build converts text rows to a batch of the table's column types.
func (s *source) build(rows []Row) (*types.Batch, error) {
	n := len(rows)
	fs := s.table.Schema.Fields
	var kinds []types.RowKind
	for i, r := range rows {
		if len(r.Values) != len(fs) {
			return nil, &RowError{s.table.Name, r.Line, fmt.Sprintf("%d values, the table has %d columns", len(r.Values), len(fs))}
		}
		if !s.mode.Contains(r.Kind) {
			return nil, &RowError{s.table.Name, r.Line, fmt.Sprintf("row kind %s is not in changelog-mode %s", r.Kind, s.mode)}
		}
		if r.Kind != types.Insert && kinds == nil {
			kinds = make([]types.RowKind, n)
			for j := range i {
				kinds[j] = rows[j].Kind
			}
		}
		if kinds != nil {
			kinds[i] = r.Kind
		}
	}
	texts := make([]arrow.Array, len(fs))
	for c := range fs {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		for _, r := range rows {
			if v := r.Values[c]; v == nil {
				b.AppendNull()
			} else {
				b.Append(*v)
			}
		}
		texts[c] = b.NewArray()
	}
	in := types.NewBatch(s.texts, texts, nil, n)
	cols := make([]arrow.Array, len(fs))
	for c, cast := range s.casts {
		a, err := cast.Eval(s.eval, in)
		if err != nil {
			return nil, &RowError{s.table.Name, s.badRow(rows, c), fmt.Sprintf("column %s: %v", fs[c].Name, err)}
		}
		cols[c] = a
	}
	return types.NewBatch(s.table.Schema, cols, kinds, n), nil
}

// badRow finds the line of the first row whose column c does not cast,
// so the error names it (only on the error path: one cast per row).
func (s *source) badRow(rows []Row, c int) int {
	for _, r := range rows {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		if v := r.Values[c]; v == nil {
			b.AppendNull()
		} else {
			b.Append(*v)
		}
		one := &types.Schema{Fields: []types.Field{s.texts.Fields[c]}}
		ref := &expr.ColumnRef{Index: 0, Name: one.Fields[0].Name, T: types.String}
		cast, err := functions.NewCast(ref, s.casts[c].Type(), false)
		if err != nil {
			return r.Line
		}
		if _, err := cast.Eval(s.eval, types.NewBatch(one, []arrow.Array{b.NewArray()}, nil, 1)); err != nil {
			return r.Line
		}
	}
	return rows[0].Line
}

// CurrentWatermark is the last watermark the script gave (math.MinInt64
// before the first).
func (s *source) CurrentWatermark() int64 { return s.wm }

// TakeBarrier hands the runtime the barrier the last Next took.
func (s *source) TakeBarrier() (int64, bool) {
	id := s.barrier
	s.barrier = 0
	return id, id != 0
}

// Close stops the poll timer.
func (s *source) Close() error {
	if s.timer != nil {
		s.timer.Stop()
	}
	return nil
}
