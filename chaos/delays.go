package chaos

import (
	"math"
	"time"
)

// fitDelays narrows MaxDelay so that the job, whose failure-free run took
// work, is expected to need more than Kills runs: Spry is fast, and a
// run killed after d seconds has made about d-c seconds of progress that
// its last checkpoint keeps (c: start-up plus half a checkpoint interval).
// Kills before the first checkpoint make no progress at all; they are
// kept, since restoring the same checkpoint twice must work too.
func (c *Config) fitDelays(work time.Duration) {
	if c.Kills == 0 || c.FixedDelays {
		return
	}
	// Aim at 60% of the work for the kills, so the last ones still land
	// during processing when runs go faster than the reference.
	target := 0.6 * work.Seconds() / float64(c.Kills)
	a := c.MinDelay.Seconds()
	lag := 0.3 + c.Interval.Seconds()/2
	// With d uniform on [a, b] and a < lag, the mean progress per run is
	// (b-lag)²/(2(b-a)); solve (b-lag)² = 2·target·(b-a) for b.
	lag = max(lag, a)
	p := -2*lag - 2*target
	q := lag*lag + 2*target*a
	disc := p*p/4 - q
	if disc < 0 {
		return
	}
	b := -p/2 + math.Sqrt(disc)
	limit := time.Duration(b * float64(time.Second))
	limit = max(limit, c.MinDelay+c.Interval/2)
	if limit < c.MaxDelay-100*time.Millisecond {
		c.printf("chaos: kill delays %.1f-%.1f s (not up to %.1f s), so that %d kills fit in the job's %.1f s of work",
			c.MinDelay.Seconds(), limit.Seconds(), c.MaxDelay.Seconds(), c.Kills, work.Seconds())
		c.MaxDelay = limit
	}
}
