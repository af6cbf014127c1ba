package avro

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spry-engine/spry/types"
)

// Schema is a parsed Avro schema: a writer schema read from a schema
// registry, or the one derived from a table (Derive). Only the parts that
// decoding and encoding need are kept.
type Schema struct {
	Type      string // null, boolean, int, long, float, double, bytes, string, record, enum, array, map, fixed, union
	Logical   string // logicalType: date, time-millis, timestamp-millis, decimal, ...
	Precision int
	Scale     int
	Name      string // full name of a record, enum or fixed
	Fields    []SchemaField
	Items     *Schema   // array items, map values
	Branches  []*Schema // union
	Symbols   []string  // enum
	Size      int       // fixed
}

// SchemaField is a field of a record schema.
type SchemaField struct {
	Name string
	Type *Schema
}

// SchemaError is an Avro schema that cannot be parsed or used.
type SchemaError struct{ Msg string }

func (e *SchemaError) Error() string { return "avro schema: " + e.Msg }

// ParseSchema parses Avro's JSON schema syntax.
func ParseSchema(text string) (*Schema, error) {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, &SchemaError{fmt.Sprintf("invalid JSON: %v", err)}
	}
	return parse(v, map[string]*Schema{}, "")
}

func parse(v any, named map[string]*Schema, ns string) (*Schema, error) {
	switch t := v.(type) {
	case string:
		switch t {
		case "null", "boolean", "int", "long", "float", "double", "bytes", "string":
			return &Schema{Type: t}, nil
		}
		if s, ok := named[t]; ok {
			return s, nil
		}
		if s, ok := named[ns+"."+t]; ok {
			return s, nil
		}
		return nil, &SchemaError{fmt.Sprintf("unknown type %q", t)}
	case []any:
		u := &Schema{Type: "union"}
		for _, b := range t {
			s, err := parse(b, named, ns)
			if err != nil {
				return nil, err
			}
			u.Branches = append(u.Branches, s)
		}
		return u, nil
	case map[string]any:
		return parseComplex(t, named, ns)
	}
	return nil, &SchemaError{fmt.Sprintf("unexpected %T in schema", v)}
}

func parseComplex(m map[string]any, named map[string]*Schema, ns string) (*Schema, error) {
	typ, _ := m["type"].(string)
	s := &Schema{Type: typ}
	s.Logical, _ = m["logicalType"].(string)
	s.Precision, s.Scale = intAttr(m["precision"]), intAttr(m["scale"])
	switch typ {
	case "record", "error", "enum", "fixed":
		name, _ := m["name"].(string)
		if n, ok := m["namespace"].(string); ok && !strings.Contains(name, ".") && n != "" {
			name = n + "." + name
		} else if !strings.Contains(name, ".") && ns != "" {
			name = ns + "." + name
		}
		s.Name = name
		named[name] = s
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			ns = name[:i]
		}
	}
	switch typ {
	case "record", "error":
		s.Type = "record"
		fs, _ := m["fields"].([]any)
		for _, f := range fs {
			fm, ok := f.(map[string]any)
			if !ok {
				return nil, &SchemaError{"a record field must be an object"}
			}
			name, _ := fm["name"].(string)
			ft, err := parse(fm["type"], named, ns)
			if err != nil {
				return nil, err
			}
			s.Fields = append(s.Fields, SchemaField{Name: name, Type: ft})
		}
	case "enum":
		syms, _ := m["symbols"].([]any)
		for _, y := range syms {
			str, _ := y.(string)
			s.Symbols = append(s.Symbols, str)
		}
	case "fixed":
		s.Size = intAttr(m["size"])
	case "array", "map":
		key := "items"
		if typ == "map" {
			key = "values"
		}
		it, err := parse(m[key], named, ns)
		if err != nil {
			return nil, err
		}
		s.Items = it
	case "null", "boolean", "int", "long", "float", "double", "bytes", "string":
	default:
		// {"type": "name"} refers to a named type.
		if r, err := parse(typ, named, ns); err == nil {
			return r, nil
		}
		return nil, &SchemaError{fmt.Sprintf("unknown type %q", typ)}
	}
	return s, nil
}

