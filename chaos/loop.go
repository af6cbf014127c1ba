package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// killLog is what the kill loop did.
type killLog struct {
	kills    int
	restored []string // per restart, the checkpoint it restored ("" = none yet)
}

// afterCheckpointWait bounds how long a run that is to be killed right
// after a checkpoint waits for one before it is killed anyway.
const afterCheckpointWait = 10 * time.Second

// paceShare is the share of the input over which the kills are spread:
// progress is only seen at completed checkpoints while the job reads
// ahead, and a restored job can finish what is left of a small input
// within a second, so the kills aim at the first half.
const paceShare = 0.5

// How a run is killed.
const (
	killRandom          = iota // at a random delay
	killAfterCheckpoint        // just after the first checkpoint completed past a random delay
	killEarly                  // before its first checkpoint: no progress (pacing, see runJob)
)

// runJob runs the job named name until it finishes by itself, killing it
// kills times first and restarting it each time from the latest completed
// checkpoint. A run is killed at a random delay between MinDelay and
// MaxDelay, or, one time in three, just after the first checkpoint it
// completes past such a delay. Spry reads fast, so the loop paces the
// kills: when the job's progress (the bids its last checkpoint read) is
// ahead of an even spread of the kills over the input (its first half,
// see paceShare), the next run is killed before its first checkpoint,
// which makes no progress. After those kills, one more lands just after
// the whole output was committed to the Kafka topic, when the job still
// runs then (see waitForOutput).
func runJob(ctx context.Context, cfg *Config, spec jobSpec, name string, kills int) (*killLog, error) {
	script, err := writeScript(cfg, spec, name)
	if err != nil {
		return nil, err
	}
	chkDir := filepath.Join(cfg.WorkDir, name+"-checkpoints")
	if err := os.MkdirAll(chkDir, 0o755); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6b696c6c))
	kl := &killLog{}
	restore := ""
	// After the paced kills, a last one lands just after the whole output
	// was committed to the Kafka topic, if the job is still running then.
	var tail *committedTail
	endKilled := false
	if kills > 0 && spec.outTopic != "" && spec.wantRows > 0 {
		if tail, err = tailCommitted(ctx, cfg.Bootstrap, spec.outTopic); err != nil {
			return nil, err
		}
		defer tail.stop()
	}
	for run := 0; ; run++ {
		defines := cfg.defines(chkDir)
		if restore != "" {
			defines = append(defines, "execution.savepoint.path="+restore)
		}
		logPath := filepath.Join(cfg.WorkDir, fmt.Sprintf("%s-run-%d.log", name, run))
		p, err := startJob(cfg.Bin, script, logPath, chkDir, defines)
		if err != nil {
			return kl, err
		}
		if kl.kills >= kills {
			if tail == nil || endKilled || !waitForOutput(ctx, p, tail, spec.wantRows) {
				return kl, finished(ctx, p)
			}
			// One more kill, at the end of the output (see waitForOutput).
			at := time.Since(p.started)
			p.kill()
			if !p.killed() {
				return kl, finished(ctx, p)
			}
			endKilled = true
			how := fmt.Sprintf("all %d expected rows committed to %s while the job still ran; ", spec.wantRows, spec.outTopic)
			if restore, err = kl.record(ctx, cfg, spec, chkDir, at, how); err != nil {
				return kl, err
			}
			continue
		}
		mode, delay := killRandom, cfg.MinDelay+time.Duration(rng.Int64N(int64(cfg.MaxDelay-cfg.MinDelay)+1))
		done, known := jobProgress(ctx, cfg, spec)
		switch {
		case known && done >= paceShare*float64(kl.kills+1)/float64(kills+1):
			mode = killEarly
			delay = time.Duration((0.2 + 0.7*rng.Float64()) * float64(cfg.Interval))
		case rng.IntN(3) == 0:
			mode = killAfterCheckpoint
		}
		if !waitToKill(ctx, p, delay, mode == killAfterCheckpoint) {
			// The job ended before its kill: the last run is this one.
			if err := finished(ctx, p); err != nil {
				return kl, err
			}
			cfg.printf("chaos: the job finished before kill %d was due (%d kills made)", kl.kills+1, kl.kills)
			return kl, nil
		}
		at := time.Since(p.started)
		p.kill()
		if !p.killed() {
			// It ended on its own between the decision and the signal.
			return kl, finished(ctx, p)
		}
		how := map[int]string{killAfterCheckpoint: "just after a checkpoint; ", killEarly: "pacing, before the run's first checkpoint; "}[mode]
		if restore, err = kl.record(ctx, cfg, spec, chkDir, at, how); err != nil {
			return kl, err
		}
	}
}

