package ops

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// SortConfig configures a Sort: order by Keys, then keep rows
// [Offset, Offset+Limit) (Limit -1 keeps all).
type SortConfig struct {
	Keys          []kernel.SortKey
	Offset, Limit int64
	OutSchema     *types.Schema
}

// Sort orders a bounded input: it buffers every batch and emits the sorted
// rows when the input ends. With a limit it keeps only the best
// Offset+Limit rows seen so far (a bounded top-N), so memory stays small.
// Like Limit it works per subtask; the planner runs the final one with
// parallelism 1.
type Sort struct {
	BaseOperator
	cfg       *SortConfig
	buf       []*types.Batch
	rows      int
	batchSize int
}

var _ Operator = (*Sort)(nil)

// NewSort makes a Sort.
func NewSort(c *SortConfig) (*Sort, error) {
	if c.Offset < 0 || c.Limit < -1 {
		return nil, &SpecError{KindSort, fmt.Sprintf("invalid offset %d or fetch %d", c.Offset, c.Limit)}
	}
	return &Sort{cfg: c}, nil
}

// Open records the output batch size.
func (s *Sort) Open(ctx *OpContext) error {
	s.batchSize = ctx.BatchSize
	if s.batchSize <= 0 {
		s.batchSize = 4096
	}
	return nil
}

// ProcessBatch buffers b, trimming to the top N when the buffer is twice
// the kept size.
func (s *Sort) ProcessBatch(_ int, b *types.Batch, _ Collector) error {
	if !b.InsertOnly() {
		return fmt.Errorf("%s cannot consume update or delete changes", s)
	}
	if b.Len() == 0 {
		return nil
	}
	for _, k := range s.cfg.Keys {
		if k.Col < 0 || k.Col >= len(b.Cols) {
			return fmt.Errorf("sort key column %d out of range for %d columns", k.Col, len(b.Cols))
		}
	}
	s.buf = append(s.buf, b)
	s.rows += b.Len()
	if keep := s.keep(); keep >= 0 && s.rows >= 2*keep+1024 {
		s.buf = []*types.Batch{s.sorted(0, keep)}
		s.rows = s.buf[0].Len()
	}
	return nil
}

// keep is how many leading sorted rows matter, or -1 for all.
func (s *Sort) keep() int {
	if s.cfg.Limit < 0 {
		return -1
	}
	return int(s.cfg.Offset + s.cfg.Limit)
}

// sorted sorts the buffer and returns its rows [from, to).
func (s *Sort) sorted(from, to int) *types.Batch {
	all := kernel.Concat(s.buf)
	idx := kernel.SortIndices(all.Cols, s.cfg.Keys, all.Len())
	to = min(to, len(idx))
	from = min(from, to)
	return kernel.TakeBatch(all, idx[from:to])
}

// EndInput emits the sorted rows in batches.
func (s *Sort) EndInput(_ int, out Collector) error {
	if s.rows == 0 {
		return nil
	}
	to := s.keep()
	if to < 0 {
		to = s.rows
	}
	res := s.sorted(int(s.cfg.Offset), to)
	s.buf, s.rows = nil, 0
	if s.cfg.OutSchema != nil {
		res = types.NewBatch(s.cfg.OutSchema, res.Cols, res.Kinds, res.Len())
	}
	for i := 0; i < res.Len(); i += s.batchSize {
		if err := out.Emit(res.Slice(i, min(i+s.batchSize, res.Len()))); err != nil {
			return err
		}
	}
	return nil
}

// String prints e.g. Sort(orderBy=[a ASC NULLS FIRST]), or SortLimit(...,
// offset=[0], fetch=[10]) with a limit.
func (s *Sort) String() string {
	keys := make([]string, len(s.cfg.Keys))
	for i, k := range s.cfg.Keys {
		name := fmt.Sprintf("$%d", k.Col)
		if sc := s.cfg.OutSchema; sc != nil && k.Col >= 0 && k.Col < len(sc.Fields) {
			name = sc.Fields[k.Col].Name
		}
		dir, nulls := "ASC", "NULLS LAST"
		if k.Desc {
			dir = "DESC"
		}
		if k.NullsFirst {
			nulls = "NULLS FIRST"
		}
		keys[i] = name + " " + dir + " " + nulls
	}
	order := "orderBy=[" + strings.Join(keys, ", ") + "]"
	if s.cfg.Limit < 0 && s.cfg.Offset == 0 {
		return "Sort(" + order + ")"
	}
	fetch := "unlimited"
	if s.cfg.Limit >= 0 {
		fetch = fmt.Sprint(s.cfg.Limit)
	}
	return fmt.Sprintf("SortLimit(%s, offset=[%d], fetch=[%s])", order, s.cfg.Offset, fetch)
}
