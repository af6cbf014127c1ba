package ops

import (
	"cmp"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// bufferRowtime keeps rows until the watermark passes them, dropping (and
// counting) rows that are late: rowtime at or before the watermark this
// operator has already processed, or NULL.
func (o *overAgg) bufferRowtime(b *types.Batch) error {
	ts, ok := b.Cols[o.cfg.RowtimeCol].(*array.Timestamp)
	if !ok {
		return &SpecError{KindOverAgg, "rowtime column is not a TIMESTAMP"}
	}
	n := b.Len()
	late := 0
	for i := 0; i < n; i++ {
		if ts.IsNull(i) || int64(ts.Value(i)) <= o.watermark {
			late++
		}
	}
	if late > 0 {
		o.late.Add(int64(late))
		if late == n {
			return nil
		}
		keep := make([]int32, 0, n-late)
		for i := 0; i < n; i++ {
			if !ts.IsNull(i) && int64(ts.Value(i)) > o.watermark {
				keep = append(keep, int32(i))
			}
		}
		b = kernel.TakeBatch(b, keep)
	}
	o.pending = append(o.pending, b)
	return nil
}

// ProcessWatermark emits, in rowtime order per partition, every buffered
// row the watermark has passed.
func (o *overAgg) ProcessWatermark(wm int64, out Collector) error {
	if !o.cfg.Streaming || o.cfg.RowtimeCol < 0 || wm <= o.watermark {
		return nil
	}
	var ready, rest []*types.Batch
	for _, b := range o.pending {
		ts := b.Cols[o.cfg.RowtimeCol].(*array.Timestamp).TimestampValues()
		var now, later []int32
		for i, v := range ts {
			if int64(v) <= wm {
				now = append(now, int32(i))
			} else {
				later = append(later, int32(i))
			}
		}
		switch {
		case len(later) == 0:
			ready = append(ready, b)
		case len(now) == 0:
			rest = append(rest, b)
		default:
			ready = append(ready, kernel.TakeBatch(b, now))
			rest = append(rest, kernel.TakeBatch(b, later))
		}
	}
	o.pending = rest
	o.watermark = wm
	if len(ready) == 0 {
		return nil
	}
	return o.emitStream(kernel.Concat(ready), out)
}

// emitStream computes and emits the results of rows that are ready (in
// arrival order for proctime), with the retained rows of their partitions
// as context for bounded frames, then updates the per-partition state.
func (o *overAgg) emitStream(b *types.Batch, out Collector) error {
	n := b.Len()
	pids := make([]uint32, n)
	keys := make([]arrow.Array, len(o.cfg.PartitionKeys))
	for i, k := range o.cfg.PartitionKeys {
		keys[i] = b.Cols[k]
	}
	o.parts.assign(keys, n, pids)
	o.touch(pids)
	unbounded := o.cfg.Start.Unbounded && !o.cfg.Start.Following
	comb, cpid, old := b, pids, 0
	if !unbounded && o.retained != nil && o.retained.Len() > 0 {
		old = o.retained.Len()
		comb = kernel.Concat([]*types.Batch{o.retained, b})
		cpid = append(append(make([]uint32, 0, old+n), o.retainedPid...), pids...)
	}
	idx := o.streamOrder(b, pids, old)
	sorted := kernel.TakeBatch(comb, idx)
	spid := make([]uint32, len(idx))
	var outRows []int32
	for k, i := range idx {
		spid[k] = cpid[i]
		if int(i) >= old {
			outRows = append(outRows, int32(k))
		}
	}
	segStart := o.scratch.segmentsOf(spid)
	var seed overSeed
	if unbounded {
		seed = func(c int, rows []int32) ([]int32, []arrow.Array, error) {
			return o.seedState(c, spid, rows)
		}
	}
	o.seedPid = nil
	if unbounded {
		o.seedPid = spid
	}
	res, err := o.evaluate(sorted, segStart, outRowsOrAll(outRows, old), seed)
	o.seedPid = nil
	if err != nil {
		return err
	}
	emitted := sorted
	if old > 0 {
		emitted = kernel.TakeBatch(sorted, outRows)
	}
	if unbounded {
		if err := o.advanceRunning(emitted, spid); err != nil {
			return err
		}
	} else {
		o.retain(sorted, spid, segStart)
	}
	return o.emit(emitted, 0, res, out)
}

func outRowsOrAll(rows []int32, old int) []int32 {
	if old == 0 {
		return nil
	}
	return rows
}

// seedState returns, for the given partition-start rows whose partition
// has earlier rows, call c's running state.
func (o *overAgg) seedState(c int, spid []uint32, rows []int32) ([]int32, []arrow.Array, error) {
	kept := rows[:0:0]
	groups := make([]uint32, 0, len(rows))
	for _, r := range rows {
		if int(spid[r]) < len(o.seen) && o.seen[spid[r]] {
			kept = append(kept, r)
			groups = append(groups, spid[r])
		}
	}
	if len(kept) == 0 {
		return nil, nil, nil
	}
	st, err := o.running[c].State(groups)
	return kept, st, err
}

// advanceRunning folds the emitted rows (sorted by partition) into the
// running accumulators of the unbounded frames.
func (o *overAgg) advanceRunning(b *types.Batch, spid []uint32) error {
	for c, call := range o.cfg.Calls {
		if o.running[c] == nil {
			continue
		}
		args := make([]arrow.Array, len(call.Args))
		for j, a := range call.Args {
			args[j] = b.Cols[a]
		}
		if err := o.running[c].Update(o.ctx, spid, args, nil); err != nil {
			return err
		}
	}
	for _, p := range spid {
		for int(p) >= len(o.seen) {
			o.seen = append(o.seen, false)
		}
		o.seen[p] = true
	}
	return nil
}

// retain keeps, per partition, the rows a later row's bounded frame can
// reach: the last N rows for ROWS N PRECEDING; for RANGE, the rows whose
// key is within the offset of the partition's largest key (later rows
// have larger keys).
func (o *overAgg) retain(sorted *types.Batch, spid []uint32, segStart []int32) {
	s := &o.scratch
	n := sorted.Len()
	st := o.cfg.Start
	var keep []int32
	if !st.Current && !st.Following {
		for i := 0; i < n; i++ {
			end := int(s.segEnd[i])
			if o.cfg.Rows {
				if int64(end-i) <= st.Offset {
					keep = append(keep, int32(i))
				}
				continue
			}
			last := end - 1
			if s.ordValid[i] && s.ordValid[last] && s.ord[i] >= shift(s.ord[last], st) {
				keep = append(keep, int32(i))
			}
		}
	}
	if len(keep) == 0 {
		o.retained, o.retainedPid = nil, nil
		return
	}
	o.retained = takeRetained(sorted, keep)
	o.retainedPid = make([]uint32, len(keep))
	for i, k := range keep {
		o.retainedPid[i] = spid[k]
	}
}

// overKey orders a new row: by partition, rowtime, then arrival.
type overKey struct {
	pid uint32
	idx int32
	ts  int64
}

// streamOrder returns the emission order of the retained rows (the
// first old rows, already sorted by partition) followed by the new rows
// of b: each partition's retained rows, then its new rows by rowtime (by
// arrival for processing time). The new rows are sorted on plain keys,
// the retained ones merged in linearly.
func (o *overAgg) streamOrder(b *types.Batch, pids []uint32, old int) []int32 {
	n := b.Len()
	keys := o.scratch.keys[:0]
	var ts []arrow.Timestamp
	if o.cfg.RowtimeCol >= 0 {
		ts = b.Cols[o.cfg.RowtimeCol].(*array.Timestamp).TimestampValues()
	}
	for i := 0; i < n; i++ {
		k := overKey{pid: pids[i], idx: int32(i)}
		if ts != nil {
			k.ts = int64(ts[i])
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b overKey) int {
		if c := cmp.Compare(a.pid, b.pid); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ts, b.ts); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
	o.scratch.keys = keys
	idx := make([]int32, 0, old+n)
	r := 0
	for _, k := range keys {
		for r < old && o.retainedPid[r] <= k.pid {
			idx = append(idx, int32(r))
			r++
		}
		idx = append(idx, int32(old)+k.idx)
	}
	for ; r < old; r++ {
		idx = append(idx, int32(r))
	}
	return idx
}

// takeRetained keeps rows keep of b (nil when none).
func takeRetained(b *types.Batch, keep []int32) *types.Batch {
	if len(keep) == 0 {
		return nil
	}
	return kernel.TakeBatch(b, keep)
}
