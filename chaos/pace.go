package chaos

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// How a run is killed.
const (
	// killAfterCheckpoints: after the run completed its k-th new
	// checkpoint, plus a random 0 to MaxAfter (0 = right after it; more =
	// in the middle of processing, with uncommitted output in flight).
	killAfterCheckpoints = iota
	// killEarly: before the run's first checkpoint, so it makes no
	// progress and the next run restores the same checkpoint again.
	killEarly
)

// paceMargin is how many checkpoints of work the pacing keeps in hand
// beyond the fewest the remaining kills need: the job must still be
// running at the last kill, and the estimate of the work left is rough.
const paceMargin = 3

// plan is how one run is to be killed.
type plan struct {
	mode  int
	k     int           // new checkpoints to wait for (killAfterCheckpoints)
	delay time.Duration // after the k-th checkpoint, or from the start (killEarly)
}

// describe is the plan's moment in words for the kill log.
func (p plan) describe() string {
	if p.mode == killEarly {
		return fmt.Sprintf("%d ms after the start, before the run's first checkpoint", p.delay.Milliseconds())
	}
	nth := map[int]string{1: "1st", 2: "2nd"}[p.k]
	if nth == "" {
		nth = fmt.Sprintf("%dth", p.k)
	}
	if p.delay == 0 {
		return "right after the run's " + nth + " checkpoint"
	}
	return fmt.Sprintf("%d ms after the run's %s checkpoint, mid-processing", p.delay.Milliseconds(), nth)
}

// pacer decides each run's kill from the job's checkpoint progress, so
// that the kills asked for all land while the job still runs however fast
// it is: a run is killed after its 1st or 2nd new checkpoint, or before
// its first one, and never two runs in a row without progress, so that
// the kills stay bounded in number and time.
type pacer struct {
	rng      *rand.Rand
	interval time.Duration
	maxAfter time.Duration
	// total estimates the checkpoints the whole job takes (0 = unknown),
	// from the failure-free run's duration.
	total float64
}

func newPacer(cfg *Config, total float64) *pacer {
	return &pacer{
		rng:      rand.New(rand.NewPCG(cfg.Seed, 0x6b696c6c)),
		interval: cfg.Interval,
		// Past half an interval the next checkpoint may complete too.
		maxAfter: min(cfg.MaxAfter, cfg.Interval/2),
		total:    total,
	}
}

// left estimates the checkpoints of work the job has left after done
// kept ones: from the failure-free run's duration and from the share of
// the bids the last checkpoint read (share, when known), the lower.
func (pc *pacer) left(done int64, share float64, shareKnown bool) float64 {
	r := math.Inf(1)
	if pc.total > 0 {
		r = pc.total - float64(done)
	}
	if shareKnown && share > 0 && done > 0 {
		r = min(r, float64(done)*(1-share)/share)
	}
	return r
}

// need is the fewest checkpoints r more kills take when runs without
// progress may not follow each other; canEarly says whether the first of
// them may be one.
func need(r int, canEarly bool) int {
	if canEarly {
		return r / 2
	}
	return (r + 1) / 2
}

// next plans the kill of the next run: remaining kills are still to come
// (this one included), done checkpoints have been kept, and progressed
// says whether the previous run completed a checkpoint (true for the
// first run).
func (pc *pacer) next(remaining int, done int64, share float64, shareKnown, progressed bool) plan {
	left := pc.left(done, share, shareKnown) - paceMargin
	type option struct {
		p      plan
		weight int
	}
	var opts []option
	if progressed && float64(need(remaining-1, false)) <= left {
		opts = append(opts, option{plan{mode: killEarly}, 1})
	}
	for k := 1; k <= 2; k++ {
		if float64(k+need(remaining-1, true)) <= left {
			opts = append(opts, option{plan{mode: killAfterCheckpoints, k: k}, 2})
		}
	}
	var p plan
	switch {
	case len(opts) > 0:
		sum := 0
		for _, o := range opts {
			sum += o.weight
		}
		n := pc.rng.IntN(sum)
		for _, o := range opts {
			if n -= o.weight; n < 0 {
				p = o.p
				break
			}
		}
	case progressed:
		// Behind: spend no work on this kill.
		p = plan{mode: killEarly}
	default:
		p = plan{mode: killAfterCheckpoints, k: 1}
	}
	switch {
	case p.mode == killEarly:
		p.delay = time.Duration((0.1 + 0.7*pc.rng.Float64()) * float64(pc.interval))
	case pc.rng.IntN(3) > 0 && pc.maxAfter > 0:
		p.delay = time.Duration(1 + pc.rng.Int64N(int64(pc.maxAfter)))
	}
	return p
}

// fitInterval shortens the checkpoint interval when it was not given, so
// that the job, whose failure-free run took work, spans enough
// checkpoints for the kills: about Kills + 8 of them (each run keeps up
// to two, runs without progress keep none), at least 200 ms apart. It
// returns the estimated number of checkpoints the job takes.
func (c *Config) fitInterval(work time.Duration) float64 {
	// Start-up, the end of input and the final checkpoint are no
	// processing: the estimate errs on the side of fewer checkpoints.
	busy := max(work-time.Second, 100*time.Millisecond)
	if c.autoInterval && c.Kills > 0 {
		iv := (busy / time.Duration(c.Kills+8)).Round(10 * time.Millisecond)
		iv = max(iv, 200*time.Millisecond)
		if iv < c.Interval {
			c.printf("chaos: checkpoint interval %v (not %v), so that %d kills fit in the job's %.1f s of work",
				iv, c.Interval, c.Kills, work.Seconds())
			c.Interval = iv
		}
	}
	return float64(busy) / float64(c.Interval)
}
