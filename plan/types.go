package plan

import (
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// ConvertType turns a data type as written in SQL into a logical type,
// with Flink's defaults for unwritten parameters (CHAR → CHAR(1),
// DECIMAL → DECIMAL(10, 0), TIMESTAMP → TIMESTAMP(6), ...).
func ConvertType(t *sql.DataType) (types.DataType, error) {
	p := func(i, def int) int {
		if i < len(t.Params) {
			return t.Params[i]
		}
		return def
	}
	var out types.DataType
	switch t.Name {
	case "BOOLEAN":
		out = types.Boolean
	case "TINYINT":
		out = types.TinyInt
	case "SMALLINT":
		out = types.SmallInt
	case "INT", "INTEGER":
		out = types.Int
	case "BIGINT":
		out = types.BigInt
	case "FLOAT", "REAL":
		out = types.Float
	case "DOUBLE":
		out = types.Double
	case "DECIMAL", "DEC", "NUMERIC":
		out = types.Decimal(p(0, types.DefaultDecimalPrecision), p(1, 0))
		if out.Prec < 1 || out.Prec > types.MaxDecimalPrecision || out.Scale < 0 || out.Scale > out.Prec {
			return out, errorf(t.Pos, ErrType, "Decimal precision must be between 1 and 38 and scale between 0 and precision, got DECIMAL(%d, %d)", out.Prec, out.Scale)
		}
	case "CHAR":
		out = types.Char(p(0, 1))
	case "VARCHAR":
		// Flink's SQL type system gives VARCHAR without a length the
		// largest one (VARCHAR = STRING), unlike CHAR, whose default is 1.
		out = types.VarChar(p(0, types.MaxLength))
	case "STRING":
		out = types.String
	case "BINARY":
		out = types.Binary(p(0, 1))
	case "VARBINARY":
		out = types.VarBinary(p(0, types.MaxLength)) // VARBINARY = BYTES, as VARCHAR
	case "BYTES":
		out = types.Bytes
	case "DATE":
		out = types.Date
	case "TIME":
		out = types.Time(p(0, types.DefaultTimePrecision))
	case "TIMESTAMP":
		out = types.Timestamp(p(0, types.DefaultTimestampPrecision))
		if t.WithLocalTZ {
			out.Kind = types.KindTimestampLTZ
		}
	case "TIMESTAMP_LTZ":
		out = types.TimestampLTZp(p(0, types.DefaultTimestampPrecision))
	case "INTERVAL":
		out = types.IntervalDT
		if q := t.Interval; q != nil {
			switch q.From {
			case "YEAR", "MONTH":
				out = types.IntervalYM
			default:
				out.Prec = 6
				if q.FracPrecision != sql.NoPrecision {
					out.Prec = q.FracPrecision
				} else if q.To == "SECOND" && q.ToPrecision != sql.NoPrecision {
					out.Prec = q.ToPrecision
				} else if q.From == "SECOND" && q.To == "" && q.FromPrecision != sql.NoPrecision && len(t.Params) > 1 {
					out.Prec = t.Params[1]
				}
			}
		}
	case "ARRAY", "MULTISET":
		if t.Elem == nil {
			return out, errorf(t.Pos, ErrType, "%s type needs an element type", t.Name)
		}
		e, err := ConvertType(t.Elem)
		if err != nil {
			return out, err
		}
		if t.Name == "ARRAY" {
			out = types.ArrayOf(e)
		} else {
			out = types.MultisetOf(e)
		}
	case "MAP":
		if t.Key == nil || t.Value == nil {
			return out, errorf(t.Pos, ErrType, "MAP type needs key and value types")
		}
		k, err := ConvertType(t.Key)
		if err != nil {
			return out, err
		}
		v, err := ConvertType(t.Value)
		if err != nil {
			return out, err
		}
		out = types.MapOf(k, v)
	case "ROW":
		fields := make([]types.Field, len(t.Fields))
		for i, f := range t.Fields {
			ft, err := ConvertType(f.Type)
			if err != nil {
				return out, err
			}
			fields[i] = types.Field{Name: f.Name, Type: ft}
			if f.Comment != nil {
				fields[i].Description = f.Comment.Value
			}
		}
		out = types.RowOf(fields...)
	case "NULL":
		return types.Null, nil
	default:
		return out, errorf(t.Pos, ErrUnsupported, "Unsupported type: %s", t.Name)
	}
	out.NotNull = t.NotNull
	return out, nil
}
