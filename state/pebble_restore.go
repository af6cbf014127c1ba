package state

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Restore adds the entries of a snapshot (either backend's) whose key
// group this backend owns. Tables not declared yet are recorded and take
// their types when the operator declares them.
func (b *PebbleBackend) Restore(r io.Reader) error {
	d := &decoder{r: bufio.NewReader(r)}
	if string(d.bytesN(len(snapshotMagic))) != snapshotMagic {
		return d.fail("not a Spry keyed-state snapshot")
	}
	batch := b.store.db.NewBatch()
	defer func() { _ = batch.Close() }()
	var key, val []byte
	ntables := d.uvarint()
	for i := uint64(0); i < ntables && d.err == nil; i++ {
		name := string(d.bytes())
		kind := Kind(d.uvarint())
		ttl := time.Duration(d.varint()) * time.Millisecond
		if d.err != nil {
			break
		}
		if kind < KindValue || kind > KindMap {
			return d.fail("unknown state kind")
		}
		t, err := b.restoredTable(batch, name, kind, ttl)
		if err != nil {
			return err
		}
		n := d.uvarint()
		for j := uint64(0); j < n && d.err == nil; j++ {
			kg := int(d.uvarint())
			ek := d.bytes()
			ts := d.varint()
			keep := b.rng.Contains(kg)
			key = AppendStateKey(key[:0], kg, t.id, ek)
			switch kind {
			case KindValue:
				val = append(binary.AppendVarint(val[:0], ts), d.bytes()...)
				if keep && d.err == nil {
					d.err = batch.Set(key, val, nil)
				}
			case KindList:
				ln := d.uvarint()
				val = binary.AppendUvarint(binary.AppendVarint(val[:0], ts), ln)
				for k := uint64(0); k < ln && d.err == nil; k++ {
					e := d.bytes()
					val = append(binary.AppendUvarint(val, uint64(len(e))), e...)
				}
				if keep && d.err == nil {
					d.err = batch.Set(key, val, nil)
				}
			case KindMap:
				ln := d.uvarint()
				base := len(key)
				for k := uint64(0); k < ln && d.err == nil; k++ {
					uk, v, mts := d.bytes(), d.bytes(), d.varint()
					if keep && d.err == nil {
						key = append(key[:base], uk...)
						val = append(binary.AppendVarint(val[:0], mts), v...)
						d.err = batch.Set(key, val, nil)
					}
				}
			}
			if d.err == nil && batch.Len() >= 4<<20 {
				if d.err = batch.Commit(pebble.NoSync); d.err == nil {
					batch.Reset()
				}
			}
		}
	}
	if d.err != nil {
		if errors.Is(d.err, io.EOF) || errors.Is(d.err, io.ErrUnexpectedEOF) {
			return d.fail("truncated")
		}
		return d.err
	}
	return batch.Commit(pebble.NoSync)
}

// restoredTable returns the table a snapshot's table name restores into,
// recording its declaration when the store does not know it.
func (b *PebbleBackend) restoredTable(batch *pebble.Batch, name string, kind Kind, ttl time.Duration) (*pebbleTable, error) {
	if t := b.tables[name]; t != nil {
		if t.desc.Kind != kind {
			return nil, &DescriptorError{name, t.desc.Kind, kind}
		}
		return t, nil
	}
	t := &pebbleTable{desc: StateDescriptor{Name: name, Kind: kind, TTL: ttl}, id: StateID(name)}
	was, wasKind, _, found, err := b.readMeta(t.id)
	switch {
	case err != nil:
		return nil, err
	case found && was != name:
		return nil, &SnapshotError{"state " + name + " collides with " + was}
	case found && wasKind != kind:
		return nil, &DescriptorError{name, wasKind, kind}
	case !found:
		if err := b.writeMeta(batch, t); err != nil {
			return nil, err
		}
	}
	return t, nil
}
