package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
)

// Config holds the session options planning depends on.
type Config struct {
	// Loc is table.local-time-zone.
	Loc *time.Location
	// Streaming is execution.runtime-mode = streaming (the default).
	Streaming bool
	// AggPhaseStrategy is table.optimizer.agg-phase-strategy.
	AggPhaseStrategy AggStrategy
	// MiniBatch is table.exec.mini-batch.enabled: Flink splits streaming
	// aggregates into local and global phases only with mini-batch.
	MiniBatch bool
	// DistinctSplit is table.optimizer.distinct-agg.split.enabled and
	// DistinctBuckets its bucket-num (DistinctAggSplit).
	DistinctSplit   bool
	DistinctBuckets int
	// Functions is the scalar registry the optimizer consults for
	// determinism and to build AND; nil means expr.Builtins.
	Functions *expr.Registry
	// CanPushFilter reports whether the connector of scan s evaluates the
	// condition c itself (filter push-down). nil pushes nothing.
	CanPushFilter func(s *Scan, c expr.Expr) bool
	// Emit is the table.exec.emit.* strategy of legacy group windows
	// (groupwin_emit.go).
	Emit EmitStrategy
}

// ConnectorFilterPushDown is a CanPushFilter that asks the scanned table's
// connector factory (connector.Factory.SupportsFilterPushDown), so a
// condition leaves the plan only when the source applies it itself.
func ConnectorFilterPushDown(s *Scan, c expr.Expr) bool {
	opts := s.EffectiveOptions()
	f, err := connector.Lookup(opts["connector"])
	return err == nil && f.SupportsFilterPushDown != nil && f.SupportsFilterPushDown(opts, c)
}

// DefaultConfig is Flink's default: streaming, UTC, AUTO.
func DefaultConfig() Config {
	return Config{Loc: time.UTC, Streaming: true, AggPhaseStrategy: AggAuto}
}

// ConfigFromOptions reads the planning options out of a session's SET
// options, starting from DefaultConfig. Unknown keys are ignored (they
// belong to other layers); bad values are errors.
func ConfigFromOptions(opts map[string]string) (Config, error) {
	c := DefaultConfig()
	if v, ok := opts["table.local-time-zone"]; ok && v != "default" {
		loc, err := time.LoadLocation(v)
		if err != nil {
			return c, fmt.Errorf("invalid table.local-time-zone '%s': %v", v, err)
		}
		c.Loc = loc
	}
	if v, ok := opts["execution.runtime-mode"]; ok {
		switch strings.ToLower(v) {
		case "streaming":
			c.Streaming = true
		case "batch":
			c.Streaming = false
		default:
			return c, fmt.Errorf("invalid execution.runtime-mode '%s': expected STREAMING or BATCH", v)
		}
	}
	if v, ok := opts["table.exec.mini-batch.enabled"]; ok {
		switch strings.ToLower(v) {
		case "true":
			c.MiniBatch = true
		case "false":
			c.MiniBatch = false
		default:
			return c, fmt.Errorf("invalid table.exec.mini-batch.enabled '%s': expected true or false", v)
		}
	}
	if v, ok := opts["table.optimizer.distinct-agg.split.enabled"]; ok {
		switch strings.ToLower(v) {
		case "true":
			c.DistinctSplit = true
		case "false":
			c.DistinctSplit = false
		default:
			return c, fmt.Errorf("invalid table.optimizer.distinct-agg.split.enabled '%s': expected true or false", v)
		}
	}
	if v, ok := opts["table.optimizer.distinct-agg.split.bucket-num"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return c, fmt.Errorf("invalid table.optimizer.distinct-agg.split.bucket-num '%s': expected a positive integer", v)
		}
		c.DistinctBuckets = n
	}
	if v, ok := opts["table.optimizer.agg-phase-strategy"]; ok {
		switch strings.ToUpper(v) {
		case "AUTO":
			c.AggPhaseStrategy = AggAuto
		case "ONE_PHASE":
			c.AggPhaseStrategy = AggOnePhase
		case "TWO_PHASE":
			c.AggPhaseStrategy = AggTwoPhase
		default:
			return c, fmt.Errorf("invalid table.optimizer.agg-phase-strategy '%s': expected AUTO, ONE_PHASE or TWO_PHASE", v)
		}
	}
	emit, err := emitStrategyFromOptions(opts)
	if err != nil {
		return c, err
	}
	c.Emit = emit
	return c, nil
}
