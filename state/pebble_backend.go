package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// PebbleOption configures NewPebbleBackend.
type PebbleOption func(*PebbleBackend)

// WithPebbleClock sets the clock TTL is measured with (tests use a fake
// one).
func WithPebbleClock(now func() time.Time) PebbleOption {
	return func(b *PebbleBackend) { b.now = now }
}

// WithStoreOptions tunes the backend's store.
func WithStoreOptions(o StoreOptions) PebbleOption {
	return func(b *PebbleBackend) { b.storeOpts = o }
}

// PebbleBackend keeps keyed state in a pebble store on local disk
// (state.backend: pebble), so state may exceed memory. Entries are keyed
// by key group, state id (StateID of the name) and the encoded key, map
// entries by their user key after that; a value carries its write time
// (ms) for TTL, and expired entries read as absent, as in the memory
// backend. Snapshot and Restore write and read the memory backend's
// format, so the two backends restore each other's snapshots;
// Checkpoint and RestoreDir move the store as files instead.
type PebbleBackend struct {
	store     *Store
	storeOpts StoreOptions
	rng       KeyGroupRange
	tables    map[string]*pebbleTable
	now       func() time.Time
	curKey    []byte
	curKG     int
	kbuf      []byte
}

type pebbleTable struct {
	desc StateDescriptor
	id   uint32
}

var _ Backend = (*PebbleBackend)(nil)

// NewPebbleBackend opens a backend owning key groups r in a store in dir.
func NewPebbleBackend(dir string, r KeyGroupRange, opts ...PebbleOption) (*PebbleBackend, error) {
	b := &PebbleBackend{rng: r, tables: map[string]*pebbleTable{}, now: time.Now, curKG: -1}
	for _, o := range opts {
		o(b)
	}
	s, err := OpenStore(dir, b.storeOpts)
	if err != nil {
		return nil, err
	}
	b.store = s
	return b, nil
}

// Close closes the store.
func (b *PebbleBackend) Close() error { return b.store.Close() }

// Checkpoint writes the store's files into the new directory dir.
func (b *PebbleBackend) Checkpoint(dir string) error { return b.store.Checkpoint(dir) }

// RestoreDir adds the entries of the backend's key groups from a
// directory written by Checkpoint (by any subtask of the job). The first
// directory of a restore at the same parallelism becomes the store
// itself (Store.Adopt); others are copied entry by entry.
func (b *PebbleBackend) RestoreDir(dir string) error {
	ok, err := b.store.Adopt(dir, b.rng)
	if err != nil {
		return err
	}
	if !ok {
		return b.store.CopyFrom(dir, b.rng)
	}
	// The adopted store has the checkpoint's declarations: the states
	// declared before the restore are declared again.
	declared := b.tables
	b.tables = map[string]*pebbleTable{}
	for _, t := range declared {
		if _, err := b.table(t.desc); err != nil {
			return err
		}
	}
	return nil
}

// KeyGroupRange returns the key groups this backend owns.
func (b *PebbleBackend) KeyGroupRange() KeyGroupRange { return b.rng }

// SetCurrentKey selects the key that state handles read and write.
func (b *PebbleBackend) SetCurrentKey(key []byte, kg int) error {
	if !b.rng.Contains(kg) {
		return &KeyGroupError{kg, b.rng}
	}
	b.curKey, b.curKG = append(b.curKey[:0], key...), kg
	return nil
}

// Value returns the handle of a value state.
func (b *PebbleBackend) Value(d StateDescriptor) (ValueState, error) {
	d.Kind = KindValue
	t, err := b.table(d)
	return &pebbleValue{b, t}, err
}

// List returns the handle of a list state.
func (b *PebbleBackend) List(d StateDescriptor) (ListState, error) {
	d.Kind = KindList
	t, err := b.table(d)
	return &pebbleList{b, t}, err
}

// Map returns the handle of a map state.
func (b *PebbleBackend) Map(d StateDescriptor) (MapState, error) {
	d.Kind = KindMap
	t, err := b.table(d)
	return &pebbleMap{b, t}, err
}

