package ops

import (
	"time"

	"github.com/spry-engine/spry/expr"
)

// aggTTL expires the groups of a streaming aggregation that no row has
// touched for the state TTL (table.exec.state.ttl or a STATE_TTL hint), as
// Flink's idle state retention does: an expired group's state is dropped
// without output, and a later row of that key starts a new group (+I).
// Time is the job's processing time (OpContext.Now), so tests drive it.
type aggTTL struct {
	ttl       int64 // µs; 0 disables
	now       func() int64
	touched   []int64 // per group: processing time of its last row
	nextSweep int64
	expired   []uint32
}

// sweepEvery bounds how often the groups are scanned for expiry: a
// quarter of the TTL, so state outlives its TTL by at most that much.
func (t *aggTTL) sweepEvery() int64 { return max(t.ttl/4, int64(time.Millisecond/time.Microsecond)) }

// touch stamps the groups of a batch with the current time.
func (a *hashAgg) touch(groups []uint32) {
	t := &a.ttl
	if t.ttl <= 0 || t.now == nil {
		return
	}
	if n := a.table.len(); len(t.touched) < n {
		t.touched = append(t.touched, make([]int64, n-len(t.touched))...)
	}
	now := t.now()
	for _, g := range groups {
		if g != expr.NoGroup {
			t.touched[g] = now
		}
	}
}

// OnProcessingTime drops the groups whose TTL passed.
func (a *hashAgg) OnProcessingTime(now int64, _ Collector) error {
	t := &a.ttl
	if t.ttl <= 0 || now < t.nextSweep {
		return nil
	}
	t.nextSweep = now + t.sweepEvery()
	t.expired = t.expired[:0]
	for g, live := range a.table.live {
		if live && g < len(t.touched) && now-t.touched[g] >= t.ttl {
			t.expired = append(t.expired, uint32(g))
		}
	}
	if len(t.expired) == 0 {
		return nil
	}
	for _, acc := range a.accs {
		acc.Reset(t.expired)
	}
	for _, g := range t.expired {
		if int(g) < len(a.rowCnt) {
			a.rowCnt[g] = 0
		}
		a.table.drop(g)
	}
	return nil
}

// expiredAt reports whether group g's state is past its TTL at now, for
// snapshots, which leave expired state out.
func (a *hashAgg) expiredAt(g uint32, now int64) bool {
	t := &a.ttl
	return t.ttl > 0 && int(g) < len(t.touched) && now-t.touched[g] >= t.ttl
}
