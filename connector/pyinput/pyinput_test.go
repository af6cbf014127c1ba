package pyinput

import (
	"context"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// TestSourceCasts registers pandas-like columns (large strings, a
// dictionary, an all-null column, nanosecond timestamps) and reads them
// back as the table's types.
func TestSourceCasts(t *testing.T) {
	mem := memory.DefaultAllocator
	ls := array.NewLargeStringBuilder(mem)
	ls.AppendValues([]string{"a", "b"}, nil)
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	_ = db.AppendString("x")
	_ = db.AppendString("x")
	nb := array.NewNullBuilder(mem)
	nb.AppendNulls(2)
	ts := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond})
	ts.AppendValues([]arrow.Timestamp{1_500_000_000, 0}, nil)
	cols := []arrow.Array{ls.NewArray(), db.NewArray(), nb.NewArray(), ts.NewArray()}
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = arrow.Field{Name: string(rune('a' + i)), Type: c.DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fs, nil), cols, 2)
	id := Register([]arrow.RecordBatch{rec})
	defer Drop(id)

	s := types.NewSchema(
		types.Field{Name: "a", Type: types.String},
		types.Field{Name: "b", Type: types.String},
		types.Field{Name: "c", Type: types.BigInt},
		types.Field{Name: "d", Type: types.Timestamp(6)},
	)
	src, _ := newSource(&connector.Table{Name: "t", Schema: s, Options: map[string]string{OptID: id}})
	if err := src.Open(context.Background(), connector.Task{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	b, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	got := [2][]any{b.Row(0), b.Row(1)}
	if got[0][0] != "a" || got[0][1] != "x" || got[0][2] != nil || got[1][0] != "b" {
		t.Errorf("rows = %v", got)
	}
	if _, err := src.Next(context.Background()); err != io.EOF {
		t.Errorf("after the data: %v, want io.EOF", err)
	}
	if err := Bind(id, types.NewSchema(types.Field{Name: "a", Type: types.Int})); err == nil {
		t.Error("binding 4 columns to a 1-column schema succeeded")
	}
	if err := Bind("nope", s); err == nil {
		t.Error("binding an unknown id succeeded")
	}
}
