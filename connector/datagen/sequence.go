package datagen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

func fmtS(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// sequence emits start..end (inclusive), subtask i taking start+i,
// start+i+p, ... as Flink's SequenceGenerator does.
type sequence struct {
	start           int64 // the value of row number 0
	next, step, end int64
	nullRate        float64
	s               genSpec
	appendN         func(v int64)
}

func (g *sequence) fill(n int) {
	for i := 0; i < n; i++ {
		if g.nullRate > 0 && g.s.r.Float64() < g.nullRate {
			g.s.b.AppendNull()
		} else {
			g.appendN(g.next)
		}
		g.next += g.step
	}
}

// seek makes the next fill emit the values of row numbers first,
// first+step, ... (the source's lanes choose them).
func (g *sequence) seek(first, step int64) { g.next, g.step = g.start+first, step }

// size is the number of values of the sequence.
func (g *sequence) size() int64 { return g.end - g.start + 1 }

func newSequence(s genSpec, nullRate float64) (generator, error) {
	bound := func(key string) (int64, error) {
		v, ok := s.opt(key)
		if !ok {
			return 0, s.err("'fields.%s.%s' is required for a sequence", s.name, key)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, s.err("%s must be an integer, got %q", key, v)
		}
		return n, nil
	}
	start, err := bound(fieldStart)
	if err != nil {
		return nil, err
	}
	end, err := bound(fieldEnd)
	if err != nil {
		return nil, err
	}
	if start > end {
		return nil, s.err("start %d is greater than end %d", start, end)
	}
	p := max(s.task.Parallelism, 1)
	g := &sequence{start: start, next: start + int64(s.task.Subtask), step: int64(p), end: end, nullRate: nullRate, s: s}
	switch b := s.b.(type) {
	case *array.Int8Builder:
		g.appendN = func(v int64) { b.Append(int8(v)) }
	case *array.Int16Builder:
		g.appendN = func(v int64) { b.Append(int16(v)) }
	case *array.Int32Builder:
		g.appendN = func(v int64) { b.Append(int32(v)) }
	case *array.Int64Builder:
		g.appendN = func(v int64) { b.Append(v) }
	case *array.Float32Builder:
		g.appendN = func(v int64) { b.Append(float32(v)) }
	case *array.Float64Builder:
		g.appendN = func(v int64) { b.Append(float64(v)) }
	case *array.Decimal128Builder:
		mul := decimal128.GetScaleMultiplier(s.t.Scale)
		g.appendN = func(v int64) { b.Append(decimal128.FromI64(v).Mul(mul)) }
	case *array.StringBuilder:
		var buf []byte
		g.appendN = func(v int64) { buf = strconv.AppendInt(buf[:0], v, 10); b.BinaryBuilder.Append(buf) }
	default:
		return nil, s.err("type %s is not supported by the sequence generator", s.t)
	}
	if s.t.Kind.IsInteger() {
		lo, hi := intRange(s.t.Kind)
		if start < lo || end > hi {
			return nil, s.err("sequence %d..%d does not fit %s", start, end, s.t)
		}
	}
	return g, nil
}
