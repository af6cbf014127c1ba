package ops

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/pebble/v2"
	"github.com/spry-engine/spry/state"
	"github.com/spry-engine/spry/types"
)

// keyedSnapshotFile is the file a heap aggregation's SnapshotDir writes:
// its keyed snapshot (SnapshotState).
const keyedSnapshotFile = "keyed-state.arrow"

var _ DirSnapshotter = (*hashAgg)(nil)

// SnapshotsToDir reports whether the runtime should checkpoint op through
// DirSnapshotter rather than Snapshotter: an operator implementing both
// (the group aggregation, whose backend is chosen at Open) says which of
// its states lives in a local store.
func SnapshotsToDir(op Operator) bool {
	if _, ok := op.(DirSnapshotter); !ok {
		return false
	}
	if a, ok := op.(*hashAgg); ok {
		return a.disk != nil
	}
	_, keyed := op.(Snapshotter)
	return !keyed
}

// SnapshotDir writes checkpoint id into a new local directory. On the
// pebble backend the cache's changed groups are written to the store and
// the store is checkpointed as files (SSTables shared with earlier
// checkpoints); on the heap the keyed snapshot is written as one file.
func (a *hashAgg) SnapshotDir(id int64) (string, error) {
	if d := a.disk; d != nil {
		d.grow(a.table.len())
		if err := d.write(a, a.table.liveGroups(nil)); err != nil {
			return "", err
		}
		dir := filepath.Join(d.root, fmt.Sprintf("chk-%d", id))
		if err := os.RemoveAll(dir); err != nil { // left by a checkpoint that failed
			return "", err
		}
		return dir, d.store.Checkpoint(dir)
	}
	parent := ""
	if a.opCtx != nil {
		parent = a.opCtx.StateDir
	}
	dir, err := os.MkdirTemp(parent, fmt.Sprintf("group-aggregate-chk-%d-", id))
	if err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(dir, keyedSnapshotFile))
	if err != nil {
		return "", err
	}
	err = a.SnapshotState(f)
	return dir, errors.Join(err, f.Close())
}

// RestoreDirs restores the directories of every subtask of the
// checkpointed run, keeping this subtask's key groups. Either kind of
// directory restores into either backend.
func (a *hashAgg) RestoreDirs(dirs []string) error {
	for _, dir := range dirs {
		if err := a.restoreDir(dir); err != nil {
			return fmt.Errorf("%s: restoring %s: %w", a, dir, err)
		}
	}
	return nil
}

func (a *hashAgg) restoreDir(dir string) error {
	d := a.disk
	if f, err := os.Open(filepath.Join(dir, keyedSnapshotFile)); err == nil {
		defer f.Close()
		if err := a.RestoreState(f); err != nil {
			return err
		}
		if d != nil {
			d.grow(a.table.len())
			return d.evict(a)
		}
		return nil
	}
	if d != nil {
		d.stored = true
		ok, err := d.store.Adopt(dir, d.rng)
		if err == nil && !ok {
			err = d.store.CopyFrom(dir, d.rng)
		}
		if err != nil {
			return err
		}
		return d.fillFilter()
	}
	// A pebble checkpoint restored on the heap: read it as a keyed
	// snapshot (RestoreState keeps this subtask's key groups).
	ro, err := state.OpenReadOnly(dir)
	if err != nil {
		return err
	}
	defer ro.Close()
	var buf bytes.Buffer
	if err := a.exportKeyed(ro.DB(), newDiskCodecs(a.cfg), &buf); err != nil {
		return err
	}
	return a.RestoreState(&buf)
}

// fillFilter adds every stored key to the filter of stored keys.
func (d *aggDisk) fillFilter() error {
	d.filter = newKeyFilter()
	it, err := d.store.DB().NewIter(&pebble.IterOptions{LowerBound: state.KeyGroupPrefix(0), UpperBound: state.KeyGroupPrefix(0xFFFF)})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		d.filter.add(d.filter.hash(it.Key()))
	}
	return errors.Join(it.Error(), it.Close())
}

