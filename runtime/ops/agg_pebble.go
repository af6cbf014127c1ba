package ops

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/pebble/v2"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/state"
	"github.com/spry-engine/spry/types"
)

// PebbleCacheGroupsEnv names the environment variable that bounds the
// groups a streaming aggregation on the pebble backend keeps on the heap
// (state.backend.pebble.cache.groups; default DefaultPebbleCacheGroups).
const PebbleCacheGroupsEnv = "SPRY_STATE_PEBBLE_CACHE_GROUPS"

// DefaultPebbleCacheGroups is the default bound of the hot-group cache.
const DefaultPebbleCacheGroups = 1 << 16

// pebbleCacheGroups overrides the bound in tests when positive.
var pebbleCacheGroups = 0

// aggStateID is the state id the groups are stored under.
var aggStateID = state.StateID("group-aggregate")

// Per-group flags of a disk-backed aggregation.
const (
	diskStored uint8 = 1 << iota // the store holds an entry for the group's key
	diskDirty                    // changed since that entry was written
)

// aggDisk keeps a streaming GROUP BY's groups in a pebble store
// (state.backend: pebble), so their number is bounded by disk, not memory.
// The operator's hash table and accumulators are a write-back cache of
// hot groups: after each batch, when more than bound groups are cached,
// the least recently used quarter is written to the store (key,
// accumulator state, row count, last-touch time) and dropped from the
// heap; a key missing from the cache is looked up in the store before a
// group is created for it. The heap path does none of this work.
//
// An entry is keyed by key group, state id and kernel.AppendKey of the
// group key (how the input finds it); its value holds the write time
// (µs, for TTL), the row count, the key columns exactly and the state
// columns, so a checkpoint can be read back as the keyed snapshot.
type aggDisk struct {
	store   *state.Store
	root    string // the operator's private directory: db/ and checkpoints
	ownRoot bool   // root was made outside any StateDir: removed on Close
	bound   int
	maxP    int
	rng     state.KeyGroupRange
	seq     uint32
	lastUse []uint32
	flags   []uint8
	stored  bool // an entry was ever written or restored: lookups needed
	filter  *keyFilter
	keys    []colCodec
	states  []colCodec
	nstate  []int // state columns per call
	hashes  []uint64
	kbuf    []byte
	ebuf    []byte
	kcols   []byte
	rows    []int32
	found   []uint32
	cands   []uint64
	lkeys   []byte      // load: the looked-up keys, back to back
	loffs   []int32     // load: where each key starts in lkeys
	order   []int32     // load: the keys in store order
	newIdx  []int32     // load: the new group of each looked-up key
	warena  []byte      // write: keys and values, back to back
	wents   []diskEntry // write: the entries in warena
}

// openDisk moves the groups of a streaming GroupAggregate (per record,
// mini-batch or the global phase) to a pebble store when the job's state
// backend is pebble. A local phase keeps only its bundle and a global
// aggregate without keys only one group: both stay on the heap.
func (a *hashAgg) openDisk(ctx *OpContext) error {
	if ctx == nil || ctx.StateBackend != "pebble" || !a.cfg.Streaming || a.cfg.Phase == AggLocal || len(a.cfg.Keys) == 0 {
		return nil
	}
	d := &aggDisk{bound: cacheBound(), maxP: ctx.MaxParallelism, filter: newKeyFilter()}
	if d.maxP <= 0 {
		d.maxP = defaultMaxParallelism
	}
	d.rng = state.KeyGroupRange{Start: 0, End: d.maxP - 1}
	if ctx.Parallelism > 1 {
		d.rng = state.RangeForSubtask(d.maxP, ctx.Parallelism, ctx.Subtask)
	}
	var err error
	if ctx.StateDir != "" {
		if err = os.MkdirAll(ctx.StateDir, 0o755); err == nil {
			d.root, err = os.MkdirTemp(ctx.StateDir, "group-aggregate-")
		}
	} else {
		d.root, err = os.MkdirTemp("", "spry-group-aggregate-")
		d.ownRoot = true
	}
	if err != nil {
		return fmt.Errorf("%s: state directory: %w", a, err)
	}
	if d.store, err = state.OpenStore(filepath.Join(d.root, "db"), state.StoreOptions{}); err != nil {
		return err
	}
	c := newDiskCodecs(a.cfg)
	d.keys, d.states, d.nstate = c.keys, c.states, c.nstate
	a.disk = d
	return nil
}

func cacheBound() int {
	if pebbleCacheGroups > 0 {
		return pebbleCacheGroups
	}
	if v, err := strconv.Atoi(os.Getenv(PebbleCacheGroupsEnv)); err == nil && v > 0 {
		return v
	}
	return DefaultPebbleCacheGroups
}

// Close closes the store; the runtime removes the subtask's StateDir.
func (a *hashAgg) Close() error {
	d := a.disk
	if d == nil {
		return nil
	}
	a.disk = nil
	err := d.store.Close()
	if d.ownRoot {
		err = errors.Join(err, os.RemoveAll(d.root))
	}
	return err
}

// diskEntry locates a key [key, val) and its value [val, end) in a buffer.
type diskEntry struct{ key, val, end int32 }

// grow sizes the per-group arrays to the table.
func (d *aggDisk) grow(n int) {
	if len(d.flags) < n {
		d.flags = append(d.flags, make([]uint8, n-len(d.flags))...)
		d.lastUse = append(d.lastUse, make([]uint32, n-len(d.lastUse))...)
	}
}

