package state

import (
	"time"
)

// MemoryOption configures NewMemoryBackend.
type MemoryOption func(*memBackend)

// WithClock sets the clock TTL is measured with (tests use a fake one).
func WithClock(now func() time.Time) MemoryOption { return func(b *memBackend) { b.now = now } }

// NewMemoryBackend returns a heap backend owning key groups r.
func NewMemoryBackend(r KeyGroupRange, opts ...MemoryOption) Backend {
	b := &memBackend{rng: r, tables: map[string]*table{}, now: time.Now, curKG: -1}
	for _, o := range opts {
		o(b)
	}
	return b
}

type memBackend struct {
	rng    KeyGroupRange
	tables map[string]*table
	now    func() time.Time
	curKey string
	curKG  int
}

// table is one declared state: per owned key group, entries by encoded key.
type table struct {
	desc   StateDescriptor
	groups []map[string]*entry
}

// entry is one key's state: an encoded value, list or map, and the time it
// was last written (ms) for TTL.
type entry struct {
	val  []byte
	list [][]byte
	m    map[string]*mapEntry
	ts   int64
}

type mapEntry struct {
	key, val []byte
	ts       int64
}

func (b *memBackend) KeyGroupRange() KeyGroupRange { return b.rng }

func (b *memBackend) SetCurrentKey(key []byte, kg int) error {
	if !b.rng.Contains(kg) {
		return &KeyGroupError{kg, b.rng}
	}
	b.curKey, b.curKG = string(key), kg
	return nil
}

func (b *memBackend) table(d StateDescriptor) (*table, error) {
	t := b.tables[d.Name]
	if t == nil {
		t = &table{desc: d, groups: make([]map[string]*entry, b.rng.Len())}
		b.tables[d.Name] = t
		return t, nil
	}
	if t.desc.Kind != d.Kind {
		return nil, &DescriptorError{d.Name, t.desc.Kind, d.Kind}
	}
	t.desc = d // a restored table learns its types here
	return t, nil
}

func (b *memBackend) nowMs() int64 { return b.now().UnixMilli() }

func (b *memBackend) expired(d *StateDescriptor, ts int64) bool {
	return d.TTL > 0 && b.nowMs()-ts >= d.TTL.Milliseconds()
}

// current returns the current key's entry, creating it when create is set.
func (b *memBackend) current(t *table, create bool) (*entry, error) {
	if b.curKG < 0 {
		return nil, ErrNoCurrentKey
	}
	i := b.curKG - b.rng.Start
	m := t.groups[i]
	if m == nil {
		if !create {
			return nil, nil
		}
		m = map[string]*entry{}
		t.groups[i] = m
	}
	e := m[b.curKey]
	if e != nil && t.desc.Kind != KindMap && b.expired(&t.desc, e.ts) {
		delete(m, b.curKey)
		e = nil
	}
	if e == nil && create {
		e = &entry{}
		m[b.curKey] = e
	}
	return e, nil
}

func (b *memBackend) clear(t *table) {
	if b.curKG >= 0 {
		if m := t.groups[b.curKG-b.rng.Start]; m != nil {
			delete(m, b.curKey)
		}
	}
}

func (b *memBackend) Value(d StateDescriptor) (ValueState, error) {
	d.Kind = KindValue
	t, err := b.table(d)
	return &valueState{b, t}, err
}

func (b *memBackend) List(d StateDescriptor) (ListState, error) {
	d.Kind = KindList
	t, err := b.table(d)
	return &listState{b, t}, err
}

func (b *memBackend) Map(d StateDescriptor) (MapState, error) {
	d.Kind = KindMap
	t, err := b.table(d)
	return &mapState{b, t}, err
}

type valueState struct {
	b *memBackend
	t *table
}

func (s *valueState) Value() (any, bool, error) {
	e, err := s.b.current(s.t, false)
	if e == nil || err != nil {
		return nil, false, err
	}
	v, _, err := DecodeValue(e.val, s.t.desc.Type)
	return v, err == nil, err
}

