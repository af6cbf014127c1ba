package raw

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

func schemaOf(t types.DataType) *types.Schema {
	return types.NewSchema(types.Field{Name: "v", Type: t})
}

// TestRoundTrip decodes records and encodes the rows back to the same
// bytes, for every column type and option the format has.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  types.DataType
		opts map[string]string
		rec  []byte
		want string // the decoded value as printed
	}{
		{"utf8", types.String, nil, []byte("héllo"), "héllo"},
		{"empty string", types.String, nil, []byte{}, ""},
		{"bytes", types.Bytes, nil, []byte{0, 1, 0xff}, "x'0001ff'"},
		{"latin1", types.String, map[string]string{"charset": "ISO-8859-1"}, []byte{'h', 0xe9}, "hé"},
		{"utf16le", types.String, map[string]string{"charset": "UTF-16LE"}, []byte{'h', 0, 0xe9, 0}, "hé"},
		{"utf16be", types.String, map[string]string{"charset": "utf-16be"}, []byte{0, 'h', 0xd8, 0x3d, 0xde, 0x00}, "h😀"},
		{"int big", types.Int, nil, []byte{0, 0, 1, 2}, "258"},
		{"int little", types.Int, map[string]string{"endianness": "little-endian"}, []byte{2, 1, 0, 0}, "258"},
		{"bigint", types.BigInt, nil, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}, "-2"},
		{"smallint", types.SmallInt, nil, []byte{0x80, 0}, "-32768"},
		{"tinyint", types.TinyInt, nil, []byte{0x7f}, "127"},
		{"boolean", types.Boolean, nil, []byte{1}, "TRUE"},
		{"double", types.Double, nil, []byte{0x3f, 0xf8, 0, 0, 0, 0, 0, 0}, "1.5"},
		{"float", types.Float, nil, []byte{0x3f, 0xc0, 0, 0}, "1.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := schemaOf(tc.typ)
			d, err := format.NewBatchDecoder(s, tc.opts, NewRecordDecoder)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Decode(tc.rec); err != nil {
				t.Fatal(err)
			}
			b := d.Flush()
			if got := types.Format(b.Row(0)[0], tc.typ, time.UTC, "NULL"); got != tc.want {
				t.Errorf("decoded %q, want %q", got, tc.want)
			}
			e, err := NewEncoder(s, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.Encode(b, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, tc.rec) {
				t.Errorf("encoded %x, want %x", out, tc.rec)
			}
		})
	}
}

func TestNullMessage(t *testing.T) {
	d, _ := format.NewBatchDecoder(schemaOf(types.String), nil, NewRecordDecoder)
	if err := d.Decode(nil); err != nil {
		t.Fatal(err)
	}
	b := d.Flush()
	if !b.Cols[0].IsNull(0) {
		t.Fatal("a null message should decode to NULL")
	}
	e, _ := NewEncoder(schemaOf(types.String), nil)
	if out, _ := e.Encode(b, 0, nil); len(out) != 0 {
		t.Fatalf("NULL encoded as %q", out)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema *types.Schema
		opts   map[string]string
		rec    []byte
		want   string
	}{
		{"two columns", types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "b", Type: types.Int}), nil, nil,
			"raw format: the 'raw' format only supports single physical column. However the defined schema contains multiple physical columns: 2"},
		{"bad charset", schemaOf(types.String), map[string]string{"charset": "EBCDIC"}, nil,
			"raw format: unsupported charset 'EBCDIC' for option 'charset'. Supported charsets are UTF-8, US-ASCII, ISO-8859-1, UTF-16BE, UTF-16LE, UTF-16."},
		{"bad endianness", schemaOf(types.Int), map[string]string{"endianness": "middle"}, nil,
			"raw format: unsupported endianness name: middle. Valid values of 'raw.endianness' option are 'big-endian' and 'little-endian'."},
		{"wrong width", schemaOf(types.Int), nil, []byte{1, 2},
			"failed to deserialize raw '\x01\x02': expected 4 bytes for INT, found 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := format.NewBatchDecoder(tc.schema, tc.opts, NewRecordDecoder)
			if err == nil {
				err = d.Decode(tc.rec)
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			var ce *ConfigError
			var de *format.DecodeError
			if !errors.As(err, &ce) && !errors.As(err, &de) {
				t.Fatalf("untyped error %T", err)
			}
		})
	}
}
