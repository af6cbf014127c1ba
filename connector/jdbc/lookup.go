package jdbc

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// lookupBatchKeys is how many distinct keys one lookup query asks for.
const lookupBatchKeys = 256

// lookupSource answers lookup joins with queries: the probe batch's
// distinct keys missing from the cache are fetched with one
// SELECT ... WHERE key IN (...) (or OR of key tuples) per chunk, retried up
// to lookup.max-retries times. Found rows are matched to probe rows by the
// keys' values as the driver sees them (so an INT probe key finds a BIGINT
// column's row).
type lookupSource struct {
	table    *connector.Table
	password string
	o        *options
	keys     []int
	db       *sql.DB
	st       *statements // over all columns; keys = lookup keys
	cache    *partialCache
	buf      []byte
}

func newLookup(t *connector.Table, keys []int) (connector.LookupSource, error) {
	o, err := parseOptions(t)
	if err != nil {
		return nil, err
	}
	if err := checkWritable(t.Schema); err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	l := &lookupSource{table: t, password: t.Options[OptPassword], o: o, keys: keys}
	l.st = newStatements(o.d, o.table, t.Schema.Names(), keys)
	if o.cache {
		l.cache = newPartialCache(o.cacheMaxRows, o.cacheExpireWrite, o.cacheExpireAccess)
	}
	return l, nil
}

// Open connects to the database.
func (l *lookupSource) Open(ctx context.Context, _ connector.Task) error {
	db, err := connect(ctx, l.table.Name, l.o, l.password)
	if err != nil {
		return err
	}
	l.db = db
	return nil
}

// Lookup finds the rows of each probe key, from the cache or the database.
func (l *lookupSource) Lookup(ctx context.Context, keys []arrow.Array, n int) (*types.Batch, []int32, error) {
	keyTypes := make([]types.DataType, len(l.keys))
	for i, k := range l.keys {
		keyTypes[i] = l.table.Schema.Fields[k].Type
	}
	// Distinct probe keys, their bound values, and which are cached.
	probeKey := make([]string, n)
	found := map[string]cachedRows{}
	var missing []string
	args := map[string][]any{}
	for i := 0; i < n; i++ {
		vals := make([]any, len(keys))
		null := false
		for c, col := range keys {
			v, err := l.o.d.argOf(col, keyTypes[c], i)
			if err != nil {
				return nil, nil, err
			}
			null = null || v == nil
			vals[c] = v
		}
		if null {
			continue // a NULL key finds nothing
		}
		k := l.keyString(vals)
		probeKey[i] = k
		if _, seen := args[k]; seen {
			continue
		}
		args[k] = vals
		if l.cache != nil {
			if rows, ok := l.cache.get(k); ok {
				found[k] = rows
				continue
			}
		}
		missing = append(missing, k)
	}
	for start := 0; start < len(missing); start += lookupBatchKeys {
		chunk := missing[start:min(len(missing), start+lookupBatchKeys)]
		if err := l.fetch(ctx, chunk, args, found); err != nil {
			return nil, nil, err
		}
	}
	return l.assemble(probeKey, found)
}

// fetch queries the rows of keys and records them in found (and the cache).
func (l *lookupSource) fetch(ctx context.Context, keys []string, args map[string][]any, found map[string]cachedRows) error {
	q := l.st.selectSQL(l.st.keysWhere(len(keys)))
	bound := make([]any, 0, len(keys)*len(l.keys))
	for _, k := range keys {
		bound = append(bound, args[k]...)
	}
	var batch *types.Batch
	attempts, err := retry(ctx, l.o.lookupRetries, l.o.maxRetryTimeout, func() error {
		var e error
		batch, e = l.query(ctx, q, bound)
		return e
	})
	if err != nil {
		return &StatementError{Table: l.table.Name, Op: "lookup", Attempts: attempts, Err: scrub(err, l.password)}
	}
	byKey := map[string][]int32{}
	vals := make([]any, len(l.keys))
	for r := 0; r < batch.Len(); r++ {
		for c, k := range l.keys {
			vals[c], _ = l.o.d.argOf(batch.Cols[k], l.table.Schema.Fields[k].Type, r)
		}
		k := l.keyString(vals)
		byKey[k] = append(byKey[k], int32(r))
	}
	for _, k := range keys {
		rows := cachedRows{batch: batch, rows: byKey[k]}
		found[k] = rows
		if l.cache != nil && (len(rows.rows) > 0 || l.o.cacheMissing) {
			l.cache.put(k, rows)
		}
	}
	return nil
}

