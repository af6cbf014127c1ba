package datagen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// generator appends n values to its builder. How many rows there are is
// the source's business (a sequence's size bounds it).
type generator interface {
	fill(n int)
}

// genSpec is what a generator is built from.
type genSpec struct {
	table, name string
	t           types.DataType
	b           array.Builder
	opts        map[string]string
	r           *rand.Rand
	task        connector.Task
	now         func() time.Time
}

func (s genSpec) opt(key string) (string, bool) { return fieldOpt(s.opts, s.name, key) }

func (s genSpec) err(format string, a ...any) error {
	return &OptionError{s.table, s.name, fmtS(format, a...)}
}

func newGenerator(s genSpec) (generator, error) {
	kind := kindRandom
	if v, ok := s.opt(fieldKind); ok {
		kind = strings.ToLower(v)
	}
	nullRate := 0.0
	if v, ok := s.opt(fieldNullRate); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return nil, s.err("null-rate must be a number between 0 and 1, got %q", v)
		}
		nullRate = f
	}
	if kind == kindSequence {
		return newSequence(s, nullRate)
	}
	if kind != kindRandom {
		return nil, s.err("unknown kind %q, expected 'random' or 'sequence'", kind)
	}
	return newRandom(s, nullRate)
}

// random generates uniform values; value appends one non-null value.
type random struct {
	b        array.Builder
	r        *rand.Rand
	nullRate float64
	value    func()
}

func (g *random) fill(n int) {
	for i := 0; i < n; i++ {
		if g.nullRate > 0 && g.r.Float64() < g.nullRate {
			g.b.AppendNull()
		} else {
			g.value()
		}
	}
}

func intRange(k types.Kind) (int64, int64) {
	switch k {
	case types.KindTinyInt:
		return math.MinInt8, math.MaxInt8
	case types.KindSmallInt:
		return math.MinInt16, math.MaxInt16
	case types.KindInt, types.KindIntervalYearMonth:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func (s genSpec) intBounds(lo, hi int64) (int64, int64, error) {
	for _, k := range []struct {
		key string
		dst *int64
	}{{fieldMin, &lo}, {fieldMax, &hi}} {
		if v, ok := s.opt(k.key); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return 0, 0, s.err("%s must be an integer, got %q", k.key, v)
			}
			*k.dst = n
		}
	}
	if lo > hi {
		return 0, 0, s.err("min %d is greater than max %d", lo, hi)
	}
	return lo, hi, nil
}

func (s genSpec) floatBounds(lo, hi float64) (float64, float64, error) {
	for _, k := range []struct {
		key string
		dst *float64
	}{{fieldMin, &lo}, {fieldMax, &hi}} {
		if v, ok := s.opt(k.key); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, 0, s.err("%s must be a number, got %q", k.key, v)
			}
			*k.dst = f
		}
	}
	if lo > hi {
		return 0, 0, s.err("min %v is greater than max %v", lo, hi)
	}
	return lo, hi, nil
}

func randInt(r *rand.Rand, lo, hi int64) int64 {
	span := uint64(hi-lo) + 1
	if span == 0 { // the full int64 range
		return int64(r.Uint64())
	}
	return lo + int64(r.Uint64N(span))
}

const hexChars = "0123456789abcdef"

