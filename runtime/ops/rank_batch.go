package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// rankRows ranks a bounded set of rows: it sorts them by partition, then
// order keys, numbers each partition's rows as the ranking function
// does, and returns the rows whose rank is in range (with the rank column
// when the config outputs it), partition by partition in rank order.
func rankRows(c *RankConfig, b *types.Batch) *types.Batch {
	n := b.Len()
	if n == 0 {
		return nil
	}
	keys := make([]kernel.SortKey, 0, len(c.PartitionKeys)+len(c.OrderKeys))
	for _, k := range c.PartitionKeys {
		keys = append(keys, kernel.SortKey{Col: k})
	}
	keys = append(keys, c.OrderKeys...)
	idx := kernel.SortIndices(b.Cols, keys, n)
	samePart := rowsEqualOn(b.Cols, keys[:len(c.PartitionKeys)])
	sameOrder := rowsEqualOn(b.Cols, c.OrderKeys)
	if c.TieLast {
		reverseTies(idx, samePart, sameOrder)
	}
	var keep []int32
	var ranks []int64
	var rowNum, rank, dense int64
	for i, r := range idx {
		if i == 0 || !samePart(int(idx[i-1]), int(r)) {
			rowNum, rank, dense = 0, 0, 0
		}
		rowNum++
		if rowNum == 1 || !sameOrder(int(idx[i-1]), int(r)) {
			rank, dense = rowNum, dense+1
		}
		v := rowNum
		switch c.Type {
		case RankRank:
			v = rank
		case DenseRank:
			v = dense
		}
		if v >= c.RankStart && v <= c.RankEnd {
			keep = append(keep, r)
			ranks = append(ranks, v)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	cols := make([]arrow.Array, 0, len(b.Cols)+1)
	for _, col := range b.Cols {
		cols = append(cols, kernel.Take(col, keep))
	}
	if c.OutputRankNumber {
		cols = append(cols, int64Array(ranks))
	}
	return types.NewBatch(c.OutputSchema(), cols, nil, len(keep))
}

// rowsEqualOn returns whether two rows agree on the key columns (always
// true without keys).
func rowsEqualOn(cols []arrow.Array, keys []kernel.SortKey) func(i, j int) bool {
	if len(keys) == 0 {
		return func(int, int) bool { return true }
	}
	cmp := kernel.NewComparator(cols, cols, keys)
	return func(i, j int) bool { return cmp(i, j) == 0 }
}

// reverseTies reverses each run of rows equal on partition and order
// keys, so the latest arrival of a tie comes first.
func reverseTies(idx []int32, samePart, sameOrder func(i, j int) bool) {
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && samePart(int(idx[lo]), int(idx[hi])) && sameOrder(int(idx[lo]), int(idx[hi])) {
			hi++
		}
		for a, z := lo, hi-1; a < z; a, z = a+1, z-1 {
			idx[a], idx[z] = idx[z], idx[a]
		}
		lo = hi
	}
}

// batchRank is Rank in batch mode: it buffers the bounded input and emits
// the ranked rows at its end, insert-only.
type batchRank struct {
	BaseOperator
	cfg       *RankConfig
	buf       []*types.Batch
	batchSize int
}

func (r *batchRank) Open(ctx *OpContext) error {
	r.batchSize = ctx.BatchSize
	if r.batchSize <= 0 {
		r.batchSize = 4096
	}
	return nil
}

func (r *batchRank) ProcessBatch(_ int, b *types.Batch, _ Collector) error {
	if b.Len() > 0 {
		r.buf = append(r.buf, b)
	}
	return nil
}

func (r *batchRank) EndInput(_ int, out Collector) error {
	if len(r.buf) == 0 {
		return nil
	}
	res := rankRows(r.cfg, kernel.Concat(r.buf))
	r.buf = nil
	return emitRanked(res, r.batchSize, out)
}

func (r *batchRank) String() string { return r.cfg.describe() }

// emitRanked emits b (which may be nil) in batches of at most size rows.
func emitRanked(b *types.Batch, size int, out Collector) error {
	if b == nil {
		return nil
	}
	for i := 0; i < b.Len(); i += size {
		if err := out.Emit(b.Slice(i, min(i+size, b.Len()))); err != nil {
			return err
		}
	}
	return nil
}