// snapshotKeyed writes every group, cached or stored, as the keyed
// snapshot SnapshotState writes on the heap.
func (d *aggDisk) snapshotKeyed(a *hashAgg, w io.Writer) error {
	d.grow(a.table.len())
	if err := d.write(a, a.table.liveGroups(nil)); err != nil {
		return err
	}
	return a.exportKeyed(d.store.DB(), d.codecs(), w)
}

// diskCodecs are the column codecs of an aggregation's stored entries.
type diskCodecs struct {
	keys, states []colCodec
	nstate       []int
}

func newDiskCodecs(cfg *AggConfig) diskCodecs {
	var c diskCodecs
	for _, k := range cfg.Keys {
		c.keys = append(c.keys, newColCodec(cfg.InSchema.Fields[k].Type))
	}
	for _, call := range cfg.Calls {
		ts := call.Factory.StateTypes()
		for _, t := range ts {
			c.states = append(c.states, newColCodec(t))
		}
		c.nstate = append(c.nstate, len(ts))
	}
	return c
}

func (d *aggDisk) codecs() diskCodecs {
	return diskCodecs{keys: d.keys, states: d.states, nstate: d.nstate}
}

// exportKeyed writes the live entries of store db in the layout of
// SnapshotState (snapshotSchema).
func (a *hashAgg) exportKeyed(db *pebble.DB, c diskCodecs, w io.Writer) error {
	// Under TTL each entry's last-access time goes along, as in the heap
	// snapshot, so a restored group expires when it would have.
	schema, withTTL := a.snapshotSchema(), a.ttl.ttl > 0
	if withTTL {
		schema = withAccessTime(schema)
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: state.KeyGroupPrefix(0), UpperBound: state.KeyGroupPrefix(0xFFFF)})
	if err != nil {
		return err
	}
	defer it.Close()
	var kgs []int32
	var counts, tss []int64
	emit := func() error {
		if len(kgs) == 0 {
			return nil
		}
		b := array.NewInt32Builder(memory.DefaultAllocator)
		b.AppendValues(kgs, nil)
		cols := []arrow.Array{b.NewArray()}
		b.Release()
		for _, k := range c.keys {
			cols = append(cols, k.finish())
		}
		for _, s := range c.states {
			cols = append(cols, s.finish())
		}
		cols = append(cols, int64Array(counts))
		if withTTL {
			cols = append(cols, int64Array(tss))
		}
		rec := types.NewBatch(schema, cols, nil, len(kgs)).Record()
		err := wr.Write(rec)
		rec.Release()
		kgs, counts, tss = kgs[:0], counts[:0], tss[:0]
		return err
	}
	var sweptAt int64
	if withTTL {
		sweptAt = a.ttl.sweptAt(a.ttl.now())
	}
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()
		if len(k) < 6 || binary.BigEndian.Uint32(k[2:6]) != aggStateID {
			continue
		}
		ts, cnt, rest, err := entryHeader(it.Value())
		if err != nil {
			return err
		}
		if withTTL && sweptAt-ts >= a.ttl.ttl {
			continue
		}
		kl, n := binary.Uvarint(rest)
		if n <= 0 || kl > uint64(len(rest)-n) {
			return errShortEntry
		}
		kb, sb := rest[n:n+int(kl)], rest[n+int(kl):]
		for _, kc := range c.keys {
			if kb, err = kc.decode(kb); err != nil {
				return err
			}
		}
		for _, sc := range c.states {
			if sb, err = sc.decode(sb); err != nil {
				return err
			}
		}
		kgs, counts = append(kgs, int32(binary.BigEndian.Uint16(k))), append(counts, cnt)
		if withTTL {
			tss = append(tss, ts)
		}
		if len(kgs) == aggEmitRows {
			if err := emit(); err != nil {
				return err
			}
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	if err := emit(); err != nil {
		return err
	}
	return wr.Close()
}