// table declares d: its declaration is stored (so a snapshot lists it and
// a restored store knows it) and checked against an earlier one.
func (b *PebbleBackend) table(d StateDescriptor) (*pebbleTable, error) {
	if t := b.tables[d.Name]; t != nil {
		if t.desc.Kind != d.Kind {
			return nil, &DescriptorError{d.Name, t.desc.Kind, d.Kind}
		}
		t.desc = d
		return t, nil
	}
	t := &pebbleTable{desc: d, id: StateID(d.Name)}
	name, kind, _, found, err := b.readMeta(t.id)
	if err != nil {
		return nil, err
	}
	switch {
	case found && name != d.Name:
		return nil, fmt.Errorf("state: %q and %q have the same state id %#x; rename one", d.Name, name, t.id)
	case found && kind != d.Kind:
		return nil, &DescriptorError{d.Name, kind, d.Kind}
	}
	if err := b.writeMeta(b.store.db, t); err != nil {
		return nil, err
	}
	b.tables[d.Name] = t
	return t, nil
}

func metaKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32(KeyGroupPrefix(metaKeyGroup), id)
}

type setter interface {
	Set(key, value []byte, o *pebble.WriteOptions) error
}

func (b *PebbleBackend) writeMeta(w setter, t *pebbleTable) error {
	v := binary.AppendUvarint(nil, uint64(t.desc.Kind))
	v = binary.AppendVarint(v, t.desc.TTL.Milliseconds())
	v = append(v, t.desc.Name...)
	return w.Set(metaKey(t.id), v, pebble.NoSync)
}

func (b *PebbleBackend) readMeta(id uint32) (name string, kind Kind, ttl time.Duration, found bool, err error) {
	v, c, err := b.store.db.Get(metaKey(id))
	if errors.Is(err, pebble.ErrNotFound) {
		return "", 0, 0, false, nil
	}
	if err != nil {
		return "", 0, 0, false, err
	}
	defer c.Close()
	name, kind, ttl, err = decodeMeta(v)
	return name, kind, ttl, err == nil, err
}

func decodeMeta(v []byte) (string, Kind, time.Duration, error) {
	k, n := binary.Uvarint(v)
	if n <= 0 {
		return "", 0, 0, &SnapshotError{"bad state declaration"}
	}
	ttl, m := binary.Varint(v[n:])
	if m <= 0 {
		return "", 0, 0, &SnapshotError{"bad state declaration"}
	}
	return string(v[n+m:]), Kind(k), time.Duration(ttl) * time.Millisecond, nil
}

func (b *PebbleBackend) nowMs() int64 { return b.now().UnixMilli() }

func (b *PebbleBackend) expired(d *StateDescriptor, ts int64) bool {
	return d.TTL > 0 && b.nowMs()-ts >= d.TTL.Milliseconds()
}

// key returns the current key's store key in t (a reused buffer).
func (b *PebbleBackend) key(t *pebbleTable) ([]byte, error) {
	if b.curKG < 0 {
		return nil, ErrNoCurrentKey
	}
	b.kbuf = AppendStateKey(b.kbuf[:0], b.curKG, t.id, b.curKey)
	return b.kbuf, nil
}

// get returns a copy of the live payload stored under k (the write time
// stripped), or nil when there is none or it expired.
func (b *PebbleBackend) get(t *pebbleTable, k []byte) ([]byte, bool, error) {
	v, c, err := b.store.db.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer c.Close()
	ts, n := binary.Varint(v)
	if n <= 0 {
		return nil, false, &SnapshotError{"bad entry in pebble store"}
	}
	if b.expired(&t.desc, ts) {
		return nil, false, nil
	}
	return append([]byte(nil), v[n:]...), true, nil
}

// put stores payload under k stamped with the current time.
func (b *PebbleBackend) put(k, payload []byte) error {
	v := binary.AppendVarint(make([]byte, 0, len(payload)+binary.MaxVarintLen64), b.nowMs())
	return b.store.db.Set(k, append(v, payload...), pebble.NoSync)
}

// clear deletes the current key's entries of t (for a map, all of them).
func (b *PebbleBackend) clear(t *pebbleTable) {
	k, err := b.key(t)
	if err != nil {
		return
	}
	if t.desc.Kind == KindMap {
		_ = b.store.db.DeleteRange(k, prefixEnd(k), pebble.NoSync)
		return
	}
	_ = b.store.db.Delete(k, pebble.NoSync)
}

// prefixEnd returns the smallest key above every key starting with p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil // p is all 0xFF: no upper bound
}
