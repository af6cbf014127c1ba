package physical

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	spryrt "github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/types"
)

// The test connector "physical-test" reads nothing; its sink accepts the
// changelog given by option 'mode' (insert, upsert, all) and its source
// parallelism is capped by option 'max'.
func init() {
	modes := map[string]types.ChangelogMode{"insert": types.ModeInsertOnly, "upsert": types.ModeUpsert, "all": types.ModeAll}
	connector.Register(&connector.Factory{
		Name: "physical-test",
		Options: []connector.Option{
			{Key: "mode", Type: connector.TypeString}, {Key: "max", Type: connector.TypeInt},
			{Key: "source-mode", Type: connector.TypeString},
		},
		NewSource: func(*connector.Table) (connector.Source, error) { return nil, errors.New("test source") },
		NewSink:   func(*connector.Table) (connector.Sink, error) { return nil, errors.New("test sink") },
		SinkMode: func(o map[string]string) types.ChangelogMode {
			if m, ok := modes[o["mode"]]; ok {
				return m
			}
			return types.ModeInsertOnly
		},
		SourceMode: func(o map[string]string) types.ChangelogMode {
			if m, ok := modes[o["source-mode"]]; ok {
				return m
			}
			return types.ModeInsertOnly
		},
		SourceParallelism: func(o map[string]string) int {
			if o["max"] == "1" {
				return 1
			}
			return 0
		},
	})
}

type countFactory struct{}

func (countFactory) New() expr.Accumulator { return nil }
func (countFactory) StateTypes() []types.DataType {
	return []types.DataType{types.BigInt.NotNullable()}
}
func (countFactory) Result([]uint32) (arrow.Array, error) { return nil, nil }

var countFunc = &expr.AggregateFunction{Name: "COUNT"}

func table(name string, opts map[string]string, fields ...types.Field) *catalog.Table {
	t := &catalog.Table{Name: catalog.ObjectPath{Catalog: "default_catalog", Database: "default_database", Object: name}, Options: opts}
	for _, f := range fields {
		t.Columns = append(t.Columns, catalog.Column{Name: f.Name, Type: f.Type})
	}
	return t
}

func scan(t *catalog.Table) *plan.Scan { return &plan.Scan{Path: t.Name, Table: t, Options: t.Options} }

var (
	words = table("words", map[string]string{"connector": "physical-test", "max": "1"}, types.Field{Name: "word", Type: types.String})
	wc    = &plan.Aggregate{
		Input: scan(words), GroupKeys: []int{0},
		Calls: []plan.AggCall{{Func: countFunc, Factory: countFactory{}, Filter: -1, Type: types.BigInt.NotNullable(), Name: "EXPR$1"}},
	}
)

