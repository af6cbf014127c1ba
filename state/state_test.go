package state

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/types"
)

func TestRangeForSubtask(t *testing.T) {
	cases := []struct {
		max, par, sub int
		want          KeyGroupRange
	}{
		{128, 1, 0, KeyGroupRange{0, 127}},
		{128, 2, 0, KeyGroupRange{0, 63}},
		{128, 2, 1, KeyGroupRange{64, 127}},
		{10, 3, 0, KeyGroupRange{0, 3}},
		{10, 3, 1, KeyGroupRange{4, 6}},
		{10, 3, 2, KeyGroupRange{7, 9}},
	}
	for _, c := range cases {
		if got := RangeForSubtask(c.max, c.par, c.sub); got != c.want {
			t.Errorf("RangeForSubtask(%d, %d, %d) = %v, want %v", c.max, c.par, c.sub, got, c.want)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	cases := []struct {
		v any
		t types.DataType
	}{
		{nil, types.Int},
		{true, types.Boolean},
		{int8(-3), types.TinyInt},
		{int16(300), types.SmallInt},
		{int32(-70000), types.Int},
		{int64(1 << 40), types.BigInt},
		{float32(1.5), types.Float},
		{2.25, types.Double},
		{decimal128.FromI64(-12345), types.Decimal(10, 2)},
		{"héllo", types.String},
		{[]byte{0, 1, 2}, types.Bytes},
		{int64(1700000000000000), types.TimestampMs},
		{[]any{int32(1), nil, int32(3)}, types.ArrayOf(types.Int)},
		{[]types.MapEntry{{Key: "a", Value: int64(1)}}, types.MapOf(types.String, types.BigInt)},
		{[]any{"x", int32(2)}, types.RowOf(types.Field{Name: "a", Type: types.String}, types.Field{Name: "b", Type: types.Int})},
	}
	for _, c := range cases {
		enc, err := EncodeValue(nil, c.v, c.t)
		if err != nil {
			t.Fatalf("%v: %v", c.v, err)
		}
		got, rest, err := DecodeValue(enc, c.t)
		if err != nil || len(rest) != 0 {
			t.Fatalf("%v: decode err %v, %d bytes left", c.v, err, len(rest))
		}
		if !reflect.DeepEqual(got, c.v) {
			t.Errorf("round trip of %#v gave %#v", c.v, got)
		}
		if _, _, err := DecodeValue(enc[:len(enc)-1], c.t); c.v != nil && err == nil {
			t.Errorf("%v: truncated encoding decoded", c.v)
		}
	}
	if _, err := EncodeValue(nil, "x", types.Int); err == nil {
		t.Error("encoding a string as INT succeeded")
	}
}

var (
	countDesc = StateDescriptor{Name: "count", Type: types.BigInt}
	listDesc  = StateDescriptor{Name: "seen", Type: types.String}
	mapDesc   = StateDescriptor{Name: "perItem", Type: types.BigInt, KeyType: types.String}
)

// backendCtor builds a backend owning r with clock now (nil: the wall
// clock); every backend test runs against each of them.
type backendCtor func(t *testing.T, r KeyGroupRange, now func() time.Time) Backend

var backends = []struct {
	name string
	new  backendCtor
}{
	{"memory", func(_ *testing.T, r KeyGroupRange, now func() time.Time) Backend {
		if now == nil {
			return NewMemoryBackend(r)
		}
		return NewMemoryBackend(r, WithClock(now))
	}},
	{"pebble", newTestPebble},
}

func TestBackend(t *testing.T) {
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) { testBackend(t, bk.new) })
	}
}

func testBackend(t *testing.T, newBackend backendCtor) {
	b := newBackend(t, KeyGroupRange{0, 9}, nil)
	v, _ := b.Value(countDesc)
	if _, _, err := v.Value(); !errors.Is(err, ErrNoCurrentKey) {
		t.Fatalf("err = %v, want ErrNoCurrentKey", err)
	}
	var kgErr *KeyGroupError
	if err := b.SetCurrentKey([]byte("k"), 10); !errors.As(err, &kgErr) {
		t.Fatalf("err = %v, want *KeyGroupError", err)
	}
	l, _ := b.List(listDesc)
	m, _ := b.Map(mapDesc)
	for i, key := range []string{"a", "b", "a"} {
		_ = b.SetCurrentKey([]byte(key), len(key)+i%2)
		n, _, _ := v.Value()
		c, _ := n.(int64)
		if err := v.Update(c + 1); err != nil {
			t.Fatal(err)
		}
	}
	_ = b.SetCurrentKey([]byte("a"), 1)
	if got, ok, _ := v.Value(); !ok || got != int64(2) {
		t.Errorf("a@1 = %v %v", got, ok)
	}
	_ = l.Add("x")
	_ = l.Add("y")
	_ = m.Put("p", int64(5))
	_ = m.Put("q", int64(6))
	_ = m.Remove("q")
	if got, _ := l.Get(); !reflect.DeepEqual(got, []any{"x", "y"}) {
		t.Errorf("list = %v", got)
	}
	if got, ok, _ := m.Get("p"); !ok || got != int64(5) {
		t.Errorf("map p = %v", got)
	}
	if _, ok, _ := m.Get("q"); ok {
		t.Error("removed entry still there")
	}
	if _, err := b.Map(StateDescriptor{Name: "count"}); err == nil {
		t.Error("redeclaring a value state as a map succeeded")
	}
	v.Clear()
	if _, ok, _ := v.Value(); ok {
		t.Error("cleared value still there")
	}
}

