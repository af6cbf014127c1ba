package ops

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// splitFunc is a test UDTF: SPLIT(s) returns one row per comma-separated
// word of s; an empty or NULL string returns none.
var splitFunc = &expr.TableFunction{
	Name: "SPLIT",
	Doc:  expr.Doc{Category: "Table", Syntax: "SPLIT(string)", Description: "test splitter"},
	Bind: func(args []expr.Arg) ([]types.Field, expr.TableKernel, error) {
		if len(args) != 1 || !args[0].Type.Kind.IsString() {
			return nil, nil, &expr.TypeError{Func: "SPLIT", Expected: "SPLIT(STRING)"}
		}
		return []types.Field{{Name: "word", Type: types.String}}, func(_ *expr.Context, in []arrow.Array, rows int) ([]arrow.Array, []int32, error) {
			s := in[0].(*array.String)
			b := array.NewStringBuilder(memory.DefaultAllocator)
			var parent []int32
			for i := 0; i < rows; i++ {
				if s.IsNull(i) || s.Value(i) == "" {
					continue
				}
				for _, w := range strings.Split(s.Value(i), ",") {
					b.Append(w)
					parent = append(parent, int32(i))
				}
			}
			return []arrow.Array{b.NewArray()}, parent, nil
		}, nil
	},
}

