package values

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

type source struct {
	table *connector.Table
	mode  types.ChangelogMode
	rows  [][]any
	kinds []types.RowKind
	pos   int
	batch int
}

var _ connector.Source = (*source)(nil)

func newSource(t *connector.Table) (connector.Source, error) {
	mode, err := ParseChangelogMode(orDefault(t.Options, OptChangelogMode, "I"))
	if err != nil {
		return nil, &connector.ValidationError{Table: t.Name, Msg: err.Error()}
	}
	return &source{table: t, mode: mode}, nil
}

// Open converts the registered rows to the columns' types; only subtask 0
// emits them (the source's parallelism is 1).
func (s *source) Open(_ context.Context, task connector.Task) error {
	s.batch = task.BatchSize
	if s.batch <= 0 {
		s.batch = 1024
	}
	id, ok := s.table.Options[OptDataID]
	if !ok || task.Subtask != 0 {
		return nil
	}
	mu.Lock()
	raw, ok := data[id]
	mu.Unlock()
	if !ok {
		return fmt.Errorf("table %s: no data registered under data-id '%s'", s.table.Name, id)
	}
	fs := s.table.Schema.Fields
	for n, r := range raw {
		kind := types.Insert
		if len(r) == len(fs)+1 {
			k, ok := rowKindOf(r[0])
			if !ok {
				return fmt.Errorf("table %s: row %d: %v is not a row kind", s.table.Name, n, r[0])
			}
			kind, r = k, r[1:]
		}
		if len(r) != len(fs) {
			return fmt.Errorf("table %s: row %d has %d values, the table has %d columns", s.table.Name, n, len(r), len(fs))
		}
		if !s.mode.Contains(kind) {
			return fmt.Errorf("table %s: row %d is %s, not in changelog-mode %s", s.table.Name, n, kind, s.mode)
		}
		row := make([]any, len(r))
		for i, v := range r {
			cv, err := Coerce(v, fs[i].Type)
			if err != nil {
				return fmt.Errorf("table %s: row %d, column %s: %w", s.table.Name, n, fs[i].Name, err)
			}
			row[i] = cv
		}
		s.rows = append(s.rows, row)
		s.kinds = append(s.kinds, kind)
	}
	return nil
}

func rowKindOf(v any) (types.RowKind, bool) {
	switch k := v.(type) {
	case types.RowKind:
		return k, true
	case string:
		return types.ParseRowKind(k)
	}
	return 0, false
}

// Next returns the rows in batches, then io.EOF.
func (s *source) Next(context.Context) (*types.Batch, error) {
	if s.pos >= len(s.rows) {
		return nil, io.EOF
	}
	end := min(s.pos+s.batch, len(s.rows))
	bb := types.NewBatchBuilder(s.table.Schema)
	for i := s.pos; i < end; i++ {
		bb.Add(s.kinds[i], s.rows[i])
	}
	s.pos = end
	return bb.Build(), nil
}

// Close does nothing.
func (s *source) Close() error { return nil }

// Coerce converts a plain Go value (int, float64, string, time.Time, ...)
// to the Go value types.Value uses for t, so tests can write rows
// naturally. Values already of the right Go type pass through.
func Coerce(v any, t types.DataType) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) { return nil, fmt.Errorf("cannot use %v (%T) as %s", v, v, t) }
	switch t.Kind {
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt, types.KindIntervalYearMonth, types.KindIntervalDayTime:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int8:
			n = int64(x)
		case int16:
			n = int64(x)
		case int32:
			n = int64(x)
		case int64:
			n = x
		case time.Duration:
			n = x.Milliseconds()
		default:
			return bad()
		}
		switch t.Kind {
		case types.KindTinyInt:
			return int8(n), nil
		case types.KindSmallInt:
			return int16(n), nil
		case types.KindInt, types.KindIntervalYearMonth:
			return int32(n), nil
		}
		return n, nil
	case types.KindFloat, types.KindDouble:
		var f float64
		switch x := v.(type) {
		case float32:
			f = float64(x)
		case float64:
			f = x
		case int:
			f = float64(x)
		default:
			return bad()
		}
		if t.Kind == types.KindFloat {
			return float32(f), nil
		}
		return f, nil
	case types.KindDecimal:
		switch x := v.(type) {
		case decimal128.Num:
			return x, nil
		case string:
			n, err := decimal128.FromString(x, int32(t.Prec), int32(t.Scale))
			if err != nil {
				return bad()
			}
			return n, nil
		case float64:
			n, err := decimal128.FromFloat64(x, int32(t.Prec), int32(t.Scale))
			if err != nil {
				return bad()
			}
			return n, nil
		case int:
			return decimal128.FromI64(int64(x)).Mul(decimal128.GetScaleMultiplier(t.Scale)), nil
		}
		return bad()
	case types.KindBinary, types.KindVarBinary:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return bad()
	case types.KindDate:
		switch x := v.(type) {
		case int32:
			return x, nil
		case time.Time:
			return int32(x.Unix() / 86400), nil
		}
		return bad()
	case types.KindTime:
		switch x := v.(type) {
		case int32:
			return x, nil
		case time.Duration:
			return int32(x.Milliseconds()), nil
		}
		return bad()
	case types.KindTimestamp, types.KindTimestampLTZ:
		switch x := v.(type) {
		case int64:
			return x, nil
		case time.Time:
			if t.Kind == types.KindTimestamp { // wall-clock fields, zone ignored
				x = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
			}
			return x.UnixMicro(), nil
		}
		return bad()
	case types.KindArray, types.KindMultiset:
		xs, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]any, len(xs))
		for i, x := range xs {
			cx, err := Coerce(x, *t.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = cx
		}
		return out, nil
	case types.KindMap:
		es, ok := v.([]types.MapEntry)
		if !ok {
			return bad()
		}
		out := make([]types.MapEntry, len(es))
		for i, e := range es {
			k, err := Coerce(e.Key, *t.Elem)
			if err != nil {
				return nil, err
			}
			val, err := Coerce(e.Value, *t.Value)
			if err != nil {
				return nil, err
			}
			out[i] = types.MapEntry{Key: k, Value: val}
		}
		return out, nil
	case types.KindRow:
		xs, ok := v.([]any)
		if !ok || len(xs) != len(t.Fields) {
			return bad()
		}
		out := make([]any, len(xs))
		for i, x := range xs {
			cx, err := Coerce(x, t.Fields[i].Type)
			if err != nil {
				return nil, err
			}
			out[i] = cx
		}
		return out, nil
	case types.KindBoolean:
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case types.KindChar, types.KindVarChar:
		if _, ok := v.(string); !ok {
			return bad()
		}
	}
	return v, nil
}
