package ops

// Idle state retention of a table aggregation (table.exec.state.ttl), as
// Flink's GroupTableAggFunction cleans state: a key no row touched for the
// TTL is forgotten without output, and a later row of it starts afresh
// (+I only, nothing retracted). Time is the job's processing time.

var _ ProcessingTimeOperator = (*pythonTableAgg)(nil)

// touchTTL stamps groups with the current time.
func (a *pythonTableAgg) touchTTL(groups []uint32) {
	t := &a.ttl
	if t.ttl <= 0 || t.now == nil {
		return
	}
	if n := a.table.len(); len(t.touched) < n {
		t.touched = append(t.touched, make([]int64, n-len(t.touched))...)
	}
	now := t.now()
	for _, g := range groups {
		t.touched[g] = now
	}
}

// OnProcessingTime forgets the keys whose TTL passed by the last sweep
// point (aggTTL.sweptAt).
func (a *pythonTableAgg) OnProcessingTime(now int64, _ Collector) error {
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
		if live && a.expiredAt(uint32(g), now) {
			t.expired = append(t.expired, uint32(g))
		}
	}
	return a.forget(t.expired)
}

// expiredAt reports whether group g's state is past its TTL at now, as
// the sweep due at now judges it (aggTTL.sweptAt).
func (a *pythonTableAgg) expiredAt(g uint32, now int64) bool {
	t := &a.ttl
	return t.ttl > 0 && int(g) < len(t.touched) && t.sweptAt(now)-t.touched[g] >= t.ttl
}
