package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// LookupSource answers key lookups into a table, for processing-time
// lookup joins (Flink's LookupTableSource): a left row's key is looked up
// when the row arrives and joined with the rows found.
type LookupSource interface {
	Open(ctx context.Context, task Task) error
	// Lookup finds, for each of the n probe rows whose key values are the
	// columns keys (one per lookup key column, in order), the table's rows
	// with equal keys. It returns the found rows (in the table's schema)
	// and, for each, the probe row it belongs to, grouped by probe row in
	// ascending order. A probe row with a NULL key finds nothing.
	Lookup(ctx context.Context, keys []arrow.Array, n int) (rows *types.Batch, probe []int32, err error)
	Close() error
}

// LookupFactory builds a lookup source for table t on the given key
// columns (indexes into t.Schema).
type LookupFactory func(t *Table, keys []int) (LookupSource, error)

var (
	lookupMu sync.RWMutex
	lookups  = map[string]LookupFactory{}
)

// RegisterLookup declares that connector name can serve lookup joins
// (Flink's SupportsLookup capability); connectors call it in init.
func RegisterLookup(name string, f LookupFactory) {
	lookupMu.Lock()
	defer lookupMu.Unlock()
	lookups[name] = f
}

// SupportsLookup reports whether connector name serves lookup joins.
func SupportsLookup(name string) bool {
	lookupMu.RLock()
	defer lookupMu.RUnlock()
	return lookups[name] != nil
}

// NewLookup builds the lookup source of table t (whose 'connector' option
// names the connector) on key columns keys.
func NewLookup(t *Table, keys []int) (LookupSource, error) {
	name := t.Options["connector"]
	lookupMu.RLock()
	f := lookups[name]
	lookupMu.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("connector '%s' of table %s does not support lookups", name, t.Name)
	}
	return f(t, keys)
}

// LoadingLookup is a LookupFactory for bounded sources: on Open it reads
// the whole table once through the connector's own source into memory and
// indexes it by key. It suits small dimension tables (values, files);
// connectors to databases implement LookupSource with queries instead.
func LoadingLookup(newSource func(*Table) (Source, error)) LookupFactory {
	return func(t *Table, keys []int) (LookupSource, error) {
		src, err := newSource(t)
		if err != nil {
			return nil, err
		}
		return &loadedLookup{table: t, src: src, keys: keys}, nil
	}
}

// loadedLookup is a table read into memory and indexed by key: rows live
// in the source's batches, the index maps a key's encoding to its rows.
type loadedLookup struct {
	table  *Table
	src    Source
	keys   []int
	schema *types.Schema
	chunks []*types.Batch
	index  map[string][]rowAt
	buf    []byte
}

type rowAt struct{ chunk, row int32 }

// Open reads the table (every split of it: the lookup sees all rows).
func (l *loadedLookup) Open(ctx context.Context, _ Task) error {
	if err := l.src.Open(ctx, Task{Subtask: 0, Parallelism: 1, BatchSize: 4096}); err != nil {
		return err
	}
	defer l.src.Close()
	l.index = map[string][]rowAt{}
	for {
		b, err := l.src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("loading lookup table %s: %w", l.table.Name, err)
		}
		if b == nil || b.Len() == 0 {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		if l.schema == nil {
			l.schema = b.Schema
		}
		c := int32(len(l.chunks))
		l.chunks = append(l.chunks, b)
		kc := make([]arrow.Array, len(l.keys))
		for i, k := range l.keys {
			kc[i] = b.Cols[k]
		}
		for r := 0; r < b.Len(); r++ {
			if anyNull(kc, r) {
				continue
			}
			l.buf = kernel.AppendKey(l.buf[:0], kc, r)
			l.index[string(l.buf)] = append(l.index[string(l.buf)], rowAt{c, int32(r)})
		}
	}
	if l.schema == nil {
		l.schema = l.table.Schema
	}
	return nil
}

func anyNull(cols []arrow.Array, r int) bool {
	for _, c := range cols {
		if c.IsNull(r) {
			return true
		}
	}
	return false
}

// Lookup finds each probe key's rows in the index.
func (l *loadedLookup) Lookup(_ context.Context, keys []arrow.Array, n int) (*types.Batch, []int32, error) {
	var probe []int32
	var found []rowAt
	for i := 0; i < n; i++ {
		if anyNull(keys, i) {
			continue
		}
		l.buf = kernel.AppendKey(l.buf[:0], keys, i)
		for _, at := range l.index[string(l.buf)] {
			probe = append(probe, int32(i))
			found = append(found, at)
		}
	}
	rows, err := l.gather(found)
	return rows, probe, err
}

// gather copies the found rows into one batch: runs of rows from one
// chunk are taken at once and the parts concatenated.
func (l *loadedLookup) gather(found []rowAt) (*types.Batch, error) {
	type run struct {
		chunk int32
		rows  []int32
	}
	var runs []run
	for _, at := range found {
		if n := len(runs); n > 0 && runs[n-1].chunk == at.chunk {
			runs[n-1].rows = append(runs[n-1].rows, at.row)
			continue
		}
		runs = append(runs, run{chunk: at.chunk, rows: []int32{at.row}})
	}
	cols := make([]arrow.Array, l.schema.Len())
	parts := make([]arrow.Array, len(runs))
	for c := range cols {
		for i, r := range runs {
			parts[i] = kernel.Take(l.chunks[r.chunk].Cols[c], r.rows)
		}
		switch len(parts) {
		case 0:
			cols[c] = array.MakeArrayOfNull(memory.DefaultAllocator, types.ArrowType(l.schema.Fields[c].Type), 0)
		case 1:
			cols[c] = parts[0]
		default:
			all, err := array.Concatenate(parts, memory.DefaultAllocator)
			if err != nil {
				return nil, fmt.Errorf("lookup table %s: %w", l.table.Name, err)
			}
			cols[c] = all
		}
	}
	return types.NewBatch(l.schema, cols, nil, len(found)), nil
}

// Close releases the loaded rows.
func (l *loadedLookup) Close() error {
	l.chunks, l.index = nil, nil
	return nil
}
