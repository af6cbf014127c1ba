package ops

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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

// sweptAt is the time the sweep due at now judges expiry by: the last
// multiple of sweepEvery at or before now. Judging at fixed points, not
// at whatever moment a sweep happens to run, makes whether a group has
// expired a function of the time and its last access alone, so a job
// restored from a checkpoint expires its groups exactly when the job
// without the restore would have.
func (t *aggTTL) sweptAt(now int64) int64 { return sweepPoint(now, t.sweepEvery()) }

// sweepPoint returns the last multiple of every at or before now.
func sweepPoint(now, every int64) int64 { return now - ((now%every)+every)%every }

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

// OnProcessingTime drops the groups whose TTL passed by the last sweep
// point (sweptAt).
func (a *hashAgg) OnProcessingTime(now int64, _ Collector) error {
	t := &a.ttl
	if t.ttl <= 0 {
		return nil
	}
	if now = t.sweptAt(now); now < t.nextSweep {
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
// snapshots, which leave expired state out: state the sweep due at now
// drops (sweptAt), no later.
func (a *hashAgg) expiredAt(g uint32, now int64) bool {
	t := &a.ttl
	return t.ttl > 0 && int(g) < len(t.touched) && t.sweptAt(now)-t.touched[g] >= t.ttl
}

// accessOf returns group g's last access for a snapshot's access-time
// column; a group never stamped counts as accessed now.
func (t *aggTTL) accessOf(g uint32, now int64) int64 {
	if int(g) < len(t.touched) {
		return t.touched[g]
	}
	return now
}

// accessColumn returns the access times of groups for a snapshot.
func (t *aggTTL) accessColumn(groups []uint32) arrow.Array {
	now := t.now()
	at := make([]int64, len(groups))
	for i, g := range groups {
		at[i] = t.accessOf(g, now)
	}
	return int64Array(at)
}

// restore stamps restored groups (the table has n groups) with their
// snapshot's access times, the latest should a key come in several
// parts; a snapshot without them (at nil) counts as accessed now.
func (t *aggTTL) restore(n int, groups []uint32, at *array.Int64) {
	if t.ttl <= 0 || t.now == nil {
		return
	}
	if len(t.touched) < n {
		t.touched = append(t.touched, make([]int64, n-len(t.touched))...)
	}
	now := t.now()
	for i, g := range groups {
		if g != expr.NoGroup {
			t.touched[g] = max(t.touched[g], restoredAccess(at, i, now))
		}
	}
}
