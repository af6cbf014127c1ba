package ops

import (
	"context"
	"fmt"
	"reflect"

	"github.com/spry-engine/spry/types"
)

// Kind names an operator kind. The set is closed: Build is the one place
// that turns a Spec into a running operator, so the job graph stays plain,
// serialisable data and every operator Spry has is visible in one switch.
type Kind string

// The operator kinds.
const (
	KindSource       Kind = "Source"       // *SourceConfig: reads a connector table
	KindValues       Kind = "Values"       // *ValuesConfig: literal rows (SQL VALUES)
	KindCalc         Kind = "Calc"         // *CalcConfig: filter and projection
	KindSort         Kind = "Sort"         // *SortConfig: ORDER BY, optionally with OFFSET/FETCH (top-N)
	KindLimit        Kind = "Limit"        // *LimitConfig: OFFSET/FETCH without ORDER BY
	KindSink         Kind = "Sink"         // *SinkConfig: writes to a connector table
	KindCollect      Kind = "Collect"      // *CollectConfig: hands results to the client
	KindHashAgg      Kind = "HashAgg"      // *AggConfig: GROUP BY aggregation
	KindJoin         Kind = "Join"         // *JoinConfig: two-input join
	KindSetOp        Kind = "SetOp"        // *SetOpConfig: INTERSECT / EXCEPT
	KindExpand       Kind = "Expand"       // *ExpandConfig: GROUPING SETS expansion
	KindCorrelate    Kind = "Correlate"    // *CorrelateConfig: LATERAL TABLE(udtf)
	KindRank         Kind = "Rank"         // *RankConfig: Top-N, window Top-N, batch rank
	KindDedup        Kind = "Deduplicate"  // *DedupConfig: keep first/last row per key
	KindTemporalSort Kind = "TemporalSort" // *TemporalSortConfig: streaming ORDER BY rowtime
)

// Spec is one operator of a job graph: its kind and a pointer to the kind's
// config struct (e.g. *CalcConfig for KindCalc).
type Spec struct {
	Kind   Kind
	Config any
	// Display, when set, is how the spec prints: the planner's own
	// description of the node, so that EXPLAIN's job graph and physical
	// plan print an operator the same way.
	Display string
}

// String prints the spec as its operator prints itself, or the kind when the
// operator cannot be built.
func (s Spec) String() string {
	if s.Display != "" {
		return s.Display
	}
	op, err := Build(s)
	if err != nil {
		return string(s.Kind)
	}
	return op.String()
}

// SpecError reports a spec Build cannot turn into an operator.
type SpecError struct {
	Kind Kind
	Msg  string
}

func (e *SpecError) Error() string { return fmt.Sprintf("operator %s: %s", e.Kind, e.Msg) }

