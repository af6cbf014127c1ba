package ops

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spry-engine/spry/types"
)

// ValuesConfig configures Values: literal rows of Go values (as documented
// in package types, nil for NULL) already converted to the schema's types.
type ValuesConfig struct {
	Schema *types.Schema
	Rows   [][]any
}

// Values is the bounded source of SQL VALUES: subtask 0 emits every row,
// in batches of the job's batch size; other subtasks emit nothing.
type Values struct {
	BaseOperator
	cfg       *ValuesConfig
	next      int // next row to emit
	batchSize int
}

var _ SourceOperator = (*Values)(nil)

// NewValues makes a Values source.
func NewValues(c *ValuesConfig) (*Values, error) {
	if c.Schema == nil {
		return nil, &SpecError{KindValues, "no schema"}
	}
	for i, r := range c.Rows {
		if len(r) != c.Schema.Len() {
			return nil, &SpecError{KindValues, fmt.Sprintf("row %d has %d values, schema has %d columns", i+1, len(r), c.Schema.Len())}
		}
	}
	return &Values{cfg: c}, nil
}

// Open makes every subtask but the first one empty.
func (v *Values) Open(ctx *OpContext) error {
	v.batchSize = ctx.BatchSize
	if v.batchSize <= 0 {
		v.batchSize = 4096
	}
	if ctx.Subtask != 0 {
		v.next = len(v.cfg.Rows)
	}
	return nil
}

// Next returns the next batch of rows, then io.EOF.
func (v *Values) Next(context.Context) (b *types.Batch, err error) {
	if v.next >= len(v.cfg.Rows) {
		return nil, io.EOF
	}
	end := min(v.next+v.batchSize, len(v.cfg.Rows))
	defer func() {
		// types.Append panics on a Go value of the wrong type; report it
		// as a bad row instead.
		if r := recover(); r != nil {
			err = fmt.Errorf("VALUES rows %d..%d do not match schema %s: %v", v.next+1, end, v.cfg.Schema, r)
		}
	}()
	bb := types.NewBatchBuilder(v.cfg.Schema)
	for _, r := range v.cfg.Rows[v.next:end] {
		bb.Add(types.Insert, r)
	}
	v.next = end
	return bb.Build(), nil
}

// ProcessBatch is never called: a source has no input.
func (v *Values) ProcessBatch(int, *types.Batch, Collector) error {
	return fmt.Errorf("%s has no input", v)
}

// String prints e.g. Values(tuples=[[{ 1, 'a' }, { 2, 'b' }]], values=[x, s]).
func (v *Values) String() string {
	var sb strings.Builder
	sb.WriteString("Values(tuples=[[")
	for i, r := range v.cfg.Rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		if i == 10 {
			fmt.Fprintf(&sb, "... %d more", len(v.cfg.Rows)-i)
			break
		}
		sb.WriteString("{ ")
		for j, val := range r {
			if j > 0 {
				sb.WriteString(", ")
			}
			t := v.cfg.Schema.Fields[j].Type
			s := types.Format(val, t, time.UTC, "null")
			if val != nil && t.Kind.IsString() {
				s = "'" + strings.ReplaceAll(s, "'", "''") + "'"
			}
			sb.WriteString(s)
		}
		sb.WriteString(" }")
	}
	sb.WriteString("]], values=[")
	sb.WriteString(strings.Join(v.cfg.Schema.Names(), ", "))
	sb.WriteString("])")
	return sb.String()
}
