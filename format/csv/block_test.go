package csv

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// rowsOf renders every row of the decoder's batches.
func rowsOf(bs []*types.Batch) string {
	var sb strings.Builder
	for _, b := range bs {
		for i := 0; i < b.Len(); i++ {
			fmt.Fprintf(&sb, "%v\n", b.Row(i))
		}
	}
	return sb.String()
}

// decodeRecords is the reference: records cut by the format's split
// function, each given to Decode.
func decodeRecords(t *testing.T, schema *types.Schema, opts map[string]string, data string) (string, error) {
	d, err := NewDecoder(schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := parseConfig(opts)
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Split(cfg.split)
	var out []*types.Batch
	for sc.Scan() {
		if err := d.Decode(sc.Bytes()); err != nil {
			return rowsOf(append(out, d.Flush())), err
		}
	}
	return rowsOf(append(out, d.Flush())), nil
}

// decodeBlocks feeds data to DecodeBlock as the filesystem source does,
// revealing at most chunk more bytes at a time and flushing every 3 rows.
func decodeBlocks(t *testing.T, schema *types.Schema, opts map[string]string, data string, chunk int) (string, error) {
	dec, err := NewDecoder(schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	d := dec.(*Decoder)
	var out []*types.Batch
	pos, avail := 0, 0
	for pos < len(data) {
		eof := avail >= len(data)
		n, err := d.DecodeBlock([]byte(data[pos:avail]), eof, len(data)+1, 3)
		if err != nil {
			return rowsOf(append(out, d.Flush())), err
		}
		pos += n
		if d.Len() >= 3 {
			out = append(out, d.Flush())
		}
		if n == 0 {
			if eof {
				t.Fatalf("no progress at EOF at %d of %q", pos, data)
			}
			avail = min(avail+chunk, len(data))
		}
	}
	return rowsOf(append(out, d.Flush())), nil
}

func TestDecodeBlockMatchesDecode(t *testing.T) {
	str := types.NewSchema(types.Field{Name: "a", Type: types.String}, types.Field{Name: "b", Type: types.String})
	mixed := types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "s", Type: types.String},
		types.Field{Name: "d", Type: types.Double})
	tests := []struct {
		name   string
		schema *types.Schema
		opts   map[string]string
		data   string
	}{
		{"strings", str, nil, "a,b\nc,d\n\ne,f\r\ng,\n,h\nlast,row"},
		{"quotes", str, nil, "\"x,y\",z\n\"multi\nline\",2\n\"a\"\"b\",c\nplain,\"q\"\n"},
		{"comments", str, map[string]string{OptAllowComments: "true"}, "#c1\na,b\n# \"x\nc,d\n"},
		{"null literal", str, map[string]string{OptNullLiteral: "N"}, "N,a\nb,N\nN,N\n"},
		{"missing field", str, nil, "a,b\nonly\nc,d\n"},
		{"missing field ignored", str, map[string]string{OptIgnoreParseErrors: "true"}, "a,b\nonly\nc,d\n"},
		{"escape", str, map[string]string{OptEscapeCharacter: "\\"}, "a\\,b,c\nd,e\\\nf\n"},
		{"tab", str, map[string]string{OptFieldDelimiter: "\t"}, "a\tb\nc,d\te\n"},
		{"mixed", mixed, nil, "1,a,1.5\n2,,2\n3,\"c\",3e2\n"},
		{"mixed bad", mixed, nil, "1,a,1.5\nx,b,2\n3,c,3\n"},
		{"mixed bad ignored", mixed, map[string]string{OptIgnoreParseErrors: "true"}, "1,a,1.5\nx,b,2\n3,c,x\n"},
		{"unterminated quote", str, nil, "a,b\n\"open,c\nd,e"},
	}
	for _, tc := range tests {
		want, wantErr := decodeRecords(t, tc.schema, tc.opts, tc.data)
		for _, chunk := range []int{1, 2, 5, 1 << 20} {
			got, err := decodeBlocks(t, tc.schema, tc.opts, tc.data, chunk)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s chunk %d: error %v, want %v", tc.name, chunk, err, wantErr)
			}
			if got != want {
				t.Errorf("%s chunk %d: got\n%s\nwant\n%s", tc.name, chunk, got, want)
			}
		}
	}
}

