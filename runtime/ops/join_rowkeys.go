package ops

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// rowKeys holds, for every row of a batch, its join key encoding in one
// reused byte arena and, when wanted, its identity hash, so encoding a
// batch does not allocate per row.
type rowKeys struct {
	buf    []byte
	keyEnd []int32 // row i's key is buf[keyEnd[i-1]:keyEnd[i]]
	ints   []int64 // instead of buf for one integer key column
	intBuf []int64
	nulls  arrow.Array
	never  []bool // a NULL in a key that is not null-safe: never matches
	hashes []uint64
}

// encode fills k for batch b, as integers when intKeys (one integer key
// column); withHashes also computes the rows' identity hashes.
func (k *rowKeys) encode(b *types.Batch, keys []int, nullSafe []bool, intKeys, withHashes bool) {
	n := b.Len()
	kc := pick(b.Cols, keys)
	nulls := anyNulls(kc)
	k.buf, k.keyEnd, k.never, k.ints, k.nulls = k.buf[:0], k.keyEnd[:0], k.never[:0], nil, nil
	if nulls {
		k.nulls = kc[0]
		for i := 0; i < n; i++ {
			k.never = append(k.never, skipRow(kc, nullSafe, i))
		}
	} else {
		k.never = slices.Grow(k.never, n)[:n]
		clear(k.never)
	}
	if intKeys {
		k.ints, _ = intKeyValues(kc[0], k.intBuf)
		if _, view := kc[0].(*array.Int64); !view {
			k.intBuf = k.ints // widened: reuse the buffer next batch
		}
	} else {
		for i := 0; i < n; i++ {
			k.buf = kernel.AppendKey(k.buf, kc, i)
			k.keyEnd = append(k.keyEnd, int32(len(k.buf)))
		}
	}
	if withHashes {
		if cap(k.hashes) < n {
			k.hashes = make([]uint64, n)
		}
		k.hashes = k.hashes[:n]
		kernel.HashColumns(b.Cols, n, k.hashes)
	}
}

func (k *rowKeys) key(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = k.keyEnd[i-1]
	}
	return k.buf[start:k.keyEnd[i]]
}

// isNull reports whether row i's (single, integer) key is NULL.
func (k *rowKeys) isNull(i int) bool { return k.nulls != nil && k.nulls.IsNull(i) }

// hash returns row i's identity hash (0 when not computed).
func (k *rowKeys) hash(i int) uint64 {
	if i < len(k.hashes) {
		return k.hashes[i]
	}
	return 0
}
