package ops

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
)

var _ ProcessingTimeOperator = (*overAgg)(nil)

// touch records that the partitions of pids were used now (state TTL).
// A partition past its TTL that no sweep has dropped yet starts afresh
// here, as Flink never returns expired state: whether it expired then
// depends on the time and its last use alone, not on when sweeps ran,
// so a restored job behaves as the job without the restore.
func (o *overAgg) touch(pids []uint32) {
	if o.cfg.TTL <= 0 || o.opCtx == nil || o.opCtx.Now == nil {
		return
	}
	now, ttl := o.opCtx.Now(), o.cfg.TTL.Microseconds()
	var stale []uint32
	for _, p := range pids {
		for int(p) >= len(o.lastUse) {
			o.lastUse = append(o.lastUse, 0)
		}
		if t := o.lastUse[p]; t > 0 && now-t > ttl {
			stale = append(stale, p)
		}
		o.lastUse[p] = now
	}
	if stale != nil {
		expired := make([]bool, len(o.lastUse))
		for _, p := range stale {
			expired[p] = true
		}
		o.forget(expired, false)
	}
}

// OnProcessingTime expires partitions idle for longer than the state TTL
// (table.exec.state.ttl), as Flink's OVER functions clean up idle keys:
// their running values and retained rows are dropped, so a later row of
// the key starts afresh. Sweeps run at most every quarter TTL.
func (o *overAgg) OnProcessingTime(now int64, _ Collector) error {
	ttl := o.cfg.TTL.Microseconds()
	if ttl <= 0 || now < o.nextSweep {
		return nil
	}
	o.nextSweep = now + max(ttl/4, int64(time.Millisecond/time.Microsecond))
	expired := make([]bool, len(o.lastUse))
	any := false
	for p, t := range o.lastUse {
		if t > 0 && now-t > ttl {
			expired[p], any = true, true
		}
	}
	if any {
		o.forget(expired, true)
	}
	return nil
}

// forget drops the running values and retained rows of the partitions p
// with expired[p]; drop also frees their slots (a sweep), which touch
// keeps for the rows about to use them.
func (o *overAgg) forget(expired []bool, drop bool) {
	for p, gone := range expired {
		if !gone {
			continue
		}
		g := []uint32{uint32(p)}
		for _, acc := range o.running {
			if acc != nil {
				acc.Reset(g)
			}
		}
		if p < len(o.seen) {
			o.seen[p] = false
		}
		if drop {
			o.lastUse[p] = 0
			o.parts.drop(uint32(p))
		}
	}
	if o.retained != nil {
		var keep []int32
		for i, p := range o.retainedPid {
			if int(p) >= len(expired) || !expired[p] {
				keep = append(keep, int32(i))
			}
		}
		o.retained = takeRetained(o.retained, keep)
		pids := make([]uint32, len(keep))
		for i, k := range keep {
			pids[i] = o.retainedPid[k]
		}
		o.retainedPid = pids
	}
}

// accessOf returns the last access of partitions pids, for a snapshot.
func (o *overAgg) accessOf(pids []uint32) []int64 {
	at := make([]int64, len(pids))
	for i, p := range pids {
		if int(p) < len(o.lastUse) {
			at[i] = o.lastUse[p]
		}
	}
	return at
}

// restoreAccess sets the last access of restored partitions pids: their
// snapshot's (at; the latest, should a partition come in several
// entries), or now for a snapshot without access times.
func (o *overAgg) restoreAccess(pids []uint32, at *array.Int64) {
	if at == nil {
		o.touch(pids)
		return
	}
	if o.cfg.TTL <= 0 {
		return
	}
	for i, p := range pids {
		for int(p) >= len(o.lastUse) {
			o.lastUse = append(o.lastUse, 0)
		}
		o.lastUse[p] = max(o.lastUse[p], at.Value(i))
	}
}
