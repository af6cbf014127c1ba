package chaos

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// killLog is what the kill loop did.
type killLog struct {
	kills    int
	restored []string // per restart, the checkpoint it restored ("" = none yet)
}

// checkpointWait bounds how long a run that is to be killed after its
// k-th checkpoint waits for them (a multiple of the interval, at least
// this) before it is killed anyway.
const checkpointWait = 10 * time.Second

// runJob runs the job named name until it finishes by itself, killing it
// kills times first and restarting it each time from the latest completed
// checkpoint. Each kill is decided from the job's checkpoint progress
// (see pacer): after the run's 1st or 2nd new checkpoint, right after it
// or a random moment later, or before its first checkpoint; total is the
// estimated number of checkpoints the job takes (0 = unknown). After
// those kills, one more lands just after the whole output was committed
// to the Kafka topic, when the job still runs then (see waitForOutput).
func runJob(ctx context.Context, cfg *Config, spec jobSpec, name string, kills int, total float64) (*killLog, error) {
	script, err := writeScript(cfg, spec, name)
	if err != nil {
		return nil, err
	}
	chkDir := filepath.Join(cfg.WorkDir, name+"-checkpoints")
	if err := os.MkdirAll(chkDir, 0o755); err != nil {
		return nil, err
	}
	pc := newPacer(cfg, total)
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
	progressed := true // the previous run completed a checkpoint
	for run := 0; ; run++ {
		_, kept, err := latestCheckpoint(chkDir)
		if err != nil {
			return kl, err
		}
		defines := cfg.defines(chkDir)
		if restore != "" {
			defines = append(defines, "execution.savepoint.path="+restore)
		}
		logPath := filepath.Join(cfg.WorkDir, fmt.Sprintf("%s-run-%d.log", name, run))
		if kl.kills >= kills {
			p, err := startJob(cfg.Bin, script, logPath, chkDir, defines)
			if err != nil {
				return kl, err
			}
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
		share, known := outputShare(ctx, cfg, spec, tail)
		pl := pc.next(kills-kl.kills, kept, share, known, progressed)
		p, err := startJob(cfg.Bin, script, logPath, chkDir, defines)
		if err != nil {
			return kl, err
		}
		moment, ok := waitToKill(ctx, p, pl, kept, max(checkpointWait, 10*cfg.Interval))
		if !ok {
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
		if restore, err = kl.record(ctx, cfg, spec, chkDir, at, moment+"; "); err != nil {
			return kl, err
		}
		_, now, err := latestCheckpoint(chkDir)
		if err != nil {
			return kl, err
		}
		progressed = now > kept
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

// outputShare is how far the job has got, for pacing: the highest of the
// shares of the expected rows committed to the Kafka topic (tail) and
// written to the table, and of the bids the sources' committed offsets
// cover. The output is the more direct measure (the sources commit their
// offsets late), and the highest share is the safest.
func outputShare(ctx context.Context, cfg *Config, spec jobSpec, tail *committedTail) (float64, bool) {
	share, known := jobProgress(ctx, cfg, spec)
	if spec.wantRows <= 0 {
		return share, known
	}
	seen := func(rows int64) {
		if s := float64(rows) / float64(spec.wantRows); rows > 0 && (!known || s > share) {
			share, known = s, true
		}
	}
	if tail != nil {
		seen(tail.rows.Load())
	}
	if spec.dbTable != "" && spec.db != nil {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		n, err := spec.db.count(cctx, spec.dbTable)
		cancel()
		if err == nil {
			seen(int64(n))
		}
	}
	return share, known
}

// waitToKill waits until the run is due to be killed by plan pl and
// reports the moment in words and true, or reports false when the run
// ended first. kept is the id of the checkpoint the run restored: only
// later ones are the run's own. A run planned to die before its first
// checkpoint that completes one anyway is killed right after it; one that
// completes no k-th checkpoint within wait is killed then.
func waitToKill(ctx context.Context, p *proc, pl plan, kept int64, wait time.Duration) (string, bool) {
	seen := 0
	newCheckpoint := func(id int64) bool {
		if id <= kept {
			return false
		}
		kept = id // the log line and the _metadata file both report it
		seen++
		return true
	}
	timeout := wait
	if pl.mode == killEarly {
		timeout = pl.delay
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case <-p.done:
			return "", false
		case <-ctx.Done():
			return "the run timed out", true
		case <-timer.C:
			if pl.mode == killEarly {
				return pl.describe(), true
			}
			return fmt.Sprintf("no %d new checkpoints within %v", pl.k, wait), true
		case id := <-p.checkpoints:
			if !newCheckpoint(id) {
				continue
			}
			if pl.mode == killEarly {
				return "right after the run's 1st checkpoint, which came before the planned early kill", true
			}
			if seen < pl.k {
				continue
			}
			if pl.delay > 0 {
				select {
				case <-p.done:
					return "", false
				case <-ctx.Done():
				case <-time.After(pl.delay):
				}
			}
			return pl.describe(), true
		}
	}
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
