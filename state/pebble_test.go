package state

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func newTestPebble(t *testing.T, r KeyGroupRange, now func() time.Time) Backend {
	return openTestPebble(t, t.TempDir(), r, now)
}

func openTestPebble(t testing.TB, dir string, r KeyGroupRange, now func() time.Time) *PebbleBackend {
	t.Helper()
	var opts []PebbleOption
	if now != nil {
		opts = append(opts, WithPebbleClock(now))
	}
	b, err := NewPebbleBackend(dir, r, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// A store checkpointed as files by two subtasks and restored by one and
// by three (rescaling) keeps every key; a second checkpoint shares the
// unchanged SSTables of the first (incremental).
func TestPebbleCheckpointRescale(t *testing.T) {
	const maxP = 12
	root := t.TempDir()
	var dirs []string
	for sub := 0; sub < 2; sub++ {
		b := openTestPebble(t, filepath.Join(root, "run", string(rune('a'+sub))), RangeForSubtask(maxP, 2, sub), nil)
		v, _ := b.Value(countDesc)
		m, _ := b.Map(mapDesc)
		l, _ := b.List(listDesc)
		for kg := b.rng.Start; kg <= b.rng.End; kg++ {
			_ = b.SetCurrentKey([]byte{byte('a' + kg)}, kg)
			_ = v.Update(int64(kg))
			_ = m.Put("item", int64(kg*10))
			_ = l.Add("x")
		}
		chk1 := filepath.Join(root, "chk-1", string(rune('a'+sub)))
		if err := b.Checkpoint(chk1); err != nil {
			t.Fatal(err)
		}
		_ = b.SetCurrentKey([]byte{byte('a' + b.rng.Start)}, b.rng.Start)
		_ = l.Add("y")
		chk2 := filepath.Join(root, "chk-2", string(rune('a'+sub)))
		if err := b.Checkpoint(chk2); err != nil {
			t.Fatal(err)
		}
		if shared := sharedSSTs(t, chk1, chk2); shared == 0 {
			t.Errorf("subtask %d: the second checkpoint shares no SSTable with the first", sub)
		}
		dirs = append(dirs, chk2)
	}
	for _, par := range []int{1, 3} {
		for sub := 0; sub < par; sub++ {
			dst := openTestPebble(t, t.TempDir(), RangeForSubtask(maxP, par, sub), nil)
			for _, d := range dirs {
				if err := dst.RestoreDir(d); err != nil {
					t.Fatal(err)
				}
			}
			v, _ := dst.Value(countDesc)
			m, _ := dst.Map(mapDesc)
			l, _ := dst.List(listDesc)
			for kg := dst.rng.Start; kg <= dst.rng.End; kg++ {
				_ = dst.SetCurrentKey([]byte{byte('a' + kg)}, kg)
				if got, ok, _ := v.Value(); !ok || got != int64(kg) {
					t.Errorf("par %d kg %d: value %v %v", par, kg, got, ok)
				}
				if got, _, _ := m.Get("item"); got != int64(kg*10) {
					t.Errorf("par %d kg %d: map %v", par, kg, got)
				}
				want := []any{"x"}
				if kg == 0 || kg == RangeForSubtask(maxP, 2, 1).Start {
					want = []any{"x", "y"}
				}
				if got, _ := l.Get(); !reflect.DeepEqual(got, want) {
					t.Errorf("par %d kg %d: list %v, want %v", par, kg, got, want)
				}
			}
			// Keys of other key groups were not copied.
			if n := countEntries(t, dst); n != 3*dst.rng.Len() {
				t.Errorf("par %d sub %d: %d entries, want %d", par, sub, n, 3*dst.rng.Len())
			}
		}
	}
}

func sharedSSTs(t *testing.T, a, b string) int {
	t.Helper()
	names := map[string]bool{}
	ea, _ := os.ReadDir(a)
	for _, e := range ea {
		if filepath.Ext(e.Name()) == ".sst" {
			names[e.Name()] = true
		}
	}
	eb, _ := os.ReadDir(b)
	n := 0
	for _, e := range eb {
		if names[e.Name()] {
			n++
		}
	}
	return n
}

func countEntries(t *testing.T, b *PebbleBackend) int {
	t.Helper()
	it, err := b.store.db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	n := 0
	for it.First(); it.Valid(); it.Next() {
		if it.Key()[0] != 0xFF {
			n++
		}
	}
	return n
}

// Map state: Range skips expired entries, Clear removes them all, and a
// key's entries never mix with those of a key it is a prefix of.
func TestPebbleMapPrefixes(t *testing.T) {
	now := time.Unix(0, 0)
	b := openTestPebble(t, t.TempDir(), KeyGroupRange{0, 0}, func() time.Time { return now })
	d := mapDesc
	d.TTL = time.Minute
	m, _ := b.Map(d)
	_ = b.SetCurrentKey([]byte("a"), 0)
	_ = m.Put("old", int64(1))
	now = now.Add(30 * time.Second)
	_ = m.Put("new", int64(2))
	_ = b.SetCurrentKey([]byte("ab"), 0)
	_ = m.Put("other", int64(3))
	_ = b.SetCurrentKey([]byte("a"), 0)
	now = now.Add(40 * time.Second)
	got := map[any]any{}
	_ = m.Range(func(k, v any) bool { got[k] = v; return true })
	if !reflect.DeepEqual(got, map[any]any{"new": int64(2)}) {
		t.Errorf("range = %v", got)
	}
	m.Clear()
	if !m.IsEmpty() {
		t.Error("cleared map not empty")
	}
	_ = b.SetCurrentKey([]byte("ab"), 0)
	if v, ok, _ := m.Get("other"); !ok || v != int64(3) {
		t.Errorf("clearing key a removed key ab's entry: %v %v", v, ok)
	}
}

func FuzzPebbleRestore(f *testing.F) {
	src := NewMemoryBackend(KeyGroupRange{0, 3})
	v, _ := src.Value(countDesc)
	m, _ := src.Map(mapDesc)
	_ = src.SetCurrentKey([]byte("k"), 1)
	_ = v.Update(int64(7))
	_ = m.Put("a", int64(1))
	var snap bytes.Buffer
	_ = src.Snapshot(&snap, src.KeyGroupRange())
	f.Add(snap.Bytes())
	// One store for every input: opening one costs more than a restore.
	b := openTestPebble(f, f.TempDir(), KeyGroupRange{0, 3}, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		if b.Restore(bytes.NewReader(data)) == nil {
			// Whatever was restored snapshots again.
			_ = b.Snapshot(io.Discard, b.KeyGroupRange())
		}
	})
}

// A checkpoint is adopted as the store only by an empty store owning all
// of its key groups, and stays usable itself.
func TestStoreAdopt(t *testing.T) {
	src := openTestPebble(t, t.TempDir(), KeyGroupRange{0, 5}, nil)
	v, _ := src.Value(countDesc)
	for kg := 0; kg <= 5; kg++ {
		_ = src.SetCurrentKey([]byte{byte(kg)}, kg)
		_ = v.Update(int64(kg))
	}
	chk := filepath.Join(t.TempDir(), "chk")
	if err := src.Checkpoint(chk); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		r     KeyGroupRange
		write bool
		want  bool
	}{
		{"owner of more key groups", KeyGroupRange{0, 11}, false, true},
		{"owner of fewer key groups", KeyGroupRange{0, 3}, false, false},
		{"store not empty", KeyGroupRange{0, 11}, true, false},
	}
	for _, c := range cases {
		dst := openTestPebble(t, t.TempDir(), c.r, nil)
		dv, _ := dst.Value(countDesc)
		if c.write {
			_ = dst.SetCurrentKey([]byte("x"), 0)
			_ = dv.Update(int64(-1))
		}
		ok, err := dst.store.Adopt(chk, c.r)
		if err != nil || ok != c.want {
			t.Errorf("%s: adopted %v, %v; want %v", c.name, ok, err, c.want)
		}
		if ok {
			_ = dst.SetCurrentKey([]byte{5}, 5)
			if got, _, _ := dv.Value(); got != int64(5) {
				t.Errorf("%s: adopted store reads %v", c.name, got)
			}
			_ = dv.Update(int64(50)) // writes go to the adopted store, not to chk
		}
	}
	again := openTestPebble(t, t.TempDir(), KeyGroupRange{0, 5}, nil)
	if err := again.store.CopyFrom(chk, again.rng); err != nil {
		t.Fatal(err)
	}
	av, _ := again.Value(countDesc)
	_ = again.SetCurrentKey([]byte{5}, 5)
	if got, _, _ := av.Value(); got != int64(5) {
		t.Errorf("the adopted checkpoint changed: %v", got)
	}
}
