package canal

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
		{name: "insert",
			records: []string{`{"data":[{"id":"101","name":"scooter","weight":"3.14"},{"id":"102","name":"ball","weight":null}],"database":"inventory","table":"products","isDdl":false,"type":"INSERT"}`},
			want:    "+I[101, scooter, 3.14]; +I[102, ball, NULL]"},
		{name: "update keeps unchanged fields in before",
			records: []string{`{"data":[{"id":"111","name":"scooter","weight":"5.18"},{"id":"112","name":"ball","weight":"1"}],"old":[{"weight":"5.15"},{"name":"bal"}],"type":"UPDATE"}`},
			want:    "-U[111, scooter, 5.15]; +U[111, scooter, 5.18]; -U[112, bal, 1.0]; +U[112, ball, 1.0]"},
		{name: "delete",
			records: []string{`{"data":[{"id":"111","name":"scooter","weight":"5.18"}],"type":"DELETE"}`},
			want:    "-D[111, scooter, 5.18]"},
		{name: "ddl skipped",
			records: []string{`{"data":null,"type":"CREATE","isDdl":true,"sql":"CREATE TABLE x (id INT)"}`, `{"type":"ALTER","isDdl":true}`},
			want:    ""},
		{name: "database and table filters", opts: map[string]string{OptDatabaseInclude: "inv.*", OptTableInclude: "products"},
			records: []string{`{"data":[{"id":1}],"database":"inventory","table":"products","type":"INSERT"}`,
				`{"data":[{"id":2}],"database":"other","table":"products","type":"INSERT"}`,
				`{"data":[{"id":3}],"database":"inventory","table":"products_old","type":"INSERT"}`},
			want: "+I[1, NULL, NULL]"},
		{name: "unknown type",
			records: []string{`{"data":[{"id":1}],"type":"UPSERT"}`},
			err:     `failed to deserialize Canal JSON '{"data":[{"id":1}],"type":"UPSERT"}': Unknown "type" value "UPSERT".`},
		{name: "update without old",
			records: []string{`{"data":[{"id":1}],"type":"UPDATE"}`},
			err:     `an UPDATE message needs a "data" and an "old" array of equal length`},
		{name: "bad value in second row fails the message",
			records: []string{`{"data":[{"id":1},{"id":"x"}],"type":"INSERT"}`},
			err:     `field 'id': cannot parse 'x' as INT`},
		{name: "ignore parse errors", opts: map[string]string{OptIgnoreParseErrors: "true"},
			records: []string{`{"data":[{"id":1},{"id":"x"}],"type":"INSERT"}`, `{`, `{"data":[{"id":2}],"type":"INSERT"}`},
			want:    "+I[2, NULL, NULL]"},
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
	if err := d.Decode([]byte(`{"data":[{"id":1,"name":"b","weight":2}],"old":[{"name":"a"}],"type":"UPDATE"}`)); err != nil {
		t.Fatal(err)
	}
	b := d.Flush()
	e, err := NewEncoder(products, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < b.Len(); i++ {
		out, _ := e.Encode(b, i, nil)
		got = append(got, string(out))
	}
	want := `{"data":[{"id":1,"name":"a","weight":2.0}],"type":"DELETE"}` + "\n" +
		`{"data":[{"id":1,"name":"b","weight":2.0}],"type":"INSERT"}`
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

func TestBadRegex(t *testing.T) {
	_, err := NewRecordDecoder(products, map[string]string{OptTableInclude: "("}, nil)
	if err == nil || !strings.Contains(err.Error(), "invalid regular expression") {
		t.Fatalf("got %v", err)
	}
}
