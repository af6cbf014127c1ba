package chaos

import (
	"io"
	"testing"
	"time"
)

func TestFitInterval(t *testing.T) {
	tests := []struct {
		work     time.Duration
		kills    int
		auto     bool
		interval time.Duration // want
	}{
		{5 * time.Second, 6, true, 290 * time.Millisecond},
		{20 * time.Second, 20, true, 680 * time.Millisecond},
		{2 * time.Second, 20, true, 200 * time.Millisecond}, // the floor
		{time.Minute, 5, true, time.Second},                 // long jobs keep 1 s
		{5 * time.Second, 6, false, time.Second},            // given: kept
		{5 * time.Second, 0, true, time.Second},
	}
	for _, tc := range tests {
		c := Config{Kills: tc.kills, Interval: time.Second, autoInterval: tc.auto, Log: io.Discard}
		total := c.fitInterval(tc.work)
		if c.Interval != tc.interval {
			t.Errorf("fitInterval(%v, %d kills, auto %v): interval %v, want %v", tc.work, tc.kills, tc.auto, c.Interval, tc.interval)
		}
		if want := float64(tc.work-time.Second) / float64(c.Interval); total < want-0.01 || total > want+0.01 {
			t.Errorf("fitInterval(%v, %d kills): %.2f checkpoints, want %.2f", tc.work, tc.kills, total, want)
		}
	}
}

// TestPacerReachesKills plays the pacer against a model job of total
// checkpoints whose runs keep exactly the checkpoints planned (the worst
// case: real runs keep fewer): every seed reaches its kills before the
// job ends, never plans two runs without progress in a row, and uses
// every kind of moment.
func TestPacerReachesKills(t *testing.T) {
	kinds := map[string]bool{}
	for _, tc := range []struct {
		kills int
		total float64
	}{{6, 12}, {6, 10}, {20, 27}, {20, 40}, {3, 6}} {
		for seed := uint64(1); seed <= 200; seed++ {
			cfg := &Config{Seed: seed, Interval: time.Second, MaxAfter: 400 * time.Millisecond}
			pc := newPacer(cfg, tc.total)
			done, progressed := int64(0), true
			for kill := 0; kill < tc.kills; kill++ {
				pl := pc.next(tc.kills-kill, done, 0, false, progressed)
				switch {
				case pl.mode == killEarly && !progressed:
					t.Fatalf("kills %d total %v seed %d: two runs without progress in a row", tc.kills, tc.total, seed)
				case pl.mode == killEarly:
					kinds["early"] = true
				case pl.delay == 0:
					kinds["right after"] = true
				default:
					kinds["mid"] = true
					if pl.delay > 400*time.Millisecond {
						t.Fatalf("delay %v after a checkpoint", pl.delay)
					}
				}
				if pl.mode == killAfterCheckpoints {
					done += int64(pl.k)
				}
				progressed = pl.mode == killAfterCheckpoints
				if float64(done) >= tc.total {
					t.Fatalf("kills %d total %v seed %d: the job ended at kill %d", tc.kills, tc.total, seed, kill+1)
				}
			}
		}
	}
	for _, k := range []string{"early", "right after", "mid"} {
		if !kinds[k] {
			t.Errorf("no kill %s", k)
		}
	}
}
