package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// registerRows is register_arrow for rows sent as JSON (docs/gateway.md):
// params name the columns and their Flink types, payload 0 holds the rows
// in the JSON rows form (see rowsjson.go). It lets from_elements run
// without pyarrow in the Python process.
func registerRows(s *session, params json.RawMessage, payloads [][]byte) (any, [][]byte, error) {
	p := struct {
		Name      string `json:"name"`
		Temporary *bool  `json:"temporary"`
		Columns   []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
	}{}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("name", p.Name); err != nil {
		return nil, nil, err
	}
	if len(p.Columns) == 0 {
		return nil, nil, &ProtocolError{`register_rows needs "columns": [{"name": ..., "type": ...}, ...]`}
	}
	if len(payloads) != 1 {
		return nil, nil, &ProtocolError{fmt.Sprintf("register_rows takes 1 payload (the rows as JSON), got %d", len(payloads))}
	}
	fields := make([]types.Field, len(p.Columns))
	for i, c := range p.Columns {
		t, err := parseType(c.Type)
		if err != nil {
			return nil, nil, err
		}
		if !jsonKind(t) {
			return nil, nil, &ProtocolError{fmt.Sprintf("column %s: type %s has no JSON rows form; send the rows with register_arrow", c.Name, c.Type)}
		}
		fields[i] = types.Field{Name: c.Name, Type: t}
	}
	sc := types.NewSchema(fields...)
	rec, err := rowsToRecord(sc, payloads[0])
	if err != nil {
		return nil, nil, err
	}
	defer rec.Release()
	return registerRecords(s, p.Name, p.Temporary == nil || *p.Temporary, rec.Schema(), []arrow.RecordBatch{rec})
}

// parseType reads a Flink type string as DESCRIBE prints it.
func parseType(text string) (types.DataType, error) {
	t := strings.TrimSpace(text)
	notNull := false
	if u := strings.ToUpper(t); strings.HasSuffix(u, " NOT NULL") {
		t, notNull = strings.TrimSpace(t[:len(t)-len(" NOT NULL")]), true
	}
	e, err := sql.ParseExpr("CAST(NULL AS " + t + ")")
	if err != nil {
		return types.DataType{}, &ProtocolError{fmt.Sprintf("invalid column type %q: %v", text, err)}
	}
	c, ok := e.(*sql.CastExpr)
	if !ok {
		return types.DataType{}, &ProtocolError{fmt.Sprintf("invalid column type %q", text)}
	}
	dt, err := plan.ConvertType(c.Type)
	if err != nil {
		return types.DataType{}, err
	}
	return dt.WithNullable(!notNull), nil
}

// rowsToRecord decodes a JSON array of rows into one record of schema sc.
func rowsToRecord(sc *types.Schema, payload []byte) (arrow.RecordBatch, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var rows [][]any
	if err := dec.Decode(&rows); err != nil {
		return nil, &ProtocolError{fmt.Sprintf("register_rows payload is not a JSON array of rows: %v", err)}
	}
	as := types.ArrowSchema(sc)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, as)
	defer bld.Release()
	for r, row := range rows {
		if len(row) != len(sc.Fields) {
			return nil, &ProtocolError{fmt.Sprintf("row %d has %d values, the columns are %d", r, len(row), len(sc.Fields))}
		}
		for c, v := range row {
			if err := appendJSONValue(bld.Field(c), sc.Fields[c].Type, v); err != nil {
				return nil, &ProtocolError{fmt.Sprintf("row %d, column %s: %v", r, sc.Fields[c].Name, err)}
			}
		}
	}
	return bld.NewRecordBatch(), nil
}

// appendJSONValue appends one decoded JSON value in its JSON rows form.
func appendJSONValue(b array.Builder, t types.DataType, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch t.Kind {
	case types.KindNull:
		b.AppendNull()
		return nil
	case types.KindBoolean:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("expected a boolean, got %v", v)
		}
		b.(*array.BooleanBuilder).Append(x)
		return nil
	case types.KindChar, types.KindVarChar:
		x, ok := v.(string)
		if !ok {
			return fmt.Errorf("expected a string, got %v", v)
		}
		b.(*array.StringBuilder).Append(x)
		return nil
	case types.KindBinary, types.KindVarBinary:
		x, ok := v.(string)
		if !ok {
			return fmt.Errorf("expected base64 text, got %v", v)
		}
		raw, err := base64.StdEncoding.DecodeString(x)
		if err != nil {
			return err
		}
		b.(*array.BinaryBuilder).Append(raw)
		return nil
	case types.KindFloat, types.KindDouble:
		f, err := jsonFloat(v)
		if err != nil {
			return err
		}
		if t.Kind == types.KindFloat {
			b.(*array.Float32Builder).Append(float32(f))
		} else {
			b.(*array.Float64Builder).Append(f)
		}
		return nil
	case types.KindDecimal:
		s := fmt.Sprint(v)
		n, err := decimal128.FromString(s, int32(t.Prec), int32(t.Scale))
		if err != nil {
			return fmt.Errorf("%q is not a DECIMAL(%d, %d): %v", s, t.Prec, t.Scale, err)
		}
		b.(*array.Decimal128Builder).Append(n)
		return nil
	}
	num, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("expected a number, got %v", v)
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return fmt.Errorf("expected an integer, got %s", num)
	}
	switch t.Kind {
	case types.KindTinyInt:
		if n < math.MinInt8 || n > math.MaxInt8 {
			return fmt.Errorf("%d is out of the range of TINYINT", n)
		}
		b.(*array.Int8Builder).Append(int8(n))
	case types.KindSmallInt:
		if n < math.MinInt16 || n > math.MaxInt16 {
			return fmt.Errorf("%d is out of the range of SMALLINT", n)
		}
		b.(*array.Int16Builder).Append(int16(n))
	case types.KindInt:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return fmt.Errorf("%d is out of the range of INT", n)
		}
		b.(*array.Int32Builder).Append(int32(n))
	case types.KindBigInt:
		b.(*array.Int64Builder).Append(n)
	case types.KindDate:
		b.(*array.Date32Builder).Append(arrow.Date32(n))
	case types.KindTime:
		b.(*array.Time32Builder).Append(arrow.Time32(n))
	case types.KindTimestamp, types.KindTimestampLTZ:
		b.(*array.TimestampBuilder).Append(arrow.Timestamp(n))
	default:
		return fmt.Errorf("type %s has no JSON rows form", t)
	}
	return nil
}

// jsonFloat reads a FLOAT/DOUBLE value: a number, or the text NaN,
// Infinity, -Infinity (JSON has no numbers for them).
func jsonFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return strconv.ParseFloat(string(x), 64)
	case string:
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("expected a number, got %v", v)
}
