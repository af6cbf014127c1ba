package state

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"sort"
	"time"
)

// snapshotMagic starts every snapshot, naming the format version.
const snapshotMagic = "SPRYKS1\n"

// Snapshot writes the live entries of the key groups in r as:
//
//	magic, table count, then per table (by name): name, kind, TTL (ms),
//	entry count, and per entry: key group, key, write time, payload
//	(value bytes | list of value bytes | map of key, value, write time)
//
// with lengths and integers as varints. Expired entries are left out.
func (b *memBackend) Snapshot(w io.Writer, r KeyGroupRange) error {
	r = r.Intersect(b.rng)
	bw := bufio.NewWriter(w)
	enc := &encoder{w: bw}
	enc.raw([]byte(snapshotMagic))
	names := make([]string, 0, len(b.tables))
	for n := range b.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	enc.uvarint(uint64(len(names)))
	for _, n := range names {
		t := b.tables[n]
		d := &t.desc
		enc.bytes([]byte(n))
		enc.uvarint(uint64(d.Kind))
		enc.varint(d.TTL.Milliseconds())
		type kv struct {
			kg  int
			key string
			e   *entry
		}
		var live []kv
		for kg := r.Start; kg <= r.End; kg++ {
			for k, e := range t.groups[kg-b.rng.Start] {
				if d.Kind == KindMap || !b.expired(d, e.ts) {
					live = append(live, kv{kg, k, e})
				}
			}
		}
		enc.uvarint(uint64(len(live)))
		for _, x := range live {
			enc.uvarint(uint64(x.kg))
			enc.bytes([]byte(x.key))
			enc.varint(x.e.ts)
			switch d.Kind {
			case KindValue:
				enc.bytes(x.e.val)
			case KindList:
				enc.uvarint(uint64(len(x.e.list)))
				for _, v := range x.e.list {
					enc.bytes(v)
				}
			case KindMap:
				var ms []*mapEntry
				for _, me := range x.e.m {
					if !b.expired(d, me.ts) {
						ms = append(ms, me)
					}
				}
				enc.uvarint(uint64(len(ms)))
				for _, me := range ms {
					enc.bytes(me.key)
					enc.bytes(me.val)
					enc.varint(me.ts)
				}
			}
		}
	}
	if enc.err != nil {
		return enc.err
	}
	return bw.Flush()
}

// Restore adds a snapshot's entries whose key group this backend owns.
// Tables not declared yet are created and take their types when the
// operator declares them.
func (b *memBackend) Restore(r io.Reader) error {
	d := &decoder{r: bufio.NewReader(r)}
	if string(d.bytesN(len(snapshotMagic))) != snapshotMagic {
		return d.fail("not a Spry keyed-state snapshot")
	}
	ntables := d.uvarint()
	for i := uint64(0); i < ntables && d.err == nil; i++ {
		name := string(d.bytes())
		kind := Kind(d.uvarint())
		ttl := time.Duration(d.varint()) * time.Millisecond
		if kind < KindValue || kind > KindMap {
			return d.fail("unknown state kind")
		}
		t := b.tables[name]
		switch {
		case t == nil:
			t = &table{desc: StateDescriptor{Name: name, Kind: kind, TTL: ttl}, groups: make([]map[string]*entry, b.rng.Len())}
			b.tables[name] = t
		case t.desc.Kind != kind:
			return &DescriptorError{name, t.desc.Kind, kind}
		}
		n := d.uvarint()
		for j := uint64(0); j < n && d.err == nil; j++ {
			kg := int(d.uvarint())
			key := string(d.bytes())
			e := &entry{ts: d.varint()}
			switch kind {
			case KindValue:
				e.val = d.bytes()
			case KindList:
				ln := d.uvarint()
				for k := uint64(0); k < ln && d.err == nil; k++ {
					e.list = append(e.list, d.bytes())
				}
			case KindMap:
				ln := d.uvarint()
				e.m = map[string]*mapEntry{}
				for k := uint64(0); k < ln && d.err == nil; k++ {
					me := &mapEntry{key: d.bytes(), val: d.bytes(), ts: d.varint()}
					e.m[string(me.key)] = me
				}
			}
			if d.err != nil || !b.rng.Contains(kg) {
				continue
			}
			g := &t.groups[kg-b.rng.Start]
			if *g == nil {
				*g = map[string]*entry{}
			}
			(*g)[key] = e
		}
	}
	if d.err != nil {
		if errors.Is(d.err, io.EOF) || errors.Is(d.err, io.ErrUnexpectedEOF) {
			return d.fail("truncated")
		}
		return d.err
	}
	return nil
}

type encoder struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
	err error
}

func (e *encoder) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) uvarint(x uint64) { e.raw(e.buf[:binary.PutUvarint(e.buf[:], x)]) }
func (e *encoder) varint(x int64)   { e.raw(e.buf[:binary.PutVarint(e.buf[:], x)]) }
func (e *encoder) bytes(b []byte)   { e.uvarint(uint64(len(b))); e.raw(b) }

type decoder struct {
	r   *bufio.Reader
	err error
}

func (d *decoder) fail(msg string) error {
	if d.err == nil || errors.Is(d.err, io.EOF) || errors.Is(d.err, io.ErrUnexpectedEOF) {
		d.err = &SnapshotError{msg}
	}
	return d.err
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, err := binary.ReadUvarint(d.r)
	d.err = err
	return x
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	x, err := binary.ReadVarint(d.r)
	d.err = err
	return x
}

// maxChunk bounds one length-prefixed field, so a corrupt length cannot
// make Restore allocate without limit.
const maxChunk = 1 << 30

func (d *decoder) bytesN(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > maxChunk {
		d.fail("field too long")
		return nil
	}
	b := make([]byte, n)
	_, d.err = io.ReadFull(d.r, b)
	return b
}

func (d *decoder) bytes() []byte { return d.bytesN(int(min(d.uvarint(), maxChunk+1))) }