func (s *valueState) Update(v any) error {
	enc, err := EncodeValue(nil, v, s.t.desc.Type)
	if err != nil {
		return err
	}
	e, err := s.b.current(s.t, true)
	if err != nil {
		return err
	}
	e.val, e.ts = enc, s.b.nowMs()
	return nil
}

func (s *valueState) Clear() { s.b.clear(s.t) }

type listState struct {
	b *memBackend
	t *table
}

func (s *listState) Get() ([]any, error) {
	e, err := s.b.current(s.t, false)
	if e == nil || err != nil {
		return nil, err
	}
	out := make([]any, len(e.list))
	for i, enc := range e.list {
		if out[i], _, err = DecodeValue(enc, s.t.desc.Type); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *listState) Add(v any) error {
	enc, err := EncodeValue(nil, v, s.t.desc.Type)
	if err != nil {
		return err
	}
	e, err := s.b.current(s.t, true)
	if err != nil {
		return err
	}
	e.list, e.ts = append(e.list, enc), s.b.nowMs()
	return nil
}

func (s *listState) Update(vs []any) error {
	encs := make([][]byte, len(vs))
	for i, v := range vs {
		enc, err := EncodeValue(nil, v, s.t.desc.Type)
		if err != nil {
			return err
		}
		encs[i] = enc
	}
	e, err := s.b.current(s.t, true)
	if err != nil {
		return err
	}
	e.list, e.ts = encs, s.b.nowMs()
	return nil
}

func (s *listState) Clear() { s.b.clear(s.t) }

type mapState struct {
	b *memBackend
	t *table
}

func (s *mapState) Get(k any) (any, bool, error) {
	kenc, err := EncodeValue(nil, k, s.t.desc.KeyType)
	if err != nil {
		return nil, false, err
	}
	e, err := s.b.current(s.t, false)
	if e == nil || err != nil {
		return nil, false, err
	}
	me := e.m[string(kenc)]
	if me == nil || s.b.expired(&s.t.desc, me.ts) {
		return nil, false, nil
	}
	v, _, err := DecodeValue(me.val, s.t.desc.Type)
	return v, err == nil, err
}

func (s *mapState) Put(k, v any) error {
	kenc, err := EncodeValue(nil, k, s.t.desc.KeyType)
	if err != nil {
		return err
	}
	venc, err := EncodeValue(nil, v, s.t.desc.Type)
	if err != nil {
		return err
	}
	e, err := s.b.current(s.t, true)
	if err != nil {
		return err
	}
	if e.m == nil {
		e.m = map[string]*mapEntry{}
	}
	e.m[string(kenc)] = &mapEntry{key: kenc, val: venc, ts: s.b.nowMs()}
	return nil
}

func (s *mapState) Remove(k any) error {
	kenc, err := EncodeValue(nil, k, s.t.desc.KeyType)
	if err != nil {
		return err
	}
	e, err := s.b.current(s.t, false)
	if e != nil {
		delete(e.m, string(kenc))
	}
	return err
}

func (s *mapState) Range(fn func(k, v any) bool) error {
	e, err := s.b.current(s.t, false)
	if e == nil || err != nil {
		return err
	}
	for _, me := range e.m {
		if s.b.expired(&s.t.desc, me.ts) {
			continue
		}
		k, _, err := DecodeValue(me.key, s.t.desc.KeyType)
		if err != nil {
			return err
		}
		v, _, err := DecodeValue(me.val, s.t.desc.Type)
		if err != nil {
			return err
		}
		if !fn(k, v) {
			return nil
		}
	}
	return nil
}

func (s *mapState) IsEmpty() bool {
	empty := true
	_ = s.Range(func(any, any) bool { empty = false; return false })
	return empty
}

func (s *mapState) Clear() { s.b.clear(s.t) }
