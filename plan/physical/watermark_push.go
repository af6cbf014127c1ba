package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
)

// pushWatermark pushes a WATERMARK FOR expression into the scan in below
// it, as Flink's PushWatermarkIntoTableSourceScanRule, when the
// connector generates watermarks itself (connector.WatermarkPushDown:
// Kafka, per partition) and the assigner reads the scan's columns
// directly (no computed columns in between). The scan then prints the
// watermark in its table digest as Flink does; the WatermarkAssigner
// stays in the plan, forwarding the source's watermarks as for
// SOURCE_WATERMARK(), since the runtime takes a source's watermarks
// through it. It reports whether it pushed.
func pushWatermark(in *Node, cfg *ops.WatermarkAssignerConfig) bool {
	if in.Spec == nil || in.Spec.Kind != ops.KindSource || in.Name != "TableSourceScan" {
		return false
	}
	sc, ok := in.Spec.Config.(*ops.SourceConfig)
	if !ok || sc.Factory == nil || !connector.SupportsWatermarkPushDown(sc.Factory.Name) {
		return false
	}
	if in.Schema.Len() != cfg.Schema.Len() {
		return false
	}
	i := strings.Index(in.Desc, "]], fields=[")
	if i < 0 {
		return false
	}
	f, e, rt, idle := sc.Factory, cfg.Expr, cfg.RowtimeIndex, cfg.IdleTimeout
	pf := *f
	pf.NewSource = func(t *connector.Table) (connector.Source, error) {
		src, err := f.NewSource(t)
		if err != nil {
			return nil, err
		}
		wp, ok := src.(connector.WatermarkPushDown)
		if !ok {
			src.Close()
			return nil, fmt.Errorf("connector '%s' declared watermark push-down but its source does not take it", f.Name)
		}
		// Each subtask evaluates its own copy: calls keep evaluation state.
		ws, err := wp.ApplyWatermark(ops.CloneExpr(e), rt, idle)
		if err != nil {
			src.Close()
			return nil, err
		}
		return ws, nil
	}
	sc2 := *sc
	sc2.Factory = &pf
	spec := *in.Spec
	spec.Config = &sc2
	in.Spec = &spec
	in.Desc = in.Desc[:i] + ", watermark=[" + formatExpr(flinkIntervals(e), in.Schema) + "]" + in.Desc[i:]
	return true
}