func TestCorrelateSplit(t *testing.T) {
	reg := expr.NewRegistry()
	reg.RegisterTable(splitFunc)
	in := types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "s", Type: types.String})
	out := types.NewSchema(append(slices.Clone(in.Fields), types.Field{Name: "word", Type: types.String})...)
	arg := &expr.ColumnRef{Index: 1, Name: "s", T: types.String}
	batch := jBatch(in, "IIID", []any{int32(1), "a,b"}, []any{int32(2), ""}, []any{nil, nil}, []any{int32(4), "c"})
	tests := []struct {
		name string
		cfg  *CorrelateConfig
		want []string
	}{
		{"inner", &CorrelateConfig{Func: reg.Table("split"), Args: []expr.Expr{arg}, InSchema: in, OutSchema: out},
			[]string{"+I[1, a,b, a]", "+I[1, a,b, b]", "-D[4, c, c]"}},
		{"left", &CorrelateConfig{Func: reg.Table("split"), Args: []expr.Expr{arg}, Left: true, InSchema: in, OutSchema: out},
			[]string{"+I[1, a,b, a]", "+I[1, a,b, b]", "+I[2, , null]", "+I[null, null, null]", "-D[4, c, c]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := mustBuild(t, Spec{Kind: KindCorrelate, Config: tc.cfg})
			c := &sliceCollector{}
			if err := op.ProcessBatch(0, batch, c); err != nil {
				t.Fatal(err)
			}
			if got := flinkRows(t, c); !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	op := mustBuild(t, Spec{Kind: KindCorrelate, Config: tests[1].cfg})
	if got, want := op.String(), "Correlate(invocation=[SPLIT(s)], correlate=[table(SPLIT(s))], select=[id,s,word], joinType=[LEFT])"; got != want {
		t.Errorf("String = %s, want %s", got, want)
	}
}

func TestCorrelateErrors(t *testing.T) {
	in := types.NewSchema(types.Field{Name: "id", Type: types.Int})
	tests := []*CorrelateConfig{
		{InSchema: in},
		{InSchema: in, OutSchema: in},
		{Func: Unnest, Args: []expr.Expr{&expr.ColumnRef{Index: 0, T: types.Int}}, InSchema: in, OutSchema: in},
	}
	for i, cfg := range tests {
		if _, err := Build(Spec{Kind: KindCorrelate, Config: cfg}); err == nil {
			t.Errorf("config %d: Build succeeded", i)
		}
	}
	var te *expr.TypeError
	if _, err := Build(Spec{Kind: KindCorrelate, Config: tests[2]}); !errors.As(err, &te) {
		t.Errorf("UNNEST(INT): %v, want a TypeError", err)
	}
}

func TestUnnest(t *testing.T) {
	point := types.RowOf(types.Field{Name: "x", Type: types.Int}, types.Field{Name: "y", Type: types.String})
	tests := []struct {
		name     string
		t        types.DataType
		vals     []any
		left     bool
		ordinal  bool
		want     []string
		wantCols []string
	}{
		{"array", types.ArrayOf(types.Int), []any{[]any{int32(1), nil, int32(3)}, nil, []any{}, []any{int32(4)}}, false, false,
			[]string{"+I[0, 1]", "+I[0, null]", "+I[0, 3]", "+I[3, 4]"}, []string{"f0"}},
		{"array left ordinality", types.ArrayOf(types.Int), []any{[]any{int32(1), int32(2)}, nil, []any{int32(4)}}, true, true,
			[]string{"+I[0, 1, 1]", "+I[0, 2, 2]", "+I[1, null, null]", "+I[2, 4, 1]"}, []string{"f0", "ORDINALITY"}},
		{"map", types.MapOf(types.String, types.Int), []any{[]types.MapEntry{{Key: "a", Value: int32(1)}, {Key: "b", Value: nil}}, nil}, false, false,
			[]string{"+I[0, a, 1]", "+I[0, b, null]"}, []string{"f0", "f1"}},
		{"multiset", types.MultisetOf(types.String), []any{[]types.MapEntry{{Key: "a", Value: int32(2)}, {Key: "b", Value: int32(1)}}}, false, false,
			[]string{"+I[0, a]", "+I[0, a]", "+I[0, b]"}, []string{"f0"}},
		{"array of rows", types.ArrayOf(point), []any{[]any{[]any{int32(1), "p"}, nil}, []any{[]any{int32(2), "q"}}}, false, false,
			[]string{"+I[0, 1, p]", "+I[0, null, null]", "+I[1, 2, q]"}, []string{"x", "y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "c", Type: tc.t})
			fields, ok := UnnestFields(tc.t)
			if !ok {
				t.Fatal("UnnestFields refused", tc.t)
			}
			if tc.ordinal {
				fields = append(fields, types.Field{Name: "ORDINALITY", Type: types.Int})
			}
			var names []string
			for _, f := range fields {
				names = append(names, f.Name)
			}
			if !slices.Equal(names, tc.wantCols) {
				t.Fatalf("columns %v, want %v", names, tc.wantCols)
			}
			// The checks below drop column c (the collection) from each row.
			out := types.NewSchema(append(slices.Clone(in.Fields), fields...)...)
			cfg := &CorrelateConfig{Func: expr.Builtins.Table("unnest"), Args: []expr.Expr{&expr.ColumnRef{Index: 1, Name: "c", T: tc.t}},
				Left: tc.left, WithOrdinality: tc.ordinal, InSchema: in, OutSchema: out}
			op := mustBuild(t, Spec{Kind: KindCorrelate, Config: cfg})
			bb := types.NewBatchBuilder(in)
			for i, v := range tc.vals {
				bb.Add(types.Insert, []any{int32(i), v})
			}
			c := &sliceCollector{}
			if err := op.ProcessBatch(0, bb.Build(), c); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range flinkRows(t, c) {
				// Drop the collection column (the second value).
				parts := strings.SplitN(r, ", ", 2)
				rest := parts[1]
				depth, cut := 0, -1
				for i, ch := range rest {
					switch ch {
					case '[', '{', '(':
						depth++
					case ']', '}', ')':
						depth--
					case ',':
						if depth == 0 && cut < 0 {
							cut = i
						}
					}
				}
				got = append(got, parts[0]+rest[cut:])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUnnestRegistered(t *testing.T) {
	f := expr.Builtins.Table("UNNEST")
	if f == nil || f.Doc.Syntax == "" || f.Doc.Description == "" {
		t.Fatalf("UNNEST not registered with docs: %+v", f)
	}
}
