package ops

import (
	"fmt"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// SetOpKind is a set operation between two inputs.
type SetOpKind uint8

// The set operations (UNION is a plain union of inputs and needs no
// operator of its own; UNION DISTINCT adds an aggregation).
const (
	Intersect SetOpKind = iota
	Except
)

// SetOpConfig configures INTERSECT [ALL] / EXCEPT [ALL] between input 0
// (left) and input 1 (right), both of Schema.
type SetOpConfig struct {
	Op     SetOpKind
	All    bool
	Schema *types.Schema
}

// OutputSchema returns the schema of both inputs and of the output.
func (c *SetOpConfig) OutputSchema() *types.Schema { return c.Schema }

// setOp is a two-input batch operator with SQL multiset semantics: a row
// occurring l times on the left and r times on the right is emitted
// min(l, r) times by INTERSECT ALL and max(l-r, 0) times by EXCEPT ALL;
// INTERSECT emits it once if both sides have it, EXCEPT once if only the
// left has it. NULLs compare
// equal. Output keeps the left input's order of first occurrence.
type setOp struct {
	BaseOperator
	cfg     *SetOpConfig
	left    []*types.Batch
	right   map[string]int64
	ended   [2]bool
	emitted bool
	buf     []byte
}

var _ Operator = (*setOp)(nil)

// SetOpConfigError reports a SetOpConfig that cannot run.
type SetOpConfigError struct{ Msg string }

func (e *SetOpConfigError) Error() string { return "set operation: " + e.Msg }

// NewSetOp returns an INTERSECT / EXCEPT operator for cfg.
func NewSetOp(cfg *SetOpConfig) (Operator, error) {
	if cfg == nil || cfg.Schema == nil {
		return nil, &SetOpConfigError{"missing schema"}
	}
	if cfg.Op != Intersect && cfg.Op != Except {
		return nil, &SetOpConfigError{fmt.Sprintf("unknown operation %d", cfg.Op)}
	}
	return &setOp{cfg: cfg, right: map[string]int64{}}, nil
}

// ProcessBatch keeps left rows and counts right rows.
func (s *setOp) ProcessBatch(input int, b *types.Batch, _ Collector) error {
	if b.Len() == 0 {
		return nil
	}
	if input == 0 {
		s.left = append(s.left, b)
		return nil
	}
	for i := 0; i < b.Len(); i++ {
		s.buf = kernel.AppendKey(s.buf[:0], b.Cols, i)
		if n, ok := s.right[string(s.buf)]; ok {
			s.right[string(s.buf)] = n + 1
		} else {
			s.right[string(s.buf)] = 1
		}
	}
	return nil
}

// EndInput emits the result once both inputs have ended.
func (s *setOp) EndInput(input int, out Collector) error {
	if input >= 0 && input < 2 {
		s.ended[input] = true
	}
	if !s.ended[0] || !s.ended[1] || s.emitted {
		return nil
	}
	s.emitted = true
	left := kernel.Concat(s.left)
	s.left = nil
	if left == nil {
		return nil
	}
	type entry struct {
		first int32
		n     int64
	}
	seen := map[string]*entry{}
	var order []*entry
	var keys []string
	for i := 0; i < left.Len(); i++ {
		s.buf = kernel.AppendKey(s.buf[:0], left.Cols, i)
		e := seen[string(s.buf)]
		if e == nil {
			e = &entry{first: int32(i)}
			k := string(s.buf)
			seen[k] = e
			order, keys = append(order, e), append(keys, k)
		}
		e.n++
	}
	var idx []int32
	for j, e := range order {
		r := s.right[keys[j]]
		var n int64
		switch {
		case s.cfg.Op == Intersect:
			n = min(e.n, r)
		case s.cfg.All:
			n = max(e.n-r, 0)
		case r == 0:
			n = 1
		}
		if !s.cfg.All {
			n = min(n, 1)
		}
		for ; n > 0; n-- {
			idx = append(idx, e.first)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	res := kernel.TakeBatch(types.NewBatch(s.cfg.Schema, left.Cols, nil, left.Len()), idx)
	return out.Emit(res)
}

// String prints the operator as Calcite names it: Intersect(all=[false]) or
// Minus(all=[true]).
func (s *setOp) String() string {
	name := "Intersect"
	if s.cfg.Op == Except {
		name = "Minus"
	}
	return fmt.Sprintf("%s(all=[%t])", name, s.cfg.All)
}
