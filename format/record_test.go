package format_test

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	_ "github.com/spry-engine/spry/format/avro"
	_ "github.com/spry-engine/spry/format/canal"
	_ "github.com/spry-engine/spry/format/csv"
	_ "github.com/spry-engine/spry/format/debezium"
	"github.com/spry-engine/spry/format/formattest"
	_ "github.com/spry-engine/spry/format/json"
	_ "github.com/spry-engine/spry/format/raw"
	"github.com/spry-engine/spry/types"
)

// message is a Kafka-like record: key and value bytes.
type message struct{ key, value string }

// TestKeyValueShape decodes messages the way a Kafka source does: the key
// with 'key.format' into the key column, the value with 'value.format'
// into the others, both into one set of builders, and checks that a bad
// key or value leaves the builders even.
func TestKeyValueShape(t *testing.T) {
	keySchema := types.NewSchema(types.Field{Name: "k", Type: types.String})
	valSchema := types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "name", Type: types.String})
	full := types.NewSchema(append(append([]types.Field{}, keySchema.Fields...), valSchema.Fields...)...)
	for _, tc := range []struct {
		name string
		opts map[string]string
		msgs []message
		want string
		err  string
	}{
		{name: "raw key, json value",
			opts: map[string]string{"key.format": "raw", "value.format": "json", "value.json.ignore-parse-errors": "true"},
			msgs: []message{{"a", `{"id":1,"name":"x"}`}, {"b", `oops`}, {"c", `{"id":2}`}},
			want: "+I[a, 1, x]; +I[c, 2, NULL]"},
		{name: "json key, csv value",
			opts: map[string]string{"key.format": "json", "value.format": "csv", "value.csv.field-delimiter": "|"},
			msgs: []message{{`{"k":"a"}`, `1|x`}, {`{"k":"b"}`, `2|`}},
			want: "+I[a, 1, x]; +I[b, 2, ]"},
		{name: "changelog value",
			opts: map[string]string{"key.format": "raw", "value.format": "debezium-json"},
			msgs: []message{{"a", `{"before":{"id":1,"name":"x"},"after":{"id":1,"name":"y"},"op":"u"}`}},
			want: "-U[a, 1, x]; +U[a, 1, y]"},
		{name: "bad key fails after the value parsed",
			opts: map[string]string{"key.format": "json", "value.format": "json"},
			msgs: []message{{`{"k":"a"}`, `{"id":1}`}, {`[1]`, `{"id":2}`}},
			err:  "failed to deserialize JSON '[1]': expected a JSON object, found array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := make([]array.Builder, len(full.Fields))
			for i, f := range full.Fields {
				bs[i] = types.NewBuilder(f.Type)
			}
			kd, err := format.NewRecordDecoder("key.format", keySchema, tc.opts, bs[:1])
			if err != nil {
				t.Fatal(err)
			}
			vd, err := format.NewRecordDecoder("value.format", valSchema, tc.opts, bs[1:])
			if err != nil {
				t.Fatal(err)
			}
			var kinds []types.RowKind
			for _, m := range tc.msgs {
				n, err := vd.Parse([]byte(m.value))
				if err == nil && n > 0 {
					_, err = kd.Parse([]byte(m.key))
				}
				if err != nil {
					if tc.err == "" || !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("got %v, want %q", err, tc.err)
					}
					break
				}
				for i := 0; i < n; i++ {
					kinds = append(kinds, vd.Append(i))
					kd.Append(0)
				}
			}
			cols := make([]arrow.Array, len(bs))
			for i, b := range bs {
				cols[i] = b.NewArray()
			}
			batch := types.NewBatch(full, cols, kinds, len(kinds))
			if err := batch.Validate(); err != nil {
				t.Fatal(err)
			}
			if tc.err != "" {
				return
			}
			if got := strings.Join(formattest.Rows(batch), "; "); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	for name, want := range map[string]types.ChangelogMode{"json": types.ModeInsertOnly, "raw": types.ModeInsertOnly,
		"debezium-json": types.ModeAll, "canal-json": types.ModeAll, "nope": types.ModeInsertOnly} {
		if got := format.ChangelogMode("value.format", map[string]string{"value.format": name}); got != want {
			t.Errorf("%s: changelog mode %s, want %s", name, got, want)
		}
	}
	_, err := format.NewRecordDecoder("format", types.NewSchema(), map[string]string{"format": "nope"}, nil)
	if err == nil || !strings.Contains(err.Error(), "could not find any format factory for identifier 'nope'") {
		t.Errorf("unknown format: %v", err)
	}
	for _, name := range format.Names() {
		f, _ := format.Lookup(name)
		if f.NewRecordDecoder == nil {
			t.Errorf("format %s has no record decoder", name)
		}
	}
}

// TestFlushTwice checks that the room reserved after a flush adds no rows
// to the next batch, for nested and string columns.
func TestFlushTwice(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "s", Type: types.String},
		types.Field{Name: "r", Type: types.RowOf(types.Field{Name: "x", Type: types.String})})
	for _, name := range []string{"json", "debezium-json"} {
		d, err := format.NewDecoder("format", s, map[string]string{"format": name})
		if err != nil {
			t.Fatal(err)
		}
		rec := `{"s":"abc","r":{"x":"y"}}`
		if name != "json" {
			rec = `{"after":` + rec + `,"op":"c"}`
		}
		for round, n := range []int{3, 1} {
			for i := 0; i < n; i++ {
				if err := d.Decode([]byte(rec)); err != nil {
					t.Fatal(err)
				}
			}
			b := d.Flush()
			if err := b.Validate(); err != nil || b.Len() != n {
				t.Fatalf("%s round %d: %d rows, %v", name, round, b.Len(), err)
			}
			if got := formattest.Rows(b)[n-1]; got != "+I[abc, (y)]" {
				t.Fatalf("%s round %d: %s", name, round, got)
			}
		}
	}
}