// keyGroupsOf returns the key group of each of n rows of key columns cols,
// as the hash exchange routes them.
func (d *aggDisk) keyGroupsOf(cols []arrow.Array, n int) []uint64 {
	if cap(d.hashes) < n {
		d.hashes = make([]uint64, n)
	}
	hs := d.hashes[:n]
	kernel.HashColumns(cols, n, hs)
	for i, h := range hs {
		hs[i] = uint64(kernel.KeyGroup(h, d.maxP))
	}
	return hs
}

// entryKey returns the store key of row i of key columns cols.
func (d *aggDisk) entryKey(cols []arrow.Array, i int, kg uint64) []byte {
	d.ebuf = kernel.AppendKey(d.ebuf[:0], cols, i)
	d.kbuf = state.AppendStateKey(d.kbuf[:0], int(kg), aggStateID, d.ebuf)
	return d.kbuf
}

// load runs after the batch's keys were assigned to groups: the groups
// just created are looked up in the store, and those found take back
// their state (Accumulator.Merge into the fresh group), row count and
// write time, so the batch folds in as if they had never left the heap.
func (d *aggDisk) load(a *hashAgg, b *types.Batch) error {
	t := a.table
	d.grow(t.len())
	for _, g := range t.newGroups {
		d.flags[g] = 0
	}
	if len(t.newGroups) == 0 || !d.stored {
		return nil
	}
	cols := make([]arrow.Array, len(a.cfg.Keys))
	for i, k := range a.cfg.Keys {
		cols[i] = kernel.Take(b.Cols[k], t.newRows)
	}
	kgs := d.keyGroupsOf(cols, len(t.newRows))
	// A group on the heap expires when a TTL sweep finds it past its TTL
	// (agg_ttl.go); one on disk expires as if it had stayed: when the
	// last sweep would have found it so.
	lastSweep := a.ttl.nextSweep - a.ttl.sweepEvery()
	// Keys are looked up in store order through one iterator: pebble
	// then moves forward from the previous position instead of starting
	// every lookup from the top of each level.
	arena, offs, order := d.lkeys[:0], d.loffs[:0], d.order[:0]
	d.newIdx = d.newIdx[:0]
	for j := range t.newGroups {
		start := len(arena)
		d.ebuf = kernel.AppendKey(d.ebuf[:0], cols, j)
		arena = state.AppendStateKey(arena, int(kgs[j]), aggStateID, d.ebuf)
		if !d.filter.mayContain(d.filter.hash(arena[start:])) {
			arena = arena[:start] // never stored: a new group
			continue
		}
		offs = append(offs, int32(start))
		order = append(order, int32(len(offs)-1))
		d.newIdx = append(d.newIdx, int32(j))
	}
	offs = append(offs, int32(len(arena)))
	d.lkeys, d.loffs, d.order = arena, offs, order
	if len(order) == 0 {
		return nil
	}
	key := func(j int32) []byte { return arena[offs[j]:offs[j+1]] }
	slices.SortFunc(order, func(x, y int32) int { return bytes.Compare(key(x), key(y)) })
	it, err := d.store.DB().NewIter(nil)
	if err != nil {
		return fmt.Errorf("%s: reading state: %w", a, err)
	}
	found := d.found[:0]
	var counts []int64
	var expired [][]byte
	for _, j := range order {
		k := key(j)
		if !it.SeekPrefixGE(k) || !bytes.Equal(it.Key(), k) {
			continue
		}
		v, err := it.ValueAndErr()
		var ts, cnt int64
		var rest []byte
		if err == nil {
			ts, cnt, rest, err = entryHeader(v)
		}
		if err == nil && a.ttl.ttl > 0 && lastSweep-ts >= a.ttl.ttl {
			expired = append(expired, append([]byte(nil), k...))
			continue
		}
		if err == nil {
			err = d.decodeStates(rest)
		}
		if err != nil {
			_ = it.Close()
			return fmt.Errorf("%s: reading state: %w", a, err)
		}
		found, counts = append(found, t.newGroups[d.newIdx[j]]), append(counts, cnt)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("%s: reading state: %w", a, err)
	}
	d.found = found
	for _, k := range expired {
		if err := d.store.DB().Delete(k, pebble.NoSync); err != nil {
			return err
		}
	}
	if len(found) == 0 {
		return nil
	}
	states := make([]arrow.Array, len(d.states))
	for i, c := range d.states {
		states[i] = c.finish()
	}
	next := 0
	for c, acc := range a.accs {
		if err := acc.Merge(a.ctx, found, states[next:next+d.nstate[c]]); err != nil {
			return fmt.Errorf("%s: restoring state: %w", a, err)
		}
		next += d.nstate[c]
	}
	for i, g := range found {
		a.rowCnt[g] = counts[i]
		d.flags[g] = diskStored
	}
	return nil
}

// entryHeader reads an entry's write time and row count and returns the
// rest.
func entryHeader(v []byte) (ts, cnt int64, rest []byte, err error) {
	ts, n := binary.Varint(v)
	if n <= 0 {
		return 0, 0, nil, errShortEntry
	}
	cnt, m := binary.Varint(v[n:])
	if m <= 0 {
		return 0, 0, nil, errShortEntry
	}
	return ts, cnt, v[n+m:], nil
}

// decodeStates skips an entry's key columns and decodes its state columns
// into the state codecs.
func (d *aggDisk) decodeStates(rest []byte) error {
	kl, w := binary.Uvarint(rest)
	if w <= 0 || kl > uint64(len(rest)-w) {
		return errShortEntry
	}
	rest = rest[w+int(kl):]
	var err error
	for _, c := range d.states {
		if rest, err = c.decode(rest); err != nil {
			return err
		}
	}
	return nil
}
