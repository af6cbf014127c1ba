package ops

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

var (
	jLeft  = types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "b", Type: types.String})
	jRight = types.NewSchema(types.Field{Name: "c", Type: types.Int}, types.Field{Name: "d", Type: types.String})
	jBoth  = concatSchemas(jLeft, jRight)
)

// jBatch builds a batch of schema s; kinds is a string of row kinds, one
// letter per row (I, U = -U, A = +U, D), or "" for all +I.
func jBatch(s *types.Schema, kinds string, rows ...[]any) *types.Batch {
	bb := types.NewBatchBuilder(s)
	for i, r := range rows {
		k := types.Insert
		if kinds != "" {
			k = map[byte]types.RowKind{'I': types.Insert, 'U': types.UpdateBefore, 'A': types.UpdateAfter, 'D': types.Delete}[kinds[i]]
		}
		bb.Add(k, r)
	}
	return bb.Build()
}

// flinkRows prints what c received the way Flink prints a changelog:
// +I[1, a, null, null].
func flinkRows(t *testing.T, c *sliceCollector) []string {
	t.Helper()
	var out []string
	for _, b := range c.batches {
		if err := b.Validate(); err != nil {
			t.Fatalf("invalid output batch: %v", err)
		}
		for i := 0; i < b.Len(); i++ {
			vals := make([]string, len(b.Cols))
			for c, a := range b.Cols {
				vals[c] = types.Format(types.Value(a, i), b.Schema.Fields[c].Type, time.UTC, "null")
			}
			out = append(out, b.Kind(i).String()+"["+strings.Join(vals, ", ")+"]")
		}
	}
	return out
}

// cmpKernel compares two columns of one type (INT or STRING): a test
// stand-in for the registered comparison functions.
func cmpKernel(op string) expr.Kernel {
	return func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		b := array.NewBooleanBuilder(memory.DefaultAllocator)
		for i := 0; i < rows; i++ {
			if args[0].IsNull(i) || args[1].IsNull(i) {
				b.AppendNull()
				continue
			}
			var c int
			switch x := args[0].(type) {
			case *array.Int32:
				c = int(x.Value(i)) - int(args[1].(*array.Int32).Value(i))
			case *array.String:
				c = strings.Compare(x.Value(i), args[1].(*array.String).Value(i))
			}
			b.Append(op == "<" && c < 0 || op == ">" && c > 0)
		}
		return b.NewArray(), nil
	}
}

var (
	// dGtX is d > 'x' over left++right.
	dGtX = &expr.Call{Name: ">", T: types.Boolean, Kernel: cmpKernel(">"), Args: []expr.Expr{
		&expr.ColumnRef{Index: 3, Name: "d", T: types.String}, &expr.Literal{Value: "x", T: types.String}}}
	// aLtC is a < c over left++right.
	aLtC = &expr.Call{Name: "<", T: types.Boolean, Kernel: cmpKernel("<"), Args: []expr.Expr{
		&expr.ColumnRef{Index: 0, Name: "a", T: types.Int}, &expr.ColumnRef{Index: 2, Name: "c", T: types.Int}}}
)

func joinCfg(t JoinType, keys bool, residual expr.Expr) *JoinConfig {
	c := &JoinConfig{Type: t, Residual: residual, LeftSchema: jLeft, RightSchema: jRight, OutSchema: jBoth}
	if keys {
		c.LeftKeys, c.RightKeys = []int{0}, []int{0}
	}
	if t.semiAnti() {
		c.OutSchema = jLeft
	}
	return c
}

func TestJoinConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(c *JoinConfig)
	}{
		{"no schema", func(c *JoinConfig) { c.LeftSchema = nil }},
		{"key count", func(c *JoinConfig) { c.RightKeys = nil }},
		{"key range", func(c *JoinConfig) { c.LeftKeys = []int{5} }},
		{"key types", func(c *JoinConfig) { c.RightKeys = []int{1} }},
		{"out width", func(c *JoinConfig) { c.OutSchema = jLeft }},
		{"residual type", func(c *JoinConfig) { c.Residual = &expr.ColumnRef{Index: 0, T: types.Int} }},
		{"null-aware inner", func(c *JoinConfig) { c.NullAwareAnti = true }},
		{"null-aware streaming", func(c *JoinConfig) { c.Type, c.OutSchema, c.NullAwareAnti, c.Streaming = JoinAnti, jLeft, true, true }},
		{"null-safe flags", func(c *JoinConfig) { c.NullSafeKeys = []bool{true, true} }},
		{"join type", func(c *JoinConfig) { c.Type = 42 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := joinCfg(JoinInner, true, nil)
			tc.mod(c)
			_, err := Build(Spec{Kind: KindJoin, Config: c})
			var ce *JoinConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("Build = %v, want a JoinConfigError", err)
			}
		})
	}
}

