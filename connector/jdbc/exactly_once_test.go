package jdbc

import (
	"encoding/binary"
	"testing"

	"github.com/spry-engine/spry/types"
)

// TestStateRoundTrip: the pending checkpoints of an exactly-once sink
// survive encoding with their subtask, id and rows.
func TestStateRoundTrip(t *testing.T) {
	b1, b2 := kvBatch([]int64{1, 2}, nil), kvBatch([]int64{3}, nil)
	var cs []eoCheckpoint
	for i, bs := range [][]*types.Batch{{b1, b2}, {b2}} {
		data, err := encodeRows(kvSchema, bs)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, eoCheckpoint{Subtask: 3, ID: int64(7 + i), Rows: bs, Data: data})
	}
	st, err := decodeState(kvSchema, encodeState(eoState{Subtask: 3, Lineage: "abc", Pending: cs}))
	if err != nil {
		t.Fatal(err)
	}
	got := st.Pending
	if st.Subtask != 3 || st.Lineage != "abc" || len(got) != 2 || got[0].ID != 7 || got[1].ID != 8 || got[0].Subtask != 3 || got[1].Lineage != "abc" {
		t.Fatalf("decoded %+v", st)
	}
	rows := 0
	for _, b := range got[0].Rows {
		rows += b.Len()
	}
	if rows != 3 || got[0].Rows[1].Row(0)[1] != "v3" {
		t.Fatalf("checkpoint 7 decoded with %d rows", rows)
	}
}

// TestStateVersion1: a state written before lineage tokens existed (the
// version byte, the count, the entries) still restores; its subtask comes
// from its entries and its lineage is unknown.
func TestStateVersion1(t *testing.T) {
	data := mustRows(t)
	v1 := []byte{stateVersion1, 1, 5}                // one entry of subtask 5
	v1 = binary.AppendVarint(v1, 9)                  // checkpoint 9
	v1 = binary.AppendUvarint(v1, uint64(len(data))) // its rows
	v1 = append(v1, data...)
	st, err := decodeState(kvSchema, v1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Subtask != 5 || st.Lineage != "" || len(st.Pending) != 1 || st.Pending[0].ID != 9 {
		t.Fatalf("decoded %+v", st)
	}
	if st, err := decodeState(kvSchema, []byte{stateVersion1, 0}); err != nil || st.Subtask != -1 {
		t.Fatalf("empty version 1 state: %+v, %v", st, err)
	}
}

// TestCorruptState: a damaged state is an error, never a panic.
func TestCorruptState(t *testing.T) {
	good := encodeState(eoState{Lineage: "l", Pending: []eoCheckpoint{{ID: 1, Data: mustRows(t)}}})
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"version", []byte{9}},
		{"truncated count", []byte{1}},
		{"truncated entry", good[:len(good)/2]},
		{"bad rows", append([]byte{1, 1, 0, 2, 3}, "abc"...)},
		{"truncated lineage", []byte{2, 0, 9, 'a'}},
	} {
		if _, err := decodeState(kvSchema, tc.b); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func mustRows(t testing.TB) []byte {
	d, err := encodeRows(kvSchema, []*types.Batch{kvBatch([]int64{1}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func FuzzDecodeState(f *testing.F) {
	f.Add(encodeState(eoState{Lineage: "l", Pending: []eoCheckpoint{{ID: 1, Data: mustRows(f)}}}))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeState(kvSchema, b) //nolint:errcheck // must not panic
	})
}
