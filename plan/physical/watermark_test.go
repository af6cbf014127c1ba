package physical

import (
	"testing"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

func TestWatermarkAssignerPlan(t *testing.T) {
	events := table("events", map[string]string{"connector": "physical-test"},
		types.Field{Name: "id", Type: types.Int}, types.Field{Name: "ts", Type: types.TimestampMs})
	ts := &expr.ColumnRef{Index: 1, Name: "ts", T: types.TimestampMs}
	minus := func(ms int64) expr.Expr {
		return &expr.Call{Name: "-", Args: []expr.Expr{ts, &expr.Literal{Value: ms, T: types.IntervalDT}}, T: types.TimestampMs}
	}
	wm := func(e expr.Expr) plan.Node {
		return &plan.WatermarkAssigner{Input: scan(events), RowtimeIndex: 1, Expr: e}
	}
	const scanLine = "TableSourceScan(table=[[default_catalog, default_database, events]], fields=[id, ts])\n"
	tests := []struct {
		name string
		root plan.Node
		opts Options
		want string
	}{
		{"seconds", wm(minus(5000)), Options{Parallelism: 1},
			"WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 5000:INTERVAL SECOND)])\n+- " + scanLine},
		{"minutes", wm(minus(120_000)), Options{Parallelism: 1},
			"WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 120000:INTERVAL MINUTE)])\n+- " + scanLine},
		{"bare rowtime", wm(ts), Options{Parallelism: 1},
			"WatermarkAssigner(rowtime=[ts], watermark=[ts])\n+- " + scanLine},
		{"source watermark", wm(&expr.Call{Name: "SOURCE_WATERMARK", T: types.TimestampLTZ}), Options{Parallelism: 1},
			"WatermarkAssigner(rowtime=[ts], watermark=[SOURCE_WATERMARK()])\n+- " + scanLine},
		// Batch mode has no watermarks: the assigner is left out.
		{"batch", wm(minus(5000)), Options{Parallelism: 1, Batch: true}, scanLine},
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

func TestWatermarkAssignerConfig(t *testing.T) {
	events := table("events", map[string]string{"connector": "physical-test"},
		types.Field{Name: "id", Type: types.Int}, types.Field{Name: "ts", Type: types.TimestampMs})
	ts := &expr.ColumnRef{Index: 1, Name: "ts", T: types.TimestampMs}
	n, err := (&translator{opts: Options{Parallelism: 2, SourceIdleTimeout: 5 * time.Second}}).
		watermarkAssigner(&plan.WatermarkAssigner{Input: scan(events), RowtimeIndex: 1, Expr: ts})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := n.Spec.Config.(*ops.WatermarkAssignerConfig)
	if !ok || n.Spec.Kind != ops.KindWatermarkAssigner {
		t.Fatalf("spec %v", n.Spec)
	}
	if c.IdleTimeout != 5*time.Second || c.RowtimeIndex != 1 || c.Expr != ts || n.Parallelism != n.Inputs[0].Parallelism {
		t.Errorf("config %+v, parallelism %d", c, n.Parallelism)
	}
	if c.Schema.Fields[1].Type.TimeAttr != types.TimeAttrRowtime {
		t.Errorf("rowtime column not marked: %s", c.Schema)
	}
}
