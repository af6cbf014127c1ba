package gateway

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// TestRegisterRowsFetchJSON sends every flat type through register_rows
// and reads it back as JSON rows: the two forms must be each other's
// inverse.
func TestRegisterRowsFetchJSON(t *testing.T) {
	c := newClient(t, table.Settings{Batch: true, Parallelism: 1})
	cols := []map[string]string{
		{"name": "b", "type": "BOOLEAN"}, {"name": "ti", "type": "TINYINT"}, {"name": "i", "type": "INT NOT NULL"},
		{"name": "l", "type": "BIGINT"}, {"name": "f", "type": "FLOAT"}, {"name": "d", "type": "DOUBLE"},
		{"name": "dec", "type": "DECIMAL(10, 2)"}, {"name": "s", "type": "STRING"}, {"name": "bin", "type": "BYTES"},
		{"name": "dt", "type": "DATE"}, {"name": "tm", "type": "TIME(0)"}, {"name": "ts", "type": "TIMESTAMP(6)"},
		{"name": "ltz", "type": "TIMESTAMP_LTZ(3)"},
	}
	rows := `[[true,-128,1,9007199254740993,1.5,0.1,"12.50","a\"\n\u00e9","AAE=",19000,3723000,1700000000123456,-1],` +
		`[null,null,2,null,"NaN","-Infinity",null,null,null,null,null,null,null]]`
	r, _ := c.ok("register_rows", map[string]any{"name": "input", "columns": cols}, []byte(rows))
	if got := colString(r); !strings.HasPrefix(got, "b BOOLEAN?, ti TINYINT?, i INT NOT NULL, ") || r["rows"] != float64(2) {
		t.Fatalf("register_rows = %s %v", got, r)
	}
	r, _ = c.ok("execute_sql", map[string]any{"statement": "SELECT * FROM input"})
	res, p := c.ok("fetch", map[string]any{"result": r["result"], "with_kinds": true, "format": "json"})
	// The same values; strings are sent as UTF-8 and floats use Python's
	// tokens.
	want := `{"kinds":null,"rows":[[true,-128,1,9007199254740993,1.5,0.1,"12.50","a\"\n` + "\u00e9" + `","AAE=",19000,3723000,1700000000123456,-1],` +
		`[null,null,2,null,NaN,-Infinity,null,null,null,null,null,null,null]]}`
	if res["format"] != FormatJSON || string(p[0]) != want {
		t.Errorf("fetch = %v\n%s\nwant\n%s", res, p[0], want)
	}
}

func TestRegisterRowsErrors(t *testing.T) {
	c := newClient(t, table.Settings{Batch: true})
	for _, tc := range []struct {
		cols []map[string]string
		rows string
		want string
	}{
		{[]map[string]string{{"name": "a", "type": "ARRAY<INT>"}}, `[]`, "no JSON rows form"},
		{[]map[string]string{{"name": "a", "type": "INTT"}}, `[]`, "INTT"},
		{[]map[string]string{{"name": "a", "type": "TINYINT"}}, `[[200]]`, "out of the range of TINYINT"},
		{[]map[string]string{{"name": "a", "type": "INT"}}, `[[1, 2]]`, "row 0 has 2 values"},
		{[]map[string]string{{"name": "a", "type": "INT"}}, `{"a": 1}`, "not a JSON array of rows"},
		{[]map[string]string{{"name": "a", "type": "BOOLEAN"}}, `[["x"]]`, "expected a boolean"},
	} {
		_, e, _ := c.call("register_rows", map[string]any{"name": "t", "columns": tc.cols}, []byte(tc.rows))
		if e == nil || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%v %s: error %+v, want %q", tc.cols, tc.rows, e, tc.want)
		}
	}
}

// TestFetchJSONFallsBack: a nested column has no JSON form, so the rows
// come as Arrow and the result says so.
func TestFetchJSONFallsBack(t *testing.T) {
	c := newClient(t, table.Settings{Batch: true})
	r, _ := c.ok("execute_sql", map[string]any{"statement": "SELECT ARRAY[1, 2] AS a"})
	res, _ := c.ok("fetch", map[string]any{"result": r["result"], "format": "json"})
	if res["format"] != FormatArrow {
		t.Errorf("format = %v", res["format"])
	}
}

func TestEncodeRowsJSONKinds(t *testing.T) {
	mem := memory.DefaultAllocator
	sc := types.NewSchema(types.Field{Name: "w", Type: types.String}, types.Field{Name: "x", Type: types.Double})
	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"a", "b\x00\xff", "c", "d"}, []bool{true, true, true, false})
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{math.Inf(1), 1e21, 3, math.Copysign(0, -1)}, nil)
	b := types.NewBatch(sc, []arrow.Array{sb.NewArray(), fb.NewArray()}, []types.RowKind{types.UpdateBefore, types.UpdateAfter, types.Insert, types.Delete}, 4)
	got, err := encodeRowsJSON(sc, []*types.Batch{b}, true)
	want := `{"kinds":[1,2,0,3],"rows":[["a",Infinity],["b\u0000\ufffd",1e+21],["c",3.0],[null,-0.0]]}`
	if err != nil || string(got) != want {
		t.Errorf("encodeRowsJSON = %s, %v; want %s", got, err, want)
	}
	got, _ = encodeRowsJSON(sc, []*types.Batch{b}, false)
	if !strings.HasPrefix(string(got), `{"kinds":null,`) {
		t.Errorf("without kinds = %s", got)
	}
}

func BenchmarkEncodeRowsJSON(b *testing.B) {
	mem := memory.DefaultAllocator
	sc := types.NewSchema(types.Field{Name: "w", Type: types.String}, types.Field{Name: "n", Type: types.BigInt})
	sb := array.NewStringBuilder(mem)
	ib := array.NewInt64Builder(mem)
	for i := 0; i < 4096; i++ {
		sb.Append("word")
		ib.Append(int64(i))
	}
	batch := types.NewBatch(sc, []arrow.Array{sb.NewArray(), ib.NewArray()}, nil, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeRowsJSON(sc, []*types.Batch{batch}, true); err != nil {
			b.Fatal(err)
		}
	}
}
