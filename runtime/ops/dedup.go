package ops

import (
	"errors"
	"fmt"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// DedupConfig configures a Deduplicate: per key, keep the first or the
// last row by processing time (arrival) or by a rowtime column, as
// Flink's ProcTimeDeduplicateKeepFirstRowFunction, ...KeepLastRow and
// RowTimeDeduplicateFunction.
type DedupConfig struct {
	InSchema *types.Schema
	Keys     []int
	KeepLast bool
	// Rowtime orders rows by column TimeCol (TIMESTAMP µs) instead of by
	// arrival.
	Rowtime bool
	TimeCol int
	// TTL expires a key's state after this long without access.
	TTL     time.Duration
	Display string
}

// OutputSchema returns the input schema: a deduplicate passes rows.
func (c *DedupConfig) OutputSchema() *types.Schema { return c.InSchema }

// dedup keeps one row per key. Keeping the first row by processing time
// emits each key's first row once (insert-only); the other variants
// replace the kept row when a better one arrives and emit -U of the old
// row and +U of the new one.
type dedup struct {
	BaseOperator
	cfg   *DedupConfig
	ctx   *OpContext
	index *keyIndex
	// per key: the kept row, its rowtime and last access
	refs    []rowRef
	times   []int64
	lastUse []int64
	// rows kept, as in topN: chunks with compaction.
	chunks []*types.Batch
	stored int

	keyBuf   []byte
	outRefs  []rowRef
	outKinds []types.RowKind
}

var (
	_ Operator    = (*dedup)(nil)
	_ Snapshotter = (*dedup)(nil)
)

// NewDedup makes a Deduplicate.
func NewDedup(c *DedupConfig) (Operator, error) {
	if c.InSchema == nil {
		return nil, &SpecError{KindDedup, "no input schema"}
	}
	for _, k := range c.Keys {
		if k < 0 || k >= c.InSchema.Len() {
			return nil, &SpecError{KindDedup, fmt.Sprintf("key %d out of range for %d columns", k, c.InSchema.Len())}
		}
	}
	if c.Rowtime && (c.TimeCol < 0 || c.TimeCol >= c.InSchema.Len() || !c.InSchema.Fields[c.TimeCol].Type.Kind.IsTimestamp()) {
		return nil, &SpecError{KindDedup, fmt.Sprintf("rowtime column %d is not a timestamp", c.TimeCol)}
	}
	return &dedup{cfg: c, index: newKeyIndex()}, nil
}

func (d *dedup) Open(ctx *OpContext) error { d.ctx = ctx; return nil }

// String prints Flink's Deduplicate(keep=[FirstRow], key=[...], order=[ROWTIME]).
func (d *dedup) String() string {
	if d.cfg.Display != "" {
		return d.cfg.Display
	}
	keep, order := "FirstRow", "PROCTIME"
	if d.cfg.KeepLast {
		keep = "LastRow"
	}
	if d.cfg.Rowtime {
		order = "ROWTIME"
	}
	return fmt.Sprintf("Deduplicate(keep=[%s], key=%v, order=[%s])", keep, d.cfg.Keys, order)
}

func (d *dedup) now() int64 {
	if d.ctx != nil && d.ctx.Now != nil {
		return d.ctx.Now()
	}
	return 0
}

// ProcessBatch keeps or replaces each key's row and emits the changes.
func (d *dedup) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	return d.process(b, out, true, nil)
}

