package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// AccessTimeColumn names the BIGINT column that ends the keyed snapshot of
// an operator under state TTL: each entry's last access (processing time,
// µs since the epoch). Flink stores the TTL timestamp with the state
// value, so a restored entry expires at the same processing time as it
// would have without the restore; Spry does the same. A snapshot without
// the column (written without TTL, or by an earlier engine of format
// version 1) restores its entries as accessed at the restore.
const AccessTimeColumn = "$ttl_access"

// withAccessTime returns schema with the access-time column appended.
func withAccessTime(s *types.Schema) *types.Schema {
	fs := append(append([]types.Field(nil), s.Fields...),
		types.Field{Name: AccessTimeColumn, Type: types.BigInt.NotNullable()})
	return types.NewSchema(fs...)
}

// accessTimes checks the width of a restored record against base, the
// number of columns its operator writes without TTL, and returns its
// access-time column: nil when the record has none. what names the
// operator in errors.
func accessTimes(rec arrow.RecordBatch, base int, what string) (*array.Int64, error) {
	n := int(rec.NumCols())
	switch {
	case n == base:
		return nil, nil
	case n == base+1 && rec.Schema().Field(base).Name == AccessTimeColumn:
		at, ok := rec.Column(base).(*array.Int64)
		if !ok {
			return nil, fmt.Errorf("%s restore: column %s is %s, want int64", what, AccessTimeColumn, rec.Column(base).DataType())
		}
		return at, nil
	}
	return nil, fmt.Errorf("%s restore: snapshot has %d columns, operator needs %d (or %d with %s)", what, n, base, base+1, AccessTimeColumn)
}

// restoredAccess returns the access time of row i of a restored record:
// its stored one, or now when the snapshot has none.
func restoredAccess(at *array.Int64, i int, now int64) int64 {
	if at == nil {
		return now
	}
	return at.Value(i)
}
