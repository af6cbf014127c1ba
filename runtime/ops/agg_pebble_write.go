package ops

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/pebble/v2"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// afterBatch runs once a batch is folded in: it stamps the batch's groups,
// deletes the stored entries of groups the batch emptied, and evicts the
// coldest groups when the cache is over its bound.
func (d *aggDisk) afterBatch(a *hashAgg, b *types.Batch) error {
	n := b.Len()
	d.grow(a.table.len())
	d.seq++
	rows := d.rows[:0]
	for i, g := range a.groups[:n] {
		d.lastUse[g] = d.seq
		d.flags[g] |= diskDirty
		if a.rowCnt[g] <= 0 && d.flags[g]&diskStored != 0 {
			d.flags[g] &^= diskStored
			rows = append(rows, int32(i))
		}
	}
	d.rows = rows
	if len(rows) > 0 {
		cols := make([]arrow.Array, len(a.cfg.Keys))
		for i, k := range a.cfg.Keys {
			cols[i] = kernel.Take(b.Cols[k], rows)
		}
		kgs := d.keyGroupsOf(cols, len(rows))
		batch := d.store.DB().NewBatch()
		for j := range rows {
			_ = batch.Delete(d.entryKey(cols, j, kgs[j]), nil)
		}
		err := batch.Commit(pebble.NoSync)
		_ = batch.Close()
		if err != nil {
			return fmt.Errorf("%s: writing state: %w", a, err)
		}
	}
	return d.evict(a)
}

// evict writes the least recently used quarter of the cache to the store
// and drops it from the heap when more than bound groups are cached.
func (d *aggDisk) evict(a *hashAgg) error {
	t := a.table
	live := int(t.size) - len(t.free)
	if live <= d.bound {
		return nil
	}
	cands := d.cands[:0]
	for g, ok := range t.live {
		if ok {
			cands = append(cands, uint64(d.lastUse[g])<<32|uint64(g))
		}
	}
	slices.Sort(cands)
	victims := make([]uint32, live-d.bound*3/4)
	for i := range victims {
		victims[i] = uint32(cands[i])
	}
	d.cands = cands
	if err := d.write(a, victims); err != nil {
		return err
	}
	for _, acc := range a.accs {
		acc.Reset(victims)
	}
	for _, g := range victims {
		a.rowCnt[g] = 0
		d.flags[g] = 0
		t.drop(g)
	}
	return nil
}

// write stores the state of groups that changed since they were last
// written (or never were). Entries are added to the store in key order:
// pebble's memtable inserts a run of ascending keys much faster than
// scattered ones.
func (d *aggDisk) write(a *hashAgg, groups []uint32) error {
	dirty := groups[:0:0]
	for _, g := range groups {
		if d.flags[g]&diskDirty != 0 || d.flags[g]&diskStored == 0 {
			dirty = append(dirty, g)
		}
	}
	arena, ents := d.warena[:0], d.wents[:0]
	for lo := 0; lo < len(dirty); lo += aggEmitRows {
		part := dirty[lo:min(lo+aggEmitRows, len(dirty))]
		keys := a.table.keyColumns(part)
		kgs := d.keyGroupsOf(keys, len(part))
		var states []arrow.Array
		for _, acc := range a.accs {
			st, err := acc.State(part)
			if err != nil {
				return err
			}
			states = append(states, st...)
		}
		for j, g := range part {
			var ts int64
			if a.ttl.ttl > 0 && int(g) < len(a.ttl.touched) {
				ts = a.ttl.touched[g]
			}
			e := diskEntry{key: int32(len(arena))}
			arena = append(arena, d.entryKey(keys, j, kgs[j])...)
			e.val = int32(len(arena))
			arena = binary.AppendVarint(arena, ts)
			arena = binary.AppendVarint(arena, a.rowCnt[g])
			// The key columns are length-prefixed so a lookup skips them.
			kb := d.kcols[:0]
			for c, codec := range d.keys {
				kb = codec.encode(kb, keys[c], j)
			}
			d.kcols = kb
			arena = append(binary.AppendUvarint(arena, uint64(len(kb))), kb...)
			for c, codec := range d.states {
				arena = codec.encode(arena, states[c], j)
			}
			e.end = int32(len(arena))
			if d.flags[g]&diskStored == 0 {
				d.filter.add(d.filter.hash(arena[e.key:e.val]))
			}
			d.flags[g] = diskStored
			ents = append(ents, e)
		}
	}
	d.warena, d.wents = arena, ents
	if len(ents) == 0 {
		return nil
	}
	d.stored = true
	slices.SortFunc(ents, func(x, y diskEntry) int { return bytes.Compare(arena[x.key:x.val], arena[y.key:y.val]) })
	batch := d.store.DB().NewBatchWithSize(len(arena) + 16*len(ents))
	defer func() { _ = batch.Close() }()
	for _, e := range ents {
		if err := batch.Set(arena[e.key:e.val], arena[e.val:e.end], nil); err != nil {
			return err
		}
	}
	if err := batch.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("%s: writing state: %w", a, err)
	}
	return nil
}
