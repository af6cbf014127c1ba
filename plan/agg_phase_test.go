package plan

import (
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// stubFactory is an accumulator factory that is never run: the phase rule
// only checks that partial state can be shipped.
type stubFactory struct{}

func (stubFactory) New() expr.Accumulator        { return nil }
func (stubFactory) StateTypes() []types.DataType { return []types.DataType{types.BigInt} }

func TestAggPhaseStrategyMiniBatch(t *testing.T) {
	in := &Values{Out: types.NewSchema(types.Field{Name: "k", Type: types.String})}
	agg := func(distinct bool) *Aggregate {
		return &Aggregate{Input: in, GroupKeys: []int{0}, Calls: []AggCall{{Factory: stubFactory{}, Filter: -1, Distinct: distinct, Type: types.BigInt, Name: "c"}}}
	}
	tests := []struct {
		name      string
		streaming bool
		miniBatch bool
		strategy  AggStrategy
		distinct  bool
		want      AggStrategy
	}{
		{"batch auto", false, false, AggAuto, false, AggTwoPhase},
		{"streaming auto", true, false, AggAuto, false, AggOnePhase},
		{"streaming auto mini-batch", true, true, AggAuto, false, AggTwoPhase},
		{"streaming two-phase without mini-batch", true, false, AggTwoPhase, false, AggOnePhase},
		{"streaming one-phase mini-batch", true, true, AggOnePhase, false, AggOnePhase},
		{"distinct", false, false, AggTwoPhase, true, AggOnePhase},
	}
	for _, tc := range tests {
		cfg := Config{Streaming: tc.streaming, MiniBatch: tc.miniBatch, AggPhaseStrategy: tc.strategy}
		out, _, err := AggPhaseStrategy{}.Apply(agg(tc.distinct), cfg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := out.(*Aggregate).Strategy; got != tc.want {
			t.Errorf("%s: strategy %v, want %v", tc.name, got, tc.want)
		}
	}
}
