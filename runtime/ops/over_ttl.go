package ops

import "time"

var _ ProcessingTimeOperator = (*overAgg)(nil)

// touch records that the partitions of pids were used now (state TTL).
func (o *overAgg) touch(pids []uint32) {
	if o.cfg.TTL <= 0 || o.opCtx == nil || o.opCtx.Now == nil {
		return
	}
	now := o.opCtx.Now()
	for _, p := range pids {
		for int(p) >= len(o.lastUse) {
			o.lastUse = append(o.lastUse, 0)
		}
		o.lastUse[p] = now
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
	if !any {
		return nil
	}
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
		o.lastUse[p] = 0
		o.parts.drop(uint32(p))
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
	return nil
}
