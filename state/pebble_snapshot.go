package state

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"sort"

	"github.com/cockroachdb/pebble/v2"
)

// storedTable is a state declaration read from the store.
type storedTable struct {
	id   uint32
	desc StateDescriptor
}

// storedTables lists every state declared in the store (declared by the
// operator or restored), by name.
func (b *PebbleBackend) storedTables() ([]storedTable, error) {
	lo := KeyGroupPrefix(metaKeyGroup)
	it, err := b.store.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []storedTable
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != 6 {
			continue
		}
		name, kind, ttl, err := decodeMeta(it.Value())
		if err != nil {
			return nil, err
		}
		d := StateDescriptor{Name: name, Kind: kind, TTL: ttl}
		if t := b.tables[name]; t != nil {
			d = t.desc
		}
		out = append(out, storedTable{binary.BigEndian.Uint32(k[2:]), d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].desc.Name < out[j].desc.Name })
	return out, it.Error()
}

// Snapshot writes the live entries of key groups r in the memory
// backend's snapshot format, so either backend restores it.
func (b *PebbleBackend) Snapshot(w io.Writer, r KeyGroupRange) error {
	r = r.Intersect(b.rng)
	tables, err := b.storedTables()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := &encoder{w: bw}
	enc.raw([]byte(snapshotMagic))
	enc.uvarint(uint64(len(tables)))
	var body bytes.Buffer
	for _, t := range tables {
		body.Reset()
		tw := bufio.NewWriter(&body)
		n, err := b.snapshotTable(&encoder{w: tw}, t, r)
		if err != nil {
			return err
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		enc.bytes([]byte(t.desc.Name))
		enc.uvarint(uint64(t.desc.Kind))
		enc.varint(t.desc.TTL.Milliseconds())
		enc.uvarint(uint64(n))
		enc.raw(body.Bytes())
	}
	if enc.err != nil {
		return enc.err
	}
	return bw.Flush()
}

// snapshotTable writes table t's live entries of key groups r and returns
// how many it wrote.
func (b *PebbleBackend) snapshotTable(enc *encoder, t storedTable, r KeyGroupRange) (int, error) {
	d := &t.desc
	count := 0
	// A map's entries of one key are adjacent; they are gathered and
	// written as one snapshot entry.
	var (
		mapKG         = -1
		mapKey        []byte
		mapTS         int64
		mapEntries    [][2][]byte
		mapEntryTimes []int64
	)
	flushMap := func() {
		if mapKG < 0 {
			return
		}
		enc.uvarint(uint64(mapKG))
		enc.bytes(mapKey)
		enc.varint(mapTS)
		enc.uvarint(uint64(len(mapEntries)))
		for i, e := range mapEntries {
			enc.bytes(e[0])
			enc.bytes(e[1])
			enc.varint(mapEntryTimes[i])
		}
		count++
		mapKG, mapEntries, mapEntryTimes = -1, mapEntries[:0], mapEntryTimes[:0]
	}
	for kg := r.Start; kg <= r.End; kg++ {
		lo := binary.BigEndian.AppendUint32(KeyGroupPrefix(kg), t.id)
		it, err := b.store.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
		if err != nil {
			return 0, err
		}
		for it.First(); it.Valid(); it.Next() {
			k := it.Key()[len(lo):]
			kl, w := binary.Uvarint(k)
			raw, err := it.ValueAndErr()
			if err != nil {
				_ = it.Close()
				return 0, err
			}
			ts, n := binary.Varint(raw)
			if w <= 0 || kl > uint64(len(k)-w) || n <= 0 {
				_ = it.Close()
				return 0, &SnapshotError{"bad entry in pebble store"}
			}
			key, rest := k[w:w+int(kl)], k[w+int(kl):]
			if b.expired(d, ts) {
				continue
			}
			if d.Kind != KindMap {
				enc.uvarint(uint64(kg))
				enc.bytes(key)
				enc.varint(ts)
				if d.Kind == KindValue {
					enc.bytes(raw[n:])
				} else {
					enc.raw(raw[n:]) // stored in the snapshot's list layout
				}
				count++
				continue
			}
			if mapKG != kg || !bytes.Equal(mapKey, key) {
				flushMap()
				mapKG, mapKey, mapTS = kg, append(mapKey[:0], key...), ts
			}
			mapTS = max(mapTS, ts)
			mapEntries = append(mapEntries, [2][]byte{append([]byte(nil), rest...), append([]byte(nil), raw[n:]...)})
			mapEntryTimes = append(mapEntryTimes, ts)
		}
		if err := it.Close(); err != nil {
			return 0, err
		}
	}
	flushMap()
	return count, enc.err
}
