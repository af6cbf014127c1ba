package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/state"
	"github.com/spry-engine/spry/state/checkpoint"
)

// Restoring (Options.RestoreFrom): the metadata is loaded before the job
// starts and each stored operator state is matched to an operator of the
// new graph by vertex id, chain index and name; each task then hands its
// operators their state after Open and before any input.

// opRestore is the state one chain operator restores.
type opRestore struct {
	kind  string
	state *checkpoint.OperatorState
}

// prepareRestore loads the checkpoint to restore and matches its state to
// the tasks' operators.
func (c *coordinator) prepareRestore(ctx context.Context, g *JobGraph, opts Options) error {
	m, err := checkpoint.Load(ctx, opts.RestoreFrom)
	if err != nil {
		return &CheckpointError{Msg: "cannot restore from " + opts.RestoreFrom, Err: err}
	}
	c.restoreMD = m
	if m.MaxParallelism != 0 && m.MaxParallelism != g.maxParallelism() {
		return &CheckpointError{ID: m.CheckpointID, Msg: fmt.Sprintf(
			"cannot restore from %s: its maximum parallelism %d differs from the job's %d (key groups cannot be remapped)",
			m.Dir(), m.MaxParallelism, g.maxParallelism())}
	}
	byKey := map[[2]int]*checkpoint.OperatorState{}
	for i := range m.Operators {
		o := &m.Operators[i]
		byKey[[2]int{o.Vertex, o.Index}] = o
	}
	claimed := map[[2]int]bool{}
	if err := c.prepareWatermarks(ctx, m, byKey); err != nil {
		return err
	}
	for _, t := range c.tasks {
		t.ck.startEnded = finishedIn(byKey[[2]int{t.vertex.ID, -2}], t)
		t.ck.restore = make([]*opRestore, len(t.ops))
		for k, op := range t.ops {
			key := [2]int{t.vertex.ID, k}
			o := byKey[key]
			if o == nil || o.Name != op.String() {
				continue
			}
			if !canRestore(op, o.Kind) {
				return &CheckpointError{ID: m.CheckpointID, Msg: fmt.Sprintf(
					"cannot restore from %s: operator %s (vertex %d) cannot take %s state", m.Dir(), o.Name, o.Vertex, o.Kind)}
			}
			t.ck.restore[k] = &opRestore{kind: o.Kind, state: o}
			claimed[key] = true
		}
	}
	for _, o := range m.Operators {
		if claimed[[2]int{o.Vertex, o.Index}] || opts.AllowNonRestoredState || o.Index < 0 {
			continue
		}
		return &CheckpointError{ID: m.CheckpointID, Msg: fmt.Sprintf(
			"failed to rollback to checkpoint/savepoint %s: cannot map state for operator %s (vertex %d, chain index %d) "+
				"to the new program, because the operator is not available in the new program; set "+
				"execution.savepoint.ignore-unclaimed-state = true to skip it", m.Dir(), o.Name, o.Vertex, o.Index)}
	}
	c.restored = m.Dir()
	c.nextID = m.CheckpointID + 1
	c.maxSeen = m.CheckpointID
	c.lastRestore.Set(time.Now().UnixMilli())
	c.logger.Info(fmt.Sprintf("Restoring job %s from Checkpoint %d @ %d for %s located at %s.",
		g.Name, m.CheckpointID, m.Timestamp.UnixMilli(), m.JobID, m.Dir()))
	return nil
}

// finishedIn reports whether source task t is to start as ended: its
// subtask had read its whole input when checkpoint state o was taken
// (with another parallelism: every subtask had).
func finishedIn(o *checkpoint.OperatorState, t *task) bool {
	if o == nil || o.Name != finishedState || t.source == nil {
		return false
	}
	done := map[int]bool{}
	for _, p := range o.Parts {
		done[p.Subtask] = true
	}
	if o.Parallelism == t.par {
		return done[t.index]
	}
	for i := 0; i < o.Parallelism; i++ {
		if !done[i] {
			return false
		}
	}
	return true
}

// canRestore reports whether op takes state of the given kind.
func canRestore(op ops.Operator, kind string) bool {
	switch kind {
	case checkpoint.KindKeyed:
		_, ok := op.(ops.Snapshotter)
		return ok
	case checkpoint.KindOperator:
		_, ok := op.(ops.CheckpointedOperator)
		return ok
	case checkpoint.KindFiles:
		_, ok := op.(ops.DirSnapshotter)
		return ok
	}
	return false
}

// restoreCheckpoint hands each operator of the chain its restored state;
// run calls it after Open and before any input.
func (t *task) restoreCheckpoint() error {
	if t.ck.restore == nil {
		return t.restoreWatermarks()
	}
	m := t.job.coord.restoreMD
	for k, r := range t.ck.restore {
		if r == nil {
			continue
		}
		t.cur = k
		if err := t.restoreOp(m, k, r); err != nil {
			return t.wrap(k, &CheckpointError{ID: m.CheckpointID, Msg: "restore from " + m.Dir(), Err: err})
		}
	}
	t.ck.restore = nil
	return t.restoreWatermarks()
}

