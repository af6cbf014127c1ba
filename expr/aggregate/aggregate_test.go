package aggregate

import (
	"errors"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

type aggCase struct {
	name     string
	fn       string
	distinct bool
	arg      *types.DataType // nil: no argument (COUNT(*))
	extra    []expr.Arg      // constant trailing arguments
	rows     []any
	groups   []uint32
	retract  []bool
	want     []any // the result of groups 0..len(want)-1
	wantType string
	wantErr  error
}

func tp(t types.DataType) *types.DataType { return &t }

func dec(n int64) decimal128.Num { return decimal128.FromI64(n) }

func column(t types.DataType, vals []any) arrow.Array {
	b := types.NewBuilder(t)
	defer b.Release()
	for _, v := range vals {
		types.Append(b, v)
	}
	return b.NewArray()
}

func values(a arrow.Array) []any {
	out := make([]any, a.Len())
	for i := range out {
		out[i] = types.Value(a, i)
	}
	return out
}

func seq(n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(i)
	}
	return out
}

var aggCases = []aggCase{
	{name: "count star", fn: "COUNT", groups: []uint32{0, 0, 1, expr.NoGroup}, rows: make([]any, 4), want: []any{int64(2), int64(1)}, wantType: "BIGINT NOT NULL"},
	{name: "count skips nulls", fn: "COUNT", arg: tp(types.Int), rows: []any{int32(1), nil, int32(2)}, groups: []uint32{0, 0, 0}, want: []any{int64(2)}},
	{name: "count retract", fn: "COUNT", arg: tp(types.Int), rows: []any{int32(1), int32(2), int32(1)}, groups: []uint32{0, 0, 0}, retract: []bool{false, false, true}, want: []any{int64(1)}},
	{name: "count distinct", fn: "COUNT", distinct: true, arg: tp(types.Int), rows: []any{int32(1), int32(1), int32(2), nil}, groups: []uint32{0, 0, 0, 0}, want: []any{int64(2)}},
	{name: "count distinct retract", fn: "COUNT", distinct: true, arg: tp(types.String), rows: []any{"a", "a", "b", "a", "b"}, groups: []uint32{0, 0, 0, 0, 0}, retract: []bool{false, false, false, true, true}, want: []any{int64(1)}},
	{name: "sum int", fn: "SUM", arg: tp(types.Int), rows: []any{int32(1), int32(2), nil, nil}, groups: []uint32{0, 0, 0, 1}, want: []any{int32(3), nil}, wantType: "INT"},
	{name: "sum retract to empty", fn: "SUM", arg: tp(types.BigInt), rows: []any{int64(5), int64(5)}, groups: []uint32{0, 0}, retract: []bool{false, true}, want: []any{nil}},
	{name: "sum tinyint wraps", fn: "SUM", arg: tp(types.TinyInt), rows: []any{int8(100), int8(100)}, groups: []uint32{0, 0}, want: []any{int8(-56)}, wantType: "TINYINT"},
	{name: "sum double", fn: "SUM", arg: tp(types.Double), rows: []any{1.5, 2.5}, groups: []uint32{0, 0}, want: []any{4.0}},
	{name: "sum float", fn: "SUM", arg: tp(types.Float), rows: []any{float32(1.5), float32(2)}, groups: []uint32{0, 0}, want: []any{float32(3.5)}, wantType: "FLOAT"},
	{name: "sum decimal", fn: "SUM", arg: tp(types.Decimal(10, 2)), rows: []any{dec(150), dec(250), nil}, groups: []uint32{0, 0, 0}, want: []any{dec(400)}, wantType: "DECIMAL(38, 2)"},
	{name: "sum distinct", fn: "SUM", distinct: true, arg: tp(types.Int), rows: []any{int32(1), int32(1), int32(2)}, groups: []uint32{0, 0, 0}, want: []any{int32(3)}},
	{name: "sum0 empty", fn: "$SUM0", arg: tp(types.BigInt.NotNullable()), rows: []any{int64(4)}, groups: []uint32{1}, want: []any{int64(0), int64(4)}, wantType: "BIGINT NOT NULL"},
	{name: "avg int truncates", fn: "AVG", arg: tp(types.Int), rows: []any{int32(1), int32(2), int32(-1), int32(-2)}, groups: []uint32{0, 0, 1, 1}, want: []any{int32(1), int32(-1)}, wantType: "INT"},
	{name: "avg double", fn: "AVG", arg: tp(types.Double), rows: []any{1.0, 2.0, nil}, groups: []uint32{0, 0, 1}, want: []any{1.5, nil}},
	{name: "avg float", fn: "AVG", arg: tp(types.Float), rows: []any{float32(1), float32(2)}, groups: []uint32{0, 0}, want: []any{float32(1.5)}, wantType: "FLOAT"},
	{name: "avg decimal", fn: "AVG", arg: tp(types.Decimal(10, 2)), rows: []any{dec(100), dec(200)}, groups: []uint32{0, 0}, want: []any{dec(1500000)}, wantType: "DECIMAL(38, 6)"},
	{name: "avg decimal rounds half up", fn: "AVG", arg: tp(types.Decimal(10, 0)), rows: []any{dec(1), dec(2), dec(2), dec(-1), dec(-2), dec(-2)}, groups: []uint32{0, 0, 0, 1, 1, 1}, want: []any{dec(1666667), dec(-1666667)}},
	{name: "avg retract", fn: "AVG", arg: tp(types.BigInt), rows: []any{int64(10), int64(20), int64(10)}, groups: []uint32{0, 0, 0}, retract: []bool{false, false, true}, want: []any{int64(20)}},
	{name: "min int", fn: "MIN", arg: tp(types.Int), rows: []any{int32(3), int32(1), nil, int32(2)}, groups: []uint32{0, 0, 0, 0}, want: []any{int32(1)}, wantType: "INT"},
	{name: "max int", fn: "MAX", arg: tp(types.Int.NotNullable()), rows: []any{int32(3), int32(1), int32(2)}, groups: []uint32{0, 0, 1}, want: []any{int32(3), int32(2)}, wantType: "INT"},
	{name: "min retract", fn: "MIN", arg: tp(types.Int), rows: []any{int32(1), int32(2), int32(1), int32(1), int32(1)}, groups: []uint32{0, 0, 0, 0, 0}, retract: []bool{false, false, false, true, true}, want: []any{int32(2)}},
	{name: "max string retract", fn: "MAX", arg: tp(types.String), rows: []any{"a", "c", "b", "c"}, groups: []uint32{0, 0, 0, 0}, retract: []bool{false, false, false, true}, want: []any{"b"}},
	{name: "max string", fn: "MAX", arg: tp(types.String), rows: []any{"a", "c", "b"}, groups: []uint32{0, 0, 0}, want: []any{"c"}},
	{name: "min all retracted", fn: "MIN", arg: tp(types.Double), rows: []any{1.0, 1.0}, groups: []uint32{0, 0}, retract: []bool{false, true}, want: []any{nil}},
	{name: "min date", fn: "MIN", arg: tp(types.Date), rows: []any{int32(20000), int32(10000)}, groups: []uint32{0, 0}, want: []any{int32(10000)}, wantType: "DATE"},
	{name: "max timestamp", fn: "MAX", arg: tp(types.TimestampMs), rows: []any{int64(5), int64(7)}, groups: []uint32{0, 0}, want: []any{int64(7)}, wantType: "TIMESTAMP(3)"},
	{name: "max decimal", fn: "MAX", arg: tp(types.Decimal(5, 1)), rows: []any{dec(-5), dec(3)}, groups: []uint32{0, 0}, want: []any{dec(3)}},
	{name: "min boolean", fn: "MIN", arg: tp(types.Boolean), rows: []any{true, false}, groups: []uint32{0, 0}, want: []any{false}},
	{name: "max bytes", fn: "MAX", arg: tp(types.Bytes), rows: []any{[]byte("a"), []byte("b")}, groups: []uint32{0, 0}, want: []any{[]byte("b")}},
	{name: "min distinct", fn: "MIN", distinct: true, arg: tp(types.Int), rows: []any{int32(2), int32(1), int32(1), int32(1)}, groups: []uint32{0, 0, 0, 0}, retract: []bool{false, false, false, true}, want: []any{int32(1)}},
	{name: "first value", fn: "FIRST_VALUE", arg: tp(types.String), rows: []any{nil, "a", "b"}, groups: []uint32{0, 0, 0}, want: []any{"a"}},
	{name: "last value", fn: "LAST_VALUE", arg: tp(types.String), rows: []any{"a", "b", nil}, groups: []uint32{0, 0, 0}, want: []any{"b"}},
	{name: "first value retract", fn: "FIRST_VALUE", arg: tp(types.BigInt), rows: []any{int64(1), int64(2), int64(1)}, groups: []uint32{0, 0, 0}, retract: []bool{false, false, true}, want: []any{int64(2)}},
	{name: "last value retract", fn: "LAST_VALUE", arg: tp(types.BigInt), rows: []any{int64(1), int64(2), int64(2)}, groups: []uint32{0, 0, 0}, retract: []bool{false, false, true}, want: []any{int64(1)}},
	{name: "var pop", fn: "VAR_POP", arg: tp(types.Double), rows: []any{1.0, 2.0, 3.0, 4.0}, groups: []uint32{0, 0, 0, 0}, want: []any{1.25}},
	{name: "var samp", fn: "VAR_SAMP", arg: tp(types.Double), rows: []any{1.0, 2.0, 3.0, 4.0, 5.0}, groups: []uint32{0, 0, 0, 0, 1}, want: []any{1.6666666666666667, nil}},
	{name: "stddev pop", fn: "STDDEV_POP", arg: tp(types.Double), rows: []any{1.0, 2.0, 3.0, 4.0}, groups: []uint32{0, 0, 0, 0}, want: []any{1.118033988749895}},
	{name: "stddev samp", fn: "STDDEV", arg: tp(types.Double), rows: []any{1.0, 3.0}, groups: []uint32{0, 0}, want: []any{1.4142135623730951}},
	{name: "stddev pop int", fn: "STDDEV_POP", arg: tp(types.Int), rows: []any{int32(1), int32(2), int32(3), int32(4)}, groups: []uint32{0, 0, 0, 0}, want: []any{int32(1)}, wantType: "INT"},
	{name: "variance retract", fn: "VARIANCE", arg: tp(types.Double), rows: []any{1.0, 3.0, 100.0, 100.0}, groups: []uint32{0, 0, 0, 0}, retract: []bool{false, false, false, true}, want: []any{2.0}},
	{name: "listagg", fn: "LISTAGG", arg: tp(types.String), rows: []any{"a", nil, "b"}, groups: []uint32{0, 0, 0, 1}[:3], want: []any{"a,b"}, wantType: "STRING"},
	{name: "listagg sep", fn: "LISTAGG", arg: tp(types.String), extra: []expr.Arg{{Type: types.String, IsConst: true, Const: "-"}}, rows: []any{"a", "b", "a"}, groups: []uint32{0, 0, 0}, retract: []bool{false, false, true}, want: []any{"b"}},
	{name: "listagg empty", fn: "LISTAGG", arg: tp(types.String), rows: []any{nil}, groups: []uint32{0}, want: []any{nil}},
	{name: "listagg distinct", fn: "LISTAGG", distinct: true, arg: tp(types.String), extra: []expr.Arg{{Type: types.String, IsConst: true, Const: ";"}}, rows: []any{"a", "b", "a"}, groups: []uint32{0, 0, 0}, want: []any{"a;b"}},
	{name: "collect", fn: "COLLECT", arg: tp(types.String), rows: []any{"a", "a", "b", nil, "c", "c"}, groups: []uint32{0, 0, 0, 0, 0, 0}, retract: []bool{false, false, false, false, false, true},
		want: []any{[]types.MapEntry{{Key: "a", Value: int32(2)}, {Key: "b", Value: int32(1)}}}, wantType: "MULTISET<STRING NOT NULL> NOT NULL"},
	{name: "array agg", fn: "ARRAY_AGG", arg: tp(types.Int), rows: []any{int32(1), nil, int32(2), int32(1)}, groups: []uint32{0, 0, 0, 2}, retract: []bool{false, false, false, false},
		want: []any{[]any{int32(1), nil, int32(2)}, nil, []any{int32(1)}}, wantType: "ARRAY<INT>"},
	{name: "array agg retract", fn: "ARRAY_AGG", arg: tp(types.Int), rows: []any{int32(1), int32(2), int32(1)}, groups: []uint32{0, 0, 0}, retract: []bool{false, false, true}, want: []any{[]any{int32(2)}}},
	{name: "single value", fn: "SINGLE_VALUE", arg: tp(types.Int), rows: []any{int32(5), nil}, groups: []uint32{0, 1}, want: []any{int32(5), nil}},
	{name: "single value twice", fn: "SINGLE_VALUE", arg: tp(types.Int), rows: []any{int32(5), int32(6)}, groups: []uint32{0, 0}, wantErr: ErrSingleValue},
}

