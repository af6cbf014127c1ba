package debezium

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/formattest"
	"github.com/spry-engine/spry/types"
)

var products = types.NewSchema(
	types.Field{Name: "id", Type: types.Int},
	types.Field{Name: "name", Type: types.String},
	types.Field{Name: "weight", Type: types.Double},
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    map[string]string
		records []string
		want    string // rows joined by "; "
		err     string
	}{
		{name: "create and read",
			records: []string{`{"before":null,"after":{"id":1,"name":"scooter","weight":3.14},"op":"c","ts_ms":1}`,
				`{"after":{"id":2,"name":"ball"},"op":"r","source":{"db":"inventory"}}`},
			want: "+I[1, scooter, 3.14]; +I[2, ball, NULL]"},
		{name: "update",
			records: []string{`{"before":{"id":1,"name":"scooter","weight":3.14},"after":{"id":1,"name":"scooter","weight":5.1},"op":"u"}`},
			want:    "-U[1, scooter, 3.14]; +U[1, scooter, 5.1]"},
		{name: "delete and tombstone",
			records: []string{`{"before":{"id":1,"name":"scooter","weight":5.1},"after":null,"op":"d"}`, ``},
			want:    "-D[1, scooter, 5.1]"},
		{name: "schema include", opts: map[string]string{OptSchemaInclude: "true"},
			records: []string{`{"schema":{"type":"struct"},"payload":{"before":null,"after":{"id":7,"name":"x","weight":1},"op":"c"}}`},
			want:    "+I[7, x, 1.0]"},
		{name: "update without before",
			records: []string{`{"before":null,"after":{"id":1},"op":"u"}`},
			err:     `failed to deserialize Debezium JSON '{"before":null,"after":{"id":1},"op":"u"}': The "before" field of UPDATE message is null, if you are using Debezium Postgres Connector, please check the Postgres table has been set REPLICA IDENTITY to FULL level.`},
		{name: "unknown op",
			records: []string{`{"after":{"id":1},"op":"x"}`},
			err:     `failed to deserialize Debezium JSON '{"after":{"id":1},"op":"x"}': Unknown "op" value "x".`},
		{name: "schema without option",
			records: []string{`{"schema":{},"payload":{"after":{"id":1},"op":"c"}}`},
			err:     `set 'debezium-json.schema-include' = 'true'`},
		{name: "bad field",
			records: []string{`{"after":{"id":"one"},"op":"c"}`},
			err:     `field 'id': cannot parse 'one' as INT`},
		{name: "ignore parse errors", opts: map[string]string{OptIgnoreParseErrors: "true"},
			records: []string{`{"after":{"id":"one"},"op":"c"}`, `not json`, `{"op":"x"}`, `{"after":{"id":3},"op":"c"}`},
			want:    "+I[3, NULL, NULL]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := formattest.Decode(t, products, tc.opts, NewRecordDecoder, tc.records...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, "; "); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	d, _ := format.NewBatchDecoder(products, nil, NewRecordDecoder)
	for _, r := range []string{`{"after":{"id":1,"name":"a","weight":1.5},"op":"c"}`,
		`{"before":{"id":1,"name":"a","weight":1.5},"after":{"id":1,"name":"b","weight":1.5},"op":"u"}`,
		`{"before":{"id":1,"name":"b"},"op":"d"}`} {
		if err := d.Decode([]byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	b := d.Flush()
	e, err := NewEncoder(products, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < b.Len(); i++ {
		out, err := e.Encode(b, i, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(out))
	}
	want := []string{
		`{"before":null,"after":{"id":1,"name":"a","weight":1.5},"op":"c"}`,
		`{"before":{"id":1,"name":"a","weight":1.5},"after":null,"op":"d"}`,
		`{"before":null,"after":{"id":1,"name":"b","weight":1.5},"op":"c"}`,
		`{"before":{"id":1,"name":"b","weight":null},"after":null,"op":"d"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRegistered checks the format is found by name with its changelog
// mode, and that its options validate with the prefix.
func TestRegistered(t *testing.T) {
	opts := map[string]string{"format": Name, "debezium-json.schema-include": "true"}
	if m := format.ChangelogMode("format", opts); m != types.ModeAll {
		t.Errorf("source mode %s, want all", m)
	}
	if m := format.SinkChangelogMode("format", opts); m != types.ModeAll {
		t.Errorf("sink mode %s, want all", m)
	}
	if _, err := format.NewDecoder("format", products, opts); err != nil {
		t.Error(err)
	}
}