func intAttr(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// Derive returns the Avro schema Flink's AvroSchemaConverter derives from
// a table's columns: a record "record" in namespace
// org.apache.flink.avro.generated, nested rows as records named
// <parent>_<field>, nullable columns as unions with "null" first.
func Derive(schema *types.Schema) (*Schema, error) {
	return deriveRow("org.apache.flink.avro.generated.record", schema.Fields)
}

func deriveRow(name string, fs []types.Field) (*Schema, error) {
	s := &Schema{Type: "record", Name: name}
	for _, f := range fs {
		t, err := derive(f.Type, name+"_"+f.Name)
		if err != nil {
			return nil, err
		}
		s.Fields = append(s.Fields, SchemaField{Name: f.Name, Type: t})
	}
	return s, nil
}

func derive(t types.DataType, rowName string) (*Schema, error) {
	var s *Schema
	switch t.Kind {
	case types.KindBoolean:
		s = &Schema{Type: "boolean"}
	case types.KindTinyInt, types.KindSmallInt, types.KindInt:
		s = &Schema{Type: "int"}
	case types.KindBigInt:
		s = &Schema{Type: "long"}
	case types.KindFloat:
		s = &Schema{Type: "float"}
	case types.KindDouble:
		s = &Schema{Type: "double"}
	case types.KindChar, types.KindVarChar:
		s = &Schema{Type: "string"}
	case types.KindBinary, types.KindVarBinary:
		s = &Schema{Type: "bytes"}
	case types.KindDecimal:
		s = &Schema{Type: "bytes", Logical: "decimal", Precision: t.Prec, Scale: t.Scale}
	case types.KindDate:
		s = &Schema{Type: "int", Logical: "date"}
	case types.KindTime:
		s = &Schema{Type: "int", Logical: "time-millis"}
	case types.KindTimestamp, types.KindTimestampLTZ:
		s = &Schema{Type: "long", Logical: "timestamp-millis"}
		if t.Prec > 3 {
			s.Logical = "timestamp-micros"
		}
	case types.KindArray:
		it, err := derive(*t.Elem, rowName)
		if err != nil {
			return nil, err
		}
		s = &Schema{Type: "array", Items: it}
	case types.KindMap, types.KindMultiset:
		if k := t.Elem.Kind; k != types.KindVarChar && k != types.KindChar {
			return nil, &SchemaError{fmt.Sprintf("Avro format doesn't support non-string as key type of map. The key type is: %s", *t.Elem)}
		}
		vt := types.Int.NotNullable()
		if t.Kind == types.KindMap {
			vt = *t.Value
		}
		it, err := derive(vt, rowName)
		if err != nil {
			return nil, err
		}
		s = &Schema{Type: "map", Items: it}
	case types.KindRow:
		r, err := deriveRow(rowName, t.Fields)
		if err != nil {
			return nil, err
		}
		s = r
	default:
		return nil, &SchemaError{fmt.Sprintf("unsupported to derive Schema for type: %s", t)}
	}
	if t.Nullable() {
		return &Schema{Type: "union", Branches: []*Schema{{Type: "null"}, s}}, nil
	}
	return s, nil
}

// String renders the schema as Avro JSON (what a schema registry stores).
func (s *Schema) String() string {
	var b strings.Builder
	s.write(&b, map[string]bool{})
	return b.String()
}

func (s *Schema) write(b *strings.Builder, seen map[string]bool) {
	if s.Name != "" && seen[s.Name] {
		b.WriteString(strconv.Quote(s.Name))
		return
	}
	switch s.Type {
	case "union":
		b.WriteByte('[')
		for i, br := range s.Branches {
			if i > 0 {
				b.WriteByte(',')
			}
			br.write(b, seen)
		}
		b.WriteByte(']')
		return
	case "record":
		seen[s.Name] = true
		ns, name := "", s.Name
		if i := strings.LastIndexByte(s.Name, '.'); i >= 0 {
			ns, name = s.Name[:i], s.Name[i+1:]
		}
		fmt.Fprintf(b, `{"type":"record","name":%s`, strconv.Quote(name))
		if ns != "" {
			fmt.Fprintf(b, `,"namespace":%s`, strconv.Quote(ns))
		}
		b.WriteString(`,"fields":[`)
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `{"name":%s,"type":`, strconv.Quote(f.Name))
			f.Type.write(b, seen)
			if f.Type.Type == "union" && len(f.Type.Branches) > 0 && f.Type.Branches[0].Type == "null" {
				b.WriteString(`,"default":null`)
			}
			b.WriteByte('}')
		}
		b.WriteString("]}")
		return
	case "array", "map":
		key := "items"
		if s.Type == "map" {
			key = "values"
		}
		fmt.Fprintf(b, `{"type":%q,%q:`, s.Type, key)
		s.Items.write(b, seen)
		b.WriteByte('}')
		return
	case "enum", "fixed":
		seen[s.Name] = true
		fmt.Fprintf(b, `{"type":%q,"name":%s`, s.Type, strconv.Quote(s.Name))
		if s.Type == "fixed" {
			fmt.Fprintf(b, `,"size":%d`, s.Size)
		} else {
			sy, _ := json.Marshal(s.Symbols)
			fmt.Fprintf(b, `,"symbols":%s`, sy)
		}
		b.WriteByte('}')
		return
	}
	if s.Logical == "" {
		b.WriteString(strconv.Quote(s.Type))
		return
	}
	fmt.Fprintf(b, `{"type":%q,"logicalType":%q`, s.Type, s.Logical)
	if s.Logical == "decimal" {
		fmt.Fprintf(b, `,"precision":%d,"scale":%d`, s.Precision, s.Scale)
	}
	b.WriteByte('}')
}
