package streamtest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spry-engine/spry/state/checkpoint"
	"github.com/spry-engine/spry/table"
)

// Recovery mode (RunFileRecovery): every query is checkpointed at each
// step's barrier; after its middle step the query is cancelled and
// started again from its latest checkpoint, then fed the remaining steps.
// Its output must still be exactly the file's: each stateful operator's
// state survives the restore, and the script sources continue after the
// checkpointed barrier.

// RunFileRecovery runs the test file at path in recovery mode.
func RunFileRecovery(t *testing.T, path string) {
	t.Helper()
	runFile(t, path, false, true)
}

// RecoveryOptions vary the recovery mode.
type RecoveryOptions struct {
	// Parallelism restores each query at this parallelism (rescaling:
	// keyed state is redistributed by key group); subtasks interleave
	// their output, so the steps after the restore compare their
	// changelog as a multiset. 0 restores at the query's parallelism.
	Parallelism int
	// From runs each query at this parallelism before the restore (every
	// step compares as a multiset); 0 keeps the session's (1).
	From int
	// Backend is the state backend of every query (state.backend.type);
	// "" keeps the default.
	Backend string
}

// RunFileRecoveryWith runs the test file at path in recovery mode with
// opts.
func RunFileRecoveryWith(t *testing.T, path string, opts RecoveryOptions) {
	t.Helper()
	recoveryOpts.Store(t, opts)
	defer recoveryOpts.Delete(t)
	runFile(t, path, false, true)
}

// recoveryOpts holds the options of each RunFileRecoveryWith test.
var recoveryOpts sync.Map // *testing.T → RecoveryOptions

// recovery is the recovery-mode state of a runner.
type recovery struct {
	r     *runner
	root  string         // the checkpoint directories of the file's queries
	n     int            // queries started
	dir   string         // the running query's checkpoint directory
	at    map[*block]int // per query: the step after which it restarts
	names []string       // metrics the file checks
	base  map[string]int64
	to    int // restore parallelism (RecoveryOptions); 0 keeps the query's
}

func newRecovery(r *runner, blocks []*block) *recovery {
	c := &recovery{r: r, root: r.t.TempDir(), at: map[*block]int{}, base: map[string]int64{}}
	var q *block
	steps := map[*block]int{}
	seen := map[string]bool{}
	for _, b := range blocks {
		switch b.kind {
		case blockQuery:
			q = b
		case blockStep:
			if q != nil {
				steps[q]++
			}
		}
		for _, m := range b.metrics {
			if !seen[m.name] {
				seen[m.name] = true
				c.names = append(c.names, m.name)
			}
		}
	}
	for q, n := range steps {
		c.at[q] = (n + 1) / 2
	}
	sets := []string{
		"SET 'execution.checkpointing.interval' = '1 h'", // barriers of steps checkpoint; no periodic ones
		"SET 'restart-strategy.type' = 'none'",
	}
	if o, ok := recoveryOpts.Load(r.t); ok {
		opts := o.(RecoveryOptions)
		if opts.Parallelism > 0 {
			c.to = opts.Parallelism
			c.unorder(blocks, c.at)
		}
		if opts.From > 0 {
			sets = append(sets, fmt.Sprintf("SET 'parallelism.default' = '%d'", opts.From))
			c.unorder(blocks, nil)
		}
		if opts.Backend != "" {
			sets = append(sets, "SET 'state.backend.type' = '"+opts.Backend+"'")
		}
	}
	for _, set := range sets {
		if _, err := r.env.ExecuteSQL(context.Background(), set); err != nil {
			r.t.Fatalf("recovery mode: %s: %v", set, err)
		}
	}
	return c
}

// metricBase is what the query's jobs before the restore counted.
func (c *recovery) metricBase(name string) int64 {
	if c == nil {
		return 0
	}
	return c.base[name]
}

// startQuery gives the query about to start its own checkpoint
// directory and forgets the previous query's counts.
func (c *recovery) startQuery() {
	if c == nil {
		return
	}
	c.base = map[string]int64{}
	c.n++
	c.dir = filepath.Join(c.root, fmt.Sprint(c.n))
	if _, err := c.r.env.ExecuteSQL(context.Background(), "SET 'state.checkpoints.dir' = '"+c.dir+"'"); err != nil {
		c.r.t.Fatalf("recovery mode: %v", err)
	}
}

// afterStep restarts the running query from its checkpoint after its
// middle step.
func (c *recovery) afterStep(b *block) {
	r := c.rr()
	if r == nil || b.kind != blockStep || r.broken || r.res == nil || r.query == nil || r.steps != c.at[r.query] {
		return
	}
	if strings.EqualFold(r.env.Config().String("execution.runtime-mode"), "batch") {
		return // batch jobs are not checkpointed
	}
	r.t.Helper()
	if err := c.restart(); err != nil {
		r.errorf(b, "recovery after step %d of the query of line %d: %v", r.steps, r.query.line, err)
		r.broken = true
	}
}

func (c *recovery) rr() *runner {
	if c == nil {
		return nil
	}
	return c.r
}

// restart cancels the running query once the checkpoint of the last
// barrier is complete and starts it again from there.
func (c *recovery) restart() error {
	r := c.r
	path, err := c.waitCheckpoint(r.barrier)
	if err != nil {
		return err
	}
	for _, n := range c.names {
		c.base[n] += r.res.MetricTotal(n)
	}
	r.res.Cancel()
	_ = r.res.Wait()
	r.res = nil
	ctx := context.Background()
	if _, err := r.env.ExecuteSQL(ctx, "SET 'execution.savepoint.path' = '"+path+"'"); err != nil {
		return err
	}
	if c.to > 0 {
		prev := r.env.Config().String("parallelism.default")
		if _, err := r.env.ExecuteSQL(ctx, fmt.Sprintf("SET 'parallelism.default' = '%d'", c.to)); err != nil {
			return err
		}
		defer func() {
			if _, err := r.env.ExecuteSQL(ctx, "SET 'parallelism.default' = '"+prev+"'"); err != nil {
				r.t.Errorf("recovery mode: restoring parallelism %q: %v", prev, err)
			}
		}()
	}
	res, err := r.env.ExecuteSQL(ctx, r.query.sql)
	if _, rerr := r.env.ExecuteSQL(ctx, "RESET 'execution.savepoint.path'"); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("restore from %s: %w", path, err)
	}
	r.res = res
	if res.Kind == table.ResultJob {
		r.out = newSinkOutput(res)
	} else {
		r.out = collectOutput{res}
	}
	return nil
}

// waitCheckpoint waits until checkpoint id (a step's barrier) is complete
// and returns its path.
func (c *recovery) waitCheckpoint(id int64) (string, error) {
	ctx := context.Background()
	deadline := time.Now().Add(StepTimeout)
	for {
		p, err := checkpoint.Latest(ctx, c.dir)
		if err != nil {
			return "", err
		}
		if p != "" {
			if m, err := checkpoint.Load(ctx, p); err == nil {
				got := m.CheckpointID
				m.Close()
				if got >= id {
					return p, nil
				}
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("checkpoint %d did not complete within %v (latest: %q)", id, StepTimeout, p)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// unorder marks the steps each query runs after step from[query] (all
// steps with from nil) as unordered: several subtasks emit them.
func (c *recovery) unorder(blocks []*block, from map[*block]int) {
	var q *block
	n := 0
	for _, b := range blocks {
		switch b.kind {
		case blockQuery:
			q, n = b, 0
		case blockStep, blockEnd:
			if q == nil {
				continue
			}
			if n++; n > from[q] {
				b.unordered = true
			}
		}
	}
}