func bindCase(t *testing.T, c aggCase) (types.DataType, expr.AccumulatorFactory, []expr.Arg) {
	t.Helper()
	f := expr.Builtins.Aggregate(c.fn)
	if f == nil {
		t.Fatalf("%s not registered", c.fn)
	}
	var args []expr.Arg
	if c.arg != nil {
		args = append(args, expr.Arg{Type: *c.arg})
	}
	args = append(args, c.extra...)
	rt, fac, err := f.Bind(args, c.distinct)
	if err != nil {
		t.Fatalf("bind: %v", err)
	}
	return rt, fac, args
}

// feed updates acc with the case's rows in two batches, the second a slice
// of a larger array, to exercise offsets.
func feed(acc expr.Accumulator, c aggCase, args []expr.Arg) error {
	var cols []arrow.Array
	if c.arg != nil {
		cols = append(cols, column(*c.arg, c.rows))
	}
	for _, e := range c.extra {
		vals := make([]any, len(c.rows))
		for i := range vals {
			vals[i] = e.Const
		}
		cols = append(cols, column(e.Type, vals))
	}
	half := len(c.groups) / 2
	for _, r := range [][2]int{{0, half}, {half, len(c.groups)}} {
		part := make([]arrow.Array, len(cols))
		for i, col := range cols {
			part[i] = array.NewSlice(col, int64(r[0]), int64(r[1]))
		}
		var ret []bool
		if c.retract != nil {
			ret = c.retract[r[0]:r[1]]
		}
		if err := acc.Update(nil, c.groups[r[0]:r[1]], part, ret); err != nil {
			return err
		}
	}
	return nil
}