// query runs q and reads all its rows into one batch of the table schema,
// with the scan source's reading loop (one batch of unbounded size).
func (l *lookupSource) query(ctx context.Context, q string, args []any) (*types.Batch, error) {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	src := &source{table: l.table, o: l.o, out: l.table.Schema, rows: rows, batch: math.MaxInt32}
	src.cols = make([]int, l.table.Schema.Len())
	src.cells = make([]any, len(src.cols))
	src.ptrs = make([]any, len(src.cols))
	for i := range src.cells {
		src.ptrs[i] = &src.cells[i]
	}
	defer src.Close()
	b, err := src.Next(ctx)
	if err == io.EOF {
		return types.NewBatch(l.table.Schema, emptyCols(l.table.Schema), nil, 0), nil
	}
	return b, err
}

// assemble gathers the rows found for each probe row, in probe order.
// Consecutive rows from one result batch are taken at once, so a batch of
// probes answered by one query (or by entries cached from it) costs one
// Take per column.
func (l *lookupSource) assemble(probeKey []string, found map[string]cachedRows) (*types.Batch, []int32, error) {
	type run struct {
		batch *types.Batch
		rows  []int32
	}
	var probe []int32
	var runs []run
	for i, k := range probeKey {
		if k == "" {
			continue
		}
		rows := found[k]
		if len(rows.rows) == 0 {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].batch == rows.batch {
			runs[n-1].rows = append(runs[n-1].rows, rows.rows...)
		} else {
			runs = append(runs, run{rows.batch, append([]int32(nil), rows.rows...)})
		}
		for range rows.rows {
			probe = append(probe, int32(i))
		}
	}
	cols := emptyCols(l.table.Schema)
	parts := make([]arrow.Array, len(runs))
	for c := range cols {
		for r, run := range runs {
			parts[r] = kernel.Take(run.batch.Cols[c], run.rows)
		}
		switch len(parts) {
		case 0:
		case 1:
			cols[c] = parts[0]
		default:
			all, err := array.Concatenate(parts, memory.DefaultAllocator)
			if err != nil {
				return nil, nil, fmt.Errorf("lookup table %s: %w", l.table.Name, err)
			}
			cols[c] = all
		}
	}
	return types.NewBatch(l.table.Schema, cols, nil, len(probe)), probe, nil
}

func emptyCols(s *types.Schema) []arrow.Array {
	cols := make([]arrow.Array, s.Len())
	for i, f := range s.Fields {
		cols[i] = array.MakeArrayOfNull(memory.DefaultAllocator, types.ArrowType(f.Type), 0)
	}
	return cols
}

// keyString encodes bound key values so equal values of different
// integer widths (INT probe, BIGINT column) encode alike.
func (l *lookupSource) keyString(vals []any) string {
	b := l.buf[:0]
	for _, v := range vals {
		switch x := v.(type) {
		case int64:
			b = strconv.AppendInt(append(b, 'i'), x, 10)
		case float64:
			b = strconv.AppendFloat(append(b, 'f'), x, 'g', -1, 64)
		case bool:
			b = strconv.AppendBool(append(b, 'b'), x)
		case string:
			b = append(append(b, 's'), x...)
		case []byte:
			b = append(append(b, 'y'), x...)
		case time.Time:
			b = strconv.AppendInt(append(b, 't'), x.UnixMicro(), 10)
		default:
			b = fmt.Appendf(append(b, '?'), "%v", x)
		}
		b = append(b, 0)
	}
	l.buf = b
	return string(b)
}

// Close closes the connection pool.
func (l *lookupSource) Close() error {
	if l.db != nil {
		err := l.db.Close()
		l.db = nil
		return err
	}
	return nil
}