func TestLineHazards(t *testing.T) {
	tests := []struct {
		opts map[string]string
		want []byte
	}{
		{nil, []byte{'"'}},
		{map[string]string{OptDisableQuoteCharacter: "true"}, []byte{}},
		{map[string]string{OptQuoteCharacter: "'", OptEscapeCharacter: "\\"}, []byte{'\'', '\\'}},
	}
	for _, tc := range tests {
		d, err := NewDecoder(types.NewSchema(types.Field{Name: "a", Type: types.String}), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.(*Decoder).LineHazards(); !bytes.Equal(got, tc.want) {
			t.Errorf("%v: got %q, want %q", tc.opts, got, tc.want)
		}
	}
}

// TestStrColumnNulls checks the validity bitmap of directly built STRING
// columns across growth and flushes.
func TestStrColumnNulls(t *testing.T) {
	c := newStrColumn()
	for round := 0; round < 2; round++ {
		for i := 0; i < 3000; i++ {
			if i%7 == 3 {
				c.null()
			} else {
				c.add([]byte(fmt.Sprint(i)))
			}
		}
		a := c.newArray()
		if a.Len() != 3000 {
			t.Fatalf("len %d", a.Len())
		}
		for i := 0; i < 3000; i++ {
			v := types.Value(a, i)
			if (i%7 == 3) != (v == nil) || (v != nil && v.(string) != fmt.Sprint(i)) {
				t.Fatalf("round %d row %d: %v", round, i, v)
			}
		}
	}
}

var _ format.Decoder = (*Decoder)(nil)

// FuzzDecodeBlock checks that DecodeBlock, however the data is revealed,
// decodes exactly what Decode does record by record.
func FuzzDecodeBlock(f *testing.F) {
	for _, s := range []string{"a,b\nc,d\n", "\"x\ny\",z\n\r\n#c\n", "a\\\nb,c", "N,\"\"\"\",\n,\n", "1,x,2.5\n"} {
		f.Add(s, uint8(3))
	}
	strs := types.NewSchema(types.Field{Name: "a", Type: types.String}, types.Field{Name: "b", Type: types.String})
	mixed := types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "s", Type: types.String},
		types.Field{Name: "d", Type: types.Double})
	optSets := []map[string]string{nil, {OptAllowComments: "true", OptNullLiteral: "N"},
		{OptEscapeCharacter: "\\", OptIgnoreParseErrors: "true"}, {OptDisableQuoteCharacter: "true"}}
	f.Fuzz(func(t *testing.T, data string, chunk uint8) {
		for _, schema := range []*types.Schema{strs, mixed} {
			for _, opts := range optSets {
				want, wantErr := decodeRecords(t, schema, opts, data)
				got, err := decodeBlocks(t, schema, opts, data, int(chunk)+1)
				if fmt.Sprint(err) != fmt.Sprint(wantErr) || got != want {
					t.Fatalf("opts %v data %q: block %q, %v; records %q, %v", opts, data, got, err, want, wantErr)
				}
			}
		}
	})
}

// TestProject checks that a projected decoder emits the chosen columns in
// order, through both Decode and DecodeBlock, and ignores bad values in
// columns it does not read.
func TestProject(t *testing.T) {
	schema := types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "s", Type: types.String},
		types.Field{Name: "t", Type: types.String})
	data := "1,a,x\nbad,b,y\n3,\"c\",z\n"
	tests := []struct {
		cols []int
		want string
	}{
		{[]int{1}, "[a]\n[b]\n[c]\n"},
		{[]int{2, 1}, "[x a]\n[y b]\n[z c]\n"},
		{[]int{1, 1}, "[a a]\n[b b]\n[c c]\n"},
	}
	for _, tc := range tests {
		for _, block := range []bool{false, true} {
			dec, _ := NewDecoder(schema, nil)
			d := dec.(*Decoder)
			if err := d.Project(tc.cols); err != nil {
				t.Fatal(err)
			}
			if block {
				if _, err := d.DecodeBlock([]byte(data), true, len(data)+1, 100); err != nil {
					t.Fatalf("%v: %v", tc.cols, err)
				}
			} else {
				for _, rec := range strings.SplitAfter(data, "\n") {
					if err := d.Decode([]byte(rec)); err != nil {
						t.Fatalf("%v: %v", tc.cols, err)
					}
				}
			}
			b := d.Flush()
			if got := rowsOf([]*types.Batch{b}); got != tc.want || b.Schema.Len() != len(tc.cols) {
				t.Errorf("%v block=%v: got %q (schema %v), want %q", tc.cols, block, got, b.Schema.Names(), tc.want)
			}
		}
	}
	dec, _ := NewDecoder(schema, nil)
	if err := dec.(*Decoder).Project([]int{3}); err == nil {
		t.Error("out-of-range projection accepted")
	}
}
