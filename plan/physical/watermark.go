package physical

import (
	"strconv"
	"time"

	"github.com/spry-engine/spry/types"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
)

// watermarkAssigner plans a table's WATERMARK clause as Flink's
// WatermarkAssigner, chained right after the scan (and the Calc computing
// computed columns). Batch mode has no watermarks, as in Flink, so the node
// is dropped there and rows pass through.
func (t *translator) watermarkAssigner(n *plan.WatermarkAssigner) (*Node, error) {
	in, err := t.translate(n.Input)
	if err != nil {
		return nil, err
	}
	if t.opts.Batch {
		return in, nil
	}
	cfg := &ops.WatermarkAssignerConfig{
		Schema:       n.Schema(),
		RowtimeIndex: n.RowtimeIndex,
		Expr:         n.Expr,
		IdleTimeout:  t.opts.SourceIdleTimeout,
	}
	wm := "SOURCE_WATERMARK()"
	if n.Expr != nil && !isSourceWatermark(n.Expr) {
		wm = formatExpr(flinkIntervals(n.Expr), in.Schema)
	} else {
		cfg.Expr = nil
	}
	if cfg.Expr != nil && pushWatermark(in, cfg) {
		cfg.Expr = nil // the assigner forwards the source's watermarks
	}
	node := &Node{
		Name:        "WatermarkAssigner",
		Desc:        "rowtime=[" + cfg.Schema.Fields[n.RowtimeIndex].Name + "], watermark=[" + wm + "]",
		Inputs:      []*Node{in},
		Schema:      cfg.Schema,
		Parallelism: in.Parallelism,
	}
	node.Spec = &ops.Spec{Kind: ops.KindWatermarkAssigner, Config: cfg, Display: node.String()}
	return node, nil
}

// isSourceWatermark reports whether e is SOURCE_WATERMARK(): the source's
// own watermarks pass through the assigner.
func isSourceWatermark(e expr.Expr) bool {
	c, ok := e.(*expr.Call)
	return ok && strings.EqualFold(c.Name, "SOURCE_WATERMARK") && len(c.Args) == 0
}

// flinkIntervals rewrites DAY TO SECOND interval literals of e to print as
// Calcite prints them in a watermark: milliseconds and the literal's unit
// (5000:INTERVAL SECOND). The unit is not kept after binding, so the
// largest unit dividing the value stands in for it.
func flinkIntervals(e expr.Expr) expr.Expr {
	return plan.RewriteExpr(e, func(x expr.Expr) expr.Expr {
		l, ok := x.(*expr.Literal)
		if !ok || l.Value == nil || l.T.Kind != types.KindIntervalDayTime {
			return nil
		}
		return intervalLit{l}
	})
}

// intervalLit is an interval literal printed the Calcite way.
type intervalLit struct{ *expr.Literal }

func (l intervalLit) String() string {
	ms, ok := intervalMillis(l.Value)
	if !ok {
		return l.Literal.String()
	}
	unit := "SECOND"
	switch {
	case ms == 0 || ms%1000 != 0:
		unit = "SECOND"
	case ms%86_400_000 == 0:
		unit = "DAY"
	case ms%3_600_000 == 0:
		unit = "HOUR"
	case ms%60_000 == 0:
		unit = "MINUTE"
	}
	return strconv.FormatInt(ms, 10) + ":INTERVAL " + unit
}

// intervalMillis reads a DAY TO SECOND literal value (milliseconds).
func intervalMillis(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case time.Duration:
		return v.Milliseconds(), true
	}
	return 0, false
}