func TestTTL(t *testing.T) {
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) { testTTL(t, bk.new) })
	}
}

func testTTL(t *testing.T, newBackend backendCtor) {
	now := time.Unix(1000, 0)
	b := newBackend(t, KeyGroupRange{0, 0}, func() time.Time { return now })
	d := countDesc
	d.TTL = time.Minute
	v, _ := b.Value(d)
	_ = b.SetCurrentKey([]byte("k"), 0)
	_ = v.Update(int64(1))
	now = now.Add(59 * time.Second)
	if _, ok, _ := v.Value(); !ok {
		t.Fatal("expired too early")
	}
	now = now.Add(time.Second)
	if _, ok, _ := v.Value(); ok {
		t.Fatal("expired value returned")
	}
}

// A snapshot split by key-group range and restored into two backends (a
// rescale from 1 to 2 subtasks) keeps every key where it belongs; each
// backend restores the other's snapshots.
func TestSnapshotRestoreRescale(t *testing.T) {
	for _, from := range backends {
		for _, to := range backends {
			t.Run(from.name+"_to_"+to.name, func(t *testing.T) { testSnapshotRestoreRescale(t, from.new, to.new) })
		}
	}
}

func testSnapshotRestoreRescale(t *testing.T, newSrc, newDst backendCtor) {
	src := newSrc(t, KeyGroupRange{0, 7}, nil)
	v, _ := src.Value(countDesc)
	m, _ := src.Map(mapDesc)
	l, _ := src.List(listDesc)
	for kg := 0; kg < 8; kg++ {
		_ = src.SetCurrentKey([]byte{byte('a' + kg)}, kg)
		_ = v.Update(int64(kg))
		_ = m.Put("item", int64(kg*10))
		_ = l.Update([]any{"x", "y"})
	}
	var snap bytes.Buffer
	if err := src.Snapshot(&snap, src.KeyGroupRange()); err != nil {
		t.Fatal(err)
	}
	for sub := 0; sub < 2; sub++ {
		dst := newDst(t, RangeForSubtask(8, 2, sub), nil)
		// Restore before and after declaring the states both work.
		var dv ValueState
		if sub == 0 {
			dv, _ = dst.Value(countDesc)
		}
		if err := dst.Restore(bytes.NewReader(snap.Bytes())); err != nil {
			t.Fatal(err)
		}
		if dv == nil {
			dv, _ = dst.Value(countDesc)
		}
		dm, _ := dst.Map(mapDesc)
		dl, _ := dst.List(listDesc)
		for kg := 0; kg < 8; kg++ {
			err := dst.SetCurrentKey([]byte{byte('a' + kg)}, kg)
			if !dst.KeyGroupRange().Contains(kg) {
				if err == nil {
					t.Errorf("subtask %d accepted key group %d", sub, kg)
				}
				continue
			}
			if got, ok, _ := dv.Value(); !ok || got != int64(kg) {
				t.Errorf("subtask %d kg %d: value %v %v", sub, kg, got, ok)
			}
			if got, _, _ := dm.Get("item"); got != int64(kg*10) {
				t.Errorf("subtask %d kg %d: map %v", sub, kg, got)
			}
			if got, _ := dl.Get(); !reflect.DeepEqual(got, []any{"x", "y"}) {
				t.Errorf("subtask %d kg %d: list %v", sub, kg, got)
			}
		}
	}
	var se *SnapshotError
	if err := newDst(t, KeyGroupRange{0, 7}, nil).Restore(bytes.NewReader(snap.Bytes()[:20])); !errors.As(err, &se) {
		t.Errorf("truncated snapshot: err = %v", err)
	}
	if err := newDst(t, KeyGroupRange{0, 7}, nil).Restore(bytes.NewReader([]byte("garbage!garbage"))); !errors.As(err, &se) {
		t.Errorf("garbage snapshot: err = %v", err)
	}
}

func FuzzRestore(f *testing.F) {
	src := NewMemoryBackend(KeyGroupRange{0, 3})
	v, _ := src.Value(countDesc)
	_ = src.SetCurrentKey([]byte("k"), 1)
	_ = v.Update(int64(7))
	var snap bytes.Buffer
	_ = src.Snapshot(&snap, src.KeyGroupRange())
	f.Add(snap.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewMemoryBackend(KeyGroupRange{0, 3})
		_ = b.Restore(bytes.NewReader(data))
	})
}
