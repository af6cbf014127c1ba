package jdbc

import (
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
	got, err := decodeState(kvSchema, encodeState(cs))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != 7 || got[1].ID != 8 || got[0].Subtask != 3 {
		t.Fatalf("decoded %+v", got)
	}
	rows := 0
	for _, b := range got[0].Rows {
		rows += b.Len()
	}
	if rows != 3 || got[0].Rows[1].Row(0)[1] != "v3" {
		t.Fatalf("checkpoint 7 decoded with %d rows", rows)
	}
}

// TestCorruptState: a damaged state is an error, never a panic.
func TestCorruptState(t *testing.T) {
	good := encodeState([]eoCheckpoint{{ID: 1, Data: mustRows(t)}})
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"version", []byte{9}},
		{"truncated count", []byte{1}},
		{"truncated entry", good[:len(good)/2]},
		{"bad rows", append([]byte{1, 1, 0, 2, 3}, "abc"...)},
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
	f.Add(encodeState([]eoCheckpoint{{ID: 1, Data: mustRows(f)}}))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeState(kvSchema, b) //nolint:errcheck // must not panic
	})
}