// process keeps or replaces each key's row; emit is false on restore,
// where at holds the rows' stored access times (nil: accessed now).
func (d *dedup) process(b *types.Batch, out Collector, emit bool, at *array.Int64) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	if !b.InsertOnly() {
		return fmt.Errorf("%s doesn't support consuming update and delete changes", d)
	}
	chunk := int32(len(d.chunks))
	d.chunks = append(d.chunks, b)
	added := 0
	keyCols := make([]arrow.Array, len(d.cfg.Keys))
	for i, k := range d.cfg.Keys {
		keyCols[i] = b.Cols[k]
	}
	var ts []arrow.Timestamp
	if d.cfg.Rowtime {
		ts = b.Cols[d.cfg.TimeCol].(*array.Timestamp).TimestampValues()
	}
	now := int64(0)
	if d.cfg.TTL > 0 {
		now = d.now()
	}
	for i := 0; i < n; i++ {
		if at != nil && d.cfg.TTL > 0 {
			now = at.Value(i)
		}
		d.keyBuf = kernel.AppendKey(d.keyBuf[:0], keyCols, i)
		key := bytesString(d.keyBuf) // the index copies the key on insert
		h := d.index.hash(key)
		g, found := d.index.lookup(key, h)
		seen := found
		if found && d.cfg.TTL > 0 && now-d.lastUse[g] > d.cfg.TTL.Microseconds() {
			seen = false // expired: the row counts as the key's first
		}
		if !found {
			g = uint32(len(d.refs))
			d.index.insert(key, h, g)
			d.refs = append(d.refs, rowRef{})
			d.times = append(d.times, 0)
			d.lastUse = append(d.lastUse, 0)
		}
		d.lastUse[g] = now
		var t int64
		if ts != nil {
			t = int64(ts[i])
		}
		ref := rowRef{chunk: chunk, row: int32(i)}
		if !seen {
			d.refs[g], d.times[g] = ref, t
			added++
			if emit {
				d.outRefs = append(d.outRefs, ref)
				d.outKinds = append(d.outKinds, types.Insert)
			}
			continue
		}
		var replace bool
		switch {
		case d.cfg.Rowtime && d.cfg.KeepLast:
			replace = t >= d.times[g]
		case d.cfg.Rowtime:
			replace = t < d.times[g]
		default:
			replace = d.cfg.KeepLast
		}
		if !replace {
			continue
		}
		if emit {
			d.outRefs = append(d.outRefs, d.refs[g], ref)
			d.outKinds = append(d.outKinds, types.UpdateBefore, types.UpdateAfter)
		}
		d.refs[g], d.times[g] = ref, t
		added++
	}
	if added == 0 && len(d.outRefs) == 0 {
		d.chunks = d.chunks[:chunk]
	} else {
		d.stored += n
	}
	if len(d.outRefs) > 0 {
		cols := takeRefs(d.cfg.InSchema, d.chunks, d.outRefs)
		kinds := append([]types.RowKind(nil), d.outKinds...)
		ob := types.NewBatch(d.cfg.InSchema, cols, kinds, len(d.outRefs))
		d.outRefs, d.outKinds = d.outRefs[:0], d.outKinds[:0]
		if err := out.Emit(ob); err != nil {
			return err
		}
	}
	if d.stored > 2*len(d.refs)+4096 {
		d.compact()
	}
	return nil
}

// compact copies the kept rows into one chunk.
func (d *dedup) compact() {
	if len(d.refs) == 0 {
		d.chunks, d.stored = nil, 0
		return
	}
	cols := takeRefs(d.cfg.InSchema, d.chunks, d.refs)
	d.chunks = []*types.Batch{types.NewBatch(d.cfg.InSchema, cols, nil, len(d.refs))}
	for g := range d.refs {
		d.refs[g] = rowRef{chunk: 0, row: int32(g)}
	}
	d.stored = len(d.refs)
}

// SnapshotState writes each key's kept row as an Arrow IPC stream of
// input rows; the rowtime is in the row and the key group follows from
// the key. Under state TTL each key's last access follows
// (AccessTimeColumn), and expired keys are left out.
func (d *dedup) SnapshotState(w io.Writer) error {
	schema, refs, at := d.cfg.InSchema, d.refs, []int64(nil)
	if ttl := d.cfg.TTL.Microseconds(); ttl > 0 {
		schema, refs = withAccessTime(schema), nil
		now := d.now()
		for g, ref := range d.refs {
			if now-d.lastUse[g] <= ttl {
				refs, at = append(refs, ref), append(at, d.lastUse[g])
			}
		}
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	for lo := 0; lo < len(refs); lo += 4096 {
		hi := min(lo+4096, len(refs))
		part := refs[lo:hi]
		cols := takeRefs(d.cfg.InSchema, d.chunks, part)
		if at != nil {
			cols = append(cols, int64Array(at[lo:hi]))
		}
		rec := types.NewBatch(schema, cols, nil, len(part)).Record()
		err := wr.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("deduplicate snapshot: %w", err)
		}
	}
	return wr.Close()
}

// RestoreState keeps the snapshot's rows whose key belongs to this
// subtask, without emitting them.
func (d *dedup) RestoreState(r io.Reader) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("deduplicate restore: %w", err)
	}
	defer rd.Release()
	nc := d.cfg.InSchema.Len()
	for rd.Next() {
		rec := rd.RecordBatch()
		at, err := accessTimes(rec, nc, "deduplicate")
		if err != nil {
			return err
		}
		rec.Retain()
		schema := d.cfg.InSchema
		if at != nil {
			schema = withAccessTime(schema)
		}
		b := types.NewBatch(schema, rec.Columns(), nil, int(rec.NumRows()))
		if err := b.Validate(); err != nil {
			return fmt.Errorf("deduplicate restore: %w", err)
		}
		b = ownedRows(d.ctx, d.cfg.Keys, b)
		if at != nil {
			at = b.Cols[nc].(*array.Int64)
			b = types.NewBatch(d.cfg.InSchema, b.Cols[:nc], nil, b.Len())
		}
		if err := d.process(b, nil, false, at); err != nil {
			return fmt.Errorf("deduplicate restore: %w", err)
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("deduplicate restore: %w", err)
	}
	return nil
}