func newRandom(s genSpec, nullRate float64) (generator, error) {
	g := &random{b: s.b, r: s.r, nullRate: nullRate}
	r := s.r
	length := defaultLength
	if (s.t.Kind.IsString() || s.t.Kind.IsBinary()) && s.t.Length < length {
		length = s.t.Length
	}
	if v, ok := s.opt(fieldLength); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, s.err("length must be a non-negative integer, got %q", v)
		}
		length = n
	}
	varLen := false
	if v, ok := s.opt(fieldVarLen); ok {
		b, err := connector.ParseBool(v)
		if err != nil {
			return nil, s.err("var-len must be true or false, got %q", v)
		}
		varLen = b
	}
	size := func() int {
		if varLen && length > 0 {
			return 1 + r.IntN(length)
		}
		return length
	}
	var maxPast time.Duration
	if v, ok := s.opt(fieldMaxPast); ok {
		d, err := connector.ParseDuration(v)
		if err != nil {
			return nil, s.err("%v", err)
		}
		maxPast = d
	}
	past := func() time.Duration {
		if maxPast <= 0 {
			return 0
		}
		return time.Duration(r.Int64N(int64(maxPast)))
	}
	switch s.t.Kind {
	case types.KindBoolean:
		b := s.b.(*array.BooleanBuilder)
		g.value = func() { b.Append(r.IntN(2) == 1) }
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt, types.KindIntervalYearMonth, types.KindIntervalDayTime:
		lo, hi, err := s.intBounds(intRange(s.t.Kind))
		if err != nil {
			return nil, err
		}
		switch b := s.b.(type) {
		case *array.Int8Builder:
			g.value = func() { b.Append(int8(randInt(r, lo, hi))) }
		case *array.Int16Builder:
			g.value = func() { b.Append(int16(randInt(r, lo, hi))) }
		case *array.Int32Builder:
			g.value = func() { b.Append(int32(randInt(r, lo, hi))) }
		case *array.Int64Builder:
			g.value = func() { b.Append(randInt(r, lo, hi)) }
		case *array.MonthIntervalBuilder:
			g.value = func() { b.Append(arrow.MonthInterval(randInt(r, lo, hi))) }
		case *array.DurationBuilder:
			g.value = func() { b.Append(arrow.Duration(randInt(r, lo, hi))) }
		}
	case types.KindFloat:
		lo, hi, err := s.floatBounds(math.SmallestNonzeroFloat32, math.MaxFloat32)
		if err != nil {
			return nil, err
		}
		b := s.b.(*array.Float32Builder)
		g.value = func() { b.Append(float32(lo + r.Float64()*(hi-lo))) }
	case types.KindDouble:
		lo, hi, err := s.floatBounds(math.SmallestNonzeroFloat64, math.MaxFloat64)
		if err != nil {
			return nil, err
		}
		b := s.b.(*array.Float64Builder)
		g.value = func() { b.Append(lo + r.Float64()*(hi/2-lo/2)*2) }
	case types.KindDecimal:
		lo, hi, err := s.floatBounds(0, math.Pow10(s.t.Prec-s.t.Scale)-math.Pow10(-s.t.Scale))
		if err != nil {
			return nil, err
		}
		b := s.b.(*array.Decimal128Builder)
		p, sc := int32(s.t.Prec), int32(s.t.Scale)
		g.value = func() {
			n, err := decimal128.FromFloat64(lo+r.Float64()*(hi-lo), p, sc)
			if err != nil {
				b.AppendNull()
				return
			}
			b.Append(n)
		}
	case types.KindChar, types.KindVarChar:
		b := s.b.(*array.StringBuilder)
		var buf []byte
		g.value = func() {
			// 16 hex digits per random draw: one draw per character made
			// string generation the cost of a datagen job
			buf = buf[:0]
			for n := size(); n > 0; {
				x := r.Uint64()
				for k := 0; k < 16 && n > 0; k++ {
					buf = append(buf, hexChars[x&15])
					x >>= 4
					n--
				}
			}
			b.BinaryBuilder.Append(buf)
		}
	case types.KindBinary, types.KindVarBinary:
		b := s.b.(*array.BinaryBuilder)
		var buf []byte
		g.value = func() {
			buf = buf[:0]
			for i, n := 0, size(); i < n; i++ {
				buf = append(buf, byte(r.Uint32()))
			}
			b.Append(buf)
		}
	case types.KindDate:
		b := s.b.(*array.Date32Builder)
		g.value = func() { b.Append(arrow.Date32(s.now().Add(-past()).Unix() / 86400)) }
	case types.KindTime:
		b := s.b.(*array.Time32Builder)
		g.value = func() {
			t := s.now().Add(-past())
			b.Append(arrow.Time32(((t.Hour()*60+t.Minute())*60+t.Second())*1000 + t.Nanosecond()/1e6))
		}
	case types.KindTimestamp, types.KindTimestampLTZ:
		b := s.b.(*array.TimestampBuilder)
		g.value = func() { b.Append(arrow.Timestamp(s.now().Add(-past()).UnixMicro())) }
	case types.KindArray:
		lb := s.b.(*array.ListBuilder)
		elem, err := newRandom(genSpec{table: s.table, name: s.name + ".element", t: *s.t.Elem, b: lb.ValueBuilder(), r: r, now: s.now}, 0)
		if err != nil {
			return nil, err
		}
		g.value = func() { lb.Append(true); elem.fill(size()) }
	case types.KindMap, types.KindMultiset:
		mb := s.b.(*array.MapBuilder)
		vt := types.Int
		if s.t.Kind == types.KindMap {
			vt = *s.t.Value
		}
		key, err := newRandom(genSpec{table: s.table, name: s.name + ".key", t: *s.t.Elem, b: mb.KeyBuilder(), r: r, now: s.now}, 0)
		if err != nil {
			return nil, err
		}
		val, err := newRandom(genSpec{table: s.table, name: s.name + ".value", t: vt, b: mb.ItemBuilder(), r: r, now: s.now}, 0)
		if err != nil {
			return nil, err
		}
		g.value = func() { n := size(); mb.Append(true); key.fill(n); val.fill(n) }
	case types.KindRow:
		sb := s.b.(*array.StructBuilder)
		var fields []generator
		for i, f := range s.t.Fields {
			fg, err := newGenerator(genSpec{table: s.table, name: s.name + "." + f.Name, t: f.Type, b: sb.FieldBuilder(i), opts: s.opts, r: r, task: s.task, now: s.now})
			if err != nil {
				return nil, err
			}
			fields = append(fields, fg)
		}
		g.value = func() {
			sb.Append(true)
			for _, f := range fields {
				f.fill(1)
			}
		}
	default:
		return nil, s.err("type %s is not supported by the random generator", s.t)
	}
	return g, nil
}
