package state

import (
	"encoding/binary"

	"github.com/cockroachdb/pebble/v2"
)

type pebbleValue struct {
	b *PebbleBackend
	t *pebbleTable
}

func (s *pebbleValue) Value() (any, bool, error) {
	k, err := s.b.key(s.t)
	if err != nil {
		return nil, false, err
	}
	p, ok, err := s.b.get(s.t, k)
	if !ok || err != nil {
		return nil, false, err
	}
	v, _, err := DecodeValue(p, s.t.desc.Type)
	return v, err == nil, err
}

func (s *pebbleValue) Update(v any) error {
	enc, err := EncodeValue(nil, v, s.t.desc.Type)
	if err != nil {
		return err
	}
	k, err := s.b.key(s.t)
	if err != nil {
		return err
	}
	return s.b.put(k, enc)
}

func (s *pebbleValue) Clear() { s.b.clear(s.t) }

// pebbleList stores a whole list as one entry: a count, then each
// length-prefixed encoded element.
type pebbleList struct {
	b *PebbleBackend
	t *pebbleTable
}

func (s *pebbleList) raw() ([]byte, error) {
	k, err := s.b.key(s.t)
	if err != nil {
		return nil, err
	}
	p, _, err := s.b.get(s.t, k)
	return p, err
}

func (s *pebbleList) Get() ([]any, error) {
	p, err := s.raw()
	if p == nil || err != nil {
		return nil, err
	}
	elems, err := splitList(p)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(elems))
	for i, e := range elems {
		if out[i], _, err = DecodeValue(e, s.t.desc.Type); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *pebbleList) Add(v any) error {
	enc, err := EncodeValue(nil, v, s.t.desc.Type)
	if err != nil {
		return err
	}
	p, err := s.raw()
	if err != nil {
		return err
	}
	elems, err := splitList(p)
	if err != nil {
		return err
	}
	return s.write(append(elems, enc))
}

func (s *pebbleList) Update(vs []any) error {
	encs := make([][]byte, len(vs))
	for i, v := range vs {
		enc, err := EncodeValue(nil, v, s.t.desc.Type)
		if err != nil {
			return err
		}
		encs[i] = enc
	}
	return s.write(encs)
}

func (s *pebbleList) write(elems [][]byte) error {
	k, err := s.b.key(s.t)
	if err != nil {
		return err
	}
	return s.b.put(k, joinList(nil, elems))
}

func (s *pebbleList) Clear() { s.b.clear(s.t) }

func joinList(buf []byte, elems [][]byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(elems)))
	for _, e := range elems {
		buf = binary.AppendUvarint(buf, uint64(len(e)))
		buf = append(buf, e...)
	}
	return buf
}

func splitList(p []byte) ([][]byte, error) {
	if len(p) == 0 {
		return nil, nil
	}
	bad := &SnapshotError{"bad list entry in pebble store"}
	n, w := binary.Uvarint(p)
	if w <= 0 || n > uint64(len(p)) {
		return nil, bad
	}
	p = p[w:]
	out := make([][]byte, 0, n)
	for range n {
		l, w := binary.Uvarint(p)
		if w <= 0 || l > uint64(len(p)-w) {
			return nil, bad
		}
		out = append(out, p[w:w+int(l)])
		p = p[w+int(l):]
	}
	return out, nil
}

type pebbleMap struct {
	b *PebbleBackend
	t *pebbleTable
}

// entryKey returns the store key of user key k of the current key.
func (s *pebbleMap) entryKey(k any) ([]byte, error) {
	prefix, err := s.b.key(s.t)
	if err != nil {
		return nil, err
	}
	return EncodeValue(append([]byte(nil), prefix...), k, s.t.desc.KeyType)
}

func (s *pebbleMap) Get(k any) (any, bool, error) {
	ek, err := s.entryKey(k)
	if err != nil {
		return nil, false, err
	}
	p, ok, err := s.b.get(s.t, ek)
	if !ok || err != nil {
		return nil, false, err
	}
	v, _, err := DecodeValue(p, s.t.desc.Type)
	return v, err == nil, err
}

func (s *pebbleMap) Put(k, v any) error {
	ek, err := s.entryKey(k)
	if err != nil {
		return err
	}
	venc, err := EncodeValue(nil, v, s.t.desc.Type)
	if err != nil {
		return err
	}
	return s.b.put(ek, venc)
}

func (s *pebbleMap) Remove(k any) error {
	ek, err := s.entryKey(k)
	if err != nil {
		return err
	}
	return s.b.store.db.Delete(ek, pebble.NoSync)
}

// Range visits the live entries in the order of their encoded user keys.
func (s *pebbleMap) Range(fn func(k, v any) bool) error {
	prefix, err := s.b.key(s.t)
	if err != nil {
		return err
	}
	lo := append([]byte(nil), prefix...)
	it, err := s.b.store.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		raw, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		ts, n := binary.Varint(raw)
		if n <= 0 {
			return &SnapshotError{"bad map entry in pebble store"}
		}
		if s.b.expired(&s.t.desc, ts) {
			continue
		}
		k, _, err := DecodeValue(it.Key()[len(lo):], s.t.desc.KeyType)
		if err != nil {
			return err
		}
		v, _, err := DecodeValue(raw[n:], s.t.desc.Type)
		if err != nil {
			return err
		}
		if !fn(k, v) {
			return nil
		}
	}
	return it.Error()
}

func (s *pebbleMap) IsEmpty() bool {
	empty := true
	_ = s.Range(func(any, any) bool { empty = false; return false })
	return empty
}

func (s *pebbleMap) Clear() { s.b.clear(s.t) }
