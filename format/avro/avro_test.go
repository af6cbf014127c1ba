package avro

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow/array"
	"strings"
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/formattest"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

var wide = types.NewSchema(
	types.Field{Name: "id", Type: types.Int.NotNullable()},
	types.Field{Name: "name", Type: types.String},
	types.Field{Name: "price", Type: types.Decimal(10, 2)},
	types.Field{Name: "ts", Type: types.TimestampMs},
	types.Field{Name: "ts6", Type: types.Timestamp(6)},
	types.Field{Name: "d", Type: types.Date},
	types.Field{Name: "flag", Type: types.Boolean},
	types.Field{Name: "f", Type: types.Float},
	types.Field{Name: "big", Type: types.BigInt},
	types.Field{Name: "small", Type: types.SmallInt},
	types.Field{Name: "tags", Type: types.ArrayOf(types.String)},
	types.Field{Name: "attrs", Type: types.MapOf(types.String, types.Int)},
	types.Field{Name: "addr", Type: types.RowOf(types.Field{Name: "city", Type: types.String}, types.Field{Name: "zip", Type: types.Int})},
	types.Field{Name: "raw", Type: types.Bytes},
)

var wideJSON = []string{
	`{"id":1,"name":"alice","price":"12.34","ts":"2024-01-02 03:04:05.678","ts6":"2024-01-02 03:04:05.123456","d":"2024-02-29","flag":true,"f":1.5,"big":-9000000000,"small":-7,"tags":["a",null,"c"],"attrs":{"x":1,"y":null},"addr":{"city":"Oslo","zip":150},"raw":"AAH/"}`,
	`{"id":2,"price":"-0.01","tags":[],"attrs":{},"addr":null}`,
	`{"id":3,"price":"99999999.99","ts":"1969-12-31 23:59:59.999"}`,
}

// batchFromJSON builds a batch of schema from JSON records.
func batchFromJSON(t testing.TB, schema *types.Schema, recs []string) *types.Batch {
	t.Helper()
	d, err := json.NewDecoder(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := d.Decode([]byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	return d.Flush()
}

func encodeAll(t testing.TB, e format.Encoder, b *types.Batch) []string {
	t.Helper()
	var out []string
	for i := 0; i < b.Len(); i++ {
		rec, err := e.Encode(b, i, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(rec))
	}
	return out
}

// TestRoundTrip encodes every column type and decodes it back unchanged.
func TestRoundTrip(t *testing.T) {
	b := batchFromJSON(t, wide, wideJSON)
	e, err := NewEncoder(wide, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := formattest.Decode(t, wide, nil, NewRecordDecoder, encodeAll(t, e, b)...)
	if err != nil {
		t.Fatal(err)
	}
	want := formattest.Rows(b)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDerive checks the schema Flink's AvroSchemaConverter derives.
func TestDerive(t *testing.T) {
	s, err := Derive(types.NewSchema(
		types.Field{Name: "id", Type: types.BigInt.NotNullable()},
		types.Field{Name: "amount", Type: types.Decimal(10, 2)},
		types.Field{Name: "ts", Type: types.TimestampMs},
		types.Field{Name: "addr", Type: types.RowOf(types.Field{Name: "city", Type: types.String})},
	))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[` +
		`{"name":"id","type":"long"},` +
		`{"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}],"default":null},` +
		`{"name":"ts","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},` +
		`{"name":"addr","type":["null",{"type":"record","name":"record_addr","namespace":"org.apache.flink.avro.generated","fields":[{"name":"city","type":["null","string"],"default":null}]}],"default":null}]}`
	if got := s.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := ParseSchema(s.String()); err != nil {
		t.Errorf("derived schema does not parse: %v", err)
	}
	if _, err := Derive(types.NewSchema(types.Field{Name: "m", Type: types.MapOf(types.Int, types.Int)})); err == nil {
		t.Error("a map with INT keys should not derive")
	}
}

// TestWriterSchema reads records written with another schema: fields by
// name, unknown writer fields skipped, missing ones NULL, promotions.
func TestWriterSchema(t *testing.T) {
	w, err := ParseSchema(`{"type":"record","name":"Order","namespace":"shop","fields":[
		{"name":"extra","type":{"type":"array","items":{"type":"map","values":"double"}}},
		{"name":"id","type":"int"},
		{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
		{"name":"amount","type":"float"},
		{"name":"skipped","type":["null","Status", "string"]},
		{"name":"code","type":{"type":"fixed","name":"Code","size":2}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	var rec []byte
	rec = append(rec, 2, 2)   // extra: a block of one map, a block of one entry ...
	rec = append(rec, 2, 'k') // ... with one entry "k"
	rec = binary.LittleEndian.AppendUint64(rec, 0x3ff0000000000000)
	rec = append(rec, 0, 0) // end of map, end of array
	rec = appendLong(rec, 42)
	rec = appendLong(rec, 1)                                // PAID
	rec = binary.LittleEndian.AppendUint32(rec, 0x3fc00000) // 1.5
	rec = append(rec, 4, 4, 'h', 'i')                       // union branch 2: string "hi"
	rec = append(rec, 'A', 'B')                             // fixed
	table := types.NewSchema(
		types.Field{Name: "id", Type: types.BigInt},
		types.Field{Name: "amount", Type: types.Double},
		types.Field{Name: "status", Type: types.String},
		types.Field{Name: "code", Type: types.Bytes},
		types.Field{Name: "note", Type: types.String},
	)
	d, err := format.NewBatchDecoder(table, nil, func(s *types.Schema, _ map[string]string, bs []array.Builder) (format.RecordDecoder, error) {
		top, err := topReader(w, s, bs)
		return &Decoder{top: top}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(rec); err != nil {
		t.Fatal(err)
	}
	if got := formattest.Rows(d.Flush()); got[0] != "+I[42, 1.5, PAID, x'4142', NULL]" {
		t.Errorf("got %s", got[0])
	}
	if err := d.Decode(rec[:len(rec)-3]); err == nil || !strings.Contains(err.Error(), "unexpected end of record") {
		t.Errorf("truncated record: got %v", err)
	}
}

func TestEncodeNullInNotNull(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "id", Type: types.Int.NotNullable()})
	b := batchFromJSON(t, types.NewSchema(types.Field{Name: "id", Type: types.Int}), []string{`{}`})
	e, _ := NewEncoder(s, nil)
	if _, err := e.Encode(b, 0, nil); err == nil || !strings.Contains(err.Error(), "NULL in NOT NULL column") {
		t.Fatalf("got %v", err)
	}
}