func TestJoinString(t *testing.T) {
	tests := []struct {
		cfg  *JoinConfig
		want string
	}{
		{joinCfg(JoinInner, true, nil), "HashJoin(joinType=[InnerJoin], where=[=(a, c)], select=[a, b, c, d], build=[right])"},
		{joinCfg(JoinLeft, true, dGtX), "HashJoin(joinType=[LeftOuterJoin], where=[AND(=(a, c), >(d, 'x'))], select=[a, b, c, d], build=[right])"},
		{joinCfg(JoinFull, false, aLtC), "NestedLoopJoin(joinType=[FullOuterJoin], where=[<(a, c)], select=[a, b, c, d], build=[right])"},
		{joinCfg(JoinSemi, false, nil), "NestedLoopJoin(joinType=[LeftSemiJoin], where=[true], select=[a, b], build=[right])"},
		{func() *JoinConfig { c := joinCfg(JoinInner, true, nil); c.Streaming = true; return c }(),
			"Join(joinType=[InnerJoin], where=[=(a, c)], select=[a, b, c, d], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey])"},
		{func() *JoinConfig { c := joinCfg(JoinAnti, true, nil); c.NullSafeKeys = []bool{true}; return c }(),
			"HashJoin(joinType=[LeftAntiJoin], where=[IS NOT DISTINCT FROM(a, c)], select=[a, b], build=[right])"},
	}
	for _, tc := range tests {
		if got := (Spec{Kind: KindJoin, Config: tc.cfg}).String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

// joinRows returns slices of a side's rows for the batch join tests.
var (
	leftRows  = [][]any{{int32(1), "a"}, {int32(2), "b"}, {int32(2), "b2"}, {nil, "n"}, {int32(3), "c"}}
	rightRows = [][]any{{int32(2), "x"}, {int32(2), "y"}, {int32(4), "z"}, {nil, "m"}}
)

// runBatchJoin feeds the sides in the given batch size and end order.
func runBatchJoin(t *testing.T, cfg *JoinConfig, left, right [][]any, per int, rightFirst bool) []string {
	t.Helper()
	op := mustBuild(t, Spec{Kind: KindJoin, Config: cfg})
	c := &sliceCollector{}
	feed := func(input int, s *types.Schema, rows [][]any) {
		for i := 0; i < len(rows); i += per {
			if err := op.ProcessBatch(input, jBatch(s, "", rows[i:min(i+per, len(rows))]...), c); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []func(){
		func() { feed(0, jLeft, left) },
		func() { feed(1, jRight, right) },
		func() {
			if err := op.EndInput(0, c); err != nil {
				t.Fatal(err)
			}
		},
		func() {
			if err := op.EndInput(1, c); err != nil {
				t.Fatal(err)
			}
		},
	}
	order := []int{0, 1, 2, 3}
	if rightFirst {
		order = []int{1, 3, 0, 2}
	}
	for _, s := range order {
		steps[s]()
	}
	got := flinkRows(t, c)
	slices.Sort(got)
	return got
}

func TestBatchJoin(t *testing.T) {
	inner := []string{"+I[2, b, 2, x]", "+I[2, b, 2, y]", "+I[2, b2, 2, x]", "+I[2, b2, 2, y]"}
	leftPad := []string{"+I[1, a, null, null]", "+I[null, n, null, null]", "+I[3, c, null, null]"}
	rightPad := []string{"+I[null, null, 4, z]", "+I[null, null, null, m]"}
	cat := func(parts ...[]string) []string { return slices.Concat(parts...) }
	nullSafe := func(c *JoinConfig) *JoinConfig { c.NullSafeKeys = []bool{true}; return c }
	nullAware := func(c *JoinConfig) *JoinConfig { c.NullAwareAnti = true; return c }
	noNullRight := rightRows[:3]
	tests := []struct {
		name        string
		cfg         *JoinConfig
		left, right [][]any
		want        []string
	}{
		{"inner", joinCfg(JoinInner, true, nil), leftRows, rightRows, inner},
		{"left", joinCfg(JoinLeft, true, nil), leftRows, rightRows, cat(inner, leftPad)},
		{"right", joinCfg(JoinRight, true, nil), leftRows, rightRows, cat(inner, rightPad)},
		{"full", joinCfg(JoinFull, true, nil), leftRows, rightRows, cat(inner, leftPad, rightPad)},
		{"semi", joinCfg(JoinSemi, true, nil), leftRows, rightRows, []string{"+I[2, b]", "+I[2, b2]"}},
		{"anti", joinCfg(JoinAnti, true, nil), leftRows, rightRows, []string{"+I[1, a]", "+I[null, n]", "+I[3, c]"}},
		{"not in with null on right", nullAware(joinCfg(JoinAnti, true, nil)), leftRows, rightRows, nil},
		{"not in", nullAware(joinCfg(JoinAnti, true, nil)), leftRows, noNullRight, []string{"+I[1, a]", "+I[3, c]"}},
		{"not in empty right", nullAware(joinCfg(JoinAnti, true, nil)), leftRows, nil,
			[]string{"+I[1, a]", "+I[2, b]", "+I[2, b2]", "+I[null, n]", "+I[3, c]"}},
		{"null-safe inner", nullSafe(joinCfg(JoinInner, true, nil)), leftRows, rightRows, cat(inner, []string{"+I[null, n, null, m]"})},
		{"inner residual", joinCfg(JoinInner, true, dGtX), leftRows, rightRows, []string{"+I[2, b, 2, y]", "+I[2, b2, 2, y]"}},
		{"left residual", joinCfg(JoinLeft, true, dGtX), leftRows, rightRows, cat([]string{"+I[2, b, 2, y]", "+I[2, b2, 2, y]"}, leftPad)},
		{"full residual", joinCfg(JoinFull, true, dGtX), leftRows, rightRows,
			cat([]string{"+I[2, b, 2, y]", "+I[2, b2, 2, y]", "+I[null, null, 2, x]"}, leftPad, rightPad)},
		{"semi residual", joinCfg(JoinSemi, true, dGtX), leftRows, rightRows, []string{"+I[2, b]", "+I[2, b2]"}},
		{"anti residual", joinCfg(JoinAnti, true, &expr.Literal{Value: false, T: types.Boolean}), leftRows, rightRows,
			[]string{"+I[1, a]", "+I[2, b]", "+I[2, b2]", "+I[null, n]", "+I[3, c]"}},
		{"nested loop inner", joinCfg(JoinInner, false, aLtC), leftRows, rightRows, []string{
			"+I[1, a, 2, x]", "+I[1, a, 2, y]", "+I[1, a, 4, z]", "+I[2, b, 4, z]", "+I[2, b2, 4, z]", "+I[3, c, 4, z]"}},
		{"nested loop left", joinCfg(JoinLeft, false, aLtC), leftRows[2:], rightRows, []string{
			"+I[2, b2, 4, z]", "+I[3, c, 4, z]", "+I[null, n, null, null]"}},
		{"nested loop right", joinCfg(JoinRight, false, aLtC), leftRows[3:], rightRows, []string{
			"+I[3, c, 4, z]", "+I[null, null, 2, x]", "+I[null, null, 2, y]", "+I[null, null, null, m]"}},
		{"nested loop anti", joinCfg(JoinAnti, false, aLtC), leftRows, rightRows, []string{"+I[null, n]"}},
		{"cross", joinCfg(JoinInner, false, nil), leftRows[:2], rightRows[:2], []string{
			"+I[1, a, 2, x]", "+I[1, a, 2, y]", "+I[2, b, 2, x]", "+I[2, b, 2, y]"}},
		{"empty right inner", joinCfg(JoinInner, true, nil), leftRows, nil, nil},
		{"empty right left", joinCfg(JoinLeft, true, nil), leftRows[:1], nil, []string{"+I[1, a, null, null]"}},
		{"empty left right", joinCfg(JoinRight, true, nil), nil, rightRows[2:3], []string{"+I[null, null, 4, z]"}},
		{"empty left full nested", joinCfg(JoinFull, false, aLtC), nil, rightRows[2:3], []string{"+I[null, null, 4, z]"}},
		{"empty both", joinCfg(JoinFull, true, nil), nil, nil, nil},
	}
	for _, tc := range tests {
		want := slices.Clone(tc.want)
		slices.Sort(want)
		for _, per := range []int{1, 2, 100} {
			for _, rightFirst := range []bool{false, true} {
				got := runBatchJoin(t, tc.cfg, tc.left, tc.right, per, rightFirst)
				if !slices.Equal(got, want) {
					t.Errorf("%s (batch %d, right first %v):\ngot  %q\nwant %q", tc.name, per, rightFirst, got, want)
				}
			}
		}
	}
}

func TestBatchJoinKeyTypes(t *testing.T) {
	// Multi-column and string keys go through the encoded-bytes table.
	cfg := joinCfg(JoinInner, false, nil)
	cfg.LeftKeys, cfg.RightKeys = []int{1, 0}, []int{1, 0}
	got := runBatchJoin(t, cfg, [][]any{{int32(1), "x"}, {int32(2), "x"}, {nil, "x"}}, [][]any{{int32(2), "x"}, {nil, "x"}}, 2, false)
	if want := []string{"+I[2, x, 2, x]"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	cfg.NullSafeKeys = []bool{false, true}
	got = runBatchJoin(t, cfg, [][]any{{int32(1), "x"}, {nil, "x"}}, [][]any{{nil, "x"}, {nil, nil}}, 1, false)
	if want := []string{"+I[null, x, null, x]"}; !slices.Equal(got, want) {
		t.Fatalf("null-safe: got %q, want %q", got, want)
	}
}

func TestBatchJoinRejectsChangelog(t *testing.T) {
	op := mustBuild(t, Spec{Kind: KindJoin, Config: joinCfg(JoinInner, true, nil)})
	if err := op.ProcessBatch(0, jBatch(jLeft, "D", []any{int32(1), "a"}), &sliceCollector{}); err == nil {
		t.Fatal("a batch join accepted a -D row")
	}
}
