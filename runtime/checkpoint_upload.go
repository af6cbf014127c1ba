package runtime

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spry-engine/spry/state/checkpoint"
)

// storeWrite writes one stored object; tests swap it to stall or fail
// the store.
var storeWrite = func(ctx context.Context, st *checkpoint.Store, key string, data []byte) error {
	return st.Write(ctx, key, data)
}

// partOf is one operator's part of a task's acknowledgement.
type partOf struct {
	index      int
	name, kind string
	part       checkpoint.Part
}

// checkpoint snapshots every operator of the chain for checkpoint p (in
// the task's goroutine, so state does not move meanwhile) and uploads the
// snapshots in the background.
func (t *task) checkpoint(p *pendingCkpt, align time.Duration) error {
	if p.id <= t.ck.lastSnap {
		return nil
	}
	t.ck.lastSnap = p.id
	var snaps []*opSnap
	for k := range t.ops {
		prev := t.cur
		t.cur = k
		s, err := t.snapshotOp(k, p.id)
		if err != nil {
			return t.wrap(k, fmt.Errorf("snapshot for checkpoint %d: %w", p.id, err))
		}
		t.cur = prev
		if s != nil {
			snaps = append(snaps, s)
		}
	}
	if s := t.watermarkSnap(); s != nil {
		snaps = append(snaps, s)
	}
	if s := t.finishedSnap(); s != nil {
		snaps = append(snaps, s)
	}
	t.job.coord.goUpload(p, t, snaps, align)
	return nil
}

// upload stores task t's snapshots for checkpoint p and acknowledges it;
// a failed upload fails the checkpoint (the job keeps running).
func (c *coordinator) upload(p *pendingCkpt, t *task, snaps []*opSnap, align time.Duration) {
	ctx := p.ctx
	var parts []partOf
	var size int64
	for _, s := range snaps {
		name := fmt.Sprintf("%d-%d-%d", t.vertex.ID, s.index, t.index)
		po := partOf{index: s.index, name: s.name, kind: s.kind, part: checkpoint.Part{Subtask: t.index}}
		if s.kind == checkpoint.KindFiles {
			files, full, stored, err := c.uploadDir(ctx, p, name, s.dir)
			_ = os.RemoveAll(s.dir)
			if err != nil {
				c.failPending(p, err)
				return
			}
			// The part's size is its state's; the checkpoint's size counts
			// only what it stored (incremental).
			po.part.Files, po.part.Size = files, full
			size += stored
		} else {
			if err := storeWrite(ctx, p.store, p.prefix+"/"+name, s.data); err != nil {
				c.failPending(p, err)
				return
			}
			po.part.Path, po.part.Size = name, int64(len(s.data))
			size += po.part.Size
		}
		parts = append(parts, po)
	}
	c.ack(p, t, parts, align, size)
}

// uploadDir stores the files of a local store's snapshot directory:
// SSTables (immutable, named once) go to the shared directory, once per
// run, the rest into the checkpoint's own directory. It returns the
// files as Part.Files names them, their total size and the bytes it
// stored.
func (c *coordinator) uploadDir(ctx context.Context, p *pendingCkpt, name, dir string) ([]string, int64, int64, error) {
	var files []string
	var full, size int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if fi, err := d.Info(); err == nil {
			full += fi.Size()
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".sst") {
			sub := c.runID + "-" + name + "/" + rel
			key := p.shared + "/" + sub
			n, err := c.putShared(ctx, p, key, path)
			if err != nil {
				return err
			}
			size += n
			files = append(files, checkpoint.SharedDir+"/"+sub)
			return nil
		}
		n, err := p.store.Upload(ctx, p.prefix+"/"+name+"/"+rel, path)
		if err != nil {
			return err
		}
		size += n
		files = append(files, name+"/"+rel)
		return nil
	})
	return files, full, size, err
}

// putShared stores a shared file unless this run stored it already (a
// savepoint always stores its own copy), and records that p uses it.
func (c *coordinator) putShared(ctx context.Context, p *pendingCkpt, key, path string) (int64, error) {
	c.retainMu.RLock()
	defer c.retainMu.RUnlock()
	c.mu.Lock()
	if p.sharedRefs == nil {
		p.sharedRefs = map[string]bool{}
	}
	p.sharedRefs[key] = true
	done := !p.savepoint && c.sharedUp[key]
	c.mu.Unlock()
	if done {
		return 0, nil
	}
	n, err := p.store.Upload(ctx, key, path)
	if err != nil {
		return 0, err
	}
	if !p.savepoint {
		c.mu.Lock()
		c.sharedUp[key] = true
		c.mu.Unlock()
	}
	return n, nil
}

// retain deletes the dropped checkpoints and the shared files no kept or
// pending checkpoint uses (Flink's state.checkpoints.num-retained).
func (c *coordinator) retain(st *checkpoint.Store, drop, keep []int64) error {
	c.retainMu.Lock()
	defer c.retainMu.Unlock()
	c.mu.Lock()
	used := map[string]bool{}
	for _, id := range keep {
		for k := range c.refs[id] {
			used[k] = true
		}
	}
	for _, ps := range []map[int64]*pendingCkpt{c.pending, c.completing} {
		for _, p := range ps {
			for k := range p.sharedRefs {
				used[k] = true
			}
		}
	}
	var del []string
	for _, id := range drop {
		for k := range c.refs[id] {
			if !used[k] {
				delete(c.sharedUp, k)
				del = append(del, k)
			}
		}
		delete(c.refs, id)
	}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	var first error
	for _, id := range drop {
		if err := st.DeleteDir(ctx, c.jobID+"/"+checkpoint.ChkName(id)); err != nil && first == nil {
			first = err
		}
	}
	for _, k := range del {
		if err := st.Delete(ctx, k); err != nil && first == nil {
			first = err
		}
	}
	return first
}
