package ops

// expireIfIdle drops partition g's rows when it has not been accessed for
// longer than the TTL (Flink's state TTL on Top-N state: the expired
// rows are forgotten without output, so the next row starts afresh).
func (t *topN) expireIfIdle(g uint32, now int64) {
	if now-t.lastUse[g] <= t.cfg.TTL.Microseconds() || len(t.parts[g]) == 0 {
		return
	}
	for i := range t.parts[g] {
		t.release(&t.parts[g][i])
	}
	t.parts[g] = t.parts[g][:0]
}