// Build makes a fresh operator instance from a spec. The runtime calls it
// once per subtask, so instances never share mutable state.
func Build(s Spec) (Operator, error) {
	switch s.Kind {
	case KindSource:
		c, err := config[*SourceConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewSource(c))
	case KindValues:
		c, err := config[*ValuesConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewValues(c))
	case KindCalc:
		c, err := config[*CalcConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewCalc(c))
	case KindSort:
		c, err := config[*SortConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewSort(c))
	case KindLimit:
		c, err := config[*LimitConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewLimit(c))
	case KindSink:
		c, err := config[*SinkConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewSink(c))
	case KindCollect:
		c, err := config[*CollectConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewCollect(c))
	case KindHashAgg:
		c, err := config[*AggConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewHashAgg(c))
	case KindSetOp:
		c, err := config[*SetOpConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewSetOp(c))
	case KindExpand:
		c, err := config[*ExpandConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewExpand(c))
	case KindJoin:
		c, err := config[*JoinConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewJoin(c))
	case KindRank:
		c, err := config[*RankConfig](s)
		if err != nil {
			return nil, err
		}
		return NewRank(c)
	case KindDedup:
		c, err := config[*DedupConfig](s)
		if err != nil {
			return nil, err
		}
		return NewDedup(c)
	case KindTemporalSort:
		c, err := config[*TemporalSortConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewTemporalSort(c))
	case KindWindowAgg:
		c, err := config[*WindowAggConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewWindowAgg(c))
	case KindWindowTVF:
		c, err := config[*WindowTVFConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewWindowTVF(c))
	case KindCorrelate:
		c, err := config[*CorrelateConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewCorrelate(c))
	case KindIntervalJoin:
		c, err := config[*IntervalJoinConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewIntervalJoin(c))
	case KindLookupJoin:
		c, err := config[*LookupJoinConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewLookupJoin(c))
	case KindTemporalJoin:
		c, err := config[*TemporalJoinConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewTemporalJoin(c))
	case KindWindowJoin:
		c, err := config[*WindowJoinConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewWindowJoin(c))
	case KindWatermarkAssigner:
		c, err := config[*WatermarkAssignerConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewWatermarkAssigner(c))
	case KindOverAgg:
		c, err := config[*OverConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewOverAgg(c))
	case KindPythonCalc:
		c, err := config[*PythonCalcConfig](s)
		if err != nil {
			return nil, err
		}
		return NewPythonCalc(c)
	case KindPythonCorrelate:
		c, err := config[*PythonCorrelateConfig](s)
		if err != nil {
			return nil, err
		}
		return NewPythonCorrelate(c)
	case KindGroupWindowAgg:
		c, err := config[*GroupWindowConfig](s)
		if err != nil {
			return nil, err
		}
		return built(NewGroupWindow(c))
	case KindPythonTableAgg:
		c, err := config[*PythonTableAggConfig](s)
		if err != nil {
			return nil, err
		}
		return NewPythonTableAgg(c)
	}
	return nil, &SpecError{s.Kind, "unknown operator kind"}
}

// built drops the typed nil a failed constructor returns, so Build never
// hands out a non-nil Operator holding a nil pointer.
func built[T Operator](op T, err error) (Operator, error) {
	if err != nil {
		return nil, err
	}
	return op, nil
}

func config[T any](s Spec) (T, error) {
	c, ok := s.Config.(T)
	if v := reflect.ValueOf(s.Config); !ok || v.Kind() == reflect.Pointer && v.IsNil() {
		var zero T
		return zero, &SpecError{s.Kind, fmt.Sprintf("config is %T, want %T", s.Config, zero)}
	}
	return c, nil
}

// OutputSchema returns the schema an operator spec produces when its config
// states it, or nil (Limit passes its input through and states none).
func OutputSchema(s Spec) *types.Schema {
	switch c := s.Config.(type) {
	case *SourceConfig:
		if c != nil && c.Table != nil {
			return c.Table.Schema
		}
	case *ValuesConfig:
		if c != nil {
			return c.Schema
		}
	case *CalcConfig:
		if c != nil {
			return c.OutSchema
		}
	case *SortConfig:
		if c != nil {
			return c.OutSchema
		}
	case interface{ OutputSchema() *types.Schema }:
		return c.OutputSchema()
	}
	return nil
}

// SourceOperator is an operator that starts a chain: the runtime calls Next
// in a loop instead of feeding it batches. Next returns io.EOF when a
// bounded source is done and (nil, nil) when there is nothing to read yet.
type SourceOperator interface {
	Operator
	Next(ctx context.Context) (*types.Batch, error)
}

// WatermarkCollector is implemented by the collectors the runtime passes to
// operators: an operator that generates watermarks (a watermark assigner)
// emits them with EmitWatermark.
type WatermarkCollector interface {
	Collector
	EmitWatermark(ts int64) error
}

// WatermarkGenerator is implemented by operators that replace the input
// watermarks with their own: the runtime then stops forwarding input
// watermarks at that operator.
type WatermarkGenerator interface {
	GeneratesWatermarks() bool
}

// Finisher is implemented by operators that can tell they need no more
// input (a LIMIT that is full); the runtime then stops the sources of the
// chain early, as if they had ended.
type Finisher interface {
	Done() bool
}
