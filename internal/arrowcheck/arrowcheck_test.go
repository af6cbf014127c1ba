package arrowcheck

import (
	"bytes"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// stream writes a small valid IPC stream with nested, dictionary-free
// columns and metadata.
func stream(t testing.TB) []byte {
	t.Helper()
	md := arrow.NewMetadata([]string{"k"}, []string{"v"})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.BinaryTypes.String, Nullable: true}), Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64), Nullable: true},
	}, &md)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	sb := b.Field(1).(*array.StructBuilder)
	sb.AppendValues([]bool{true, true})
	sb.FieldBuilder(0).(*array.StringBuilder).AppendValues([]string{"p", "q"}, nil)
	lb := b.Field(2).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Float64Builder).Append(1.5)
	lb.AppendNull()
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckAcceptsValidStreams(t *testing.T) {
	if err := Check(stream(t)); err != nil {
		t.Fatalf("valid stream rejected: %v", err)
	}
	if err := Check(nil); err != nil {
		t.Fatalf("empty input: %v", err)
	}
}

// A schema whose fields vector claims 2^31 elements must be rejected
// before arrow-go sizes a slice from it.
func TestCheckRejectsHugeVectors(t *testing.T) {
	b := stream(t)
	found := false
	// Corrupt each 4-byte word of the schema message in turn to a huge
	// count; every result must be either accepted (the word was no
	// length) or rejected with *Error, never a panic.
	for i := 8; i+4 <= len(b) && i < 300; i += 4 {
		c := append([]byte(nil), b...)
		c[i], c[i+1], c[i+2], c[i+3] = 0xff, 0xff, 0xff, 0x7f
		err := Check(c)
		if errors.Is(err, ErrCorrupt) {
			found = true
		}
	}
	if !found {
		t.Fatal("no corruption detected")
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(stream(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		if Check(b) != nil {
			return
		}
		// What Check accepts, arrow-go may still reject or panic on
		// (callers recover), but must not exhaust memory on: read it all.
		defer func() { _ = recover() }()
		rd, err := ipc.NewReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		defer rd.Release()
		for rd.Next() {
		}
	})
}