func TestAggregates(t *testing.T) {
	for _, c := range aggCases {
		t.Run(c.name, func(t *testing.T) {
			rt, fac, args := bindCase(t, c)
			if c.wantType != "" && rt.String() != c.wantType {
				t.Errorf("type = %s, want %s", rt, c.wantType)
			}
			factories := []expr.AccumulatorFactory{fac}
			if io, ok := fac.(InsertOnlyFactory); ok && c.retract == nil {
				factories = append(factories, io.InsertOnly())
			}
			for _, fac := range factories {
				acc := fac.New()
				err := feed(acc, c, args)
				if c.wantErr != nil {
					if !errors.Is(err, c.wantErr) {
						t.Fatalf("err = %v, want %v", err, c.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				gs := seq(len(c.want))
				res, err := acc.Result(nil, gs)
				if err != nil {
					t.Fatal(err)
				}
				if !arrow.TypeEqual(res.DataType(), types.ArrowType(rt)) {
					t.Errorf("result arrow type %s, want %s", res.DataType(), types.ArrowType(rt))
				}
				if got := values(res); !reflect.DeepEqual(got, c.want) {
					t.Errorf("result = %#v, want %#v", got, c.want)
				}
				// AppendResult, where implemented, appends what Result
				// returns, also for groups never updated.
				if ap, ok := acc.(interface {
					AppendResult(*expr.Context, []uint32, array.Builder) error
				}); ok {
					b := types.NewBuilder(rt)
					unseen := append(append([]uint32(nil), gs...), 1000)
					for range 2 {
						if err := ap.AppendResult(nil, unseen, b); err != nil {
							t.Fatal(err)
						}
					}
					want, _ := acc.Result(nil, unseen)
					w := values(want)
					if got := values(b.NewArray()); !reflect.DeepEqual(got, append(w, w...)) {
						t.Errorf("AppendResult = %#v, want %#v twice", got, w)
					}
				}
				// State then Merge into a fresh accumulator gives the same result.
				st, err := acc.State(gs)
				if err != nil {
					t.Fatal(err)
				}
				for i, s := range st {
					if want := types.ArrowType(fac.StateTypes()[i]); !arrow.TypeEqual(s.DataType(), want) {
						t.Errorf("state %d type %s, want %s", i, s.DataType(), want)
					}
				}
				acc2 := fac.New()
				if err := acc2.Merge(nil, gs, st); err != nil {
					t.Fatal(err)
				}
				res2, _ := acc2.Result(nil, gs)
				if got := values(res2); !reflect.DeepEqual(got, c.want) {
					t.Errorf("after merge = %#v, want %#v", got, c.want)
				}
				// Reset empties the groups.
				acc.Reset(gs)
				res3, _ := acc.Result(nil, gs)
				fresh, _ := fac.New().Result(nil, gs)
				if !reflect.DeepEqual(values(res3), values(fresh)) {
					t.Errorf("after reset = %v, want %v", values(res3), values(fresh))
				}
			}
		})
	}
}

// Merging two partial states equals aggregating everything in one place.
func TestMergePartials(t *testing.T) {
	for _, fn := range []string{"COUNT", "SUM", "AVG", "MIN", "MAX", "VAR_SAMP", "COLLECT"} {
		t.Run(fn, func(t *testing.T) {
			_, fac, _ := bindCase(t, aggCase{fn: fn, arg: tp(types.BigInt)})
			rows := []any{int64(4), int64(8), nil, int64(1), int64(8), int64(3)}
			all := fac.New()
			col := column(types.BigInt, rows)
			if err := all.Update(nil, []uint32{0, 0, 0, 0, 0, 0}, []arrow.Array{col}, nil); err != nil {
				t.Fatal(err)
			}
			global := fac.New()
			for _, r := range [][2]int64{{0, 3}, {3, 6}} {
				local := fac.New()
				part := array.NewSlice(col, r[0], r[1])
				if err := local.Update(nil, []uint32{0, 0, 0}, []arrow.Array{part}, nil); err != nil {
					t.Fatal(err)
				}
				st, _ := local.State([]uint32{0})
				if err := global.Merge(nil, []uint32{0}, st); err != nil {
					t.Fatal(err)
				}
			}
			want, _ := all.Result(nil, []uint32{0})
			got, _ := global.Result(nil, []uint32{0})
			if !reflect.DeepEqual(values(got), values(want)) {
				t.Errorf("merged = %v, want %v", values(got), values(want))
			}
		})
	}
}

func TestRegistryDocs(t *testing.T) {
	for _, f := range Functions() {
		if f.Doc.Category != "Aggregate" || f.Doc.Syntax == "" || f.Doc.Description == "" || len(f.Doc.Examples) == 0 {
			t.Errorf("%s: incomplete doc %+v", f.Name, f.Doc)
		}
		if expr.Builtins.Aggregate(f.Name) == nil {
			t.Errorf("%s not registered", f.Name)
		}
	}
}

func TestBindErrors(t *testing.T) {
	cases := []struct {
		fn   string
		args []expr.Arg
	}{
		{"SUM", []expr.Arg{{Type: types.String}}},
		{"AVG", nil},
		{"MIN", []expr.Arg{{Type: types.ArrayOf(types.Int)}}},
		{"LISTAGG", []expr.Arg{{Type: types.Int}}},
		{"LISTAGG", []expr.Arg{{Type: types.String}, {Type: types.String}}},
	}
	for _, c := range cases {
		_, _, err := expr.Builtins.Aggregate(c.fn).Bind(c.args, false)
		var te *expr.TypeError
		if !errors.As(err, &te) {
			t.Errorf("%s%v: err = %v, want *expr.TypeError", c.fn, c.args, err)
		}
	}
}

func TestInsertOnlyRejectsRetraction(t *testing.T) {
	_, fac, _ := bindCase(t, aggCase{fn: "MAX", arg: tp(types.Int)})
	acc := fac.(InsertOnlyFactory).InsertOnly().New()
	err := acc.Update(nil, []uint32{0}, []arrow.Array{column(types.Int, []any{int32(1)})}, []bool{true})
	if !errors.Is(err, ErrRetraction) {
		t.Fatalf("err = %v", err)
	}
}
