package printer

import (
	"bytes"
	"testing"
	"time"

	"github.com/spry-engine/spry/types"
)

func wordSchema() *types.Schema {
	return types.NewSchema(types.Field{Name: "word", Type: types.String},
		types.Field{Name: "EXPR$1", Type: types.BigInt.NotNullable()})
}

func TestTableauStreaming(t *testing.T) {
	var buf bytes.Buffer
	p := NewTableau(&buf, wordSchema(), true, time.UTC, 0)
	p.Begin()
	p.Row(types.Insert, []any{"Apache Flink", int64(1)})
	p.Row(types.UpdateBefore, []any{"Apache Flink", int64(1)})
	p.Row(types.UpdateAfter, []any{"Apache Flink", int64(2)})
	p.End()
	want := `+----+--------------------------------+----------------------+
| op |                           word |               EXPR$1 |
+----+--------------------------------+----------------------+
| +I |                   Apache Flink |                    1 |
| -U |                   Apache Flink |                    1 |
| +U |                   Apache Flink |                    2 |
+----+--------------------------------+----------------------+
Received a total of 3 rows
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTableauBatch(t *testing.T) {
	var buf bytes.Buffer
	p := NewTableau(&buf, wordSchema(), false, time.UTC, 0)
	p.PrintAll([]types.RowKind{0, 0}, [][]any{{"Apache Flink", int64(2)}, {nil, int64(1)}})
	want := `+--------------+--------+
|         word | EXPR$1 |
+--------------+--------+
| Apache Flink |      2 |
|       <NULL> |      1 |
+--------------+--------+
2 rows in set
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	p.PrintAll(nil, nil)
	if buf.String() != "Empty set\n" {
		t.Errorf("empty: %q", buf.String())
	}
}

func TestTruncate(t *testing.T) {
	var buf bytes.Buffer
	s := types.NewSchema(types.Field{Name: "s", Type: types.String})
	p := NewTableau(&buf, s, false, time.UTC, 8)
	p.PrintAll([]types.RowKind{0}, [][]any{{"abcdefghijkl"}})
	if !bytes.Contains(buf.Bytes(), []byte("| abcde... |")) {
		t.Errorf("got\n%s", buf.String())
	}
}

func TestMaterialize(t *testing.T) {
	s := wordSchema()
	rows := Materialize([]types.RowKind{0, 1, 2}, [][]any{{"a", int64(1)}, {"a", int64(1)}, {"a", int64(2)}}, s)
	if len(rows) != 1 || rows[0][1] != int64(2) {
		t.Errorf("got %v", rows)
	}
	if got := RowString(types.UpdateAfter, []any{"a", nil}, s, time.UTC, "null"); got != "+U[a, null]" {
		t.Errorf("RowString = %q", got)
	}
}

func TestNarrowColumnTruncation(t *testing.T) {
	var buf bytes.Buffer
	s := types.NewSchema(types.Field{Name: "s", Type: types.String})
	p := NewTableau(&buf, s, false, time.UTC, 2)
	p.PrintAll([]types.RowKind{0}, [][]any{{"abcdef"}})
	if !bytes.Contains(buf.Bytes(), []byte("| .. |")) {
		t.Errorf("got\n%s", buf.String())
	}
}
