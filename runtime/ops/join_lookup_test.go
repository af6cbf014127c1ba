package ops

import (
	"slices"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/values"
	"github.com/spry-engine/spry/types"
)

func TestLookupJoin(t *testing.T) {
	dim := types.NewSchema(types.Field{Name: "c", Type: types.Int}, types.Field{Name: "d", Type: types.String})
	id := values.Register([][]any{{int32(1), "one"}, {int32(2), "zwei"}, {int32(2), "deux"}, {nil, "null"}})
	tbl := &connector.Table{Name: "default_catalog.default_database.dim", Schema: dim,
		Options: map[string]string{"connector": "values", "data-id": id, "bounded": "true"}}
	for _, tc := range []struct {
		name     string
		jt       JoinType
		residual bool
		kinds    string
		want     []string
	}{
		{"inner", JoinInner, false, "", []string{"+I[1, a, 1, one]", "+I[2, b, 2, zwei]", "+I[2, b, 2, deux]"}},
		{"left", JoinLeft, false, "", []string{"+I[1, a, 1, one]", "+I[2, b, 2, zwei]", "+I[2, b, 2, deux]",
			"+I[3, c, null, null]", "+I[null, n, null, null]"}},
		{"left residual", JoinLeft, true, "", []string{"+I[1, a, null, null]", "+I[2, b, 2, zwei]",
			"+I[3, c, null, null]", "+I[null, n, null, null]"}},
		{"updating input", JoinInner, false, "IDI", []string{"+I[1, a, 1, one]", "-D[2, b, 2, zwei]", "-D[2, b, 2, deux]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &LookupJoinConfig{Type: tc.jt, Table: tbl, LeftKeys: []int{0}, LookupKeys: []int{0},
				LeftSchema: jLeft, RightSchema: dim, OutSchema: concatSchemas(jLeft, dim)}
			if tc.residual {
				cfg.Residual = dGtX // d > 'x' over left ++ right: only "zwei"
			}
			op := mustBuild(t, Spec{Kind: KindLookupJoin, Config: cfg})
			defer op.Close()
			c := &sliceCollector{}
			var in *types.Batch
			if tc.kinds != "" {
				in = jBatch(jLeft, tc.kinds, row(1, "a"), row(2, "b"), row(3, "c"))
			} else {
				in = jBatch(jLeft, "", row(1, "a"), row(2, "b"), row(3, "c"), row(nil, "n"), row(5, "e"))
			}
			if err := op.ProcessBatch(0, in, c); err != nil {
				t.Fatal(err)
			}
			got := flinkRows(t, c)
			want := tc.want
			if tc.jt == JoinLeft {
				want = append(slices.Clone(want), "+I[5, e, null, null]")
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}