// prepareWatermarks finds each task's chain watermarks in m: per
// operator, the smallest any subtask of its vertex stored (all of them
// when the parallelism changed).
func (c *coordinator) prepareWatermarks(ctx context.Context, m *checkpoint.Metadata, byKey map[[2]int]*checkpoint.OperatorState) error {
	byVertex := map[int][]int64{}
	for _, t := range c.tasks {
		if _, done := byVertex[t.vertex.ID]; done {
			t.ck.restoreWM = byVertex[t.vertex.ID]
			continue
		}
		o := byKey[[2]int{t.vertex.ID, -1}]
		if o == nil || o.Name != watermarkState {
			byVertex[t.vertex.ID] = nil
			continue
		}
		var wms []int64
		for _, p := range o.Parts {
			data, err := m.ReadPart(ctx, p.Path)
			if err != nil {
				return &CheckpointError{ID: m.CheckpointID, Msg: "cannot restore from " + m.Dir(), Err: err}
			}
			var w []int64
			if err := json.Unmarshal(data, &w); err != nil || len(w) != len(t.ops) {
				wms = nil // another chain: start without watermarks
				break
			}
			if wms == nil {
				wms = w
				continue
			}
			for k := range wms {
				wms[k] = min(wms[k], w[k])
			}
		}
		if len(o.Parts) < o.Parallelism {
			wms = nil // a subtask stored none: it had seen no watermark
		}
		byVertex[t.vertex.ID] = wms
		t.ck.restoreWM = wms
	}
	return nil
}

// restoreWatermarks hands each chain operator the watermark it had
// processed when the checkpoint was taken, so rows late then are late
// now and CURRENT_WATERMARK reads the same.
func (t *task) restoreWatermarks() error {
	for k, wm := range t.ck.restoreWM {
		if wm == math.MinInt64 || wm <= t.ck.opWM[k] {
			continue
		}
		if k == 0 && t.source == nil {
			t.wm = wm
		}
		t.cur = k
		if err := t.ops[k].ProcessWatermark(wm, &t.outs[k]); err != nil {
			return t.wrap(k, err)
		}
		t.ck.opWM[k] = wm
	}
	t.ck.restoreWM = nil
	return nil
}

func (t *task) restoreOp(m *checkpoint.Metadata, k int, r *opRestore) error {
	ctx := t.ctx
	switch r.kind {
	case checkpoint.KindKeyed:
		sn := t.ops[k].(ops.Snapshotter)
		for _, p := range r.state.Parts {
			if p.Path == "" {
				continue
			}
			data, err := m.ReadPart(ctx, p.Path)
			if err != nil {
				return err
			}
			if err := sn.RestoreState(bytes.NewReader(data)); err != nil {
				return err
			}
		}
	case checkpoint.KindOperator:
		parts := make([][]byte, r.state.Parallelism)
		for _, p := range r.state.Parts {
			if p.Path == "" || p.Subtask < 0 {
				continue
			}
			data, err := m.ReadPart(ctx, p.Path)
			if err != nil {
				return err
			}
			for p.Subtask >= len(parts) {
				parts = append(parts, nil)
			}
			parts[p.Subtask] = data
		}
		return t.ops[k].(ops.CheckpointedOperator).RestoreCheckpoint(m.CheckpointID, parts)
	case checkpoint.KindFiles:
		var dirs []string
		for _, p := range t.filesToRestore(m, k, r.state) {
			dir := filepath.Join(t.ck.stateDir, fmt.Sprintf("restore-%d-%d", m.CheckpointID, k), fmt.Sprint(p.Subtask))
			for _, f := range p.Files {
				if err := m.Download(ctx, f, filepath.Join(dir, filepath.FromSlash(fileRel(f)))); err != nil {
					return err
				}
			}
			dirs = append(dirs, dir)
		}
		return t.ops[k].(ops.DirSnapshotter).RestoreDirs(dirs)
	}
	return nil
}

// filesToRestore picks the parts of a local store's state that operator
// k restores: for keyed state, only those of the old subtasks whose key
// groups overlap this subtask's (a subtask's store holds its own key
// groups only), so a rescaled restore does not download every store.
func (t *task) filesToRestore(m *checkpoint.Metadata, k int, o *checkpoint.OperatorState) []checkpoint.Part {
	if _, keyed := t.ops[k].(ops.Snapshotter); !keyed || m.MaxParallelism <= 0 || o.Parallelism <= 0 {
		return o.Parts
	}
	mine := state.RangeForSubtask(m.MaxParallelism, t.par, t.index)
	var out []checkpoint.Part
	for _, p := range o.Parts {
		if p.Subtask < 0 || p.Subtask >= o.Parallelism {
			out = append(out, p) // not a subtask of the old run's ranges: keep it
			continue
		}
		if state.RangeForSubtask(m.MaxParallelism, o.Parallelism, p.Subtask).Intersect(mine).Len() > 0 {
			out = append(out, p)
		}
	}
	return out
}

// fileRel is a stored file's path inside its snapshot directory:
// "shared/<run>-<v>-<i>-<s>/x.sst" and "<v>-<i>-<s>/MANIFEST" both drop
// their first directories.
func fileRel(f string) string {
	f = strings.TrimPrefix(f, checkpoint.SharedDir+"/")
	if i := strings.IndexByte(f, '/'); i >= 0 {
		return f[i+1:]
	}
	return f
}