// record counts a kill, prints it and returns the checkpoint the next run
// restores ("" = none yet).
func (kl *killLog) record(ctx context.Context, cfg *Config, spec jobSpec, chkDir string, at time.Duration, how string) (string, error) {
	kl.kills++
	chk, id, err := latestCheckpoint(chkDir)
	if err != nil {
		return "", err
	}
	cfg.printf("kill %d at %.1f s (%s%s)", kl.kills, at.Seconds(), how, restoredText(ctx, cfg, spec, chk, id))
	kl.restored = append(kl.restored, chk)
	return chk, nil
}

// restoredText says which checkpoint the next run restores and how far
// the job had got then.
func restoredText(ctx context.Context, cfg *Config, spec jobSpec, chk string, id int64) string {
	if chk == "" {
		return "no checkpoint completed yet: restarting from the start"
	}
	s := fmt.Sprintf("checkpoint chk-%d restored", id)
	if done, ok := jobProgress(ctx, cfg, spec); ok {
		s += fmt.Sprintf(", %.0f%% of the bids read", 100*done)
	}
	return s
}

// jobProgress is the share of the bids the job's last completed
// checkpoint read (the least over its pipelines), when its Kafka sources
// report it (see progress).
func jobProgress(ctx context.Context, cfg *Config, spec jobSpec) (float64, bool) {
	if spec.groupID == "" {
		return 0, false
	}
	least, known := 1.0, false
	for _, p := range spec.pipelines() {
		done, ok := progress(ctx, cfg.Bootstrap, spec.group(p), spec.bidsTopic, cfg.Events)
		if !ok {
			return 0, false
		}
		least, known = min(least, done), true
	}
	return least, known
}

// waitToKill waits until the run is due to be killed and reports true, or
// reports false when it ended first. With afterCheckpoint it waits past
// delay for the next completed checkpoint (at most afterCheckpointWait
// more) and returns right after it.
func waitToKill(ctx context.Context, p *proc, delay time.Duration, afterCheckpoint bool) bool {
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-p.done:
		return false
	case <-ctx.Done():
		return true
	case <-timer.C:
	}
	if !afterCheckpoint {
		return true
	}
	// Checkpoints completed before the delay are not the moment sought.
	for drained := false; !drained; {
		select {
		case <-p.checkpoints:
		default:
			drained = true
		}
	}
	timer.Reset(afterCheckpointWait)
	select {
	case <-p.done:
		return false
	case <-ctx.Done():
	case <-timer.C:
	case <-p.checkpoints:
	}
	return true
}

// finished waits for a run that is not to be killed to end, and reports
// an error unless it ended by itself with success.
func finished(ctx context.Context, p *proc) error {
	select {
	case <-p.done:
	case <-ctx.Done():
		p.kill()
		return fmt.Errorf("the job did not finish in time (%v); its log %s ends:\n%s", ctx.Err(), p.logPath, indent(p.logTail(20)))
	}
	if p.err != nil {
		return fmt.Errorf("the job failed (%v); its log %s ends:\n%s", p.err, p.logPath, indent(p.logTail(30)))
	}
	return nil
}
