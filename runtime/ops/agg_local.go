package ops

import (
	"time"

	"github.com/spry-engine/spry/types"
)

// BufferingOperator is implemented by operators that hold input back to
// emit it in bundles: the local phase of mini-batch aggregation, which
// pre-aggregates many input batches into one output batch. The runtime
// calls FlushBuffered whenever its input runs dry (an idle source, an
// empty inbox), so held rows never wait for input that is not coming.
type BufferingOperator interface {
	Operator
	FlushBuffered(out Collector) error
}

var _ BufferingOperator = (*hashAgg)(nil)

// Default bounds of a local aggregation bundle, used when the session does
// not set Flink's count bundle trigger (table.exec.mini-batch.size) and
// allow-latency (AggConfig.BundleRows, BundleLatency): a bundle is emitted
// once it holds localBundleRows input rows or is localBundleAge old.
var (
	localBundleRows = 16384
	localBundleAge  = 50 * time.Millisecond
)

// localKeepGroups bounds the keys a streaming local aggregation keeps
// between bundles. Keeping them saves re-inserting (and copying) every
// key in every bundle; past the bound the table is cleared, as Flink's
// local aggregate clears its buffer, so memory stays bounded for keys of
// high cardinality.
var localKeepGroups = 1 << 16

// localState is the bundle a streaming local aggregation is building.
type localState struct {
	touched []uint32 // groups with state in this bundle, marked with epoch
	rows    int
	started time.Time
}

// localBundle pre-aggregates a batch into the current bundle and emits the
// bundle when it is full or old enough.
func (a *hashAgg) localBundle(b *types.Batch, retract []bool, out Collector) error {
	if err := a.update(b, nil, retract, 0, b.Len()); err != nil {
		return err
	}
	l := &a.local
	if l.rows == 0 && len(l.touched) == 0 {
		l.started = time.Now()
	}
	for i, g := range a.groups[:b.Len()] {
		if a.mark[g] != a.epoch {
			a.mark[g] = a.epoch
			l.touched = append(l.touched, g)
		}
		if retract != nil && retract[i] {
			a.rowCnt[g]--
		} else {
			a.rowCnt[g]++
		}
	}
	l.rows += b.Len()
	rows, age := localBundleRows, localBundleAge
	if a.cfg.BundleRows > 0 {
		rows = a.cfg.BundleRows
	}
	if a.cfg.BundleLatency > 0 {
		age = a.cfg.BundleLatency
	}
	if l.rows >= rows || time.Since(l.started) >= age {
		return a.emitLocal(out)
	}
	return nil
}

// emitLocal emits each group of the bundle with its state and row count
// as +I, then clears them (Flink's local group aggregate emits and clears
// once per bundle). The groups' keys stay in the table for the next one.
func (a *hashAgg) emitLocal(out Collector) error {
	l := &a.local
	touched := l.touched
	if len(touched) == 0 {
		l.rows = 0
		return nil
	}
	ob, err := a.emitRows(touched, nil)
	if err != nil {
		return err
	}
	for _, acc := range a.accs {
		acc.Reset(touched)
	}
	for _, g := range touched {
		a.rowCnt[g] = 0
	}
	l.touched, l.rows = touched[:0], 0
	a.epoch++
	if a.table.len() > localKeepGroups {
		a.table.reset()
	}
	return out.Emit(ob)
}

// FlushBuffered emits the bundle of a streaming local aggregation.
func (a *hashAgg) FlushBuffered(out Collector) error {
	if !a.cfg.Streaming || a.cfg.Phase != AggLocal {
		return nil
	}
	return a.emitLocal(out)
}

// ProcessWatermark emits a local aggregation's bundle first, so the
// watermark does not overtake the rows it holds.
func (a *hashAgg) ProcessWatermark(_ int64, out Collector) error {
	return a.FlushBuffered(out)
}

// restoreLocal adds restored groups to the current bundle.
func (a *hashAgg) restoreLocal(groups []uint32) {
	for _, g := range groups {
		if a.mark[g] != a.epoch {
			a.mark[g] = a.epoch
			a.local.touched = append(a.local.touched, g)
		}
	}
}
