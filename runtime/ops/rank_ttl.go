package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// expireIfIdle drops partition g's rows when it has not been accessed for
// longer than the TTL (Flink's state TTL on Top-N state: the expired
// rows are forgotten without output, so the next row starts afresh).
func (t *topN) expireIfIdle(g uint32, now int64) {
	if now-t.lastUse[g] <= t.cfg.TTL.Microseconds() || len(t.parts[g]) == 0 {
		return
	}
	for i := range t.parts[g] {
		t.release(&t.parts[g][i])
	}
	t.parts[g] = t.parts[g][:0]
}

// restoreAccess sets the last access of the partitions of restored rows
// b to their stored one (at; nil keeps the restore's time, which the
// replay of b set).
func (t *topN) restoreAccess(b *types.Batch, at *array.Int64) {
	if at == nil || t.cfg.TTL <= 0 {
		return
	}
	cols := make([]arrow.Array, len(t.cfg.PartitionKeys))
	for i, k := range t.cfg.PartitionKeys {
		cols[i] = b.Cols[k]
	}
	for i := 0; i < b.Len(); i++ {
		t.keyBuf = kernel.AppendKey(t.keyBuf[:0], cols, i)
		t.lastUse[t.group()] = at.Value(i)
	}
}