func sinkTo(mode string, in plan.Node) *plan.Sink {
	t := table("csv_sink", map[string]string{"connector": "physical-test", "mode": mode},
		types.Field{Name: "word", Type: types.String}, types.Field{Name: "cnt", Type: types.BigInt.NotNullable()})
	return &plan.Sink{Input: in, Path: t.Name, Table: t, Options: t.Options}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		root plan.Node
		opts Options
		want string
	}{
		{
			name: "streaming word count",
			root: wc,
			opts: Options{Parallelism: 2},
			want: `GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1])
+- Exchange(distribution=[hash[word]])
   +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
`,
		},
		{
			name: "batch word count in two phases",
			root: wc,
			opts: Options{Parallelism: 2, Batch: true},
			want: `HashAggregate(isMerge=[true], groupBy=[word], select=[word, Final_COUNT(count$0_0) AS EXPR$1])
+- Exchange(distribution=[hash[word]])
   +- LocalHashAggregate(groupBy=[word], select=[word, Partial_COUNT(*) AS count$0_0])
      +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
`,
		},
		{
			name: "batch word count in one phase",
			root: wc,
			opts: Options{Parallelism: 2, Batch: true, AggPhase: plan.AggOnePhase},
			want: `HashAggregate(isMerge=[false], groupBy=[word], select=[word, COUNT(*) AS EXPR$1])
+- Exchange(distribution=[hash[word]])
   +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
`,
		},
		{
			name: "sink in batch",
			root: sinkTo("insert", wc),
			opts: Options{Parallelism: 1, Batch: true, AggPhase: plan.AggOnePhase},
			want: `Sink(table=[default_catalog.default_database.csv_sink], fields=[word, EXPR$1])
+- HashAggregate(isMerge=[false], groupBy=[word], select=[word, COUNT(*) AS EXPR$1])
   +- Exchange(distribution=[hash[word]])
      +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Plan([]plan.Node{tc.root}, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestChangelog(t *testing.T) {
	tests := []struct {
		name    string
		root    plan.Node
		batch   bool
		wantErr string
		mode    types.ChangelogMode
	}{
		{name: "query with updates", root: wc, mode: types.ChangelogMode(1<<types.Insert | 1<<types.UpdateBefore | 1<<types.UpdateAfter)},
		{name: "batch query", root: wc, batch: true, mode: types.ModeInsertOnly},
		{name: "insert-only sink rejects updates", root: sinkTo("insert", wc),
			wantErr: "Table sink 'default_catalog.default_database.csv_sink' doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1])"},
		{name: "retract sink accepts updates", root: sinkTo("all", wc)},
		{name: "batch sink", root: sinkTo("insert", wc), batch: true},
		{name: "limit over updates", root: &plan.Sort{Input: wc, Fetch: 3},
			wantErr: "Limit doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1])"},
		{name: "streaming order by", root: &plan.Sort{Input: scan(words), Keys: []plan.SortKey{{Index: 0}}, Fetch: -1},
			wantErr: "Sort on a non-time-attribute field is not supported."},
		{name: "streaming intersect", root: &plan.SetOp{Kind: plan.SetIntersect, Ins: []plan.Node{scan(words), scan(words)}},
			wantErr: "INTERSECT is not supported in streaming mode"},
	}
	cdc := table("cdc", map[string]string{"connector": "physical-test", "source-mode": "all"}, types.Field{Name: "word", Type: types.String})
	cdcCount := &plan.Aggregate{Input: scan(cdc), GroupKeys: []int{0}, Calls: wc.Calls}
	tests = append(tests, []struct {
		name    string
		root    plan.Node
		batch   bool
		wantErr string
		mode    types.ChangelogMode
	}{
		{name: "changelog source", root: scan(cdc), mode: types.ModeAll},
		{name: "aggregate over a changelog deletes", root: cdcCount, mode: types.ModeAll},
		{name: "changelog source into append sink", root: sinkTo("insert", &plan.Project{Input: scan(cdc),
			Exprs: []expr.Expr{&expr.ColumnRef{Index: 0, T: types.String}, &expr.Literal{Value: int64(1), T: types.BigInt.NotNullable()}},
			Out:   types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "cnt", Type: types.BigInt.NotNullable()})}),
			wantErr: "doesn't support consuming update and delete changes which is produced by node TableSourceScan(table=[[default_catalog, default_database, cdc]], fields=[word])"},
		{name: "changelog source in batch", root: scan(cdc), batch: true, mode: types.ModeInsertOnly},
	}...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Plan([]plan.Node{tc.root}, Options{Parallelism: 2, Batch: tc.batch})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want %q", err, tc.wantErr)
				}
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %T is not *physical.Error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.mode != 0 && p.QueryMode() != tc.mode {
				t.Errorf("mode %s, want %s", p.QueryMode(), tc.mode)
			}
		})
	}
}

func TestJobGraph(t *testing.T) {
	vals := &plan.Values{
		Out: types.NewSchema(types.Field{Name: "a", Type: types.Int.NotNullable()}),
		Rows: [][]expr.Expr{{&expr.Literal{Value: int32(1), T: types.Int.NotNullable()}},
			{&expr.Literal{Value: int32(2), T: types.Int.NotNullable()}}},
	}
	proj := &plan.Project{Input: vals, Exprs: []expr.Expr{&expr.ColumnRef{Index: 0, T: types.Int.NotNullable()}, &expr.ColumnRef{Index: 0, T: types.Int.NotNullable()}},
		Out: types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "cnt", Type: types.BigInt.NotNullable()})}
	tests := []struct {
		name     string
		root     plan.Node
		batch    bool
		vertices []string // name (parallelism)
		edges    []string
	}{
		{
			name: "values chained into calc and sink", root: sinkTo("insert", proj), batch: true,
			vertices: []string{"Values -> Calc -> Sink (1)"},
		},
		{
			name: "streaming word count", root: wc,
			vertices: []string{"TableSourceScan (1)", "GroupAggregate (4)", "Collect (1)"},
			edges:    []string{"1 -> 2: HASH[word]", "2 -> 3: GLOBAL"},
		},
		{
			name: "batch two-phase chains the local phase", root: wc, batch: true,
			vertices: []string{"TableSourceScan -> LocalHashAggregate (1)", "HashAggregate (4)", "Collect (1)"},
			edges:    []string{"1 -> 2: HASH[word]", "2 -> 3: GLOBAL"},
		},
		{
			name: "union all feeds one vertex", root: &plan.SetOp{Kind: plan.SetUnion, All: true, Ins: []plan.Node{scan(words), scan(words)}},
			vertices: []string{"TableSourceScan (1)", "TableSourceScan (1)", "Collect (1)"},
			edges:    []string{"1 -> 3: GLOBAL", "2 -> 3: GLOBAL"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Plan([]plan.Node{tc.root}, Options{Parallelism: 4, Batch: tc.batch})
			if err != nil {
				t.Fatal(err)
			}
			g, err := p.JobGraph(GraphOptions{Name: "t", Collect: make(chan *types.Batch)})
			if err != nil {
				t.Fatal(err)
			}
			var vs []string
			for _, v := range g.Vertices {
				vs = append(vs, v.Name+" ("+itoa(v.Parallelism)+")")
			}
			if strings.Join(vs, "; ") != strings.Join(tc.vertices, "; ") {
				t.Errorf("vertices %q, want %q", vs, tc.vertices)
			}
			var es []string
			for _, line := range strings.Split(g.String(), "\n") {
				if strings.HasPrefix(line, "  ") && strings.Contains(line, " -> ") {
					es = append(es, strings.TrimSpace(line))
				}
			}
			if strings.Join(es, "; ") != strings.Join(tc.edges, "; ") {
				t.Errorf("edges %q, want %q", es, tc.edges)
			}
			if g.Batch != tc.batch {
				t.Errorf("batch = %v", g.Batch)
			}
			_ = spryrt.Forward
		})
	}
}

func TestJoinPlan(t *testing.T) {
	eq := &expr.Call{Name: "=", T: types.Boolean, Args: []expr.Expr{
		&expr.ColumnRef{Index: 0, T: types.String}, &expr.ColumnRef{Index: 1, T: types.String}}}
	join := func(jt plan.JoinType) *plan.Join {
		return &plan.Join{Left: scan(words), Right: scan(words), Type: jt, Condition: eq}
	}
	p, err := Plan([]plan.Node{join(plan.JoinInner)}, Options{Parallelism: 3, Batch: true})
	if err != nil {
		t.Fatal(err)
	}
	want := `HashJoin(joinType=[InnerJoin], where=[=(word, word)], select=[word, word])
:- Exchange(distribution=[hash[word]])
:  +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
+- Exchange(distribution=[hash[word]])
   +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
`
	if got := p.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	g, err := p.JobGraph(GraphOptions{Collect: make(chan *types.Batch)})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []int
	for _, e := range g.Edges {
		if e.To == 3 {
			inputs = append(inputs, e.Input)
		}
	}
	if len(inputs) != 2 || inputs[0] != 0 || inputs[1] != 1 {
		t.Errorf("join inputs %v", inputs)
	}
	// A streaming outer join retracts its NULL-padded rows: an append-only
	// sink cannot take them.
	out := table("out", map[string]string{"connector": "physical-test"},
		types.Field{Name: "a", Type: types.String}, types.Field{Name: "b", Type: types.String})
	_, err = Plan([]plan.Node{&plan.Sink{Input: join(plan.JoinLeft), Path: out.Name, Table: out, Options: out.Options}}, Options{Parallelism: 1})
	if err == nil || !strings.Contains(err.Error(), "doesn't support consuming update and delete changes which is produced by node Join(joinType=[LeftOuterJoin]") {
		t.Errorf("got %v", err)
	}
	// An inner join of insert-only inputs stays insert-only.
	if _, err := Plan([]plan.Node{&plan.Sink{Input: join(plan.JoinInner), Path: out.Name, Table: out, Options: out.Options}}, Options{Parallelism: 1}); err != nil {
		t.Error(err)
	}
}

func TestUpsertSinkDropsUpdateBefore(t *testing.T) {
	p, err := Plan([]plan.Node{sinkTo("upsert", wc)}, Options{Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := `Sink(table=[default_catalog.default_database.csv_sink], fields=[word, EXPR$1], changelogMode=[NONE])
+- DropUpdateBefore(changelogMode=[I,UA])
   +- GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1], changelogMode=[I,UB,UA])
      +- Exchange(distribution=[hash[word]], changelogMode=[I])
         +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word], changelogMode=[I])
`
	if got := p.Explain(true); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
